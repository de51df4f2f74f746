// embers peek: callers and callees of matching functions (like pprof -peek).
#include <iostream>

#include "cli_common.h"
#include "core/errors.h"
#include "core/filter.h"
#include "core/peek.h"
#include "core/units.h"
#include "verbs.h"

namespace embers::app {

using namespace embers::core;

int verbPeek(int argc, char** argv, int first) {
    return runGuarded([&] {
        const CliArgs args(argc, argv, first, analysisOptionSpec());
        if (args.positional().size() < 2) throw UsageError("peek needs REGEX FILE...");
        const std::string pattern = args.positional()[0];
        const std::vector<std::string> files(args.positional().begin() + 1,
                                             args.positional().end());
        const ProfilePtr loaded = loadProfiles(files, args);
        const AnalysisOptions o = analysisOptions(*loaded, args);
        const ProfilePtr p = applyFilterArgs(loaded, args);
        const PeekResult r = computePeek(*p, o, pattern);
        if (r.entries.empty()) {
            std::cerr << "embers: no function matches '" << pattern << "'\n";
            return kExitOk;
        }
        int64_t minValue = 0;
        for (const auto& e : r.entries) {
            const int64_t v = std::llabs(e.flat ? e.flat : e.cum);
            if (v > 0 && (minValue == 0 || v < minValue)) minValue = v;
        }
        const std::string unit = chooseOutputUnit(minValue, r.total, r.unit);
        auto fmt = [&](int64_t v) { return scaledLabel(v, r.unit, unit); };
        std::cout << reportHeader(*p, files, o.sampleIndex, o.total);
        std::cout << "Showing nodes accounting for " << fmt(r.total) << " total\n";
        const std::string rule(60, '-');
        char buf[256];
        std::snprintf(buf, sizeof buf, "%10s %6s %10s %6s   %s\n", "flat", "flat%", "cum", "cum%",
                      "calls calls% + context");
        std::cout << buf << rule << "\n";
        for (const auto& e : r.entries) {
            for (const auto& c : e.callers) {
                std::snprintf(buf, sizeof buf, "%10s %6s %10s %6s   %s %s  ", "", "", "", "",
                              fmt(c.weight).c_str(), percentage(c.weight, e.cum).c_str());
                std::cout << buf << "| " << r.nodes[c.node].printableName() << "\n";
            }
            std::snprintf(buf, sizeof buf, "%10s %s %10s %s   ", fmt(e.flat).c_str(),
                          percentage(e.flat, r.total).c_str(), fmt(e.cum).c_str(),
                          percentage(e.cum, r.total).c_str());
            std::cout << buf << "| " << r.nodes[e.node].printableName() << "\n";
            for (const auto& c : e.callees) {
                std::snprintf(buf, sizeof buf, "%10s %6s %10s %6s   %s %s  ", "", "", "", "",
                              fmt(c.weight).c_str(), percentage(c.weight, e.cum).c_str());
                std::cout << buf << "|   " << r.nodes[c.node].printableName() << "\n";
            }
            std::cout << rule << "\n";
        }
        return kExitOk;
    });
}

}  // namespace embers::app
