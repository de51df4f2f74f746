// Callers and callees of the nodes whose name matches a regular expression,
// with edge weights counted once per sample (pprof's "peek").
#pragma once

#include <string>
#include <vector>

#include "flat_table.h"

namespace embers::core {

struct PeekEdge {
    uint32_t node = 0;  // the caller or callee
    int64_t weight = 0;
};

struct PeekEntry {
    uint32_t node = 0;
    int64_t flat = 0;
    int64_t cum = 0;
    std::vector<PeekEdge> callers;  // by |weight| descending
    std::vector<PeekEdge> callees;
};

struct PeekResult {
    std::string sampleType;
    std::string unit;
    int64_t total = 0;
    std::vector<NodeInfo> nodes;
    std::vector<PeekEntry> entries;  // in flat-table order
};

// `pattern` is matched (unanchored, RE2) against each node's printable name.
PeekResult computePeek(const Profile& p, const AnalysisOptions& o, const std::string& pattern);

}  // namespace embers::core
