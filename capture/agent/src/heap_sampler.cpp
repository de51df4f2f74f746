#include "heap_sampler.h"

#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>

#include "unwind.h"

extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
void* __libc_valloc(size_t);
void* __libc_pvalloc(size_t);
}

namespace embers::detail {

namespace {

std::atomic<int64_t> g_rate{0};

// Per-thread state in initial-exec TLS: reading it never calls
// __tls_get_addr (which may allocate), and it is zero-initialized.
struct ThreadState {
    int64_t untilSample;
    uint64_t rng;
    bool initialized;
    bool inHook;  // inside the sampler: nested allocations pass straight through
};
thread_local ThreadState t_state __attribute__((tls_model("initial-exec")));

struct StackKey {
    uintptr_t pcs[kMaxFrames];
    int depth;
    bool operator==(const StackKey& o) const {
        if (depth != o.depth) return false;
        for (int i = 0; i < depth; ++i)
            if (pcs[i] != o.pcs[i]) return false;
        return true;
    }
};
struct StackKeyHash {
    size_t operator()(const StackKey& k) const {
        uint64_t h = 0xcbf29ce484222325ull;
        for (int i = 0; i < k.depth; ++i) h = (h ^ k.pcs[i]) * 0x100000001b3ull;
        return static_cast<size_t>(h);
    }
};

struct Live {
    uint32_t bucket;
    int64_t size;
};

struct Bucket {
    int64_t allocObjects = 0, allocBytes = 0, freeObjects = 0, freeBytes = 0;
};

// The tables live in static storage that is never destroyed: allocations
// and frees continue while the process exits.
struct Tables {
    std::mutex mutex;
    std::unordered_map<StackKey, uint32_t, StackKeyHash> bucketIds;
    std::vector<StackKey> stacks;
    std::vector<Bucket> buckets;
    std::unordered_map<uintptr_t, Live> live;
};
alignas(Tables) unsigned char g_tablesStorage[sizeof(Tables)];
Tables* g_tables = nullptr;
std::once_flag g_tablesOnce;

// Counters per address hash: nonzero when some sampled live block may have
// this hash. Frees of unsampled blocks almost always see zero and return.
constexpr int kFilterBits = 14;  // 32 KiB: stays in cache on the free path
std::atomic<uint16_t> g_filter[1 << kFilterBits];
std::atomic<int64_t> g_liveCount{0};

inline size_t filterIndex(uintptr_t p) {
    return static_cast<size_t>(((p >> 4) * 0x9E3779B97F4A7C15ull) >> (64 - kFilterBits));
}

Tables& tables() {
    std::call_once(g_tablesOnce, [] {
        g_tables = new (g_tablesStorage) Tables();
        // A fork while another thread holds the mutex must not leave the
        // child's copy locked forever.
        pthread_atfork([] { g_tables->mutex.lock(); }, [] { g_tables->mutex.unlock(); },
                       [] { g_tables->mutex.unlock(); });
    });
    return *g_tables;
}

uint64_t nextRandom(ThreadState& t) {  // xorshift64*
    uint64_t x = t.rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    t.rng = x;
    return x * 0x2545F4914F6CDD1Dull;
}

int64_t drawGap(ThreadState& t, int64_t rate) {
    // Exponential with mean `rate`: -ln(U) * rate, U uniform in (0, 1].
    const double u = (static_cast<double>(nextRandom(t) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
    const double gap = -std::log(u) * static_cast<double>(rate);
    return static_cast<int64_t>(gap) + 1;
}

struct HookGuard {
    ThreadState& t;
    explicit HookGuard(ThreadState& s) : t(s) { t.inHook = true; }
    ~HookGuard() { t.inHook = false; }
};

void recordSample(ThreadState& t, void* p, size_t size, uintptr_t caller) {
    HookGuard guard(t);
    StackKey key;
    key.depth = captureStack(key.pcs, kMaxFrames, 0);
    // Drop the sampler's own frames: the stack starts at the allocation's
    // caller (the return address of malloc/new, adjusted like the others).
    const uintptr_t callerPc = caller - 1;
    for (int i = 0; i < key.depth; ++i) {
        if (key.pcs[i] == callerPc) {
            for (int j = i; j < key.depth; ++j) key.pcs[j - i] = key.pcs[j];
            key.depth -= i;
            break;
        }
    }
    Tables& tb = tables();
    std::lock_guard lock(tb.mutex);
    auto [it, inserted] = tb.bucketIds.try_emplace(key, static_cast<uint32_t>(tb.buckets.size()));
    if (inserted) {
        tb.stacks.push_back(key);
        tb.buckets.emplace_back();
    }
    Bucket& b = tb.buckets[it->second];
    b.allocObjects += 1;
    b.allocBytes += static_cast<int64_t>(size);
    const uintptr_t addr = reinterpret_cast<uintptr_t>(p);
    auto [lit, fresh] = tb.live.try_emplace(addr, Live{it->second, static_cast<int64_t>(size)});
    if (!fresh) {
        // The block was freed behind our back (e.g. by code calling
        // __libc_free); count the old sample as freed.
        Bucket& old = tb.buckets[lit->second.bucket];
        old.freeObjects += 1;
        old.freeBytes += lit->second.size;
        lit->second = Live{it->second, static_cast<int64_t>(size)};
    } else {
        g_filter[filterIndex(addr)].fetch_add(1, std::memory_order_relaxed);
        g_liveCount.fetch_add(1, std::memory_order_relaxed);
    }
}

inline void onAlloc(void* p, size_t size, uintptr_t caller) {
    if (p == nullptr) return;
    const int64_t rate = g_rate.load(std::memory_order_relaxed);
    if (rate <= 0) return;
    ThreadState& t = t_state;
    t.untilSample -= static_cast<int64_t>(size);
    if (t.untilSample > 0 || t.inHook) return;
    if (!t.initialized) {
        t.initialized = true;
        t.rng = (static_cast<uint64_t>(syscall(SYS_gettid)) * 0x9E3779B97F4A7C15ull) ^
                static_cast<uint64_t>(clock()) ^ reinterpret_cast<uintptr_t>(&t);
        if (t.rng == 0) t.rng = 1;
        t.untilSample = drawGap(t, rate);
        return;
    }
    t.untilSample = drawGap(t, rate);
    recordSample(t, p, size, caller);
}

void onFreeSlow(uintptr_t addr) {
    ThreadState& t = t_state;
    HookGuard guard(t);
    Tables& tb = tables();
    std::lock_guard lock(tb.mutex);
    auto it = tb.live.find(addr);
    if (it == tb.live.end()) return;
    Bucket& b = tb.buckets[it->second.bucket];
    b.freeObjects += 1;
    b.freeBytes += it->second.size;
    tb.live.erase(it);
    g_filter[filterIndex(addr)].fetch_sub(1, std::memory_order_relaxed);
    g_liveCount.fetch_sub(1, std::memory_order_relaxed);
}

inline void onFree(void* p) {
    if (p == nullptr || g_liveCount.load(std::memory_order_relaxed) == 0) return;
    const uintptr_t addr = reinterpret_cast<uintptr_t>(p);
    if (g_filter[filterIndex(addr)].load(std::memory_order_relaxed) == 0) return;
    if (t_state.inHook) return;  // the sampler's own table memory
    onFreeSlow(addr);
}

void* newImpl(size_t n, uintptr_t caller) {
    for (;;) {
        void* p = __libc_malloc(n);
        if (p != nullptr) {
            onAlloc(p, n, caller);
            return p;
        }
        std::new_handler h = std::get_new_handler();
        if (h == nullptr) throw std::bad_alloc();
        h();
    }
}

void* alignedNewImpl(size_t n, size_t align, uintptr_t caller) {
    for (;;) {
        void* p = __libc_memalign(align, n);
        if (p != nullptr) {
            onAlloc(p, n, caller);
            return p;
        }
        std::new_handler h = std::get_new_handler();
        if (h == nullptr) throw std::bad_alloc();
        h();
    }
}

}  // namespace

void setHeapSampleRate(int64_t rate) {
    if (rate > 0) tables();  // set up outside any allocation
    g_rate.store(rate > 0 ? rate : 0);
}

int64_t heapSampleRate() {
    return g_rate.load();
}

std::vector<HeapBucket> heapSnapshot() {
    std::vector<HeapBucket> out;
    ThreadState& t = t_state;
    Tables& tb = tables();
    {
        // Copy under the lock without sampling our own allocations (and
        // without deadlocking on a sampled allocation inside the lock).
        HookGuard guard(t);
        std::lock_guard lock(tb.mutex);
        out.reserve(tb.buckets.size());
        for (size_t i = 0; i < tb.buckets.size(); ++i) {
            HeapBucket h;
            h.stack.assign(tb.stacks[i].pcs, tb.stacks[i].pcs + tb.stacks[i].depth);
            h.allocObjects = tb.buckets[i].allocObjects;
            h.allocBytes = tb.buckets[i].allocBytes;
            h.freeObjects = tb.buckets[i].freeObjects;
            h.freeBytes = tb.buckets[i].freeBytes;
            out.push_back(std::move(h));
        }
    }
    return out;
}

void unsampleHeap(int64_t count, int64_t size, int64_t rate, int64_t& outCount, int64_t& outSize) {
    if (count == 0 || size == 0) {
        outCount = 0;
        outSize = 0;
        return;
    }
    if (rate <= 1) {
        outCount = count;
        outSize = size;
        return;
    }
    const double avg = static_cast<double>(size) / static_cast<double>(count);
    const double scale = 1.0 / (1.0 - std::exp(-avg / static_cast<double>(rate)));
    outCount = static_cast<int64_t>(static_cast<double>(count) * scale);
    outSize = static_cast<int64_t>(static_cast<double>(size) * scale);
}

HeapTotals heapTotals() {
    HeapTotals t;
    const int64_t rate = heapSampleRate();
    for (const HeapBucket& b : heapSnapshot()) {
        int64_t c = 0, s = 0;
        unsampleHeap(b.allocObjects, b.allocBytes, rate, c, s);
        t.allocObjects += c;
        t.allocBytes += s;
        unsampleHeap(b.allocObjects - b.freeObjects, b.allocBytes - b.freeBytes, rate, c, s);
        t.inuseObjects += c;
        t.inuseBytes += s;
        ++t.buckets;
    }
    return t;
}

}  // namespace embers::detail

using embers::detail::alignedNewImpl;
using embers::detail::newImpl;
using embers::detail::onAlloc;
using embers::detail::onFree;

#define EMBERS_CALLER reinterpret_cast<uintptr_t>(__builtin_return_address(0))

extern "C" {

__attribute__((visibility("default"))) void* malloc(size_t n) {
    void* p = __libc_malloc(n);
    onAlloc(p, n, EMBERS_CALLER);
    return p;
}

__attribute__((visibility("default"))) void free(void* p) {
    onFree(p);
    __libc_free(p);
}

__attribute__((visibility("default"))) void* calloc(size_t n, size_t size) {
    void* p = __libc_calloc(n, size);
    onAlloc(p, n * size, EMBERS_CALLER);
    return p;
}

__attribute__((visibility("default"))) void* realloc(void* old, size_t n) {
    onFree(old);
    void* p = __libc_realloc(old, n);
    if (n != 0) onAlloc(p, n, EMBERS_CALLER);
    return p;
}

__attribute__((visibility("default"))) void* reallocarray(void* old, size_t n, size_t size) {
    size_t total = 0;
    if (__builtin_mul_overflow(n, size, &total)) {
        errno = ENOMEM;
        return nullptr;
    }
    onFree(old);
    void* p = __libc_realloc(old, total);
    if (total != 0) onAlloc(p, total, EMBERS_CALLER);
    return p;
}

__attribute__((visibility("default"))) void* memalign(size_t align, size_t n) {
    void* p = __libc_memalign(align, n);
    onAlloc(p, n, EMBERS_CALLER);
    return p;
}

__attribute__((visibility("default"))) void* aligned_alloc(size_t align, size_t n) {
    void* p = __libc_memalign(align, n);
    onAlloc(p, n, EMBERS_CALLER);
    return p;
}

__attribute__((visibility("default"))) int posix_memalign(void** out, size_t align, size_t n) {
    if (align % sizeof(void*) != 0 || (align & (align - 1)) != 0 || align == 0) return EINVAL;
    const int saved = errno;
    void* p = __libc_memalign(align, n);
    if (p == nullptr) {
        errno = saved;
        return ENOMEM;
    }
    onAlloc(p, n, EMBERS_CALLER);
    *out = p;
    return 0;
}

__attribute__((visibility("default"))) void* valloc(size_t n) {
    void* p = __libc_valloc(n);
    onAlloc(p, n, EMBERS_CALLER);
    return p;
}

__attribute__((visibility("default"))) void* pvalloc(size_t n) {
    void* p = __libc_pvalloc(n);
    onAlloc(p, n, EMBERS_CALLER);
    return p;
}

}  // extern "C"

__attribute__((visibility("default"))) void* operator new(size_t n) {
    return newImpl(n, EMBERS_CALLER);
}
__attribute__((visibility("default"))) void* operator new[](size_t n) {
    return newImpl(n, EMBERS_CALLER);
}
__attribute__((visibility("default"))) void* operator new(size_t n,
                                                          const std::nothrow_t&) noexcept {
    try {
        return newImpl(n, EMBERS_CALLER);
    } catch (...) {
        return nullptr;
    }
}
__attribute__((visibility("default"))) void* operator new[](size_t n,
                                                            const std::nothrow_t&) noexcept {
    try {
        return newImpl(n, EMBERS_CALLER);
    } catch (...) {
        return nullptr;
    }
}
__attribute__((visibility("default"))) void* operator new(size_t n, std::align_val_t a) {
    return alignedNewImpl(n, static_cast<size_t>(a), EMBERS_CALLER);
}
__attribute__((visibility("default"))) void* operator new[](size_t n, std::align_val_t a) {
    return alignedNewImpl(n, static_cast<size_t>(a), EMBERS_CALLER);
}
__attribute__((visibility("default"))) void* operator new(size_t n, std::align_val_t a,
                                                          const std::nothrow_t&) noexcept {
    try {
        return alignedNewImpl(n, static_cast<size_t>(a), EMBERS_CALLER);
    } catch (...) {
        return nullptr;
    }
}
__attribute__((visibility("default"))) void* operator new[](size_t n, std::align_val_t a,
                                                            const std::nothrow_t&) noexcept {
    try {
        return alignedNewImpl(n, static_cast<size_t>(a), EMBERS_CALLER);
    } catch (...) {
        return nullptr;
    }
}

#define EMBERS_DELETE_BODY \
    onFree(p);             \
    __libc_free(p);

__attribute__((visibility("default"))) void operator delete(void* p) noexcept {
    EMBERS_DELETE_BODY
}
__attribute__((visibility("default"))) void operator delete[](void* p) noexcept {
    EMBERS_DELETE_BODY
}
__attribute__((visibility("default"))) void operator delete(void* p, size_t) noexcept {
    EMBERS_DELETE_BODY
}
__attribute__((visibility("default"))) void operator delete[](void* p, size_t) noexcept {
    EMBERS_DELETE_BODY
}
__attribute__((visibility("default"))) void operator delete(void* p, std::align_val_t) noexcept {
    EMBERS_DELETE_BODY
}
__attribute__((visibility("default"))) void operator delete[](void* p, std::align_val_t) noexcept {
    EMBERS_DELETE_BODY
}
__attribute__((visibility("default"))) void operator delete(void* p, size_t,
                                                            std::align_val_t) noexcept {
    EMBERS_DELETE_BODY
}
__attribute__((visibility("default"))) void operator delete[](void* p, size_t,
                                                              std::align_val_t) noexcept {
    EMBERS_DELETE_BODY
}
__attribute__((visibility("default"))) void operator delete(void* p,
                                                            const std::nothrow_t&) noexcept {
    EMBERS_DELETE_BODY
}
__attribute__((visibility("default"))) void operator delete[](void* p,
                                                              const std::nothrow_t&) noexcept {
    EMBERS_DELETE_BODY
}
