// The agent's one signal handler (SIGPROF), installed on the first CPU
// profile or thread dump and kept afterwards (a timer signal still in flight
// after a profile stops must not hit SIGPROF's default action, which kills
// the process).
#pragma once

#include <sys/types.h>

namespace embers::detail {

void ensureSigprofHandler();

// Called by the handler, in signal context.
void onCpuTick(void* ucontext);                    // cpu_profiler.cpp
bool onDumpSignal(pid_t selfTid, void* ucontext);  // thread_dump.cpp; true if it was ours

pid_t currentTid();  // async-signal-safe gettid

}  // namespace embers::detail
