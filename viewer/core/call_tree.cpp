#include "call_tree.h"

#include <sys/mman.h>
#include <algorithm>

#include <cstdlib>
#include <utility>

#include "errors.h"

namespace embers::core {

namespace {

// Every sample's report nodes, root first, in one array: the walk down the tree reads
// node `depth` of each sample in ascending sample order, so reads move forward in memory.
struct Paths {
    std::vector<uint64_t> start;  // sample s: nodes[start[s], start[s + 1])
    std::vector<uint32_t> nodes;

    Paths(const Profile& p, const NodeMap& map) : start(p.sampleCount() + 1, 0) {
        size_t total = 0;
        for (size_t s = 0; s < p.sampleCount(); ++s)
            for (LocId l : p.sampleLocations(s)) total += map.nodesOf(l).size();
        nodes.reserve(total);
        for (size_t s = 0; s < p.sampleCount(); ++s) {
            start[s] = nodes.size();
            const auto locs = p.sampleLocations(s);
            for (auto it = locs.rbegin(); it != locs.rend(); ++it) {
                const auto ns = map.nodesOf(*it);
                for (auto nit = ns.rbegin(); nit != ns.rend(); ++nit) nodes.push_back(*nit);
            }
        }
        start[p.sampleCount()] = nodes.size();
    }

    // Node `depth` of sample s in tree order (leaf first when inverted), or -1 past its end.
    int64_t at(size_t s, uint32_t depth, bool inverted) const {
        const uint64_t len = start[s + 1] - start[s];
        if (depth >= len) return -1;
        return nodes[inverted ? start[s + 1] - 1 - depth : start[s] + depth];
    }
};

}  // namespace

// The tree is built depth-first by partitioning: the samples under a tree node are sorted
// by their next node, each run of equal nodes becomes one child (or is pruned), and the
// runs are processed in turn. No hash table, and a pruned subtree costs nothing below
// its root.
CallTree computeCallTree(const Profile& p, const AnalysisOptions& o, TreeDirection direction,
                         const std::function<bool(double)>& progress, double minShare) {
    const NodeMap nodes(p, o.nodes);
    CallTree t;
    t.sampleType = p.sampleTypeName(o.sampleIndex);
    t.unit = p.sampleUnit(o.sampleIndex);
    t.total = o.total ? *o.total : computeTotal(p, o.sampleIndex);
    t.inverted = direction == TreeDirection::BottomUp;
    t.tree.push_back({});

    const size_t n = p.sampleCount();
    std::vector<uint32_t> order;  // sample indices, grouped by tree node as we descend
    std::vector<int64_t> weight(n, 0);
    order.reserve(n);
    int64_t absTotal = 0;
    for (size_t s = 0; s < n; ++s) {
        const int64_t w = p.sampleValue(s, o.sampleIndex);
        if (w == 0) continue;
        weight[s] = w;
        order.push_back(uint32_t(s));
        t.tree[0].total += w;
        if (w < 0) t.tree[0].negative += w;
        absTotal += std::llabs(w);
    }
    const double threshold = minShare > 0 ? minShare * double(absTotal) : 0;

    const Paths paths(p, nodes);
    struct Range {
        uint32_t tree;
        uint32_t depth;  // of the tree node's children
        size_t begin, end;
    };
    std::vector<Range> stack{{0, 0, 0, order.size()}};
    std::vector<uint64_t> keyed, scratch;  // (next node << 32) | sample
    std::vector<uint32_t> slot(nodes.size(), 0), distinct;
    std::vector<uint32_t> created;
    size_t retired = 0, nextReport = 0;
    while (!stack.empty()) {
        const Range r = stack.back();
        stack.pop_back();
        if (progress && retired >= nextReport) {
            if (!progress(n ? double(retired) / double(n) : 1.0)) throw Cancelled("cancelled");
            nextReport = retired + 65536;
        }
        keyed.clear();
        for (size_t i = r.begin; i < r.end; ++i) {
            const uint32_t s = order[i];
            const int64_t next = paths.at(s, r.depth, t.inverted);
            if (next < 0) {
                // The stack ends here: self of the leaf (top-down), or of the root when the
                // sample has no frames at all.
                if (!t.inverted || r.tree == 0) t.tree[r.tree].self += weight[s];
                ++retired;
            } else {
                keyed.push_back((uint64_t(next) << 32) | s);
            }
        }
        // Group by next node: a counting sort, stable, so samples stay in ascending order.
        distinct.clear();
        for (uint64_t k : keyed)
            if (slot[k >> 32]++ == 0) distinct.push_back(uint32_t(k >> 32));
        if (distinct.size() > 1) {
            std::sort(distinct.begin(), distinct.end());
            size_t offset = 0;
            for (uint32_t nd : distinct) offset += std::exchange(slot[nd], uint32_t(offset));
            scratch.resize(keyed.size());
            for (uint64_t k : keyed) scratch[slot[k >> 32]++] = k;
            keyed.swap(scratch);
        }
        for (uint32_t nd : distinct) slot[nd] = 0;
        for (size_t i = 0; i < keyed.size(); ++i) order[r.begin + i] = uint32_t(keyed[i]);

        created.clear();
        for (size_t i = 0; i < keyed.size();) {
            const uint32_t node = uint32_t(keyed[i] >> 32);
            size_t j = i;
            int64_t total = 0, negative = 0, abs = 0;
            for (; j < keyed.size() && uint32_t(keyed[j] >> 32) == node; ++j) {
                const int64_t w = weight[uint32_t(keyed[j])];
                total += w;
                abs += std::llabs(w);
                if (w < 0) negative += w;
            }
            if (threshold > 0 && double(abs) < threshold) {
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
                stack.push_back({created.back(), r.depth + 1, r.begin + i, r.begin + j});
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
