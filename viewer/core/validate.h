// Model-level validity checks in the spirit of pprof's CheckValid, for
// profiles built or transformed in memory. The decoder checks ids as it reads.
#pragma once

#include "profile.h"

namespace embers::core {

// Throws FormatError naming the first problem.
void checkValid(const Profile& p);

}  // namespace embers::core
