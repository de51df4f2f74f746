#include "endpoints.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "contention.h"
#include "cpu_profiler.h"
#include "heap_sampler.h"
#include "stack_profile.h"
#include "thread_dump.h"

namespace embers::detail {

namespace {

constexpr int64_t kMaxSeconds = 1800;  // 30 minutes

Reply protoReply(std::string gz) {
    Reply r;
    r.body = std::move(gz);
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"profile\"");
    return r;
}

Reply textReply(std::string text) {
    Reply r;
    r.contentType = "text/plain; charset=utf-8";
    r.body = std::move(text);
    return r;
}

// False when the parameter is present but not an integer.
bool intParam(const Params& params, const char* name, int64_t& value) {
    auto it = params.find(name);
    if (it == params.end() || it->second.empty()) return true;
    const std::string& s = it->second;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return false;
    value = v;
    return true;
}

bool hasParam(const Params& params, const char* name) {
    auto it = params.find(name);
    return it != params.end() && !it->second.empty();
}

int64_t unixNanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string hexAddr(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    return buf;
}

// "#\t0xPC\tfunc+0xOFF\tfile:line" lines of Go's debug=1 text, one per
// (inlined) frame.
void writeFrames(std::ostream& o, Symbolizer& sym, const std::vector<uintptr_t>& stack) {
    for (uintptr_t pc : stack) {
        const auto& frames = sym.frames(pc);
        if (frames.empty()) {
            o << "#\t" << hexAddr(pc) << '\n';
            continue;
        }
        for (const SymFrame& f : frames)
            o << "#\t" << hexAddr(pc) << '\t' << f.name << '+' << hexAddr(f.offset) << '\t'
              << (f.file.empty() ? "?" : f.file) << ':' << f.line << '\n';
    }
}

void writePcs(std::ostream& o, const std::vector<uintptr_t>& stack) {
    o << " @";
    for (uintptr_t pc : stack) o << ' ' << hexAddr(pc);
    o << '\n';
}

// Waits `seconds` (or until stop) for a delta profile.
void waitFor(int64_t seconds, const StopFn& stop) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline && !stop())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// ---- goroutine (threads) ----

Reply goroutineProfile(int64_t debug) {
    const std::vector<ThreadStack> threads = dumpAllThreads();
    StackProfileBuilder b;
    static const std::vector<uintptr_t> kNoStack;
    if (debug >= 2) {
        std::ostringstream o;
        Symbolizer& sym = b.symbolizer();
        for (const ThreadStack& t : threads) {
            o << "goroutine " << t.tid << " [" << t.state << ", thread \"" << t.name << '"';
            if (!t.answered) o << ", no stack: the thread did not answer the dump signal";
            o << "]:\n";
            for (uintptr_t pc : t.pcs) {
                const auto& frames = sym.frames(pc);
                if (frames.empty()) {
                    o << "?(...)\n\t?:0 +" << hexAddr(pc) << '\n';
                    continue;
                }
                for (const SymFrame& f : frames)
                    o << f.name << "(...)\n\t" << (f.file.empty() ? "?" : f.file) << ':' << f.line
                      << " +" << hexAddr(f.offset) << '\n';
            }
            o << '\n';
        }
        return textReply(o.str());
    }
    std::map<std::vector<uintptr_t>, int64_t> groups;
    int64_t unanswered = 0;
    for (const ThreadStack& t : threads) {
        if (t.answered)
            ++groups[t.pcs];
        else
            ++unanswered;
    }
    if (debug == 1) {
        std::vector<std::pair<int64_t, const std::vector<uintptr_t>*>> order;
        for (const auto& [stack, n] : groups) order.emplace_back(n, &stack);
        std::stable_sort(order.begin(), order.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        std::ostringstream o;
        o << "goroutine profile: total " << threads.size() << '\n';
        for (const auto& [n, stack] : order) {
            o << n;
            writePcs(o, *stack);
            writeFrames(o, b.symbolizer(), *stack);
            o << '\n';
        }
        if (unanswered > 0)
            o << "# " << unanswered << " thread(s) did not answer the dump signal in time\n";
        return textReply(o.str());
    }
    ProtoProfile& p = b.profile();
    p.sampleTypes = {{"goroutine", "count"}};
    p.periodType = {"goroutine", "count"};
    p.period = 1;
    p.timeNanos = unixNanos();
    for (const auto& [stack, n] : groups) b.addSample(stack, {n});
    if (unanswered > 0) {
        b.addSample(kNoStack, {unanswered},
                    {ProtoLabel{"embers", "no stack: did not answer", 0, ""}});
        p.comments.push_back(std::to_string(unanswered) +
                             " thread(s) did not answer the dump signal in time");
    }
    return protoReply(b.finish());
}

// ---- heap, allocs ----

Reply heapProfile(bool allocs, int64_t debug, int64_t seconds, const StopFn& stop) {
    const int64_t rate = heapSampleRate();
    std::vector<HeapBucket> buckets = heapSnapshot();
    const int64_t t0 = unixNanos();
    if (seconds > 0) {
        waitFor(seconds, stop);
        std::map<std::vector<uintptr_t>, HeapBucket> before;
        for (auto& h : buckets) before[h.stack] = h;
        buckets = heapSnapshot();
        for (HeapBucket& h : buckets) {
            auto it = before.find(h.stack);
            if (it == before.end()) continue;
            h.allocObjects -= it->second.allocObjects;
            h.allocBytes -= it->second.allocBytes;
            h.freeObjects -= it->second.freeObjects;
            h.freeBytes -= it->second.freeBytes;
        }
    }
    StackProfileBuilder b;
    if (debug >= 1) {
        int64_t io = 0, ib = 0, ao = 0, ab = 0;
        for (const HeapBucket& h : buckets) {
            io += h.allocObjects - h.freeObjects;
            ib += h.allocBytes - h.freeBytes;
            ao += h.allocObjects;
            ab += h.allocBytes;
        }
        std::ostringstream o;
        o << "heap profile: " << io << ": " << ib << " [" << ao << ": " << ab << "] @ heap/"
          << 2 * rate << '\n';
        for (const HeapBucket& h : buckets) {
            if (h.allocObjects == 0 && h.allocBytes == 0) continue;
            o << h.allocObjects - h.freeObjects << ": " << h.allocBytes - h.freeBytes << " ["
              << h.allocObjects << ": " << h.allocBytes << ']';
            writePcs(o, h.stack);
            writeFrames(o, b.symbolizer(), h.stack);
            o << '\n';
        }
        return textReply(o.str());
    }
    ProtoProfile& p = b.profile();
    p.sampleTypes = {{"alloc_objects", "count"},
                     {"alloc_space", "bytes"},
                     {"inuse_objects", "count"},
                     {"inuse_space", "bytes"}};
    p.periodType = {"space", "bytes"};
    p.period = rate;
    p.timeNanos = t0;
    if (seconds > 0) p.durationNanos = unixNanos() - t0;
    if (allocs) p.defaultSampleType = "alloc_space";
    for (const HeapBucket& h : buckets) {
        int64_t ao = 0, ab = 0, io = 0, ib = 0;
        unsampleHeap(h.allocObjects, h.allocBytes, rate, ao, ab);
        unsampleHeap(h.allocObjects - h.freeObjects, h.allocBytes - h.freeBytes, rate, io, ib);
        if (ao == 0 && ab == 0 && io == 0 && ib == 0) continue;
        b.addSample(h.stack, {ao, ab, io, ib});
    }
    if (rate <= 0) p.comments.push_back("heap sampling is off (heap_sample_bytes = 0)");
    return protoReply(b.finish());
}

// ---- mutex, block, threadcreate ----

std::vector<ContentionBucket> deltaBuckets(
    const std::function<std::vector<ContentionBucket>()>& get, int64_t seconds,
    const StopFn& stop) {
    std::vector<ContentionBucket> buckets = get();
    if (seconds <= 0) return buckets;
    std::map<std::vector<uintptr_t>, ContentionBucket> before;
    for (auto& c : buckets) before[c.stack] = c;
    waitFor(seconds, stop);
    buckets = get();
    for (ContentionBucket& c : buckets) {
        auto it = before.find(c.stack);
        if (it == before.end()) continue;
        c.count -= it->second.count;
        c.delayNanos -= it->second.delayNanos;
    }
    return buckets;
}

Reply contentionProfile(const std::string& name, int64_t debug, int64_t seconds,
                        const StopFn& stop) {
    const ContentionKind kind = name == "mutex" ? ContentionKind::Mutex : ContentionKind::Block;
    const auto buckets = deltaBuckets([kind] { return contentionSnapshot(kind); }, seconds, stop);
    StackProfileBuilder b;
    if (debug >= 1) {
        std::ostringstream o;
        o << "--- " << name << ":\ncycles/second=1000000000\nsampling period=1\n";
        for (const ContentionBucket& c : buckets) {
            if (c.count == 0) continue;
            o << c.delayNanos << ' ' << c.count;
            writePcs(o, c.stack);
            writeFrames(o, b.symbolizer(), c.stack);
        }
        return textReply(o.str());
    }
    ProtoProfile& p = b.profile();
    p.sampleTypes = {{"contentions", "count"}, {"delay", "nanoseconds"}};
    p.periodType = {"contentions", "count"};
    p.period = 1;
    p.timeNanos = unixNanos();
    for (const ContentionBucket& c : buckets)
        if (c.count != 0) b.addSample(c.stack, {c.count, c.delayNanos});
    p.comments.push_back("contention on embers::Mutex only");
    return protoReply(b.finish());
}

Reply threadCreateProfile(int64_t debug, int64_t seconds, const StopFn& stop) {
    const auto buckets = deltaBuckets(threadCreateSnapshot, seconds, stop);
    StackProfileBuilder b;
    int64_t total = 0;
    for (const auto& c : buckets) total += c.count;
    if (debug >= 1) {
        std::ostringstream o;
        o << "threadcreate profile: total " << total << '\n';
        for (const ContentionBucket& c : buckets) {
            if (c.count == 0) continue;
            o << c.count;
            writePcs(o, c.stack);
            writeFrames(o, b.symbolizer(), c.stack);
            o << '\n';
        }
        return textReply(o.str());
    }
    ProtoProfile& p = b.profile();
    p.sampleTypes = {{"threadcreate", "count"}};
    p.periodType = {"threadcreate", "count"};
    p.period = 1;
    p.timeNanos = unixNanos();
    for (const ContentionBucket& c : buckets)
        if (c.count != 0) b.addSample(c.stack, {c.count});
    return protoReply(b.finish());
}

std::string htmlEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '"':
                out += "&#34;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace

Reply goError(int status, const std::string& message) {
    Reply r;
    r.status = status;
    r.contentType = "text/plain; charset=utf-8";
    r.headers.emplace_back("X-Go-Pprof", "1");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.body = message + "\n";
    return r;
}

Reply indexPage(const std::string& prefix) {
    struct Entry {
        const char* name;
        int64_t count;
        const char* desc;
    };
    const int64_t heapCount = static_cast<int64_t>(heapSnapshot().size());
    const Entry entries[] = {
        {"allocs", heapCount, "A sampling of all past memory allocations"},
        {"block", static_cast<int64_t>(contentionSnapshot(ContentionKind::Block).size()),
         "Stack traces that led to blocking on embers::Mutex"},
        {"cmdline", 0, "The command line invocation of the current program"},
        {"goroutine", countThreads(),
         "Stack traces of all current threads. Use debug=2 as a query parameter to export in "
         "the same format as an unrecovered panic."},
        {"heap", heapCount,
         "A sampling of memory allocations of live objects. You can specify the gc GET "
         "parameter to run GC before taking the heap sample."},
        {"mutex", static_cast<int64_t>(contentionSnapshot(ContentionKind::Mutex).size()),
         "Stack traces of holders of contended embers::Mutex"},
        {"profile", 0,
         "CPU profile. You can specify the duration in the seconds GET parameter. After you get "
         "the profile file, use the go tool pprof command to investigate the profile."},
        {"threadcreate", threadsCreated() + 1,
         "Stack traces that led to the creation of new OS threads"},
    };
    const std::string title = htmlEscape(prefix + "/");
    std::ostringstream o;
    o << "<html>\n<head>\n<title>" << title
      << "</title>\n<style>\n.profile-name{\n\tdisplay:inline-block;\n"
      << "\twidth:6rem;\n}\n</style>\n</head>\n<body>\n"
      << title << "\n<br>\n<p>Set debug=1 as a "
      << "query parameter to export in legacy text format</p>\n<br>\nTypes of profiles "
      << "available:\n<table>\n<thead><td>Count</td><td>Profile</td></thead>\n";
    for (const Entry& e : entries)
        o << "<tr><td>" << e.count << "</td><td><a href='" << e.name << "?debug=1'>" << e.name
          << "</a></td></tr>\n";
    o << "</table>\n<a href=\"goroutine?debug=2\">full goroutine stack dump</a>\n<br>\n<p>\n"
      << "Profile Descriptions:\n<ul>\n";
    for (const Entry& e : entries)
        o << "<li><div class=profile-name>" << e.name << ": </div> " << htmlEscape(e.desc)
          << "</li>\n";
    o << "</ul>\n</p>\n</body>\n</html>\n";
    Reply r;
    r.contentType = "text/html; charset=utf-8";
    r.body = o.str();
    return r;
}

Reply cmdlinePage() {
    std::ifstream f("/proc/self/cmdline", std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (!s.empty() && s.back() == '\0') s.pop_back();  // args joined by NUL, like Go
    return textReply(std::move(s));
}

Reply symbolPage(const std::string& input) {
    std::ostringstream o;
    o << "num_symbols: 1\n";
    Symbolizer sym;
    size_t pos = 0;
    while (pos <= input.size()) {
        size_t plus = input.find('+', pos);
        if (plus == std::string::npos) plus = input.size();
        std::string word = input.substr(pos, plus - pos);
        pos = plus + 1;
        uint64_t pc = 0;
        const char* b = word.data();
        int base = 10;
        if (word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
            b += 2;
            base = 16;
        }
        auto [end, ec] = std::from_chars(b, word.data() + word.size(), pc, base);
        if (ec != std::errc() || end != word.data() + word.size() || pc == 0) continue;
        const auto& frames = sym.frames(pc);
        if (!frames.empty()) o << hexAddr(pc) << ' ' << frames.front().name << '\n';
    }
    return textReply(o.str());
}

Reply cpuProfile(const Params& params, int hz, const StopFn& stop) {
    int64_t seconds = 30;
    if (!intParam(params, "seconds", seconds) || seconds <= 0)
        return goError(400, "invalid value for \"seconds\" parameter");
    const bool capped = seconds > kMaxSeconds;
    seconds = std::min(seconds, kMaxSeconds);
    CpuProfileResult result;
    std::string error;
    if (!runCpuProfile(hz, static_cast<double>(seconds), stop, result, error))
        return goError(500, error);
    StackProfileBuilder b;
    ProtoProfile& p = b.profile();
    const int64_t period = 1000000000 / (hz > 0 && hz <= 10000 ? hz : 100);
    p.sampleTypes = {{"samples", "count"}, {"cpu", "nanoseconds"}};
    p.periodType = {"cpu", "nanoseconds"};
    p.period = period;
    p.timeNanos = result.startNanos;
    p.durationNanos = result.durationNanos;
    for (const auto& [stack, n] : result.counts) b.addSample(stack, {n, n * period});
    if (capped) p.comments.push_back("seconds capped at 1800");
    if (result.dropped > 0)
        p.comments.push_back(std::to_string(result.dropped) + " samples dropped");
    return protoReply(b.finish());
}

Reply namedProfile(const std::string& name, const Params& params, const StopFn& stop) {
    const bool known = name == "goroutine" || name == "heap" || name == "allocs" ||
                       name == "threadcreate" || name == "mutex" || name == "block";
    if (!known) return goError(404, "Unknown profile");
    int64_t debug = 0;
    if (!intParam(params, "debug", debug) || debug < 0)
        return goError(400, "invalid value for \"debug\" parameter");
    int64_t seconds = 0;
    if (hasParam(params, "seconds")) {
        if (!intParam(params, "seconds", seconds) || seconds <= 0)
            return goError(400, "invalid value for \"seconds\" parameter");
        if (debug != 0) return goError(400, "seconds and debug params are incompatible");
        if (name == "goroutine")
            return goError(400, "the seconds parameter is not supported for goroutine");
        seconds = std::min(seconds, kMaxSeconds);
    }
    if (name == "goroutine") return goroutineProfile(debug);
    if (name == "heap" || name == "allocs")
        return heapProfile(name == "allocs", debug, seconds, stop);
    if (name == "threadcreate") return threadCreateProfile(debug, seconds, stop);
    return contentionProfile(name, debug, seconds, stop);
}

}  // namespace embers::detail
