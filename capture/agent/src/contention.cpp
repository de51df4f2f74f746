// embers::Mutex (a futex mutex in the classic three-state protocol) and the
// tables behind the mutex, block and threadcreate profiles.
#include "contention.h"

#include <dlfcn.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <mutex>

#include "embers/agent.h"
#include "unwind.h"

namespace embers::detail {

namespace {

struct Table {
    std::mutex mutex;
    std::map<std::vector<uintptr_t>, ContentionBucket> buckets;
};

Table& table(int which) {
    // Never destroyed: threads may still lock or start while the process exits.
    static Table* tables = new Table[3];
    return tables[which];
}

void record(int which, const uintptr_t* pcs, int depth, int64_t delay) {
    Table& t = table(which);
    std::vector<uintptr_t> key(pcs, pcs + depth);
    std::lock_guard lock(t.mutex);
    ContentionBucket& b = t.buckets[key];
    if (b.stack.empty()) b.stack = key;
    b.count += 1;
    b.delayNanos += delay;
}

std::vector<ContentionBucket> snapshot(int which) {
    Table& t = table(which);
    std::lock_guard lock(t.mutex);
    std::vector<ContentionBucket> out;
    for (const auto& [k, b] : t.buckets) out.push_back(b);
    return out;
}

int64_t nowNanos() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// The stack of the caller of a public entry point: drop frames up to the
// return address `caller`.
int callerStack(uintptr_t* pcs, uintptr_t caller) {
    int n = captureStack(pcs, kMaxFrames, 0);
    for (int i = 0; i < n; ++i) {
        if (pcs[i] == caller - 1) {
            for (int j = i; j < n; ++j) pcs[j - i] = pcs[j];
            return n - i;
        }
    }
    return n;
}

long futex(std::atomic<uint32_t>* addr, int op, uint32_t val) {
    return syscall(SYS_futex, reinterpret_cast<uint32_t*>(addr), op | FUTEX_PRIVATE_FLAG, val,
                   nullptr, nullptr, 0);
}

}  // namespace

void recordContention(ContentionKind kind, const uintptr_t* pcs, int depth, int64_t delay) {
    record(kind == ContentionKind::Mutex ? 0 : 1, pcs, depth, delay);
}

std::vector<ContentionBucket> contentionSnapshot(ContentionKind kind) {
    return snapshot(kind == ContentionKind::Mutex ? 0 : 1);
}

std::vector<ContentionBucket> threadCreateSnapshot() {
    return snapshot(2);
}

int64_t threadsCreated() {
    int64_t n = 0;
    for (const auto& b : snapshot(2)) n += b.count;
    return n;
}

void recordThreadCreate(uintptr_t caller) {
    uintptr_t pcs[kMaxFrames];
    const int n = callerStack(pcs, caller);
    record(2, pcs, n, 0);
}

}  // namespace embers::detail

namespace embers {

using detail::futex;

Mutex::Mutex() = default;
Mutex::~Mutex() = default;

bool Mutex::try_lock() {
    uint32_t expected = 0;
    return state_.compare_exchange_strong(expected, 1, std::memory_order_acquire);
}

void Mutex::lock() {
    uint32_t c = 0;
    if (state_.compare_exchange_strong(c, 1, std::memory_order_acquire)) return;
    const uintptr_t caller = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
    const int64_t t0 = detail::nowNanos();
    waiters_.fetch_add(1, std::memory_order_relaxed);
    if (c != 2) c = state_.exchange(2, std::memory_order_acquire);
    while (c != 0) {
        futex(&state_, FUTEX_WAIT, 2);
        c = state_.exchange(2, std::memory_order_acquire);
    }
    waiters_.fetch_sub(1, std::memory_order_relaxed);
    const int64_t delay = detail::nowNanos() - t0;
    uintptr_t pcs[detail::kMaxFrames];
    const int n = detail::callerStack(pcs, caller);
    // Block profile: where this thread waited.
    detail::recordContention(detail::ContentionKind::Block, pcs, n, delay);
    // Mutex profile: like Go, the delay is charged to the unlock that made
    // this thread wait; fall back to the waiter's stack when no unlock stack
    // was left for us.
    if (unlockDepth_ > 0) {
        uintptr_t up[kMaxDepth];
        for (int i = 0; i < unlockDepth_; ++i) up[i] = reinterpret_cast<uintptr_t>(unlockStack_[i]);
        detail::recordContention(detail::ContentionKind::Mutex, up, unlockDepth_, delay);
        unlockDepth_ = 0;
    } else {
        detail::recordContention(detail::ContentionKind::Mutex, pcs, n, delay);
    }
}

void Mutex::unlock() {
    if (waiters_.load(std::memory_order_relaxed) > 0) {
        const uintptr_t caller = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
        uintptr_t pcs[detail::kMaxFrames];
        const int n = std::min(detail::callerStack(pcs, caller), static_cast<int>(kMaxDepth));
        for (int i = 0; i < n; ++i) unlockStack_[i] = reinterpret_cast<void*>(pcs[i]);
        unlockDepth_ = n;
    }
    if (state_.exchange(0, std::memory_order_release) == 2) futex(&state_, FUTEX_WAKE, 1);
}

}  // namespace embers

// pthread_create interposition for the threadcreate profile: record the
// creating stack, then call glibc's pthread_create.
extern "C" __attribute__((visibility("default"))) int pthread_create(pthread_t* thread,
                                                                     const pthread_attr_t* attr,
                                                                     void* (*start)(void*),
                                                                     void* arg) {
    using Fn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
    static Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "pthread_create"));
    if (real == nullptr) return EAGAIN;
    embers::detail::recordThreadCreate(reinterpret_cast<uintptr_t>(__builtin_return_address(0)));
    return real(thread, attr, start, arg);
}
