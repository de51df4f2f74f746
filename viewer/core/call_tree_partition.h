// The engine under computeCallTree (call_tree.cpp only includes it): the samples under a
// tree node are partitioned by their next report node, depth-first, reading the nodes of a
// range's samples level-major through small windows; subtrees below the tree's minShare are
// counted, not built. Internal: not part of the core's interface.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "call_tree.h"
#include "gzip.h"

namespace embers::core::tree_partition {

constexpr uint32_t kWindow = 8;  // levels per window
constexpr size_t kAhead = 16;    // walkers whose nodes are fetched ahead of use

inline void prefetch(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

// A sample on its way down the tree: its report nodes (root first, or leaf first when
// inverted, indexed by depth) are paths[path, path + length); its value; its column in
// the window of its range (see Range).
struct Walker {
    uint32_t path;
    uint32_t length;
    uint32_t col;
    int64_t weight;
};

constexpr size_t kNoArena = ~size_t(0);

// The walkers [begin, end) under one tree node (an index into a Part), at the depth of the
// node's children; or, when releaseArena is set, a marker: the subtree using it is done.
// The walk reads node `depth` of every walker of a range in turn. Read from the paths,
// those reads jump across memory; so the next kWindow nodes of a range's walkers are
// copied level-major into a window, where the reads of one level are close:
// node `depth` of a walker is win[(depth - winDepth) * stride + col].
struct Range {
    uint32_t tree;
    uint32_t depth;
    size_t begin, end;
    size_t releaseArena;
    const uint32_t* win = nullptr;  // null: read the paths
    uint32_t stride = 0;
    uint32_t winDepth = 0;
};

// Storage for windows.
class Arenas {
public:
    uint32_t* allocate(size_t n) {
        arenas_.emplace_back(new uint32_t[std::max<size_t>(n, 1)]);  // not zeroed
        return arenas_.back().get();
    }
    void release(size_t arena) { arenas_[arena].reset(); }

    // A window over levels [r.depth, r.depth + kWindow) for r's walkers; returns its id.
    size_t window(Walker* walkers, const uint32_t* paths, Range& r, uint32_t end) {
        const size_t count = r.end - r.begin;
        uint32_t* m = allocate(count * kWindow);
        for (size_t i = 0; i < count; ++i) {
            if (i + kAhead < count) {  // the reads are far apart: fetch ahead
                const Walker& a = walkers[i + kAhead];
                prefetch(paths + a.path + r.depth);
                prefetch(paths + a.path + r.depth + kWindow - 1);
            }
            Walker& w = walkers[i];
            const uint32_t* path = paths + w.path;
            for (uint32_t k = 0; k < kWindow; ++k)
                m[k * count + i] = r.depth + k < w.length ? path[r.depth + k] : end;
            w.col = uint32_t(i);
        }
        r.win = m;
        r.stride = uint32_t(count);
        r.winDepth = r.depth;
        return arenas_.size() - 1;
    }

private:
    std::vector<std::unique_ptr<uint32_t[]>> arenas_;
};

// Tree nodes made by one worker. A node's children are kids[firstChild, +childCount],
// indices into the same part, in the order they were made (by report node) or in their
// final order (see Splitter::split).
struct Part {
    std::vector<CallTreeNode> nodes;
    std::vector<uint32_t> kids;
};

struct Shared {
    Walker* walkers;
    const uint32_t* paths;
    uint32_t end;  // the node id past a walker's path
    double threshold;
    bool inverted;
    std::atomic<size_t> retired{0};
    std::atomic<bool> stop{false};
};

// Splits ranges: the samples under a tree node are grouped by their next node (a counting
// sort), each group becomes one child (or is pruned). No hash table, memory read in order,
// and a pruned subtree costs nothing below its root.
class Splitter {
public:
    Splitter(size_t nodeCount, const std::vector<std::string>* names)
        : slot_(nodeCount + 1, 0), names_(names) {}

    // Makes the children of r.tree in `part` and appends their ranges to `out` (after a
    // release marker for a window made here, when `markRelease`). The children are listed
    // in the order they are made (by report node), or sorted when `sortKids`.
    void split(Shared& s, Range r, Part& part, Arenas& arenas, std::vector<Range>& out,
               bool markRelease, bool sortKids) {
        Walker* const w = s.walkers + r.begin;
        const size_t count = r.end - r.begin;
        const uint32_t kEnd = s.end;
        if (count == 0) {  // no samples with a value: the root has no children
            part.nodes[r.tree].firstChild = uint32_t(part.kids.size());
            part.nodes[r.tree].childCount = 0;
            return;
        }
        // A new window when the range's is used up, or when the range is a small part of
        // it (its reads would be far apart).
        if (count >= 64 && (!r.win || r.depth - r.winDepth >= kWindow || r.stride >= 4 * count)) {
            const size_t arena = arenas.window(w, s.paths, r, kEnd);
            if (markRelease) out.push_back({0, 0, 0, 0, arena});
        }
        const uint32_t k = r.depth - r.winDepth;
        const uint32_t* const row = r.win && k < kWindow ? r.win + size_t(k) * r.stride : nullptr;

        // Group the walkers by next node: a stable counting sort. Walkers whose path ends
        // here go first: their value is the self of this node (top-down), or of the root
        // when they have no frames at all.
        nextNode_.resize(count);
        distinct_.clear();
        for (size_t i = 0; i < count; ++i) {
            if (i + kAhead < count) {
                const Walker& a = w[i + kAhead];
                prefetch(row ? row + a.col : s.paths + a.path + r.depth);
            }
            const Walker& wi = w[i];
            const uint32_t nd = row                   ? row[wi.col]
                                : r.depth < wi.length ? s.paths[wi.path + r.depth]
                                                      : kEnd;
            nextNode_[i] = nd;
            if (slot_[nd]++ == 0) distinct_.push_back(nd);
        }
        std::sort(distinct_.begin(), distinct_.end());
        if (distinct_.back() == kEnd) {  // ended walkers sort last: move them first
            distinct_.pop_back();
            distinct_.insert(distinct_.begin(), kEnd);
        }
        if (distinct_.size() > 1) {
            size_t offset = 0;
            for (uint32_t nd : distinct_) offset += std::exchange(slot_[nd], uint32_t(offset));
            scratch_.resize(count);
            for (size_t i = 0; i < count; ++i) scratch_[slot_[nextNode_[i]]++] = w[i];
            std::copy(scratch_.begin(), scratch_.end(), w);
            // nextNode in the new order, from the group sizes.
            size_t at = 0;
            for (uint32_t nd : distinct_) {
                const size_t end = slot_[nd];
                std::fill(nextNode_.begin() + at, nextNode_.begin() + end, nd);
                at = end;
            }
        }
        for (uint32_t nd : distinct_) slot_[nd] = 0;

        const bool atRoot = r.depth == 0;
        const uint32_t firstKid = uint32_t(part.kids.size());
        size_t retired = 0;
        for (size_t i = 0; i < count;) {
            const uint32_t node = nextNode_[i];
            size_t j = i;
            int64_t total = 0, negative = 0, abs = 0;
            for (; j < count && nextNode_[j] == node; ++j) {
                const int64_t v = w[j].weight;
                total += v;
                abs += std::llabs(v);
                if (v < 0) negative += v;
            }
            if (node == kEnd) {
                if (!s.inverted || atRoot) part.nodes[r.tree].self += total;
                retired += j - i;
            } else if (s.threshold > 0 && double(abs) < s.threshold) {
                CallTreeNode& parent = part.nodes[r.tree];
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
                if (s.inverted && atRoot) c.self = total;
                const uint32_t index = uint32_t(part.nodes.size());
                part.nodes.push_back(c);
                part.kids.push_back(index);
                out.push_back({index, r.depth + 1, r.begin + i, r.begin + j, kNoArena, r.win,
                               r.stride, r.winDepth});
            }
            i = j;
        }
        part.nodes[r.tree].firstChild = firstKid;
        part.nodes[r.tree].childCount = uint32_t(part.kids.size()) - firstKid;
        if (sortKids) {  // by |total| then name, as in the finished tree
            const std::vector<std::string>& names = *names_;
            std::sort(part.kids.begin() + firstKid, part.kids.end(), [&](uint32_t a, uint32_t b) {
                const int64_t ta = std::llabs(part.nodes[a].total);
                const int64_t tb = std::llabs(part.nodes[b].total);
                if (ta != tb) return ta > tb;
                return names[part.nodes[a].node] < names[part.nodes[b].node];
            });
        }
        if (retired) s.retired.fetch_add(retired, std::memory_order_relaxed);
    }

private:
    std::vector<uint32_t> nextNode_;  // per walker of the range; kEnd past its path
    std::vector<uint32_t> slot_, distinct_;
    std::vector<Walker> scratch_;
    const std::vector<std::string>* names_;  // of the report nodes
};

// Builds the subtree of `part`'s node 0 (whose walkers are `root`) depth-first.
// `poll`, when given, is called now and then; it returns false to stop.
template <class Poll>
void buildSubtree(Shared& s, Range root, Part& part, Splitter& splitter, const Poll& poll) {
    Arenas arenas;
    std::vector<Range> stack{root};
    while (!stack.empty()) {
        const Range r = stack.back();
        stack.pop_back();
        if (r.releaseArena != kNoArena) {
            arenas.release(r.releaseArena);
            continue;
        }
        if (!poll()) return;
        splitter.split(s, r, part, arenas, stack, true, true);
    }
}

}  // namespace embers::core::tree_partition
