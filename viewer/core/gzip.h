// gzip detection, bounded inflation and compression (zlib).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

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

// Asks for huge pages for the large buffer [p, p + bytes) where the system offers them:
// filling it then costs far fewer page faults.
void adviseHugePages(const void* p, size_t bytes);

// Inflates gzip data on a helper thread into a buffer of a fixed capacity, so that a reader
// can use the output while it is being produced. Output beyond the capacity, or corrupt or
// truncated data, make the stream fail (then gunzip() tells what is wrong).
class GunzipStream {
public:
    enum class State { Running, Done, Failed };

    GunzipStream(std::string_view compressed, uint64_t capacity);
    ~GunzipStream();  // stops the helper
    GunzipStream(const GunzipStream&) = delete;
    GunzipStream& operator=(const GunzipStream&) = delete;

    // Waits until at least n bytes are out or the stream ended; returns the bytes out.
    uint64_t waitFor(uint64_t n);
    State state() const;
    // Input bytes consumed so far (for progress).
    uint64_t consumed() const { return consumed_.load(std::memory_order_relaxed); }
    const char* data() const { return out_.get(); }
    uint64_t capacity() const { return capacity_; }

private:
    void run();

    std::string_view in_;
    uint64_t capacity_;
    std::unique_ptr<char[]> out_;
    std::atomic<uint64_t> consumed_{0};
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    uint64_t produced_ = 0;         // guarded by mutex_
    State state_ = State::Running;  // guarded by mutex_
    std::thread thread_;
};

std::string gzip(std::string_view bytes, int level = 6);

// Parses a size such as "1GiB", "512MiB", "64k", "1000000". Returns 0 on error.
uint64_t parseByteSize(std::string_view text);

}  // namespace embers::core
