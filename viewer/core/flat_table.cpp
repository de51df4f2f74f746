#include "flat_table.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "merge.h"

namespace embers::core {

int64_t computeTotal(const Profile& p, size_t sampleIndex) {
    int64_t total = 0, diffTotal = 0;
    const bool maybeDiff = [&] {
        for (const auto& s : p.data().strings)
            if (s == kDiffBaseLabel) return true;
        return false;
    }();
    for (size_t i = 0; i < p.sampleCount(); ++i) {
        const int64_t v = std::llabs(p.sampleValue(i, sampleIndex));
        total += v;
        if (maybeDiff && isDiffBaseSample(p, i)) diffTotal += v;
    }
    return diffTotal > 0 ? diffTotal : total;
}

void sortFlatRows(FlatTable& t, SortOrder order) {
    std::vector<std::string> names(t.nodes.size());
    for (const auto& r : t.rows) names[r.node] = t.nodes[r.node].printableName();
    std::sort(t.rows.begin(), t.rows.end(), [&](const FlatRow& a, const FlatRow& b) {
        const int64_t a1 = std::llabs(order == SortOrder::Flat ? a.flat : a.cum);
        const int64_t b1 = std::llabs(order == SortOrder::Flat ? b.flat : b.cum);
        if (a1 != b1) return a1 > b1;
        if (names[a.node] != names[b.node]) return names[a.node] < names[b.node];
        const int64_t a2 = std::llabs(order == SortOrder::Flat ? a.cum : a.flat);
        const int64_t b2 = std::llabs(order == SortOrder::Flat ? b.cum : b.flat);
        if (a2 != b2) return a2 > b2;
        return t.nodes[a.node].sortKey() < t.nodes[b.node].sortKey();
    });
}

namespace {

// Accumulates flat and cum per node over samples [begin, end).
void accumulate(const Profile& p, const NodeMap& nodes, size_t si, size_t begin, size_t end,
                std::vector<int64_t>& flat, std::vector<int64_t>& cum) {
    std::vector<uint32_t> seen(nodes.size(), 0);  // sample stamp: count a node once per sample
    for (size_t s = begin; s < end; ++s) {
        const int64_t w = p.sampleValue(s, si);
        if (w == 0) continue;
        const uint32_t stamp = static_cast<uint32_t>(s + 1);
        const auto locs = p.sampleLocations(s);
        for (auto it = locs.rbegin(); it != locs.rend(); ++it) {
            const auto ns = nodes.nodesOf(*it);
            for (auto nit = ns.rbegin(); nit != ns.rend(); ++nit) {
                if (seen[*nit] != stamp) {
                    seen[*nit] = stamp;
                    cum[*nit] += w;
                }
            }
        }
        if (!locs.empty()) flat[nodes.nodesOf(locs.front()).front()] += w;
    }
}

}  // namespace

FlatTable computeFlatTable(const Profile& p, const AnalysisOptions& o, SortOrder order) {
    const NodeMap nodes(p, o.nodes);
    const size_t n = nodes.size();
    const size_t si = o.sampleIndex;
    const size_t samples = p.sampleCount();
    std::vector<int64_t> flat(n, 0), cum(n, 0);
    if (samples >= 200000 && std::thread::hardware_concurrency() > 1) {
        // Two workers, each with its own accumulators, summed at the end.
        std::vector<int64_t> flat2(n, 0), cum2(n, 0);
        std::thread other([&] { accumulate(p, nodes, si, samples / 2, samples, flat2, cum2); });
        accumulate(p, nodes, si, 0, samples / 2, flat, cum);
        other.join();
        for (size_t i = 0; i < n; ++i) {
            flat[i] += flat2[i];
            cum[i] += cum2[i];
        }
    } else {
        accumulate(p, nodes, si, 0, samples, flat, cum);
    }
    FlatTable t;
    t.sampleType = p.sampleTypeName(si);
    t.unit = p.sampleUnit(si);
    t.total = o.total ? *o.total : computeTotal(p, si);
    t.nodes = nodes.nodes();
    for (uint32_t i = 0; i < n; ++i)
        if (flat[i] != 0 || cum[i] != 0) t.rows.push_back({i, flat[i], cum[i]});
    sortFlatRows(t, order);
    return t;
}

}  // namespace embers::core
