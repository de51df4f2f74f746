#include "decode.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "errors.h"
#include "goroutine_text.h"

namespace embers::core {

namespace {

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    return true;
}

bool looksLikeText(std::string_view head) {
    for (unsigned char c : head) {
        if (c == '\n' || c == '\r' || c == '\t') continue;
        if (c < 0x20 || c == 0x7f) return false;
    }
    return true;
}

}  // namespace

InputKind sniff(std::string_view bytes) {
    if (bytes.empty()) return InputKind::Empty;
    std::string_view head = bytes.substr(0, 4096);
    size_t i = 0;
    while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
    std::string_view trimmed = head.substr(i);
    if (startsWithNoCase(trimmed, "<!doctype html") || startsWithNoCase(trimmed, "<html") ||
        startsWithNoCase(trimmed, "<head") || startsWithNoCase(trimmed, "<body") ||
        startsWithNoCase(trimmed, "<!--") || startsWithNoCase(trimmed, "<?xml"))
        return InputKind::Html;
    if (!looksLikeText(head)) return InputKind::PprofProto;
    if (trimmed.starts_with("goroutine profile: total") || trimmed.starts_with("goroutine "))
        return InputKind::GoroutineText;
    if (trimmed.empty()) return InputKind::Empty;
    return InputKind::FoldedText;
}

namespace {

ProfilePtr decodeUncompressed(std::string_view raw, const DecodeOptions& options) {
    switch (sniff(raw)) {
        case InputKind::Empty:
            throw FormatError("the profile is empty (no data after decompression)");
        case InputKind::Html:
            throw FormatError(
                "this is an HTML page, not a profile (a login or error page saved by mistake?); "
                "capture it again with a valid token");
        case InputKind::GoroutineText:
            return decodeGoroutineText(raw);
        case InputKind::FoldedText:
            return decodeFolded(raw, options.progress);
        default:
            return decodeProto(raw, options);
    }
}

std::string inflate(std::string_view bytes, const DecodeOptions& options) {
    std::function<bool(uint64_t)> progress;
    if (options.progress) {
        const double total = static_cast<double>(bytes.size());
        progress = [&](uint64_t consumed) { return options.progress(0.3 * consumed / total); };
    }
    return gunzip(bytes, options.maxDecompressedSize, progress);
}

// Inflates and decodes at once when the data is a large gzip-compressed profile.proto: a
// helper thread inflates while this one reads the records already out. Null when this does
// not apply or anything is unusual; the caller then takes the general path, which also
// reports any problem.
ProfilePtr decodeGzipStreaming(std::string_view bytes, const DecodeOptions& options) {
    if (std::thread::hardware_concurrency() < 2 || bytes.size() < 18) return nullptr;
    // The trailer holds the uncompressed size (of the last member) modulo 2^32.
    const auto* t = reinterpret_cast<const unsigned char*>(bytes.data() + bytes.size() - 4);
    const uint64_t isize =
        uint64_t(t[0]) | uint64_t(t[1]) << 8 | uint64_t(t[2]) << 16 | uint64_t(t[3]) << 24;
    if (isize < kStreamingMinSize || isize < bytes.size() / 2 ||
        isize > options.maxDecompressedSize)
        return nullptr;
    std::optional<GunzipStream> made;
    try {
        made.emplace(bytes, isize + 1);
    } catch (const std::bad_alloc&) {
        return nullptr;  // the general path tells
    }
    GunzipStream& stream = *made;
    const uint64_t head = stream.waitFor(4096);
    if (head < 4096 && stream.state() != GunzipStream::State::Done) return nullptr;
    if (sniff(std::string_view(stream.data(), std::min<uint64_t>(head, 4096))) !=
        InputKind::PprofProto)
        return nullptr;
    return decodeProtoStreaming(stream, bytes.size(), options);
}

void checkNotEmpty(std::string_view bytes) {
    if (bytes.empty()) throw FormatError("the file is empty (0 bytes); capture the profile again");
}

void checkCap(std::string_view bytes, const DecodeOptions& options) {
    if (bytes.size() > options.maxDecompressedSize)
        throw FormatError(
            "the file is larger than the size cap; raise --max-size if it is genuine");
}

}  // namespace

ProfilePtr decodeProfile(std::string_view bytes, const DecodeOptions& options) {
    checkNotEmpty(bytes);
    if (isGzip(bytes)) {
        if (ProfilePtr p = decodeGzipStreaming(bytes, options)) return p;
        return decodeUncompressed(inflate(bytes, options), options);
    }
    checkCap(bytes, options);
    return decodeUncompressed(bytes, options);
}

ProfilePtr decodeOwnedProfile(std::string&& bytes, const DecodeOptions& options) {
    checkNotEmpty(bytes);
    if (isGzip(bytes)) {
        if (ProfilePtr p = decodeGzipStreaming(bytes, options)) return p;
        std::string raw = inflate(bytes, options);
        std::string().swap(bytes);  // the compressed copy is no longer needed
        return decodeUncompressed(raw, options);
    }
    checkCap(bytes, options);
    return decodeUncompressed(bytes, options);
}

std::string readFileBytes(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw FormatError(path + ": is a folder, not a profile; choose a .pb.gz file in it");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw FormatError(path + ": cannot open the file (" + std::strerror(errno) +
                          "); check the path");
    }
    std::string bytes;
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    if (size > 0) {
        bytes.resize(static_cast<size_t>(size));
        in.seekg(0);
        in.read(bytes.data(), size);
    } else {
        // Not seekable (a pipe): read it as a stream.
        in.clear();
        std::ostringstream ss;
        ss << in.rdbuf();
        bytes = ss.str();
    }
    if (in.bad()) throw FormatError(path + ": read error; check the file");
    return bytes;
}

ProfilePtr readProfileFile(const std::string& path, const DecodeOptions& options) {
    std::string bytes = readFileBytes(path);
    try {
        return decodeOwnedProfile(std::move(bytes), options);
    } catch (const FormatError& e) {
        throw FormatError(path + ": " + e.what());
    }
}

}  // namespace embers::core
