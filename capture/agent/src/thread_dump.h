// Stacks of all threads: each thread in turn gets SIGPROF by tgkill() and
// unwinds itself from the signal context into preallocated storage; a thread
// that does not answer within the timeout is reported, not waited for.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace embers::detail {

struct ThreadStack {
    pid_t tid = 0;
    std::string name;   // /proc/self/task/TID/comm
    std::string state;  // "running", "sleeping", ... from /proc/self/task/TID/stat
    std::vector<uintptr_t> pcs;
    bool answered = true;  // false: no stack (did not answer in time, or signal blocked)
};

std::vector<ThreadStack> dumpAllThreads(int timeoutMs = 1000);

// The ids of the process's threads, from /proc/self/task, ascending.
std::vector<pid_t> threadIds();

// Thread count from /proc/self/task.
int countThreads();

}  // namespace embers::detail
