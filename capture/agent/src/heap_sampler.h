// Heap sampling through malloc/free/new/delete interposition.
//
// This file's malloc, free, calloc, realloc, memalign, posix_memalign,
// aligned_alloc, valloc, pvalloc, reallocarray and the operator new/delete
// family are defined in libembers_agent.so and in the preload library. The
// dynamic linker binds every call in the process to the first definition in
// its search order; a library the program links (or that is preloaded) comes
// before libc, so these wrappers see every allocation, including libc's own
// internal ones. They forward to glibc's __libc_malloc & co. (not dlsym, which
// itself allocates and would recurse), so memory stays glibc's.
//
// Each thread counts allocated bytes down from a random gap drawn from an
// exponential distribution with mean `rate`; the allocation that crosses zero
// is sampled: its stack is recorded in a bucket and its address in a table of
// live sampled blocks, so a free can be accounted. Frees check a small array
// of counters indexed by address hash first, so almost all frees only read
// one cache line.
#pragma once

#include <cstdint>
#include <vector>

namespace embers::detail {

// rate <= 0 stops sampling new allocations (frees of sampled blocks are still
// accounted).
void setHeapSampleRate(int64_t rate);
int64_t heapSampleRate();

struct HeapBucket {
    std::vector<uintptr_t> stack;                                              // leaf first
    int64_t allocObjects = 0, allocBytes = 0, freeObjects = 0, freeBytes = 0;  // sampled
};

std::vector<HeapBucket> heapSnapshot();

// Go's scaleHeapSample: an estimate of the real counts behind `count`
// samples totalling `size` bytes at mean sampling interval `rate`.
void unsampleHeap(int64_t count, int64_t size, int64_t rate, int64_t& outCount, int64_t& outSize);

struct HeapTotals {  // unsampled estimates
    int64_t allocObjects = 0, allocBytes = 0, inuseObjects = 0, inuseBytes = 0;
    int64_t buckets = 0;
};
HeapTotals heapTotals();

}  // namespace embers::detail
