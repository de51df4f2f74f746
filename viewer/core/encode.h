// Writing profiles in the pprof format, readable by `go tool pprof`.
#pragma once

#include <string>

#include "profile.h"

namespace embers::core {

// The uncompressed profile.proto wire format.
std::string encodeProto(const Profile& p);
// gzip-compressed, as pprof files are on disk.
std::string encodeProfile(const Profile& p);

// Writes `bytes` to `path` atomically: a temporary file in the same folder,
// flushed, then renamed over the target. Throws FormatError "PATH: reason".
void writeFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace embers::core
