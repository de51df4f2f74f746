#include "signal_handler.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

namespace embers::detail {

pid_t currentTid() {
    return static_cast<pid_t>(syscall(SYS_gettid));
}

namespace {

void handler(int, siginfo_t* info, void* ucontext) {
    const int savedErrno = errno;
    // tgkill() from the thread dump arrives as SI_TKILL, the profiling
    // timers as SI_TIMER.
    if (info->si_code == SI_TKILL) {
        onDumpSignal(currentTid(), ucontext);
    } else {
        onCpuTick(ucontext);
    }
    errno = savedErrno;
}

}  // namespace

void ensureSigprofHandler() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction sa {};
        sa.sa_sigaction = handler;
        // SA_RESTART: interrupted system calls of the host resume.
        sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGPROF, &sa, nullptr);
    });
}

}  // namespace embers::detail
