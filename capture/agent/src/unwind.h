// Stack capture. Both functions return raw program counters, innermost
// first, normalized for symbolization: the innermost frame of a signal is the
// interrupted instruction, every other frame is its return address minus one
// (an address inside the call instruction).
#pragma once

#include <cstdint>

namespace embers::detail {

constexpr int kMaxFrames = 64;

// From a signal handler, given the handler's ucontext_t*. Async-signal-safe:
// see unwind.cpp for why.
int captureSignalStack(void* ucontext, uintptr_t* pcs, int max);

// From normal code (malloc hooks, mutex contention, thread creation): the
// caller's stack, leaving out `skip` frames above the caller.
int captureStack(uintptr_t* pcs, int max, int skip);

}  // namespace embers::detail
