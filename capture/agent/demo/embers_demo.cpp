// embers-demo: a program with recognizable workloads for trying the agent.
//
//   embers-demo [--port N] [--token T] [--bind ADDR] [--tls-cert PEM --tls-key PEM]
//               [--parked N] [--leak-mb M] [--cpu-percent P] [--blocked-thread]
//
// Defaults come from the environment as for any agent (EMBERS_AGENT_PORT, EMBERS_AGENT_TOKEN,
// EMBERS_AGENT_BIND, EMBERS_AGENT_PREFIX); a token given there stays out of `ps`. With
// EMBERS_DEMO_EXIT_WITH_PARENT set, it exits when the process that started it does.
//
// Threads: demo::burnCpu (CPU-bound: a whole core, or P % of one; the desktop app's local
// demo asks for a little, so that an idle app stays idle), demo::allocateLeaky (keeps M MiB live,
// allocated in 64 KiB blocks at start), demo::churnAllocations (allocates and
// frees), N threads parked in demo::parkedWorker (named "demo-parked"), and
// two threads contending on an embers::Mutex in demo::contend. Prints
// "LISTENING http://127.0.0.1:PORT" (https with TLS) once the agent serves; SIGINT or SIGTERM
// stop it cleanly.
#include <embers/agent.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace demo {

std::atomic<bool> g_stop{false};
std::mutex g_parkMutex;
std::condition_variable g_parkCv;
std::vector<std::unique_ptr<char[]>> g_leaked;
std::atomic<uint64_t> g_sink{0};

// Pure arithmetic, no library calls: the samples land in this function itself.
__attribute__((noinline)) uint64_t burnCpu(uint64_t iterations) {
    uint64_t x = 88172645463325252ull;
    for (uint64_t i = 0; i < iterations; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        asm volatile("" : "+r"(x));
    }
    return x;
}

// Burns `percent` of one core: all of it at 100, else that share of every 100 ms.
void cpuThread(int percent) {
    pthread_setname_np(pthread_self(), "demo-cpu");
    if (percent >= 100) {
        while (!g_stop) g_sink += burnCpu(2000000);
        return;
    }
    using Clock = std::chrono::steady_clock;
    const auto period = std::chrono::milliseconds(100);
    const auto busy = period * percent / 100;
    while (!g_stop) {
        const auto start = Clock::now();
        while (Clock::now() - start < busy) g_sink += burnCpu(100000);
        std::this_thread::sleep_until(start + period);
    }
}

__attribute__((noinline)) void allocateLeaky(size_t mebibytes) {
    const size_t block = 64 * 1024;
    for (size_t i = 0; i < mebibytes * 1024 * 1024 / block; ++i) {
        auto p = std::make_unique<char[]>(block);
        std::memset(p.get(), static_cast<int>(i), block);
        g_leaked.push_back(std::move(p));
    }
}

__attribute__((noinline)) void churnAllocations() {
    std::vector<std::string> v;
    for (int i = 0; i < 1000; ++i) v.emplace_back(static_cast<size_t>(100 + i % 400), 'x');
    g_sink += v.size();
}

void churnThread() {
    pthread_setname_np(pthread_self(), "demo-churn");
    while (!g_stop) {
        churnAllocations();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

__attribute__((noinline)) void parkedWorker() {
    pthread_setname_np(pthread_self(), "demo-parked");
    std::unique_lock lock(g_parkMutex);
    g_parkCv.wait(lock, [] { return g_stop.load(); });
}

// A thread that blocks SIGPROF cannot answer a thread dump: it is reported,
// not waited for (--blocked-thread).
__attribute__((noinline)) void blockedWorker() {
    pthread_setname_np(pthread_self(), "demo-blocked");
    sigset_t prof;
    sigemptyset(&prof);
    sigaddset(&prof, SIGPROF);
    pthread_sigmask(SIG_BLOCK, &prof, nullptr);
    std::unique_lock lock(g_parkMutex);
    g_parkCv.wait(lock, [] { return g_stop.load(); });
}

embers::Mutex g_contended;
uint64_t g_shared = 0;

// Holds the lock while it sleeps, so the two threads wait for each other
// (mutex and block profiles) without burning CPU.
__attribute__((noinline)) void contend() {
    pthread_setname_np(pthread_self(), "demo-mutex");
    while (!g_stop) {
        {
            std::lock_guard lock(g_contended);
            for (int i = 0; i < 1000; ++i) g_shared = g_shared * 31 + static_cast<uint64_t>(i);
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

}  // namespace demo

int main(int argc, char** argv) {
    // The environment first (EMBERS_AGENT_TOKEN keeps the token out of `ps`), flags win.
    embers::AgentOptions options = embers::AgentOptions::fromEnvironment();
    // Started by the Embers GUI as its local demo: go when the GUI goes, however it ends.
    if (std::getenv("EMBERS_DEMO_EXIT_WITH_PARENT")) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() == 1) return 0;  // the parent is already gone
    }
    int parked = 4;
    bool blockedThread = false;
    size_t leakMb = 32;
    int cpuPercent = 100;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
        if (a == "--port" && next) {
            options.port = std::atoi(argv[++i]);
        } else if (a == "--token" && next) {
            options.bearer_token = argv[++i];
        } else if (a == "--bind" && next) {
            options.bind_address = argv[++i];
        } else if (a == "--tls-cert" && next) {
            options.tls_cert_file = argv[++i];
        } else if (a == "--tls-key" && next) {
            options.tls_key_file = argv[++i];
        } else if (a == "--blocked-thread") {
            blockedThread = true;
        } else if (a == "--parked" && next) {
            parked = std::atoi(argv[++i]);
        } else if (a == "--cpu-percent" && next) {
            cpuPercent = std::max(0, std::min(100, std::atoi(argv[++i])));
        } else if (a == "--leak-mb" && next) {
            leakMb = static_cast<size_t>(std::atoll(argv[++i]));
        } else if (a == "--help" || a == "-h") {
            std::printf(
                "usage: embers-demo [--port N] [--token T] [--bind ADDR] [--tls-cert PEM --tls-key "
                "PEM] [--parked N] [--leak-mb M] [--cpu-percent P] [--blocked-thread]\n");
            return 0;
        } else {
            std::fprintf(stderr, "embers-demo: unknown argument %s; see --help\n", a.c_str());
            return 2;
        }
    }
    if (const char* token = std::getenv("EMBERS_AGENT_TOKEN");
        token && options.bearer_token.empty())
        options.bearer_token = token;

    // SIGINT/SIGTERM are taken by sigwait in main; every thread inherits the mask.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    std::unique_ptr<embers::Agent> agent;
    try {
        agent = std::make_unique<embers::Agent>(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "embers-demo: %s\n", e.what());
        return 1;
    }
    demo::allocateLeaky(leakMb);
    std::vector<std::thread> threads;
    threads.emplace_back(demo::cpuThread, cpuPercent);
    threads.emplace_back(demo::churnThread);
    for (int i = 0; i < parked; ++i) threads.emplace_back(demo::parkedWorker);
    threads.emplace_back(demo::contend);
    threads.emplace_back(demo::contend);
    if (blockedThread) threads.emplace_back(demo::blockedWorker);

    std::printf("LISTENING %s://%s:%d\n", options.tls_cert_file.empty() ? "http" : "https",
                options.bind_address == "0.0.0.0" ? "127.0.0.1" : options.bind_address.c_str(),
                agent->port());
    std::fflush(stdout);

    int sig = 0;
    sigwait(&stopSignals, &sig);
    demo::g_stop = true;
    { std::lock_guard lock(demo::g_parkMutex); }
    demo::g_parkCv.notify_all();
    for (auto& t : threads) t.join();
    agent.reset();
    std::printf("STOPPED\n");
    return 0;
}
