// Call trees over report nodes: top-down (root = callers) and inverted
// (bottom-up, root = leaf functions). Each tree node has self and total
// values; children are sorted by total, the shape a flame graph draws.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
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
    int64_t negative = 0;      // sum of the negative values in total (a diff's base)
    uint32_t firstChild = 0;   // children: CallTree::childList[firstChild, +childCount)
    uint32_t childCount = 0;   //   tree indices, by |total| descending
    uint32_t prunedCount = 0;  // children left out for being below the tree's minShare
    int64_t prunedTotal = 0;   // their summed total and negative parts
    int64_t prunedNegative = 0;
};

struct CallTree {
    std::string sampleType;
    std::string unit;
    int64_t total = 0;                // pprof's report total
    std::vector<NodeInfo> nodes;      // report nodes, indexed by CallTreeNode::node
    std::vector<CallTreeNode> tree;   // tree[0] is the synthetic root (all samples)
    std::vector<uint32_t> childList;  // every node's children, contiguous per parent
    bool inverted = false;

    std::span<const uint32_t> children(uint32_t index) const {
        const CallTreeNode& n = tree[index];
        return {childList.data() + n.firstChild, n.childCount};
    }
};

enum class TreeDirection { TopDown, BottomUp };

// The call tree of the profile's samples. With minShare > 0, subtrees whose summed
// |value| is below minShare of all samples' |value| are left out (counted in their
// parent's pruned* fields): a flame graph cannot show them, and on profiles with a
// million mostly distinct stacks they are most of the tree.
CallTree computeCallTree(const Profile& p, const AnalysisOptions& o,
                         TreeDirection direction = TreeDirection::TopDown,
                         const std::function<bool(double)>& progress = {}, double minShare = 0);

// The same, and in the same pass over the samples *table = computeFlatTable(p, o, order).
CallTree computeCallTreeAndFlatTable(const Profile& p, const AnalysisOptions& o, FlatTable* table,
                                     TreeDirection direction = TreeDirection::TopDown,
                                     const std::function<bool(double)>& progress = {},
                                     double minShare = 0, SortOrder order = SortOrder::Flat);

}  // namespace embers::core
