#include "call_tree.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <utility>

#include "errors.h"

namespace embers::core {

namespace {

constexpr uint32_t kWindow = 8;  // levels per window

// A sample on its way down the tree: its report nodes (root first, or leaf first when
// inverted, indexed by depth), its value, and where its nodes for the current window of
// levels are: win[(depth - winBase) * stride].
struct Walker {
    const uint32_t* path;  // path[depth], valid for depth < length
    const uint32_t* win;   // null: read path
    uint32_t length;
    uint32_t stride;
    uint32_t winBase;
    int64_t weight;
};

// Storage for paths and windows. The walk reads node `depth` of every walker of a subtree
// in turn. Read from the paths, those reads jump across memory; so every kWindow levels the
// subtree's next kWindow nodes are copied level-major into a window, where the reads of
// one level are adjacent.
class Arenas {
public:
    uint32_t* allocate(size_t n) {
        arenas_.push_back(std::make_unique<uint32_t[]>(std::max<size_t>(n, 1)));
        return arenas_.back().get();
    }
    void release(size_t arena) { arenas_[arena].reset(); }

    // A window over levels [depth, depth + kWindow) for these walkers; returns its id.
    size_t window(Walker* walkers, size_t count, uint32_t depth, uint32_t end) {
        uint32_t* m = allocate(count * kWindow);
        for (size_t i = 0; i < count; ++i) {
            Walker& w = walkers[i];
            for (uint32_t k = 0; k < kWindow; ++k)
                m[k * count + i] = depth + k < w.length ? w.path[depth + k] : end;
            w.win = m + i;
            w.stride = uint32_t(count);
            w.winBase = depth;
        }
        return arenas_.size() - 1;
    }

private:
    std::vector<std::unique_ptr<uint32_t[]>> arenas_;
};

}  // namespace

// The tree is built depth-first by partitioning: the samples under a tree node are grouped
// by their next node (a counting sort), each group becomes one child (or is pruned), and the
// groups are processed in turn. No hash table, memory read in order, and a pruned subtree
// costs nothing below its root.
CallTree computeCallTree(const Profile& p, const AnalysisOptions& o, TreeDirection direction,
                         const std::function<bool(double)>& progress, double minShare) {
    const NodeMap nodes(p, o.nodes);
    CallTree t;
    t.sampleType = p.sampleTypeName(o.sampleIndex);
    t.unit = p.sampleUnit(o.sampleIndex);
    t.total = o.total ? *o.total : computeTotal(p, o.sampleIndex);
    t.inverted = direction == TreeDirection::BottomUp;
    t.tree.push_back({});

    // Every sample with a value becomes a walker whose path is laid out in sample order.
    const size_t n = p.sampleCount();
    Arenas arenas;
    std::vector<Walker> walkers;
    walkers.reserve(n);
    int64_t absTotal = 0;
    {
        size_t total = 0;
        for (size_t s = 0; s < n; ++s)
            if (p.sampleValue(s, o.sampleIndex) != 0)
                for (LocId l : p.sampleLocations(s)) total += nodes.nodesOf(l).size();
        uint32_t* out = arenas.allocate(total);
        for (size_t s = 0; s < n; ++s) {
            const int64_t w = p.sampleValue(s, o.sampleIndex);
            if (w == 0) continue;
            uint32_t* from = out;
            const auto locs = p.sampleLocations(s);
            for (auto it = locs.rbegin(); it != locs.rend(); ++it) {
                const auto ns = nodes.nodesOf(*it);
                for (auto nit = ns.rbegin(); nit != ns.rend(); ++nit) *out++ = *nit;
            }
            if (t.inverted) std::reverse(from, out);
            walkers.push_back({from, nullptr, uint32_t(out - from), 0, 0, w});
            t.tree[0].total += w;
            if (w < 0) t.tree[0].negative += w;
            absTotal += std::llabs(w);
        }
    }
    const double threshold = minShare > 0 ? minShare * double(absTotal) : 0;

    constexpr size_t kNoArena = ~size_t(0);
    struct Range {
        uint32_t tree;
        uint32_t depth;  // of the tree node's children
        size_t begin, end;
        size_t releaseArena;  // when set, a marker: the subtree using this arena is done
    };
    std::vector<Range> stack{{0, 0, 0, walkers.size(), kNoArena}};
    std::vector<uint32_t> nextNode;  // per walker of the range; kEnd past its path
    std::vector<Walker> scratch;
    std::vector<uint32_t> slot(nodes.size() + 1, 0), distinct, created;
    size_t retired = 0, nextReport = 0;
    while (!stack.empty()) {
        const Range r = stack.back();
        stack.pop_back();
        if (r.releaseArena != kNoArena) {
            arenas.release(r.releaseArena);
            continue;
        }
        if (progress && retired >= nextReport) {
            if (!progress(n ? double(retired) / double(n) : 1.0)) throw Cancelled("cancelled");
            nextReport = retired + 65536;
        }
        Walker* const w = walkers.data() + r.begin;
        const size_t count = r.end - r.begin;
        const uint32_t kEnd = uint32_t(nodes.size());
        if (r.depth % kWindow == 0 && count >= 64)
            stack.push_back({0, 0, 0, 0, arenas.window(w, count, r.depth, kEnd)});

        // Group the walkers by next node: a stable counting sort. Walkers whose path ends
        // here go first: their value is the self of this node (top-down), or of the root
        // when they have no frames at all.
        nextNode.resize(count);
        distinct.clear();
        for (size_t i = 0; i < count; ++i) {
            const Walker& wi = w[i];
            const uint32_t k = r.depth - wi.winBase;
            const uint32_t nd = wi.win && k < kWindow ? wi.win[size_t(k) * wi.stride]
                                : r.depth < wi.length ? wi.path[r.depth]
                                                      : kEnd;
            nextNode[i] = nd;
            if (slot[nd]++ == 0) distinct.push_back(nd);
        }
        std::sort(distinct.begin(), distinct.end());
        if (distinct.back() == kEnd) {  // ended walkers sort last: move them first
            distinct.pop_back();
            distinct.insert(distinct.begin(), kEnd);
        }
        if (distinct.size() > 1) {
            size_t offset = 0;
            for (uint32_t nd : distinct) offset += std::exchange(slot[nd], uint32_t(offset));
            scratch.resize(count);
            for (size_t i = 0; i < count; ++i) scratch[slot[nextNode[i]]++] = w[i];
            std::copy(scratch.begin(), scratch.end(), w);
            // nextNode in the new order, from the group sizes.
            size_t at = 0;
            for (uint32_t nd : distinct) {
                const size_t end = slot[nd];
                std::fill(nextNode.begin() + at, nextNode.begin() + end, nd);
                at = end;
            }
        }
        for (uint32_t nd : distinct) slot[nd] = 0;

        created.clear();
        for (size_t i = 0; i < count;) {
            const uint32_t node = nextNode[i];
            size_t j = i;
            int64_t total = 0, negative = 0, abs = 0;
            for (; j < count && nextNode[j] == node; ++j) {
                const int64_t v = w[j].weight;
                total += v;
                abs += std::llabs(v);
                if (v < 0) negative += v;
            }
            if (node == kEnd) {
                if (!t.inverted || r.tree == 0) t.tree[r.tree].self += total;
                retired += j - i;
            } else if (threshold > 0 && double(abs) < threshold) {
                CallTreeNode& parent = t.tree[r.tree];
                ++parent.prunedCount;
                parent.prunedTotal += total;
                parent.prunedNegative += negative;
                retired += j - i;
            } else {
                CallTreeNode c;
                c.node = node;
                c.parent = r.tree;
                c.total = total;
                c.negative = negative;
                // Inverted: self belongs to the first node below the root (the leaf function).
                if (t.inverted && r.tree == 0) c.self = total;
                created.push_back(uint32_t(t.tree.size()));
                t.tree.push_back(c);
                stack.push_back({created.back(), r.depth + 1, r.begin + i, r.begin + j, kNoArena});
            }
            i = j;
        }
        // Children of this node: contiguous in childList, by |total| then name.
        std::sort(created.begin(), created.end(), [&](uint32_t a, uint32_t b) {
            const int64_t ta = std::llabs(t.tree[a].total), tb = std::llabs(t.tree[b].total);
            if (ta != tb) return ta > tb;
            return nodes.nodes()[t.tree[a].node].printableName() <
                   nodes.nodes()[t.tree[b].node].printableName();
        });
        t.tree[r.tree].firstChild = uint32_t(t.childList.size());
        t.tree[r.tree].childCount = uint32_t(created.size());
        t.childList.insert(t.childList.end(), created.begin(), created.end());
    }
    t.nodes = nodes.nodes();
    return t;
}

}  // namespace embers::core
