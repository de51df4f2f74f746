#include "flame_layout.h"

#include <algorithm>
#include <cstdlib>

namespace embers::core {

int64_t flameWeight(const CallTreeNode& n) {
    if (n.negative == 0) return std::llabs(n.total);
    // A diff: the new value plus the base value. Both are additive over
    // children, so children always fit in their parent, and what
    // disappeared stays visible.
    const int64_t base = -n.negative;
    const int64_t current = n.total + base;
    return current + base;
}

FlameLayout layoutFlame(const CallTree& tree, const FlameLayoutOptions& o) {
    FlameLayout out;
    if (tree.tree.empty()) return out;
    const uint32_t root = o.zoomRoot < tree.tree.size() ? o.zoomRoot : 0;
    for (uint32_t a = tree.tree[root].parent; a != root;) {
        out.ancestors.push_back(a);
        if (a == 0) break;
        a = tree.tree[a].parent;
    }
    if (root == 0) out.ancestors.clear();
    std::reverse(out.ancestors.begin(), out.ancestors.end());

    const int64_t rootWeight = flameWeight(tree.tree[root]);
    out.rootValue = rootWeight;
    if (rootWeight == 0 || o.viewWidth <= 0) return out;
    // Pixels per unit of weight, and the visible window in pixels.
    const double scale = o.width / (double(rootWeight) * o.viewWidth);
    const double shift = o.viewStart * double(rootWeight) * scale;
    const double visibleEnd = o.width;

    struct Item {
        uint32_t tree;
        uint32_t depth;
        double x;
    };
    std::vector<Item> stack{{root, 0, -shift}};
    while (!stack.empty()) {
        const Item it = stack.back();
        stack.pop_back();
        const CallTreeNode& n = tree.tree[it.tree];
        const double w = double(flameWeight(n)) * scale;
        if (it.x + w < 0 || it.x > visibleEnd) continue;  // outside the window
        out.frames.push_back({it.tree, it.depth, it.x, w, flameWeight(n), 0});
        out.depth = std::max(out.depth, it.depth);
        // Children left to right; runs of narrow ones become one block.
        double x = it.x;
        double runX = 0, runW = 0;
        int64_t runValue = 0;
        uint32_t runCount = 0, runFirst = 0;
        auto flush = [&] {
            if (runCount > 0 && runW >= o.minPixels) {
                out.frames.push_back({runFirst, it.depth + 1, runX, runW, runValue, runCount});
                out.depth = std::max(out.depth, it.depth + 1);
            }
            runCount = 0;
            runW = 0;
            runValue = 0;
        };
        std::vector<Item> wide;
        for (uint32_t c : tree.children(it.tree)) {
            const int64_t cv = flameWeight(tree.tree[c]);
            const double cw = double(cv) * scale;
            if (cw < o.minPixels) {
                if (runCount == 0) {
                    runX = x;
                    runFirst = c;
                }
                ++runCount;
                runW += cw;
                runValue += cv;
            } else {
                flush();
                wide.push_back({c, it.depth + 1, x});
            }
            x += cw;
        }
        flush();
        // Children pruned from the tree (below its minShare): one block after the others.
        if (n.prunedCount > 0) {
            CallTreeNode pruned;
            pruned.total = n.prunedTotal;
            pruned.negative = n.prunedNegative;
            const int64_t pv = flameWeight(pruned);
            const double pw = double(pv) * scale;
            if (pw >= o.minPixels) {
                out.frames.push_back({it.tree, it.depth + 1, x, pw, pv, n.prunedCount, true});
                out.depth = std::max(out.depth, it.depth + 1);
            }
        }
        // Push in reverse so that children come out left to right.
        for (auto w2 = wide.rbegin(); w2 != wide.rend(); ++w2) stack.push_back(*w2);
    }
    return out;
}

std::string packageOf(const std::string& name) {
    // C++: the first namespace component.
    if (const size_t colons = name.find("::"); colons != std::string::npos) {
        const size_t paren = name.find_first_of("(<");
        if (paren == std::string::npos || colons < paren) return name.substr(0, colons);
    }
    // Go: everything before the first '.' after the last '/'.
    const size_t slash = name.rfind('/', name.find('('));
    const size_t from = slash == std::string::npos ? 0 : slash + 1;
    const size_t dot = name.find('.', from);
    if (dot == std::string::npos) return name;
    return name.substr(0, dot);
}

}  // namespace embers::core
