#include "gzip.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "errors.h"

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace embers::core {

namespace {

std::string humanSize(uint64_t n) {
    const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    double v = static_cast<double>(n);
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[64];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
    else
        std::snprintf(buf, sizeof buf, "%.4g %s", v, units[u]);
    return buf;
}

}  // namespace

bool isGzip(std::string_view bytes) {
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
           static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(std::string_view bytes, uint64_t maxSize,
                   const std::function<bool(uint64_t)>& progress) {
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        throw FormatError("cannot initialise the gzip decoder");
    struct Guard {
        z_stream* z;
        ~Guard() { inflateEnd(z); }
    } guard{&zs};

    std::string out;
    // The gzip trailer holds the uncompressed size modulo 2^32: a good first
    // guess for one member when it is plausible; else assume 4x and grow.
    uint64_t guess = std::max<uint64_t>(bytes.size() * 4, 1 << 16);
    if (bytes.size() >= 18) {
        const auto* t = reinterpret_cast<const unsigned char*>(bytes.data() + bytes.size() - 4);
        const uint64_t isize =
            uint64_t(t[0]) | uint64_t(t[1]) << 8 | uint64_t(t[2]) << 16 | uint64_t(t[3]) << 24;
        if (isize >= bytes.size() / 2 && isize > 0) guess = isize + 1;
    }
    out.resize(std::min<uint64_t>(maxSize + 1, guess));
    const auto* in = reinterpret_cast<const Bytef*>(bytes.data());
    uint64_t inPos = 0, outPos = 0;
    uint64_t lastReport = 0;
    bool memberDone = false;
    while (true) {
        if (outPos == out.size()) {
            if (out.size() > maxSize)
                throw FormatError("decompresses to more than " + humanSize(maxSize) +
                                  " (a decompression bomb, or raise --max-size if the file is "
                                  "genuine)");
            out.resize(std::min<uint64_t>(maxSize + 1, out.size() * 2));
        }
        const uint64_t inChunk = std::min<uint64_t>(bytes.size() - inPos, 1u << 30);
        const uint64_t outChunk = std::min<uint64_t>(out.size() - outPos, 1u << 30);
        zs.next_in = const_cast<Bytef*>(in + inPos);
        zs.avail_in = static_cast<uInt>(inChunk);
        zs.next_out = reinterpret_cast<Bytef*>(out.data() + outPos);
        zs.avail_out = static_cast<uInt>(outChunk);
        const int rc = inflate(&zs, Z_NO_FLUSH);
        inPos += inChunk - zs.avail_in;
        outPos += outChunk - zs.avail_out;
        if (outPos > maxSize)
            throw FormatError("decompresses to more than " + humanSize(maxSize) +
                              " (a decompression bomb, or raise --max-size if the file is "
                              "genuine)");
        if (progress && inPos - lastReport > (4u << 20)) {
            lastReport = inPos;
            if (!progress(inPos)) throw Cancelled("cancelled");
        }
        if (rc == Z_STREAM_END) {
            memberDone = true;
            // Another gzip member may follow (concatenated files).
            if (inPos < bytes.size() && isGzip(bytes.substr(inPos))) {
                inflateReset(&zs);
                memberDone = false;
                continue;
            }
            break;
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0 && inPos >= bytes.size())
            throw FormatError("gzip data is truncated (the file ends after " +
                              humanSize(bytes.size()) + "; download it again)");
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            throw FormatError(std::string("gzip data is corrupt (") +
                              (zs.msg ? zs.msg : "inflate failed") + ")");
    }
    (void)memberDone;
    out.resize(outPos);
    return out;
}

void adviseHugePages(const void* p, size_t bytes) {
#ifdef __linux__
    constexpr uintptr_t kHuge = uintptr_t(2) << 20;
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
    const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

GunzipStream::GunzipStream(std::string_view compressed, uint64_t capacity)
    : in_(compressed), capacity_(capacity), out_(new char[std::max<uint64_t>(capacity, 1)]) {
    adviseHugePages(out_.get(), capacity);
    thread_ = std::thread([this] { run(); });
}

GunzipStream::~GunzipStream() {
    stop_ = true;
    thread_.join();
}

uint64_t GunzipStream::waitFor(uint64_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return produced_ >= n || state_ != State::Running; });
    return produced_;
}

GunzipStream::State GunzipStream::state() const {
    std::lock_guard lock(mutex_);
    return state_;
}

void GunzipStream::run() {
    State result = State::Failed;
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK) {
        const auto* in = reinterpret_cast<const Bytef*>(in_.data());
        uint64_t inPos = 0, outPos = 0;
        constexpr uint64_t kChunk = 1 << 20;  // output published to the reader per chunk
        while (!stop_.load(std::memory_order_relaxed)) {
            if (outPos == capacity_) break;  // more than expected: fail
            const uint64_t inChunk = std::min<uint64_t>(in_.size() - inPos, 1u << 30);
            const uint64_t outChunk = std::min<uint64_t>(capacity_ - outPos, kChunk);
            zs.next_in = const_cast<Bytef*>(in + inPos);
            zs.avail_in = static_cast<uInt>(inChunk);
            zs.next_out = reinterpret_cast<Bytef*>(out_.get() + outPos);
            zs.avail_out = static_cast<uInt>(outChunk);
            const int rc = inflate(&zs, Z_NO_FLUSH);
            inPos += inChunk - zs.avail_in;
            outPos += outChunk - zs.avail_out;
            consumed_.store(inPos, std::memory_order_relaxed);
            {
                std::lock_guard lock(mutex_);
                produced_ = outPos;
            }
            changed_.notify_all();
            if (rc == Z_STREAM_END) {
                // Another gzip member may follow (concatenated files).
                if (inPos < in_.size() && isGzip(in_.substr(inPos))) {
                    inflateReset(&zs);
                    continue;
                }
                result = State::Done;
                break;
            }
            if (rc == Z_BUF_ERROR && zs.avail_in == 0 && inPos >= in_.size()) break;
            if (rc != Z_OK && rc != Z_BUF_ERROR) break;
        }
        inflateEnd(&zs);
    }
    {
        std::lock_guard lock(mutex_);
        state_ = result;
    }
    changed_.notify_all();
}

std::string gzip(std::string_view bytes, int level) {
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw FormatError("cannot initialise the gzip encoder");
    std::string out;
    out.resize(deflateBound(&zs, bytes.size()) + 64);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zs.avail_in = static_cast<uInt>(bytes.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    const size_t produced = out.size() - zs.avail_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw FormatError("gzip compression failed");
    out.resize(produced);
    return out;
}

uint64_t parseByteSize(std::string_view text) {
    uint64_t n = 0;
    size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        n = n * 10 + static_cast<uint64_t>(text[i] - '0');
        ++i;
    }
    if (i == 0) return 0;
    std::string unit;
    for (; i < text.size(); ++i) unit += static_cast<char>(std::tolower(text[i]));
    if (unit.empty() || unit == "b") return n;
    if (unit == "k" || unit == "kb" || unit == "kib") return n << 10;
    if (unit == "m" || unit == "mb" || unit == "mib") return n << 20;
    if (unit == "g" || unit == "gb" || unit == "gib") return n << 30;
    return 0;
}

}  // namespace embers::core
