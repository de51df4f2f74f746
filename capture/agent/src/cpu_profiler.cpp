#include "cpu_profiler.h"

#include <dirent.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <unordered_map>

#include "signal_handler.h"
#include "thread_dump.h"
#include "unwind.h"

namespace embers::detail {

namespace {

enum SlotState : int { kEmpty = 0, kWriting = 1, kReady = 2 };

struct Slot {
    std::atomic<int> state{kEmpty};
    int depth = 0;
    uintptr_t pcs[kMaxFrames];
};

constexpr size_t kSlots = 4096;  // ~2 MiB, allocated on the first profile, never freed

Slot* g_slots = nullptr;  // written before g_active is set
std::atomic<bool> g_active{false};
std::atomic<bool> g_inUse{false};
std::atomic<size_t> g_next{0};
std::atomic<int64_t> g_dropped{0};

void drain(std::map<std::vector<uintptr_t>, int64_t>& counts) {
    for (size_t i = 0; i < kSlots; ++i) {
        Slot& s = g_slots[i];
        if (s.state.load(std::memory_order_acquire) != kReady) continue;
        std::vector<uintptr_t> stack(s.pcs, s.pcs + s.depth);
        s.state.store(kEmpty, std::memory_order_release);
        ++counts[std::move(stack)];
    }
}

}  // namespace

// Signal context: no malloc, no locks. Claims a free slot with a CAS, or
// counts a drop when several in a row are busy.
void onCpuTick(void* ucontext) {
    if (!g_active.load(std::memory_order_acquire)) return;
    for (int attempt = 0; attempt < 8; ++attempt) {
        Slot& s = g_slots[g_next.fetch_add(1, std::memory_order_relaxed) % kSlots];
        int expected = kEmpty;
        if (!s.state.compare_exchange_strong(expected, kWriting, std::memory_order_acquire))
            continue;
        s.depth = captureSignalStack(ucontext, s.pcs, kMaxFrames);
        s.state.store(kReady, std::memory_order_release);
        return;
    }
    g_dropped.fetch_add(1, std::memory_order_relaxed);
}

bool cpuProfileRunning() {
    return g_inUse.load();
}

bool runCpuProfile(int hz, double seconds, const std::function<bool()>& stop,
                   CpuProfileResult& result, std::string& error) {
    if (g_inUse.exchange(true)) {
        error = "Could not enable CPU profiling: cpu profiling already in use";
        return false;
    }
    if (hz <= 0 || hz > 10000) hz = 100;
    if (g_slots == nullptr) g_slots = new Slot[kSlots];
    g_dropped = 0;
    for (size_t i = 0; i < kSlots; ++i) {  // a late tick of the previous profile
        int ready = kReady;
        g_slots[i].state.compare_exchange_strong(ready, kEmpty);
    }
    ensureSigprofHandler();
    g_active.store(true, std::memory_order_release);

    const auto t0 = std::chrono::system_clock::now();
    const auto steady0 = std::chrono::steady_clock::now();
    std::unordered_map<pid_t, timer_t> timers;
    const long intervalNs = 1000000000L / hz;
    auto armNewThreads = [&] {
        for (pid_t tid : threadIds()) {
            if (timers.count(tid)) continue;
            sigevent sev{};
            sev.sigev_notify = SIGEV_THREAD_ID;
            sev.sigev_signo = SIGPROF;
            sev._sigev_un._tid = tid;
            // The CPU-time clock of thread `tid` (what pthread_getcpuclockid
            // computes): ~tid << 3 | CPUCLOCK_PERTHREAD_MASK | CPUCLOCK_SCHED.
            const clockid_t clock = static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6);
            timer_t t;
            if (timer_create(clock, &sev, &t) != 0) continue;  // the thread exited
            itimerspec its{};
            its.it_interval.tv_nsec = intervalNs;
            its.it_value.tv_nsec = intervalNs;
            timer_settime(t, 0, &its, nullptr);
            timers.emplace(tid, t);
        }
    };

    armNewThreads();
    if (timers.empty()) {
        g_active = false;
        g_inUse = false;
        error = "Could not enable CPU profiling: cannot create profiling timers";
        return false;
    }
    const auto deadline = steady0 + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline && !stop()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        armNewThreads();  // threads started during the profile
        drain(result.counts);
    }
    for (auto& [tid, t] : timers) timer_delete(t);
    // A tick already being handled finishes into its slot; give it a moment.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    g_active.store(false, std::memory_order_release);
    drain(result.counts);
    result.dropped = g_dropped.load();
    result.startNanos =
        std::chrono::duration_cast<std::chrono::nanoseconds>(t0.time_since_epoch()).count();
    result.durationNanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now() - steady0)
                               .count();
    g_inUse.store(false);
    return true;
}

}  // namespace embers::detail
