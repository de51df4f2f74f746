// Why libunwind, and why this is safe in a signal handler:
//
// - libunwind documents unw_init_local(), unw_init_local2() and unw_step() as
//   safe to call from a signal handler for local unwinding (see
//   unw_init_local(3), "THREAD AND SIGNAL SAFETY"): it reads the DWARF CFI
//   (.eh_frame) of the interrupted code without malloc; its caches are
//   preallocated or mmap-backed.
// - Unlike glibc backtrace(), it does not lazily dlopen libgcc_s (which
//   mallocs and takes the loader lock) on first use.
// - Unlike frame-pointer walking it works for code built without frame
//   pointers (glibc, libstdc++ and -O2 builds), so the stacks are complete.
// - We unwind from the ucontext the kernel passed to the handler
//   (UNW_INIT_SIGNAL_FRAME), so the first frame is exactly the interrupted
//   instruction and the handler's own frames never appear.
// - Remaining risk, documented by libunwind: unw_step may call
//   dl_iterate_phdr to find the unwind table of an address it has not cached,
//   which takes the loader's lock; a thread interrupted *inside* dlopen while
//   holding that lock could then block. gperftools has the same exposure. We
//   bound it: a thread that is already inside the unwinder (a heap sample)
//   records only its PC (t_inUnwinder), and the thread dump gives up on a thread that does
//   not answer in time instead of waiting forever.
#define UNW_LOCAL_ONLY
#include "unwind.h"

#include <libunwind.h>
#include <ucontext.h>

#include <algorithm>

namespace embers::detail {

namespace {

// Set while this thread is inside captureStack: libunwind's per-thread trace
// cache is not reentrant, so a signal landing there records only the PC.
thread_local bool t_inUnwinder __attribute__((tls_model("initial-exec"))) = false;

int walk(unw_cursor_t& cursor, uintptr_t* pcs, int max, int skip, bool firstIsExact) {
    int n = 0;
    int frame = 0;
    do {
        unw_word_t ip = 0;
        if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 || ip == 0) break;
        if (frame >= skip) {
            const bool exact = firstIsExact && frame == 0;
            pcs[n++] = exact ? ip : ip - 1;
        }
        ++frame;
    } while (n < max && unw_step(&cursor) > 0);
    return n;
}

}  // namespace

int captureSignalStack(void* ucontext, uintptr_t* pcs, int max) {
    if (t_inUnwinder || max < 1) {
        pcs[0] =
            static_cast<uintptr_t>(static_cast<ucontext_t*>(ucontext)->uc_mcontext.gregs[REG_RIP]);
        return max < 1 ? 0 : 1;
    }
    unw_cursor_t cursor;
    // On x86-64 libunwind's unw_context_t is ucontext_t.
    if (unw_init_local2(&cursor, static_cast<unw_context_t*>(ucontext), UNW_INIT_SIGNAL_FRAME) <
        0) {
        auto* uc = static_cast<ucontext_t*>(ucontext);
        pcs[0] = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
        return 1;
    }
    return walk(cursor, pcs, max, 0, true);
}

int captureStack(uintptr_t* pcs, int max, int skip) {
    // unw_backtrace keeps a per-thread cache of frame layouts by address, so
    // the repeated stacks of heap samples unwind without re-reading DWARF.
    void* raw[kMaxFrames + 8];
    const int want = std::min(max + skip + 1, static_cast<int>(sizeof raw / sizeof raw[0]));
    t_inUnwinder = true;
    const int got = unw_backtrace(raw, want);
    t_inUnwinder = false;
    int n = 0;
    // Entry 0 is this function itself.
    for (int i = skip + 1; i < got && n < max; ++i)
        pcs[n++] = reinterpret_cast<uintptr_t>(raw[i]) - 1;
    return n;
}

}  // namespace embers::detail
