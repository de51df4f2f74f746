// Reading profiles: pprof protobuf (gzip-compressed or raw) and folded stacks
// text, detected by content. Every failure is a FormatError whose message
// names the first problem; readProfileFile prefixes it with the file name.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "gzip.h"
#include "profile.h"

namespace embers::core {

struct DecodeOptions {
    uint64_t maxDecompressedSize = kDefaultMaxDecompressed;
    // Called now and then with a fraction in [0, 1]; return false to cancel.
    std::function<bool(double)> progress;
};

enum class InputKind { PprofProto, FoldedText, GoroutineText, Html, Empty, Unknown };

// What the (already decompressed) bytes look like.
InputKind sniff(std::string_view bytes);

ProfilePtr decodeProfile(std::string_view bytes, const DecodeOptions& options = {});
// The same, releasing the compressed bytes as soon as they are inflated.
ProfilePtr decodeOwnedProfile(std::string&& bytes, const DecodeOptions& options = {});

// Parses the uncompressed profile.proto wire format, resolving and validating
// ids like pprof's CheckValid.
ProfilePtr decodeProto(std::string_view bytes, const DecodeOptions& options = {});

// The same, reading the records while `stream` inflates them (large profiles). Returns null
// when the profile is unusual or invalid: decodeProto on the whole data then decodes it or
// reports the problem.
ProfilePtr decodeProtoStreaming(GunzipStream& stream, uint64_t compressedSize,
                                const DecodeOptions& options = {});

// gzip-compressed profiles from this uncompressed size on are inflated and decoded at once.
inline constexpr uint64_t kStreamingMinSize = uint64_t{1} << 20;

// Parses folded stacks ("main;work;leaf 42" per line, root first).
ProfilePtr decodeFolded(std::string_view text, const std::function<bool(double)>& progress = {});

// Reads and decodes a file. Errors read "FILE: problem".
ProfilePtr readProfileFile(const std::string& path, const DecodeOptions& options = {});

// Reads a whole file; throws FormatError "FILE: reason" when it cannot.
std::string readFileBytes(const std::string& path);

}  // namespace embers::core
