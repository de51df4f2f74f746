// Flame graph layout as a pure function: which frames of a call tree are
// visible at a given width, where, and which narrow siblings merge into one
// block. No Qt: the widget, the PNG and the SVG export all draw from this.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "call_tree.h"

namespace embers::core {

struct FlameFrame {
    uint32_t tree = 0;    // CallTree index; for a merged block, its first member
    uint32_t depth = 0;   // 0 = the zoom root's row
    double x = 0;         // left edge in pixels
    double width = 0;     // in pixels
    int64_t value = 0;    // the frame's |total| (sum over members when merged)
    uint32_t merged = 0;  // number of siblings merged into this block (0: a real frame)
    bool pruned = false;  // a block of children left out of the tree (tree: their parent)
};

struct FlameLayout {
    std::vector<uint32_t> ancestors;  // tree indices from the root down to the zoom root's parent
    std::vector<FlameFrame> frames;   // parents before children
    uint32_t depth = 0;               // rows below the zoom root (0 when only the root shows)
    int64_t rootValue = 0;            // |total| of the zoom root
};

struct FlameLayoutOptions {
    uint32_t zoomRoot = 0;
    double width = 1000;   // pixels available
    double viewStart = 0;  // horizontal zoom: visible part of the zoom root, as fractions
    double viewWidth = 1;
    double minPixels = 1.0;  // narrower frames are merged with their narrow siblings
};

// The weight a frame is drawn with: |total|, or in a diff the new value plus
// the base value (additive, so children fit inside their parent).
int64_t flameWeight(const CallTreeNode& n);

FlameLayout layoutFlame(const CallTree& tree, const FlameLayoutOptions& o);

// The package of a function name, for stable colours: "net/http.(*conn).serve"
// -> "net/http", "std::vector<int>::push_back" -> "std", "main.work" -> "main".
std::string packageOf(const std::string& functionName);

}  // namespace embers::core
