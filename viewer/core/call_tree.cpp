#include "call_tree.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "call_tree_partition.h"
#include "errors.h"
#include "gzip.h"

namespace embers::core {

using namespace tree_partition;  // Walker, Range, Splitter… (call_tree_partition.h)

// The tree is built depth-first by partitioning (see Splitter). On large profiles the
// top of the tree is split first, then its subtrees are built by two workers; the nodes
// are finally numbered as a single depth-first walk would have made them: a node's
// children get consecutive indices when the node is visited, and the last child made
// (by report node) is visited first.
namespace {

// Flat and cum per node, summed while the paths are laid out (see computeFlatTable).
struct FlatSums {
    std::vector<int64_t> flat, cum;
    std::vector<uint32_t> seen;  // sample stamp: count a node once per sample
    explicit FlatSums(size_t n) : flat(n, 0), cum(n, 0), seen(n, 0) {}
};

CallTree buildCallTree(const Profile& p, const NodeMap& nodes, const AnalysisOptions& o,
                       TreeDirection direction, const std::function<bool(double)>& progress,
                       double minShare, FlatTable* table, SortOrder order) {
    CallTree t;
    t.sampleType = p.sampleTypeName(o.sampleIndex);
    t.unit = p.sampleUnit(o.sampleIndex);
    t.total = o.total ? *o.total : computeTotal(p, o.sampleIndex);
    t.inverted = direction == TreeDirection::BottomUp;

    const size_t n = p.sampleCount();
    const bool parallel = n >= 200000 && std::thread::hardware_concurrency() > 1;

    // Every sample with a value becomes a walker whose path is laid out in sample order
    // (two halves side by side on large profiles).
    struct Half {
        size_t begin, end;
        size_t nodes = 0, walkers = 0;
        int64_t total = 0, negative = 0, abs = 0;
    };
    Half halves[2] = {{0, parallel ? n / 2 : n}, {parallel ? n / 2 : n, n}};
    const bool inverted = t.inverted;
    // Per location: its node count (255: look it up) and, when it has one, its node. These
    // small tables are read for every frame of every sample.
    constexpr uint32_t kSeveral = 0xffffffffu;
    const size_t locationCount = p.locations().size();
    std::vector<uint8_t> nodeCount(locationCount);
    std::vector<uint32_t> onlyNode(locationCount);
    for (size_t l = 0; l < locationCount; ++l) {
        const auto ns = nodes.nodesOf(LocId{uint32_t(l)});
        nodeCount[l] = uint8_t(std::min<size_t>(ns.size(), 255));
        onlyNode[l] = ns.size() == 1 ? ns.front() : kSeveral;
    }
    auto count = [&](Half& h) {
        for (size_t s = h.begin; s < h.end; ++s) {
            if (p.sampleValue(s, o.sampleIndex) == 0) continue;
            ++h.walkers;
            for (LocId l : p.sampleLocations(s)) {
                const uint8_t c = nodeCount[idx(l)];
                h.nodes += c == 255 ? nodes.nodesOf(l).size() : c;
            }
        }
    };
    std::vector<Walker> walkers;
    std::unique_ptr<uint32_t[]> paths;
    auto fill = [&](Half& h, uint32_t* out, Walker* wout, FlatSums* sums) {
        const uint32_t* const base = paths.get();
        for (size_t s = h.begin; s < h.end; ++s) {
            const int64_t w = p.sampleValue(s, o.sampleIndex);
            if (w == 0) continue;
            uint32_t* from = out;
            const auto locs = p.sampleLocations(s);
            for (auto it = locs.rbegin(); it != locs.rend(); ++it) {
                if (const uint32_t only = onlyNode[idx(*it)]; only != kSeveral) {
                    *out++ = only;
                    continue;
                }
                const auto ns = nodes.nodesOf(*it);
                for (auto nit = ns.rbegin(); nit != ns.rend(); ++nit) *out++ = *nit;
            }
            if (sums) {
                const uint32_t stamp = static_cast<uint32_t>(s + 1);
                for (const uint32_t* q = from; q != out; ++q) {
                    if (sums->seen[*q] != stamp) {
                        sums->seen[*q] = stamp;
                        sums->cum[*q] += w;
                    }
                }
                if (!locs.empty()) sums->flat[nodes.nodesOf(locs.front()).front()] += w;
            }
            if (inverted) std::reverse(from, out);
            *wout++ = {uint32_t(from - base), uint32_t(out - from), 0, w};
            h.total += w;
            if (w < 0) h.negative += w;
            h.abs += std::llabs(w);
        }
    };
    std::unique_ptr<FlatSums> sums[2];
    if (table) {
        sums[0] = std::make_unique<FlatSums>(nodes.size());
        if (parallel) sums[1] = std::make_unique<FlatSums>(nodes.size());
    }
    auto layOut = [&] {
        if (halves[0].nodes + halves[1].nodes > 0xffffffffu) throw std::bad_alloc();
        walkers.resize(halves[0].walkers + halves[1].walkers);
        const size_t size = std::max<size_t>(halves[0].nodes + halves[1].nodes, 1);
        paths.reset(new uint32_t[size]);  // not zeroed: every entry is written
    };
    if (parallel) {
        std::thread other([&] { count(halves[1]); });
        count(halves[0]);
        other.join();
        layOut();
        std::thread other2([&] {
            fill(halves[1], paths.get() + halves[0].nodes, walkers.data() + halves[0].walkers,
                 sums[1].get());
        });
        fill(halves[0], paths.get(), walkers.data(), sums[0].get());
        other2.join();
    } else {
        count(halves[0]);
        layOut();
        fill(halves[0], paths.get(), walkers.data(), sums[0].get());
    }
    // The table is finished on the side, while the tree is built.
    std::thread tableThread;
    struct Join {
        std::thread& thread;
        ~Join() {
            if (thread.joinable()) thread.join();
        }
    } joinTable{tableThread};
    if (table) {
        tableThread = std::thread([&] {
            FlatSums& a = *sums[0];
            if (sums[1]) {
                for (size_t i = 0; i < nodes.size(); ++i) {
                    a.flat[i] += sums[1]->flat[i];
                    a.cum[i] += sums[1]->cum[i];
                }
                sums[1].reset();
            }
            FlatTable& f = *table;
            f.sampleType = t.sampleType;
            f.unit = t.unit;
            f.total = t.total;
            f.nodes = nodes.nodes();
            for (uint32_t i = 0; i < nodes.size(); ++i)
                if (a.flat[i] != 0 || a.cum[i] != 0) f.rows.push_back({i, a.flat[i], a.cum[i]});
            sums[0].reset();
            sortFlatRows(f, order);
        });
    }

    Part top;
    {
        CallTreeNode root;
        root.total = halves[0].total + halves[1].total;
        root.negative = halves[0].negative + halves[1].negative;
        top.nodes.push_back(root);
    }
    const int64_t absTotal = halves[0].abs + halves[1].abs;
    Shared s;
    s.walkers = walkers.data();
    s.paths = paths.get();
    s.end = uint32_t(nodes.size());
    s.threshold = minShare > 0 ? minShare * double(absTotal) : 0;
    s.inverted = inverted;

    size_t nextReport = 0;
    auto poll = [&] {
        if (s.stop.load(std::memory_order_relaxed)) return false;
        const size_t retired = s.retired.load(std::memory_order_relaxed);
        if (progress && retired >= nextReport) {
            if (!progress(n ? double(retired) / double(n) : 1.0)) {
                s.stop = true;
                return false;
            }
            nextReport = retired + 65536;
        }
        return true;
    };
    auto otherPoll = [&] { return !s.stop.load(std::memory_order_relaxed); };

    // Report names, for ordering children.
    std::vector<std::string> names(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) names[i] = nodes.node(uint32_t(i)).printableName();

    // The top of the tree is split (largest open range first) until every open range holds
    // at most a 16th of the walkers. A range that small is not split here: it becomes a task
    // at once, built depth-first by whichever worker takes it, while the splitting goes on.
    struct Task {
        Range root;  // root.tree: the node in `top`
        std::unique_ptr<Part> part;
    };
    std::vector<Task> tasks;
    size_t nextTask = 0;
    bool splitting = true;
    std::mutex mutex;
    std::condition_variable changed;
    auto publish = [&](const Range& r) {  // the main thread only, with the mutex held
        auto part = std::make_unique<Part>();
        part->nodes.push_back(top.nodes[r.tree]);
        tasks.push_back({r, std::move(part)});
    };
    // Takes tasks until there are none; false once stopped.
    auto work = [&](Splitter& sp, const auto& pollFn) {
        while (true) {
            Range root;
            Part* part = nullptr;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return nextTask < tasks.size() || !splitting; });
                if (nextTask == tasks.size()) return;
                root = tasks[nextTask].root;
                part = tasks[nextTask].part.get();
                ++nextTask;
            }
            root.tree = 0;
            buildSubtree(s, root, *part, sp, pollFn);
            if (s.stop.load(std::memory_order_relaxed)) return;
        }
    };
    Splitter splitter(nodes.size(), &names);
    Arenas topArenas;  // kept until the end: the tasks read these windows
    auto split = [&] {
        std::vector<Range> open{{0, 0, 0, walkers.size(), kNoArena}}, made;
        const size_t limit = parallel ? std::max<size_t>(walkers.size() / 16, 1) : walkers.size();
        for (int splits = 0; splits < 1024 && !open.empty(); ++splits) {
            auto largest = std::max_element(
                open.begin(), open.end(),
                [](const Range& a, const Range& b) { return a.end - a.begin < b.end - b.begin; });
            if (largest->end - largest->begin <= limit) break;
            const Range r = *largest;
            *largest = open.back();
            open.pop_back();
            if (!poll()) break;
            made.clear();
            splitter.split(s, r, top, topArenas, made, false, false);
            std::lock_guard lock(mutex);
            for (const Range& c : made) {
                if (c.end - c.begin <= limit)
                    publish(c);
                else
                    open.push_back(c);
            }
            changed.notify_all();
        }
        std::lock_guard lock(mutex);
        for (const Range& r : open) publish(r);
        // The ones not taken yet: largest first, for a good balance at the end.
        std::sort(tasks.begin() + nextTask, tasks.end(), [](const Task& a, const Task& b) {
            return a.root.end - a.root.begin > b.root.end - b.root.begin;
        });
        splitting = false;
        changed.notify_all();
    };
    if (parallel) {
        std::exception_ptr failure;
        std::thread other([&] {
            try {
                Splitter sp(nodes.size(), &names);
                work(sp, otherPoll);
            } catch (...) {
                failure = std::current_exception();
                s.stop = true;
            }
        });
        try {
            split();
            work(splitter, poll);
        } catch (...) {
            s.stop = true;
            {
                std::lock_guard lock(mutex);
                splitting = false;
            }
            changed.notify_all();
            other.join();
            throw;
        }
        other.join();
        if (failure) std::rethrow_exception(failure);
    } else {
        split();
        work(splitter, poll);
    }
    if (s.stop) throw Cancelled("cancelled");
    // Freeing the walk's memory takes a while: on the side.
    std::thread freeing([&] {
        std::vector<Walker>().swap(walkers);
        paths.reset();
    });

    // Number the nodes as the depth-first walk of a single worker would have made them. The
    // top nodes are walked here; a task's nodes were made in that order already, so its
    // part is copied as a block, its indices shifted.
    std::vector<uint32_t> taskOf(top.nodes.size(), 0);  // top node -> task + 1
    size_t treeSize = top.nodes.size() - tasks.size();
    for (size_t k = 0; k < tasks.size(); ++k) {
        taskOf[tasks[k].root.tree] = uint32_t(k + 1);
        treeSize += tasks[k].part->nodes.size();
    }
    t.tree.reserve(treeSize);
    t.childList.reserve(treeSize - 1);
    t.tree.push_back(top.nodes[0]);
    t.tree[0].parent = 0;
    auto emitTask = [&](const Part& part, uint32_t at) {
        const uint32_t base = uint32_t(t.tree.size()) - 1;  // local index l >= 1: base + l
        const uint32_t childBase = uint32_t(t.childList.size());
        auto global = [&](uint32_t l) { return l == 0 ? at : base + l; };
        const uint32_t parent = t.tree[at].parent;
        t.tree[at] = part.nodes[0];
        t.tree[at].parent = parent;
        t.tree[at].firstChild += childBase;
        for (size_t l = 1; l < part.nodes.size(); ++l) {
            CallTreeNode c = part.nodes[l];
            c.parent = global(c.parent);
            c.firstChild += childBase;
            t.tree.push_back(c);
        }
        for (uint32_t kid : part.kids) t.childList.push_back(global(kid));
    };
    std::vector<std::pair<uint32_t, uint32_t>> stack{{0, 0}};  // (top node, tree index)
    std::vector<uint32_t> created;
    while (!stack.empty()) {
        const auto [ref, at] = stack.back();
        stack.pop_back();
        if (taskOf[ref]) {
            emitTask(*tasks[taskOf[ref] - 1].part, at);
            continue;
        }
        const CallTreeNode src = top.nodes[ref];
        created.clear();
        for (uint32_t k = 0; k < src.childCount; ++k) {
            const uint32_t kid = top.kids[src.firstChild + k];
            created.push_back(uint32_t(t.tree.size()));
            t.tree.push_back(top.nodes[kid]);
            t.tree.back().parent = at;
            stack.push_back({kid, created.back()});
        }
        // Children of this node: contiguous in childList, by |total| then name.
        std::sort(created.begin(), created.end(), [&](uint32_t a, uint32_t b) {
            const int64_t ta = std::llabs(t.tree[a].total), tb = std::llabs(t.tree[b].total);
            if (ta != tb) return ta > tb;
            return names[t.tree[a].node] < names[t.tree[b].node];
        });
        t.tree[at].firstChild = uint32_t(t.childList.size());
        t.tree[at].childCount = uint32_t(created.size());
        t.childList.insert(t.childList.end(), created.begin(), created.end());
    }
    t.nodes = nodes.nodes();
    if (tableThread.joinable()) tableThread.join();
    freeing.join();
    return t;
}

}  // namespace

CallTree computeCallTree(const Profile& p, const AnalysisOptions& o, TreeDirection direction,
                         const std::function<bool(double)>& progress, double minShare) {
    const NodeMap nodes(p, o.nodes);
    return buildCallTree(p, nodes, o, direction, progress, minShare, nullptr, SortOrder::Flat);
}

CallTree computeCallTreeAndFlatTable(const Profile& p, const AnalysisOptions& o, FlatTable* table,
                                     TreeDirection direction,
                                     const std::function<bool(double)>& progress, double minShare,
                                     SortOrder order) {
    const NodeMap nodes(p, o.nodes);
    return buildCallTree(p, nodes, o, direction, progress, minShare, table, order);
}

}  // namespace embers::core
