// Colours and SVG output for flame graphs (pure C++, shared by the widget,
// the PNG export and `embers flame`).
#pragma once

#include <cstdint>
#include <string>

#include "call_tree.h"
#include "flame_layout.h"

namespace embers::core {

struct Rgb {
    uint8_t r = 0, g = 0, b = 0;
};

// A warm colour that depends only on the function's package, so the same
// code keeps its colour across profiles and sessions.
Rgb flameColor(const std::string& functionName);

// Diff colouring: red for growth, green for shrinkage, grey for no change;
// saturation grows with |change| relative to the frame's weight.
Rgb diffColor(const CallTreeNode& n);

struct FlameSvgOptions {
    int width = 1200;
    int rowHeight = 18;
    bool flameOrientation = false;  // root at the bottom
    std::string title;
};

// A standalone SVG document of the whole tree (zoom root 0), each frame with
// a <title> tooltip.
std::string renderFlameSvg(const CallTree& tree, const FlameSvgOptions& o);

}  // namespace embers::core
