// Contention events of embers::Mutex, for the mutex and block profiles.
#pragma once

#include <cstdint>
#include <vector>

namespace embers::detail {

enum class ContentionKind { Mutex, Block };

struct ContentionBucket {
    std::vector<uintptr_t> stack;
    int64_t count = 0, delayNanos = 0;
};

void recordContention(ContentionKind kind, const uintptr_t* pcs, int depth, int64_t delayNanos);
std::vector<ContentionBucket> contentionSnapshot(ContentionKind kind);

// Threads created through pthread_create since the library loaded, by the
// creating stack (the threadcreate profile).
std::vector<ContentionBucket> threadCreateSnapshot();
int64_t threadsCreated();
void recordThreadCreate(uintptr_t caller);  // caller: return address of pthread_create

}  // namespace embers::detail
