// CPU profiling: per-thread CPU-time timers (timer_create on each thread's
// CPU clock, SIGEV_THREAD_ID) deliver SIGPROF at `hz` per CPU second of each
// thread; the handler writes the interrupted stack into a preallocated slot
// array; the profiling thread drains the slots into counts per stack.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace embers::detail {

struct CpuProfileResult {
    std::map<std::vector<uintptr_t>, int64_t> counts;  // stack -> samples
    int64_t dropped = 0;                               // slots were full
    int64_t startNanos = 0, durationNanos = 0;
};

// Profiles all threads for `seconds` or until stop() returns true (checked
// every 50 ms). Returns false with `error` set when a profile is already
// running (Go's message) or timers cannot be created.
bool runCpuProfile(int hz, double seconds, const std::function<bool()>& stop,
                   CpuProfileResult& result, std::string& error);

bool cpuProfileRunning();

}  // namespace embers::detail
