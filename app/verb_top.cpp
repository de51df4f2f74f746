// embers top: the flat/cum table, like `go tool pprof -top`.
#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "cli_common.h"
#include "core/csv.h"
#include "core/errors.h"
#include "core/text_lines.h"
#include "core/units.h"
#include "json_writer.h"
#include "verbs.h"

namespace embers::app {

using namespace embers::core;

namespace {

// The JSON/CSV "name" column: pprof's node name, without the file:line part
// that the file and line columns carry.
std::string rowName(const NodeInfo& n, Granularity g) {
    if (g == Granularity::Files || n.name.empty()) return n.printableName();
    return n.name;
}

void printText(const FlatTable& t, size_t shown, const Profile& p,
               const std::vector<std::string>& paths, size_t sampleIndex) {
    int64_t minValue = 0, shownFlat = 0;
    for (size_t i = 0; i < shown; ++i) {
        const auto& r = t.rows[i];
        int64_t v = std::llabs(r.flat);
        if (v == 0) v = std::llabs(r.cum);
        if (v > 0 && (minValue == 0 || v < minValue)) minValue = v;
        shownFlat += r.flat;
    }
    const std::string unit = chooseOutputUnit(minValue, t.total, t.unit);
    auto fmt = [&](int64_t v) { return scaledLabel(v, t.unit, unit); };
    std::cout << reportHeader(p, paths, sampleIndex, t.total);
    std::cout << "Showing nodes accounting for " << fmt(shownFlat) << ", "
              << trimmed(percentage(shownFlat, t.total)) << " of " << fmt(t.total) << " total\n";
    if (shown < t.rows.size())
        std::cout << "Showing top " << shown << " nodes out of " << t.rows.size() << "\n";
    char buf[512];
    std::snprintf(buf, sizeof buf, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum",
                  "cum");
    std::cout << buf;
    int64_t sum = 0;
    for (size_t i = 0; i < shown; ++i) {
        const auto& r = t.rows[i];
        sum += r.flat;
        std::snprintf(buf, sizeof buf, "%10s %s %s %10s %s  ", fmt(r.flat).c_str(),
                      percentage(r.flat, t.total).c_str(), percentage(sum, t.total).c_str(),
                      fmt(r.cum).c_str(), percentage(r.cum, t.total).c_str());
        std::cout << buf << t.nodes[r.node].printableName() << "\n";
    }
}

void printCsv(const FlatTable& t, size_t shown, Granularity g) {
    std::cout << "name,file,line,flat,flat_percent,sum_percent,cum,cum_percent\n";
    int64_t sum = 0;
    auto pct = [&](int64_t v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4f",
                      t.total ? 100.0 * std::abs(double(v)) / double(t.total) : 0.0);
        return std::string(buf);
    };
    for (size_t i = 0; i < shown; ++i) {
        const auto& r = t.rows[i];
        const NodeInfo& n = t.nodes[r.node];
        sum += r.flat;
        std::cout << csvField(rowName(n, g)) << "," << csvField(n.file) << "," << n.line << ","
                  << r.flat << "," << pct(r.flat) << "," << pct(sum) << "," << r.cum << ","
                  << pct(r.cum) << "\n";
    }
}

void printJson(const FlatTable& t, size_t shown, Granularity g) {
    JsonWriter w(std::cout);
    w.beginObject()
        .field("sample_type", t.sampleType)
        .field("unit", t.unit)
        .field("total", t.total)
        .key("rows")
        .beginArray();
    for (size_t i = 0; i < shown; ++i) {
        const auto& r = t.rows[i];
        const NodeInfo& n = t.nodes[r.node];
        w.beginObject()
            .field("name", rowName(n, g))
            .field("file", n.file)
            .field("line", n.line)
            .field("flat", r.flat)
            .field("cum", r.cum)
            .endObject();
    }
    w.endArray().endObject();
    std::cout << "\n";
}

}  // namespace

int verbTop(int argc, char** argv, int first) {
    return runGuarded([&] {
        OptionSpec spec = analysisOptionSpec();
        spec.withValue.insert({"--nodecount", "--format"});
        spec.switches.insert("--cum");
        const CliArgs args(argc, argv, first, spec);
        const std::string format = args.value("--format", "text");
        if (format != "text" && format != "csv" && format != "json")
            throw UsageError("--format must be text, csv or json, not '" + format + "'");
        const long long nodecount = args.integer("--nodecount", 0);
        if (nodecount < 0) throw UsageError("--nodecount must be 0 (all) or more");
        const ProfilePtr loaded = loadProfiles(args.positional(), args);
        const AnalysisOptions o = analysisOptions(*loaded, args);
        const ProfilePtr p = applyFilterArgs(loaded, args);
        const FlatTable t =
            computeFlatTable(*p, o, args.has("--cum") ? SortOrder::Cum : SortOrder::Flat);
        const size_t shown =
            nodecount == 0 ? t.rows.size() : std::min<size_t>(t.rows.size(), size_t(nodecount));
        if (format == "json")
            printJson(t, shown, o.nodes.granularity);
        else if (format == "csv")
            printCsv(t, shown, o.nodes.granularity);
        else
            printText(t, shown, *p, args.positional(), o.sampleIndex);
        return kExitOk;
    });
}

}  // namespace embers::app
