// gzip detection, bounded inflation and compression (zlib).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace embers::core {

inline constexpr uint64_t kDefaultMaxDecompressed = uint64_t{1} << 30;  // 1 GiB

bool isGzip(std::string_view bytes);

// Inflates every gzip member in `bytes`. Throws FormatError when the data is
// truncated or corrupt, or when the output would exceed `maxSize` bytes (a
// decompression bomb, or a genuine profile larger than the configured cap).
// `progress`, when given, is called with the number of input bytes consumed and
// returns false to cancel (which throws Cancelled).
std::string gunzip(std::string_view bytes, uint64_t maxSize = kDefaultMaxDecompressed,
                   const std::function<bool(uint64_t)>& progress = {});

std::string gzip(std::string_view bytes, int level = 6);

// Parses a size such as "1GiB", "512MiB", "64k", "1000000". Returns 0 on error.
uint64_t parseByteSize(std::string_view text);

}  // namespace embers::core
