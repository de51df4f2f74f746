// Embers agent: makes a C++ program capturable like a Go service.
//
// Link libembers_agent (CMake: find_package(EmbersAgent CONFIG REQUIRED) and
// target_link_libraries(app PRIVATE Embers::agent); pkg-config: embers-agent)
// and create an embers::Agent, or preload libembers_agent_preload.so into an
// unchanged program:
//
//     export EMBERS_AGENT_PORT=6060 EMBERS_AGENT_TOKEN=secret
//     LD_PRELOAD=libembers_agent_preload.so ./program
//
// The agent serves Go's net/http/pprof endpoints under path_prefix:
//   /                 HTML index with a count per profile
//   profile?seconds=N CPU profile of all threads (SIGPROF at cpu_hz)
//   heap, allocs      sampled allocations (every ~heap_sample_bytes)
//   goroutine         stacks of all threads (debug=1, debug=2 for text)
//   threadcreate      where threads were created
//   mutex, block      contention on embers::Mutex
//   cmdline, symbol   as in Go
// and metrics for live charts at /debug/vars (expvar JSON) and /metrics
// (Prometheus text). Every request needs "Authorization: Bearer TOKEN" when
// bearer_token is set; otherwise it answers 401 with WWW-Authenticate: Bearer.
//
// Cost: no timers and no signal handlers until a CPU profile or a thread dump
// is requested. Heap sampling is on from the start (set heap_sample_bytes = 0
// to switch it off); only allocations made while an Agent exists are sampled.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#define EMBERS_AGENT_API __attribute__((visibility("default")))

namespace embers {

struct EMBERS_AGENT_API AgentOptions {
    // Address to listen on. Anything but a loopback address requires a
    // bearer_token: the Agent constructor refuses otherwise.
    std::string bind_address = "127.0.0.1";
    // TCP port; 0 picks any free port (read it back with Agent::port()).
    int port = 6060;
    // When not empty, every request must carry "Authorization: Bearer <token>".
    std::string bearer_token;
    // Where the pprof endpoints live.
    std::string path_prefix = "/debug/pprof";
    // HTTPS when both are set (PEM files).
    std::string tls_cert_file;
    std::string tls_key_file;
    // CPU profile sampling rate in samples per CPU second of each thread.
    int cpu_hz = 100;
    // Mean bytes between heap samples; 0 switches heap sampling off.
    int64_t heap_sample_bytes = 512 * 1024;

    // Defaults overridden by EMBERS_AGENT_PORT (else PPROF_PORT),
    // EMBERS_AGENT_TOKEN (else ADMIN_KEY), EMBERS_AGENT_BIND and
    // EMBERS_AGENT_PREFIX (and EMBERS_AGENT_TLS_CERT, EMBERS_AGENT_TLS_KEY for
    // HTTPS, EMBERS_AGENT_HEAP_SAMPLE_BYTES). Throws std::runtime_error on a malformed port.
    static AgentOptions fromEnvironment();
};

// Serves the endpoints while it exists.
class EMBERS_AGENT_API Agent {
public:
    // Serving on return. Throws std::runtime_error with a message saying what
    // went wrong (port in use, non-loopback bind without a token, bad TLS
    // files). The profilers are process-wide: several Agents share them.
    explicit Agent(AgentOptions options = {});
    // Stops serving, stops a running profile (which answers with what it has
    // collected so far), and joins the agent's threads.
    ~Agent();

    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;

    // The bound port.
    int port() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// A mutex whose contention shows in the agent's mutex and block profiles.
// Meets the Lockable requirements, so std::lock_guard / std::unique_lock work.
// An uncontended lock costs one atomic operation, like std::mutex.
class EMBERS_AGENT_API Mutex {
public:
    Mutex();
    ~Mutex();
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    void lock();
    bool try_lock();
    void unlock();

private:
    // 0 unlocked, 1 locked, 2 locked with waiters (futex protocol).
    std::atomic<uint32_t> state_{0};
    std::atomic<uint32_t> waiters_{0};
    // Stack of the last unlock that had waiters; written by the holder before
    // unlocking and read by the next owner, so the lock itself orders them.
    static constexpr int kMaxDepth = 32;
    void* unlockStack_[kMaxDepth];
    int unlockDepth_ = 0;
};

}  // namespace embers
