#include <charconv>
#include <string>
#include <vector>

#include "decode.h"
#include "errors.h"
#include "profile_builder.h"
#include "text_lines.h"

namespace embers::core {

ProfilePtr decodeFolded(std::string_view text, const std::function<bool(double)>& progress) {
    ProfileBuilder b;
    b.addSampleType("samples", "count");
    b.data().periodType = b.data().sampleTypes[0];
    b.data().period = 1;
    std::vector<LocId> stack;
    forEachLine(text, [&](size_t lineNo, std::string_view line) {
        // After inflating (0–0.3): the share of the text read so far; false cancels.
        if (progress && lineNo % 16384 == 0 &&
            !progress(0.3 + 0.7 * double(line.data() - text.data()) / double(text.size())))
            throw Cancelled("cancelled");
        line = trimmed(line);
        if (line.empty() || line.front() == '#') return;
        const size_t space = line.find_last_of(" \t");
        int64_t count = 0;
        const std::string_view num =
            space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
        auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), count);
        if (num.empty() || ec != std::errc() || end != num.data() + num.size()) {
            throw FormatError("line " + std::to_string(lineNo) +
                              " is neither a pprof profile nor folded stacks "
                              "('main;work;leaf 42' per line)");
        }
        std::string_view frames = trimmed(line.substr(0, space));
        stack.clear();
        while (!frames.empty()) {
            const size_t semi = frames.find(';');
            std::string_view frame = trimmed(frames.substr(0, semi));
            if (!frame.empty()) {
                const Line l{b.function(frame), 0, 0};
                stack.push_back(b.location({&l, 1}));
            }
            if (semi == std::string_view::npos) break;
            frames.remove_prefix(semi + 1);
        }
        std::reverse(stack.begin(), stack.end());  // folded text is root first
        b.addSample(stack, {&count, 1});
    });
    if (b.data().sampleCount() == 0)
        throw FormatError(
            "the file holds no stacks; it is neither a pprof profile nor folded stacks");
    return b.build();
}

}  // namespace embers::core
