#include "peek.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "regex.h"

namespace embers::core {

PeekResult computePeek(const Profile& p, const AnalysisOptions& o, const std::string& pattern) {
    const Regex re(pattern, "the peek expression");
    FlatTable flat = computeFlatTable(p, o);
    const NodeMap nodes(p, o.nodes);
    PeekResult r;
    r.sampleType = flat.sampleType;
    r.unit = flat.unit;
    r.total = flat.total;
    r.nodes = nodes.nodes();
    std::vector<int> entryOf(nodes.size(), -1);
    for (const auto& row : flat.rows) {
        if (!re.search(flat.nodes[row.node].printableName())) continue;
        entryOf[row.node] = static_cast<int>(r.entries.size());
        r.entries.push_back({row.node, row.flat, row.cum, {}, {}});
    }
    if (r.entries.empty()) return r;
    std::vector<std::map<uint32_t, int64_t>> in(r.entries.size()), out(r.entries.size());
    std::set<std::pair<uint32_t, uint32_t>> seen;
    std::vector<uint32_t> path;
    for (size_t s = 0; s < p.sampleCount(); ++s) {
        const int64_t w = p.sampleValue(s, o.sampleIndex);
        if (w == 0) continue;
        path.clear();
        const auto locs = p.sampleLocations(s);
        for (auto it = locs.rbegin(); it != locs.rend(); ++it) {
            const auto ns = nodes.nodesOf(*it);
            for (auto nit = ns.rbegin(); nit != ns.rend(); ++nit) path.push_back(*nit);
        }
        seen.clear();
        for (size_t i = 1; i < path.size(); ++i) {
            const uint32_t caller = path[i - 1], callee = path[i];
            if (caller == callee || !seen.insert({caller, callee}).second) continue;
            if (entryOf[callee] >= 0) in[entryOf[callee]][caller] += w;
            if (entryOf[caller] >= 0) out[entryOf[caller]][callee] += w;
        }
    }
    auto toEdges = [](const std::map<uint32_t, int64_t>& m, const std::vector<NodeInfo>& ns) {
        std::vector<PeekEdge> e;
        for (auto [n, w] : m) e.push_back({n, w});
        std::sort(e.begin(), e.end(), [&](const PeekEdge& a, const PeekEdge& b) {
            if (std::llabs(a.weight) != std::llabs(b.weight))
                return std::llabs(a.weight) > std::llabs(b.weight);
            return ns[a.node].printableName() < ns[b.node].printableName();
        });
        return e;
    };
    for (size_t i = 0; i < r.entries.size(); ++i) {
        r.entries[i].callers = toEdges(in[i], r.nodes);
        r.entries[i].callees = toEdges(out[i], r.nodes);
    }
    return r;
}

}  // namespace embers::core
