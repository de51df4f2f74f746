#include "search_share.h"

#include <cstdlib>

namespace embers::core {

int64_t matchedValue(const Profile& p, const NodeMap& nodes, size_t sampleIndex,
                     const std::vector<char>& nodeMatches) {
    // Whether each location holds a match: decided once, then every sample's stack is a
    // run of lookups.
    const size_t locationCount = p.locations().size();
    std::vector<char> locationMatches(locationCount, 0);
    for (size_t l = 0; l < locationCount; ++l)
        for (uint32_t n : nodes.nodesOf(LocId(uint32_t(l))))
            if (n < nodeMatches.size() && nodeMatches[n]) {
                locationMatches[l] = 1;
                break;
            }
    int64_t sum = 0;
    for (size_t i = 0; i < p.sampleCount(); ++i) {
        const int64_t v = p.sampleValue(i, sampleIndex);
        if (v == 0) continue;
        for (LocId l : p.sampleLocations(i))
            if (locationMatches[idx(l)]) {
                sum += std::llabs(v);
                break;
            }
    }
    return sum;
}

}  // namespace embers::core
