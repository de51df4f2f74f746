// Small profiles built in memory for the core tests.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "core/profile_builder.h"

namespace embers::test {

using core::LocId;
using core::ProfileBuilder;

// One frame: function name, file, line.
struct Frame {
    std::string func;
    std::string file = "main.go";
    int64_t line = 1;
};

// Adds a sample whose stack is given root first (as people read stacks).
inline void addStack(ProfileBuilder& b, std::vector<Frame> rootFirst, std::vector<int64_t> values,
                     std::vector<core::Label> labels = {}) {
    std::vector<LocId> leafFirst;
    for (auto it = rootFirst.rbegin(); it != rootFirst.rend(); ++it) {
        const core::Line l{b.function(it->func, it->file), it->line, 0};
        leafFirst.push_back(b.location({&l, 1}));
    }
    b.addSample(leafFirst, values, labels);
}

inline ProfileBuilder cpuBuilder() {
    ProfileBuilder b;
    b.addSampleType("samples", "count");
    b.addSampleType("cpu", "nanoseconds");
    b.data().periodType = b.data().sampleTypes[1];
    b.data().period = 10000000;
    return b;
}

}  // namespace embers::test
