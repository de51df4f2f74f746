// Call trees over report nodes: top-down (root = callers) and inverted
// (bottom-up, root = leaf functions). Each tree node has self and total
// values; children are sorted by total, the shape a flame graph draws.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "flat_table.h"
#include "nodes.h"
#include "profile.h"

namespace embers::core {

struct CallTreeNode {
    uint32_t node = 0;    // index into CallTree::nodes (the report node); root: unused
    uint32_t parent = 0;  // tree index of the parent; root: itself
    int64_t self = 0;
    int64_t total = 0;
    int64_t negative = 0;            // sum of the negative values in total (a diff's base)
    std::vector<uint32_t> children;  // tree indices, by |total| descending
};

struct CallTree {
    std::string sampleType;
    std::string unit;
    int64_t total = 0;               // pprof's report total
    std::vector<NodeInfo> nodes;     // report nodes, indexed by CallTreeNode::node
    std::vector<CallTreeNode> tree;  // tree[0] is the synthetic root (all samples)
    bool inverted = false;
};

enum class TreeDirection { TopDown, BottomUp };

CallTree computeCallTree(const Profile& p, const AnalysisOptions& o,
                         TreeDirection direction = TreeDirection::TopDown,
                         const std::function<bool(double)>& progress = {});

}  // namespace embers::core
