// Go goroutine text dumps (goroutine?debug=1 and debug=2) as profiles with
// one sample type, goroutine/count. debug=2 dumps keep each goroutine's state
// ("chan receive"), wait time in minutes and id as labels.
#pragma once

#include <string_view>

#include "profile.h"

namespace embers::core {

ProfilePtr decodeGoroutineText(std::string_view text);

}  // namespace embers::core
