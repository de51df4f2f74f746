#include "call_tree.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "errors.h"

namespace embers::core {

CallTree computeCallTree(const Profile& p, const AnalysisOptions& o, TreeDirection direction,
                         const std::function<bool(double)>& progress) {
    const NodeMap nodes(p, o.nodes);
    CallTree t;
    t.sampleType = p.sampleTypeName(o.sampleIndex);
    t.unit = p.sampleUnit(o.sampleIndex);
    t.total = o.total ? *o.total : computeTotal(p, o.sampleIndex);
    t.inverted = direction == TreeDirection::BottomUp;
    t.tree.push_back({});
    // (parent tree index, report node) -> child tree index
    std::unordered_map<uint64_t, uint32_t> childOf;
    childOf.reserve(p.locations().size() * 2);
    std::vector<uint32_t> path;
    const size_t n = p.sampleCount();
    for (size_t s = 0; s < n; ++s) {
        if (progress && (s & 0xffff) == 0 && !progress(double(s) / double(n)))
            throw Cancelled("cancelled");
        const int64_t w = p.sampleValue(s, o.sampleIndex);
        if (w == 0) continue;
        // Frames root first.
        path.clear();
        const auto locs = p.sampleLocations(s);
        for (auto it = locs.rbegin(); it != locs.rend(); ++it) {
            const auto ns = nodes.nodesOf(*it);
            for (auto nit = ns.rbegin(); nit != ns.rend(); ++nit) path.push_back(*nit);
        }
        if (t.inverted) std::reverse(path.begin(), path.end());
        uint32_t cur = 0, first = 0;
        t.tree[0].total += w;
        if (w < 0) t.tree[0].negative += w;
        for (uint32_t node : path) {
            const uint64_t key = (uint64_t(cur) << 32) | node;
            auto [it, inserted] = childOf.emplace(key, static_cast<uint32_t>(t.tree.size()));
            if (inserted) {
                CallTreeNode c;
                c.node = node;
                c.parent = cur;
                t.tree.push_back(c);
                t.tree[cur].children.push_back(it->second);
            }
            cur = it->second;
            if (first == 0) first = cur;
            t.tree[cur].total += w;
            if (w < 0) t.tree[cur].negative += w;
        }
        // Self belongs to the leaf function: the deepest node top-down, the
        // first one below the root when inverted.
        t.tree[t.inverted ? first : cur].self += w;
    }
    t.nodes = nodes.nodes();
    for (auto& tn : t.tree) {
        std::sort(tn.children.begin(), tn.children.end(), [&](uint32_t a, uint32_t b) {
            const int64_t ta = std::llabs(t.tree[a].total), tb = std::llabs(t.tree[b].total);
            if (ta != tb) return ta > tb;
            return t.nodes[t.tree[a].node].printableName() <
                   t.nodes[t.tree[b].node].printableName();
        });
    }
    return t;
}

}  // namespace embers::core
