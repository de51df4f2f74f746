#include "thread_dump.h"

#include <dirent.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include "signal_handler.h"
#include "unwind.h"

namespace embers::detail {

namespace {

enum RequestState : int { kIdle, kPending, kWriting, kDone, kCancelled };

// One request at a time (g_dumpMutex); the handler only touches it when the
// tid matches and it wins the Pending -> Writing transition.
struct DumpRequest {
    std::atomic<pid_t> tid{0};
    std::atomic<int> state{kIdle};
    int depth = 0;
    uintptr_t pcs[kMaxFrames];
};

DumpRequest g_request;
std::mutex g_dumpMutex;

std::string readComm(pid_t tid) {
    std::ifstream f("/proc/self/task/" + std::to_string(tid) + "/comm");
    std::string name;
    std::getline(f, name);
    return name;
}

std::string readState(pid_t tid) {
    std::ifstream f("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::string stat;
    std::getline(f, stat);
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size()) return "unknown";
    switch (stat[paren + 2]) {
        case 'R':
            return "running";
        case 'S':
            return "sleeping";
        case 'D':
            return "disk sleep";
        case 'T':
            return "stopped";
        case 't':
            return "tracing stop";
        case 'Z':
            return "zombie";
        default:
            return std::string(1, stat[paren + 2]);
    }
}

}  // namespace

std::vector<pid_t> threadIds() {
    std::vector<pid_t> tids;
    if (DIR* d = opendir("/proc/self/task")) {
        while (dirent* e = readdir(d)) {
            if (e->d_name[0] == '.') continue;
            tids.push_back(static_cast<pid_t>(std::atoi(e->d_name)));
        }
        closedir(d);
    }
    std::sort(tids.begin(), tids.end());
    return tids;
}

bool onDumpSignal(pid_t selfTid, void* ucontext) {
    if (g_request.tid.load(std::memory_order_acquire) != selfTid) return false;
    int expected = kPending;
    if (!g_request.state.compare_exchange_strong(expected, kWriting)) return false;
    g_request.depth = captureSignalStack(ucontext, g_request.pcs, kMaxFrames);
    g_request.state.store(kDone, std::memory_order_release);
    return true;
}

int countThreads() {
    return static_cast<int>(threadIds().size());
}

std::vector<ThreadStack> dumpAllThreads(int timeoutMs) {
    std::lock_guard lock(g_dumpMutex);
    ensureSigprofHandler();
    const pid_t pid = getpid();
    const pid_t self = currentTid();
    std::vector<ThreadStack> out;
    for (pid_t tid : threadIds()) {
        ThreadStack t;
        t.tid = tid;
        t.name = readComm(tid);
        t.state = readState(tid);
        if (tid == self) {
            uintptr_t pcs[kMaxFrames];
            const int n = captureStack(pcs, kMaxFrames, 0);
            t.pcs.assign(pcs, pcs + n);
            t.state = "running";
            out.push_back(std::move(t));
            continue;
        }
        g_request.depth = 0;
        g_request.state.store(kPending, std::memory_order_release);
        g_request.tid.store(tid, std::memory_order_release);
        if (syscall(SYS_tgkill, pid, tid, SIGPROF) != 0) {  // the thread exited
            g_request.state = kIdle;
            g_request.tid = 0;
            continue;
        }
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        while (g_request.state.load(std::memory_order_acquire) != kDone &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        int pending = kPending;
        if (g_request.state.compare_exchange_strong(pending, kCancelled)) {
            t.answered = false;  // signal blocked, or the thread is stuck
        } else {
            // Done, or Writing: the handler has started and finishes quickly.
            const auto hard = std::chrono::steady_clock::now() + std::chrono::seconds(2);
            while (g_request.state.load(std::memory_order_acquire) != kDone &&
                   std::chrono::steady_clock::now() < hard)
                std::this_thread::yield();
            if (g_request.state.load(std::memory_order_acquire) == kDone)
                t.pcs.assign(g_request.pcs, g_request.pcs + g_request.depth);
            else
                t.answered = false;
        }
        g_request.tid.store(0, std::memory_order_release);
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace embers::detail
