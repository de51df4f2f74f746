#include "metrics.h"

#include <dirent.h>
#include <malloc.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "contention.h"
#include "heap_sampler.h"
#include "thread_dump.h"

namespace embers::detail {

namespace {

struct ProcessStats {
    double cpuSeconds = 0;
    int64_t residentBytes = 0, virtualBytes = 0;
    int threads = 0, openFds = 0;
    int64_t maxFds = 0;
    double startTime = 0;  // unix seconds
    double uptime = 0;
    int64_t mallocInuse = 0;  // glibc's own figure: bytes in use in all arenas + mmapped
    int64_t mallocArena = 0;
    HeapTotals heap;
    int64_t threadsCreated = 0;
};

int countDir(const char* path) {
    int n = 0;
    if (DIR* d = opendir(path)) {
        while (dirent* e = readdir(d))
            if (e->d_name[0] != '.') ++n;
        closedir(d);
    }
    return n;
}

ProcessStats collect() {
    ProcessStats s;
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    s.cpuSeconds = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    const long page = sysconf(_SC_PAGESIZE);
    {
        std::ifstream statm("/proc/self/statm");
        int64_t size = 0, resident = 0;
        statm >> size >> resident;
        s.virtualBytes = size * page;
        s.residentBytes = resident * page;
    }
    s.threads = countThreads();
    s.openFds = countDir("/proc/self/fd") - 1;  // minus the directory handle itself
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) s.maxFds = static_cast<int64_t>(rl.rlim_cur);
    {
        // Field 22 of /proc/self/stat: start time in clock ticks after boot.
        std::ifstream stat("/proc/self/stat");
        std::string line;
        std::getline(stat, line);
        const size_t paren = line.rfind(')');
        std::istringstream rest(paren == std::string::npos ? "" : line.substr(paren + 2));
        std::string field;
        double startTicks = 0;
        for (int i = 3; rest >> field; ++i) {
            if (i == 22) {
                startTicks = std::stod(field);
                break;
            }
        }
        std::ifstream uptimeFile("/proc/uptime");
        double sinceBoot = 0;
        uptimeFile >> sinceBoot;
        const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
        const double now = static_cast<double>(time(nullptr));
        s.startTime = now - sinceBoot + startTicks / ticks;
        s.uptime = sinceBoot - startTicks / ticks;
    }
    const struct mallinfo2 mi = mallinfo2();
    s.mallocInuse = static_cast<int64_t>(mi.uordblks + mi.hblkhd);
    s.mallocArena = static_cast<int64_t>(mi.arena + mi.hblkhd);
    s.heap = heapTotals();
    s.threadsCreated = threadsCreated();
    return s;
}

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::vector<std::string> cmdlineArgs() {
    std::ifstream f("/proc/self/cmdline", std::ios::binary);
    std::vector<std::string> args;
    std::string arg;
    while (std::getline(f, arg, '\0')) args.push_back(arg);
    return args;
}

}  // namespace

std::string metricsJson() {
    const ProcessStats s = collect();
    std::ostringstream o;
    o.precision(17);
    o << "{\n\"cmdline\": [";
    const auto args = cmdlineArgs();
    for (size_t i = 0; i < args.size(); ++i) o << (i ? ", " : "") << jsonString(args[i]);
    o << "],\n";
    // Field names of Go's runtime.MemStats where the meaning matches, so
    // expvar consumers chart them; figures come from glibc and the sampler.
    o << "\"memstats\": {\"HeapAlloc\": " << s.mallocInuse << ", \"HeapInuse\": " << s.mallocInuse
      << ", \"HeapSys\": " << s.mallocArena << ", \"Sys\": " << s.residentBytes
      << ", \"HeapObjects\": " << s.heap.inuseObjects << ", \"TotalAlloc\": " << s.heap.allocBytes
      << ", \"Mallocs\": " << s.heap.allocObjects
      << ", \"Frees\": " << (s.heap.allocObjects - s.heap.inuseObjects) << "},\n";
    o << "\"process\": {\"cpu_seconds\": " << s.cpuSeconds
      << ", \"resident_memory_bytes\": " << s.residentBytes
      << ", \"virtual_memory_bytes\": " << s.virtualBytes << ", \"threads\": " << s.threads
      << ", \"threads_created\": " << s.threadsCreated << ", \"open_fds\": " << s.openFds
      << ", \"max_fds\": " << s.maxFds << ", \"start_time_seconds\": " << s.startTime
      << ", \"uptime_seconds\": " << s.uptime << "},\n";
    o << "\"heap\": {\"malloc_inuse_bytes\": " << s.mallocInuse
      << ", \"sampled_inuse_bytes\": " << s.heap.inuseBytes
      << ", \"sampled_inuse_objects\": " << s.heap.inuseObjects
      << ", \"sampled_alloc_bytes_total\": " << s.heap.allocBytes
      << ", \"sampled_alloc_objects_total\": " << s.heap.allocObjects
      << ", \"sample_rate_bytes\": " << heapSampleRate() << "}\n}\n";
    return o.str();
}

std::string metricsPrometheus() {
    const ProcessStats s = collect();
    std::ostringstream o;
    o.precision(17);
    auto metric = [&](const char* name, const char* type, const char* help, auto value) {
        o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
          << name << ' ' << value << '\n';
    };
    metric("process_cpu_seconds_total", "counter",
           "Total user and system CPU time spent in seconds.", s.cpuSeconds);
    metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
           s.residentBytes);
    metric("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
           s.virtualBytes);
    metric("process_open_fds", "gauge", "Number of open file descriptors.", s.openFds);
    metric("process_max_fds", "gauge", "Maximum number of open file descriptors.", s.maxFds);
    metric("process_start_time_seconds", "gauge",
           "Start time of the process since unix epoch in seconds.", s.startTime);
    metric("process_threads", "gauge", "Number of OS threads in the process.", s.threads);
    metric("process_uptime_seconds", "gauge", "Seconds since the process started.", s.uptime);
    metric("embers_threads_created_total", "counter",
           "Threads created through pthread_create since the agent loaded.", s.threadsCreated);
    metric("embers_heap_inuse_bytes", "gauge",
           "Bytes in use by the program according to glibc malloc (mallinfo2).", s.mallocInuse);
    metric("embers_heap_arena_bytes", "gauge", "Bytes glibc malloc holds from the system.",
           s.mallocArena);
    metric("embers_heap_sampled_inuse_bytes", "gauge",
           "Estimated bytes in use, from the heap sampler (unsampled like Go).", s.heap.inuseBytes);
    metric("embers_heap_sampled_inuse_objects", "gauge",
           "Estimated objects in use, from the heap sampler.", s.heap.inuseObjects);
    metric("embers_heap_sampled_alloc_bytes_total", "counter",
           "Estimated bytes allocated since the agent started, from the heap sampler.",
           s.heap.allocBytes);
    metric("embers_heap_sampled_alloc_objects_total", "counter",
           "Estimated allocations since the agent started, from the heap sampler.",
           s.heap.allocObjects);
    metric("embers_heap_sample_rate_bytes", "gauge", "Mean bytes between heap samples.",
           heapSampleRate());
    return o.str();
}

}  // namespace embers::detail
