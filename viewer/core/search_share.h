// What a search covers in a flame graph: the samples whose stack holds a frame of a
// matching node, each counted once however many of its frames match. A walk over a pruned
// call tree misses the subtrees too small to draw; this reads the samples themselves.
#pragma once

#include <cstdint>
#include <vector>

#include "nodes.h"
#include "profile.h"

namespace embers::core {

// The summed |value| (of sample type `sampleIndex`) of the samples with at least one
// location whose nodes include one with nodeMatches[node] != 0. `nodeMatches` is indexed
// like nodes.nodes().
int64_t matchedValue(const Profile& p, const NodeMap& nodes, size_t sampleIndex,
                     const std::vector<char>& nodeMatches);

}  // namespace embers::core
