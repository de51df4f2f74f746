// Writes a large, realistic, gzip-compressed pprof CPU profile for the benchmark.
//
//   gen_large_profile OUT.pb.gz [--samples N] [--seed S]
//
// Defaults: 1,250,000 samples (about 150 MB uncompressed), 200,000 locations, 50,000 functions,
// stack depth 10..70 (mean 40), sample types samples/count and cpu/nanoseconds (period 10 ms),
// string labels, Go-like function names, some inlined frames and a Zipf-like skew. The output
// depends only on the arguments (own PRNG, no std distributions). Standalone: zlib and a
// hand-written protobuf encoder for google/pprof's profile.proto, no project code.
//
// Model: functions sit on levels 0..69 (a call at stack position k goes from a level-k
// function to a level-(k+1) one); every location is a call site in one function with a
// fixed callee on the next level, and every function has a caller. A few thousand popular
// root-to-depth-70 walks are drawn first; a sample follows one of them (Zipf-chosen) from
// the root to its depth, most samples branching off into a walk of their own part way. Its
// leaf is then, for about a third of the samples, a location of a small set of hot
// "runtime" functions (allocation, memmove, syscalls...). Choices are Zipf-weighted, so a
// few paths and leaves are hot while the tail is long. Location, function and string ids
// are given in order of first use, as Go's runtime/pprof does, and the tables follow the
// samples.
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

// ---- deterministic randomness ---------------------------------------------------------

class Rng {
public:
    explicit Rng(uint64_t seed) {
        for (auto& s : s_) s = splitmix(seed);
    }
    uint64_t next() {  // xoshiro256**
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    // Uniform in [0, n).
    uint32_t below(uint32_t n) { return static_cast<uint32_t>(((next() >> 32) * n) >> 32); }
    // Uniform in [lo, hi].
    int range(int lo, int hi) {
        return lo + static_cast<int>(below(static_cast<uint32_t>(hi - lo + 1)));
    }
    // Uniform in [0, 1).
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return unit() < p; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static uint64_t splitmix(uint64_t& x) {
        uint64_t z = (x += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    uint64_t s_[4];
};

// Draws ranks 0..n-1 with weight 1 / (rank + 1)^s.
class Zipf {
public:
    Zipf() = default;
    Zipf(uint32_t n, double s) : cdf_(n) {
        double sum = 0;
        for (uint32_t i = 0; i < n; ++i) cdf_[i] = (sum += 1.0 / std::pow(i + 1.0, s));
        for (auto& c : cdf_) c /= sum;
    }
    uint32_t operator()(Rng& rng) const {
        const double u = rng.unit();
        const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
        return static_cast<uint32_t>(std::min<size_t>(it - cdf_.begin(), cdf_.size() - 1));
    }
    uint32_t size() const { return static_cast<uint32_t>(cdf_.size()); }

private:
    std::vector<double> cdf_;
};

// ---- protobuf wire format -------------------------------------------------------------

void putVarint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

void putTag(std::string& out, int field, int wireType) {
    putVarint(out, (static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wireType));
}

void putUint(std::string& out, int field, uint64_t v) {
    if (v == 0) return;  // proto3 default
    putTag(out, field, 0);
    putVarint(out, v);
}

void putBytes(std::string& out, int field, std::string_view bytes) {
    putTag(out, field, 2);
    putVarint(out, bytes.size());
    out.append(bytes);
}

template <typename Range>
void putPacked(std::string& out, int field, const Range& values, std::string& scratch) {
    scratch.clear();
    for (uint64_t v : values) putVarint(scratch, v);
    putBytes(out, field, scratch);
}

// ---- gzip output ----------------------------------------------------------------------

class GzipFile {
public:
    explicit GzipFile(const char* path) : file_(std::fopen(path, "wb")) {
        if (!file_) {
            std::perror(path);
            std::exit(1);
        }
        // windowBits 31: zlib writes a gzip header (mtime 0) and trailer.
        if (deflateInit2(&zs_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) !=
            Z_OK) {
            std::fprintf(stderr, "deflateInit2 failed\n");
            std::exit(1);
        }
    }
    // Appends `data` to the uncompressed stream.
    void write(std::string_view data) {
        raw_ += data.size();
        run(data, Z_NO_FLUSH);
    }
    void finish() {
        run({}, Z_FINISH);
        deflateEnd(&zs_);
        if (std::fclose(file_) != 0) {
            std::perror("fclose");
            std::exit(1);
        }
    }
    uint64_t rawBytes() const { return raw_; }
    uint64_t compressedBytes() const { return written_; }

private:
    void run(std::string_view data, int flush) {
        zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        zs_.avail_in = static_cast<uInt>(data.size());
        int rc;
        do {
            zs_.next_out = buf_;
            zs_.avail_out = sizeof buf_;
            rc = deflate(&zs_, flush);
            if (rc == Z_STREAM_ERROR) {
                std::fprintf(stderr, "deflate failed\n");
                std::exit(1);
            }
            const size_t n = sizeof buf_ - zs_.avail_out;
            if (n && std::fwrite(buf_, 1, n, file_) != n) {
                std::perror("fwrite");
                std::exit(1);
            }
            written_ += n;
        } while (zs_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    }

    std::FILE* file_;
    z_stream zs_{};
    Bytef buf_[1 << 16];
    uint64_t raw_ = 0;
    uint64_t written_ = 0;
};

// ---- the synthetic program ------------------------------------------------------------

constexpr int kLevels = 70;    // maximum stack depth
constexpr int kMinDepth = 10;  // depth is uniform in [kMinDepth, kLevels]: mean 40
constexpr uint32_t kFunctions = 50000;
constexpr uint32_t kLocations = 200000;
constexpr uint64_t kPeriod = 10000000;    // 10 ms, 100 Hz
constexpr double kHotLeafShare = 0.35;    // samples whose leaf is a hot runtime function
constexpr double kInlinedShare = 0.15;    // locations with 2-3 lines
constexpr uint32_t kPopularPaths = 5000;  // hot paths from the root that samples start on
constexpr double kBranchShare = 0.7;      // samples that leave their path part way

struct Func {
    std::string name;
    std::string file;
    int64_t startLine = 0;
    uint32_t firstLoc = 0;  // its locations are [firstLoc, firstLoc + numLocs)
    uint32_t numLocs = 0;
    uint64_t id = 0;  // assigned on first use
};

struct Loc {
    uint32_t func = 0;
    uint32_t callee = 0;  // a function on the next level (unused on the last level)
    uint64_t address = 0;
    int64_t line = 0;
    uint32_t inlined[2] = {0, 0};  // functions inlined at this call site, innermost first
    int64_t inlinedLine[2] = {0, 0};
    uint8_t numInlined = 0;
    uint64_t id = 0;  // assigned on first use
};

const char* const kWords[] = {
    "cache",    "store",   "ledger", "order",   "payment", "queue",   "router", "session",
    "token",    "index",   "shard",  "batch",   "stream",  "buffer",  "codec",  "parser",
    "report",   "metric",  "trace",  "event",   "worker",  "pool",    "client", "server",
    "handler",  "policy",  "quota",  "billing", "account", "invoice", "search", "ranker",
    "feed",     "graph",   "node",   "edge",    "schema",  "table",   "column", "row",
    "vector",   "blob",    "bucket", "object",  "lease",   "lock",    "raft",   "wal",
    "snapshot", "compact", "merge",  "filter",  "config",  "secret",  "auth",   "user",
    "profile",  "image",   "thumb",  "media",   "upload",  "notify",  "mail",   "sms",
};
const char* const kVerbs[] = {
    "Get",    "Put",      "Load",     "Save",   "Flush",   "Apply",   "Encode",    "Decode",
    "Parse",  "Render",   "Resolve",  "Lookup", "Insert",  "Delete",  "Update",    "Scan",
    "Merge",  "Split",    "Hash",     "Sort",   "Compute", "Handle",  "Serve",     "Dispatch",
    "Commit", "Rollback", "Validate", "Build",  "Compile", "Marshal", "Unmarshal", "Read",
    "Write",  "Close",    "Open",     "Wait",   "Notify",  "Retry",   "Publish",   "Consume",
};
const char* const kHosts[] = {"github.com/acme", "github.com/acme/platform", "go.acme.io",
                              "internal", "gitlab.acme.io/core"};
const char* const kHotNames[] = {
    "runtime.mallocgc",
    "runtime.memmove",
    "runtime.memclrNoHeapPointers",
    "runtime.scanobject",
    "syscall.Syscall",
    "runtime.futex",
    "runtime.mapaccess2_faststr",
    "runtime.mapassign_faststr",
    "runtime.findObject",
    "runtime.greyobject",
    "runtime.heapBitsSetType",
    "runtime.nextFreeFast",
    "runtime.memequal",
    "runtime.procyield",
    "runtime.usleep",
    "runtime.epollwait",
    "runtime.step",
    "runtime.pcvalue",
    "runtime.growslice",
    "runtime.concatstrings",
    "runtime.slicebytetostring",
    "runtime.lock2",
    "runtime.unlock2",
    "runtime.selectgo",
    "aeshashbody",
    "runtime.(*mspan).nextFreeIndex",
    "runtime.(*gcWork).tryGet",
    "runtime.(*mheap).allocSpan",
    "sync.(*Mutex).Lock",
    "sync.(*Mutex).Unlock",
    "sync/atomic.(*Int64).Add",
    "strconv.ParseInt",
    "strings.IndexByte",
    "bytes.(*Buffer).WriteString",
    "encoding/json.(*decodeState).object",
    "encoding/json.checkValid",
    "crypto/sha256.block",
    "compress/flate.(*compressor).deflate",
    "hash/crc32.ieeeCLMUL",
    "internal/poll.(*FD).Read",
};
constexpr uint32_t kHot = sizeof kHotNames / sizeof kHotNames[0];
const char* const kRootNames[] = {"runtime.goexit", "runtime.main", "runtime.mcall"};
constexpr uint32_t kRoots = sizeof kRootNames / sizeof kRootNames[0];

template <size_t N>
const char* pick(const char* const (&words)[N], Rng& rng) {
    return words[rng.below(N)];
}

std::string capitalized(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
}

struct Program {
    std::vector<Func> funcs;  // [0, kHot) hot leaves; then levels 0..kLevels-1
    std::vector<Loc> locs;
    std::vector<uint32_t> levelBegin;  // functions of level k: [levelBegin[k], levelBegin[k+1])
    std::vector<Zipf> levelZipf;       // rank within a level
    std::vector<Zipf> locZipf;         // by number of locations of a function (1..8)
    Zipf hotZipf;
};

Program buildProgram(Rng& rng) {
    Program p;
    p.funcs.resize(kFunctions);

    // Names: packages of ~20 functions each, mostly methods on a few types.
    std::unordered_set<std::string> used;
    std::string pkg, dir, type;
    for (uint32_t i = 0; i < kFunctions; ++i) {
        Func& f = p.funcs[i];
        if (i < kHot) {
            f.name = kHotNames[i];
            const auto dot = f.name.find('.');
            const std::string pkgName = f.name.substr(0, dot);
            f.file = "/usr/lib/go/src/" + (pkgName == "aeshashbody" ? "runtime" : pkgName) + "/" +
                     (pkgName.substr(pkgName.rfind('/') + 1)) + ".go";
        } else if (i < kHot + kRoots) {
            f.name = kRootNames[i - kHot];
            f.file = "/usr/lib/go/src/runtime/proc.go";
        } else {
            if ((i - kHot - kRoots) % 20 == 0) {
                pkg = std::string(pick(kHosts, rng)) + "/" + pick(kWords, rng) + "/" +
                      pick(kWords, rng) + std::to_string(rng.below(100));
                dir = "/home/build/src/" + pkg;
                type.clear();
            }
            if (type.empty() || rng.chance(0.3))
                type = capitalized(pick(kWords, rng)) + capitalized(pick(kWords, rng));
            std::string name;
            for (int attempt = 0;; ++attempt) {
                const std::string method =
                    std::string(pick(kVerbs, rng)) + capitalized(pick(kWords, rng));
                if (rng.chance(0.2))
                    name = pkg + "." + method;  // plain function
                else if (rng.chance(0.6))
                    name = pkg + ".(*" + type + ")." + method;
                else
                    name = pkg + "." + type + "." + method;
                if (rng.chance(0.05)) name += ".func" + std::to_string(1 + rng.below(3));
                if (attempt > 3) name += std::to_string(attempt);
                if (used.insert(name).second) break;
            }
            f.name = std::move(name);
            std::string file = type;
            std::transform(file.begin(), file.end(), file.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            f.file = dir + "/" + file + ".go";
        }
        f.startLine = rng.range(10, 2500);
    }

    // Locations: 2..6 per function (hot ones 3), adjusted to exactly kLocations.
    std::vector<uint32_t> count(kFunctions);
    uint64_t total = 0;
    for (uint32_t i = 0; i < kFunctions; ++i) total += count[i] = i < kHot ? 3 : rng.range(2, 6);
    for (uint32_t i = kHot; total != kLocations; i = i + 1 < kFunctions ? i + 1 : kHot) {
        if (total < kLocations && count[i] < 8)
            ++count[i], ++total;
        else if (total > kLocations && count[i] > 1)
            --count[i], --total;
    }

    // Levels: 3 roots, then each level at most as large as the number of call sites on the
    // level above (so every function has a caller), up to an even share of the rest.
    p.levelBegin.resize(kLevels + 1);
    uint32_t at = kHot;
    uint32_t callSites = 0, callSitesAbove = 0;
    for (int k = 0; k < kLevels; ++k) {
        p.levelBegin[k] = at;
        const uint32_t even = (kFunctions - at) / static_cast<uint32_t>(kLevels - k);
        const uint32_t size = k == 0             ? kRoots
                              : k + 1 == kLevels ? kFunctions - at
                                                 : std::min(even, callSites);
        callSitesAbove = callSites;
        callSites = 0;
        for (uint32_t i = at; i < at + size; ++i) callSites += count[i];
        at += size;
    }
    p.levelBegin[kLevels] = at;
    if (at != kFunctions || kFunctions - p.levelBegin[kLevels - 1] > callSitesAbove) {
        std::fprintf(stderr, "internal error: bad level layout\n");
        std::exit(1);
    }
    p.locs.resize(kLocations);
    uint32_t next = 0;
    uint64_t address = 0x401000;
    for (uint32_t i = 0; i < kFunctions; ++i) {
        Func& f = p.funcs[i];
        f.firstLoc = next;
        f.numLocs = count[i];
        int64_t line = f.startLine;
        for (uint32_t j = 0; j < count[i]; ++j) {
            Loc& l = p.locs[next++];
            l.func = i;
            l.line = line += rng.range(1, 12);
            l.address = address += 4 + 4 * rng.below(24);
        }
        address += 64;
    }

    // Callees: first cover every function of the next level, then Zipf.
    p.levelZipf.resize(kLevels);
    for (int k = 0; k < kLevels; ++k)
        p.levelZipf[k] = Zipf(p.levelBegin[k + 1] - p.levelBegin[k], 1.05);
    for (int k = 0; k + 1 < kLevels; ++k) {
        const uint32_t nextBegin = p.levelBegin[k + 1];
        const uint32_t nextSize = p.levelBegin[k + 2] - nextBegin;
        uint32_t cover = 0;
        for (uint32_t fi = p.levelBegin[k]; fi < p.levelBegin[k + 1]; ++fi) {
            const Func& f = p.funcs[fi];
            for (uint32_t j = 0; j < f.numLocs; ++j) {
                Loc& l = p.locs[f.firstLoc + j];
                l.callee =
                    cover < nextSize ? nextBegin + cover++ : nextBegin + p.levelZipf[k + 1](rng);
            }
        }
    }

    // Inlining: some call sites have 1-2 small functions inlined into them.
    for (uint32_t i = kHot * 3; i < kLocations; ++i) {
        if (!rng.chance(kInlinedShare)) continue;
        Loc& l = p.locs[i];
        l.numInlined = static_cast<uint8_t>(rng.chance(0.7) ? 1 : 2);
        for (int j = 0; j < l.numInlined; ++j) {
            const uint32_t fi = kHot + kRoots + rng.below(kFunctions - kHot - kRoots);
            l.inlined[j] = fi;
            l.inlinedLine[j] = p.funcs[fi].startLine + rng.range(1, 20);
        }
    }

    p.locZipf.resize(9);
    for (uint32_t n = 1; n <= 8; ++n) p.locZipf[n] = Zipf(n, 1.0);
    p.hotZipf = Zipf(kHot, 1.2);
    return p;
}

// ---- string table and ids in order of first use ---------------------------------------

class Strings {
public:
    Strings() { intern(""); }
    uint64_t intern(const std::string& s) {
        const auto [it, inserted] = index_.try_emplace(s, table_.size());
        if (inserted) table_.push_back(s);
        return it->second;
    }
    const std::vector<std::string>& table() const { return table_; }

private:
    std::unordered_map<std::string, uint64_t> index_;
    std::vector<std::string> table_;
};

struct Label {
    const char* key;
    std::vector<const char*> values;
    double presence;
};

int usage() {
    std::fprintf(stderr, "usage: gen_large_profile OUT.pb.gz [--samples N] [--seed S]\n");
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    const char* out = nullptr;
    uint64_t numSamples = 1250000;
    uint64_t seed = 20240601;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if ((a == "--samples" || a == "--seed") && i + 1 < argc) {
            char* end = nullptr;
            const unsigned long long v = std::strtoull(argv[++i], &end, 10);
            if (*end != '\0' || (a == "--samples" && v == 0)) return usage();
            (a == "--samples" ? numSamples : seed) = v;
        } else if (!a.starts_with("-") && !out) {
            out = argv[i];
        } else {
            return usage();
        }
    }
    if (!out) return usage();

    Rng rng(seed);
    Program prog = buildProgram(rng);
    Strings strings;
    GzipFile gz(out);
    std::string buf, msg, scratch;
    buf.reserve(1 << 21);

    // sample_type = 1
    for (const char* t : {"samples", "count", "cpu", "nanoseconds"}) strings.intern(t);
    for (auto [type, unit] : {std::pair{"samples", "count"}, std::pair{"cpu", "nanoseconds"}}) {
        msg.clear();
        putUint(msg, 1, strings.intern(type));
        putUint(msg, 2, strings.intern(unit));
        putBytes(buf, 1, msg);
    }

    const std::vector<Label> labels = {
        {"handler",
         {"/api/v1/orders", "/api/v1/payments", "/api/v1/search", "/api/v1/users", "/healthz",
          "/api/v2/feed", "/api/v1/upload", "/metrics"},
         0.8},
        {"tenant", {"acme", "globex", "initech", "umbrella", "hooli"}, 0.6},
        {"worker", {"alpha", "beta", "gamma", "delta"}, 1.0},
    };
    std::vector<uint64_t> keyIds;
    std::vector<std::vector<uint64_t>> valueIds;
    std::vector<Zipf> valueZipf;
    for (const Label& l : labels) {
        keyIds.push_back(strings.intern(l.key));
        valueIds.emplace_back();
        for (const char* v : l.values) valueIds.back().push_back(strings.intern(v));
        valueZipf.emplace_back(static_cast<uint32_t>(l.values.size()), 0.8);
    }

    uint64_t nextLocId = 1;
    auto locId = [&](uint32_t li) {
        Loc& l = prog.locs[li];
        if (!l.id) l.id = nextLocId++;
        return l.id;
    };

    // sample = 2, streamed.
    std::vector<uint64_t> stack;  // leaf first
    std::vector<uint32_t> path;
    uint64_t totalDepth = 0, totalCount = 0;
    // Popular paths: each sample follows one of them from the root for a while, and
    // most samples then branch off into a random walk of their own.
    const Zipf rootZipf(kRoots, 0.6);
    auto walk = [&](std::vector<uint32_t>& path, size_t from, uint32_t f, int depth) {
        path.resize(from);
        for (int k = static_cast<int>(from); k < depth; ++k) {
            const Func& fn = prog.funcs[f];
            const uint32_t li = fn.firstLoc + prog.locZipf[fn.numLocs](rng);
            path.push_back(li);
            f = prog.locs[li].callee;
        }
    };
    std::vector<std::vector<uint32_t>> popular(kPopularPaths);
    for (auto& pp : popular) walk(pp, 0, kHot + rootZipf(rng), kLevels);
    const Zipf popularZipf(kPopularPaths, 1.0);

    for (uint64_t s = 0; s < numSamples; ++s) {
        const int depth = rng.range(kMinDepth, kLevels);
        const auto& base = popular[popularZipf(rng)];
        path.assign(base.begin(), base.begin() + depth);
        if (rng.chance(kBranchShare)) {
            const int from = rng.range(depth / 2, depth - 1);
            walk(path, from, prog.locs[path[from]].func, depth);
        }
        if (rng.chance(kHotLeafShare)) {
            // The leaf is a hot runtime function called from the frame above.
            const Func& hot = prog.funcs[prog.hotZipf(rng)];
            path.back() = hot.firstLoc + prog.locZipf[hot.numLocs](rng);
        }
        stack.clear();
        for (auto it = path.rbegin(); it != path.rend(); ++it) stack.push_back(locId(*it));
        totalDepth += stack.size();

        const uint64_t count = rng.chance(0.8) ? 1 : 2 + rng.below(rng.chance(0.8) ? 3 : 20);
        msg.clear();
        putPacked(msg, 1, stack, scratch);
        totalCount += count;
        const uint64_t values[2] = {count, count * kPeriod};
        putPacked(msg, 2, values, scratch);
        for (size_t i = 0; i < labels.size(); ++i) {
            if (!rng.chance(labels[i].presence)) continue;
            scratch.clear();
            putUint(scratch, 1, keyIds[i]);
            putUint(scratch, 2, valueIds[i][valueZipf[i](rng)]);
            putBytes(msg, 3, scratch);
        }
        putBytes(buf, 2, msg);
        if (buf.size() >= (1 << 20)) {
            gz.write(buf);
            buf.clear();
        }
    }

    // mapping = 3
    const uint64_t binaryName = strings.intern("/usr/local/bin/acme-server");
    const uint64_t buildId = strings.intern("9f2c1e7a4b3d58e6f0a1b2c3d4e5f60718293a4b");
    msg.clear();
    putUint(msg, 1, 1);
    putUint(msg, 2, 0x400000);
    putUint(msg, 3, (prog.locs.back().address + 0x100000) & ~uint64_t{0xfff});
    putUint(msg, 4, 0);
    putUint(msg, 5, binaryName);
    putUint(msg, 6, buildId);
    for (int field = 7; field <= 10; ++field) putUint(msg, field, 1);
    putBytes(buf, 3, msg);

    const uint64_t sampleBytes = gz.rawBytes() + buf.size();
    const uint64_t usedLocations = nextLocId - 1;
    // Locations never reached by a sample still get ids, after the used ones.
    for (uint32_t li = 0; li < kLocations; ++li) locId(li);
    std::vector<uint32_t> byId(kLocations);
    for (uint32_t li = 0; li < kLocations; ++li) byId[prog.locs[li].id - 1] = li;

    uint64_t nextFuncId = 1;
    std::vector<uint32_t> funcOrder;
    auto funcId = [&](uint32_t fi) {
        Func& f = prog.funcs[fi];
        if (!f.id) {
            f.id = nextFuncId++;
            funcOrder.push_back(fi);
        }
        return f.id;
    };

    // location = 4
    uint64_t inlinedLocs = 0;
    std::string line;
    for (uint32_t li : byId) {
        const Loc& l = prog.locs[li];
        msg.clear();
        putUint(msg, 1, l.id);
        putUint(msg, 2, 1);
        putUint(msg, 3, l.address);
        for (int j = 0; j < l.numInlined; ++j) {  // innermost first
            line.clear();
            putUint(line, 1, funcId(l.inlined[j]));
            putUint(line, 2, static_cast<uint64_t>(l.inlinedLine[j]));
            putBytes(msg, 4, line);
        }
        line.clear();
        putUint(line, 1, funcId(l.func));
        putUint(line, 2, static_cast<uint64_t>(l.line));
        putBytes(msg, 4, line);
        inlinedLocs += l.numInlined > 0;
        putBytes(buf, 4, msg);
        if (buf.size() >= (1 << 20)) {
            gz.write(buf);
            buf.clear();
        }
    }

    // function = 5; every function has at least one location, so all have ids now.
    for (uint32_t fi : funcOrder) {
        const Func& f = prog.funcs[fi];
        const uint64_t name = strings.intern(f.name);
        msg.clear();
        putUint(msg, 1, f.id);
        putUint(msg, 2, name);
        putUint(msg, 3, name);  // system_name, as Go writes it
        putUint(msg, 4, strings.intern(f.file));
        putUint(msg, 5, static_cast<uint64_t>(f.startLine));
        putBytes(buf, 5, msg);
    }

    // string_table = 6 (the period type strings are already in it)
    for (const std::string& s : strings.table()) {
        putBytes(buf, 6, s);
        if (buf.size() >= (1 << 20)) {
            gz.write(buf);
            buf.clear();
        }
    }
    putUint(buf, 9, 1717200000000000000ull);  // time_nanos: 2024-06-01
    // duration_nanos: as if 32 cores had been busy all along.
    putUint(buf, 10, std::max<uint64_t>(totalCount * kPeriod / 32, 1000000000));
    msg.clear();
    putUint(msg, 1, strings.intern("cpu"));
    putUint(msg, 2, strings.intern("nanoseconds"));
    putBytes(buf, 11, msg);     // period_type
    putUint(buf, 12, kPeriod);  // period
    gz.write(buf);
    gz.finish();

    std::fprintf(stderr,
                 "%s: %llu samples (mean depth %.1f, %.1f MB), %u locations (%llu used by samples, "
                 "%llu with inlined lines), %zu functions, %zu strings; %.1f MB uncompressed, "
                 "%.1f MB gzip\n",
                 out, static_cast<unsigned long long>(numSamples),
                 static_cast<double>(totalDepth) / static_cast<double>(numSamples),
                 static_cast<double>(sampleBytes) / 1e6, kLocations,
                 static_cast<unsigned long long>(usedLocations),
                 static_cast<unsigned long long>(inlinedLocs), funcOrder.size(),
                 strings.table().size(), static_cast<double>(gz.rawBytes()) / 1e6,
                 static_cast<double>(gz.compressedBytes()) / 1e6);
    return 0;
}
