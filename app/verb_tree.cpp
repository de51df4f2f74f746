// embers tree: the call tree (top-down, or inverted) with self and total.
#include <iostream>

#include "cli_common.h"
#include "core/call_tree.h"
#include "core/errors.h"
#include "core/units.h"
#include "json_writer.h"
#include "verbs.h"

namespace embers::app {

using namespace embers::core;

namespace {

void printTextNode(const CallTree& t, uint32_t i, int depth, long long maxDepth,
                   const std::string& unit) {
    const CallTreeNode& n = t.tree[i];
    if (i != 0) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "%10s %s %10s  ", scaledLabel(n.total, t.unit, unit).c_str(),
                      percentage(n.total, t.total).c_str(),
                      scaledLabel(n.self, t.unit, unit).c_str());
        std::cout << buf << std::string(size_t(depth - 1) * 2, ' ')
                  << t.nodes[n.node].printableName() << "\n";
    }
    if (maxDepth > 0 && depth >= maxDepth) return;
    for (uint32_t c : t.children(i)) printTextNode(t, c, depth + 1, maxDepth, unit);
}

void printJsonNode(JsonWriter& w, const CallTree& t, uint32_t i, int depth, long long maxDepth) {
    const CallTreeNode& n = t.tree[i];
    w.beginObject();
    w.field("name", i == 0 ? std::string("root") : t.nodes[n.node].printableName());
    w.field("self", n.self).field("total", n.total);
    w.key("children").beginArray();
    if (maxDepth == 0 || depth < maxDepth)
        for (uint32_t c : t.children(i)) printJsonNode(w, t, c, depth + 1, maxDepth);
    w.endArray().endObject();
}

}  // namespace

int verbTree(int argc, char** argv, int first) {
    return runGuarded([&] {
        OptionSpec spec = analysisOptionSpec();
        spec.withValue.insert({"--max-depth", "--format"});
        spec.switches.insert("--inverted");
        const CliArgs args(argc, argv, first, spec);
        const std::string format = args.value("--format", "text");
        if (format != "text" && format != "json")
            throw UsageError("--format must be text or json, not '" + format + "'");
        const long long maxDepth = args.integer("--max-depth", 0);
        if (maxDepth < 0) throw UsageError("--max-depth must be 0 (no limit) or more");
        const ProfilePtr loaded = loadProfiles(args.positional(), args);
        const AnalysisOptions o = analysisOptions(*loaded, args);
        const ProfilePtr p = applyFilterArgs(loaded, args);
        const CallTree t = computeCallTree(
            *p, o, args.has("--inverted") ? TreeDirection::BottomUp : TreeDirection::TopDown);
        if (format == "json") {
            JsonWriter w(std::cout);
            w.beginObject()
                .field("sample_type", t.sampleType)
                .field("unit", t.unit)
                .field("total", t.total)
                .key("root");
            printJsonNode(w, t, 0, 0, maxDepth);
            w.endObject();
            std::cout << "\n";
            return kExitOk;
        }
        int64_t minValue = 0;
        for (const auto& n : t.tree) {
            const int64_t v = std::llabs(n.self ? n.self : n.total);
            if (v > 0 && (minValue == 0 || v < minValue)) minValue = v;
        }
        const std::string unit = chooseOutputUnit(minValue, t.total, t.unit);
        std::cout << reportHeader(*p, args.positional(), o.sampleIndex, o.total);
        char buf[128];
        std::snprintf(buf, sizeof buf, "%10s %6s %10s  %s\n", "total", "total%", "self",
                      t.inverted ? "function (callers below)" : "function (callees below)");
        std::cout << buf;
        printTextNode(t, 0, 0, maxDepth, unit);
        return kExitOk;
    });
}

}  // namespace embers::app
