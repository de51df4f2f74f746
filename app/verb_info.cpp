// embers info: what a profile holds.
#include <iostream>

#include "cli_common.h"
#include "core/errors.h"
#include "core/units.h"
#include "json_writer.h"
#include "verbs.h"

namespace embers::app {

using namespace embers::core;

int verbInfo(int argc, char** argv, int first) {
    return runGuarded([&] {
        OptionSpec spec = inputOptions();
        spec.withValue.insert("--format");
        const CliArgs args(argc, argv, first, spec);
        if (args.positional().size() != 1) throw UsageError("info takes one profile file");
        const std::string format = args.value("--format", "text");
        if (format != "text" && format != "json")
            throw UsageError("--format must be text or json, not '" + format + "'");
        const ProfilePtr pp = readProfileFile(args.positional()[0], decodeOptions(args));
        const Profile& p = *pp;
        const auto& d = p.data();
        std::vector<int64_t> totals;
        for (size_t i = 0; i < p.valueCount(); ++i) totals.push_back(computeTotal(p, i));
        if (format == "json") {
            JsonWriter w(std::cout);
            w.beginObject().key("sample_types").beginArray();
            for (size_t i = 0; i < p.valueCount(); ++i)
                w.beginObject()
                    .field("type", p.sampleTypeName(i))
                    .field("unit", p.sampleUnit(i))
                    .field("total", totals[i])
                    .endObject();
            w.endArray();
            w.field("default_sample_type", p.sampleTypes().empty()
                                               ? std::string()
                                               : p.sampleTypeName(p.defaultSampleIndex()));
            w.key("period_type")
                .beginObject()
                .field("type", std::string(p.str(d.periodType.type)))
                .field("unit", std::string(p.str(d.periodType.unit)))
                .endObject();
            w.field("period", d.period)
                .field("time_nanos", d.timeNanos)
                .field("duration_nanos", d.durationNanos)
                .field("samples", static_cast<int64_t>(p.sampleCount()))
                .field("locations", static_cast<int64_t>(d.locations.size()))
                .field("functions", static_cast<int64_t>(d.functions.size()))
                .field("strings", static_cast<int64_t>(d.strings.size()));
            w.key("comments").beginArray();
            for (StrId c : d.comments) w.value(p.str(c));
            w.endArray().key("mappings").beginArray();
            for (const auto& m : d.mappings)
                w.beginObject()
                    .field("file", p.str(m.file))
                    .field("build_id", p.str(m.buildId))
                    .field("start", static_cast<int64_t>(m.start))
                    .field("limit", static_cast<int64_t>(m.limit))
                    .field("offset", static_cast<int64_t>(m.offset))
                    .endObject();
            w.endArray().endObject();
            std::cout << "\n";
            return kExitOk;
        }
        std::cout << "File: " << args.positional()[0] << "\n";
        std::cout << "Sample types:\n";
        for (size_t i = 0; i < p.valueCount(); ++i) {
            std::cout << "  " << i << ": " << p.sampleTypeName(i) << "/" << p.sampleUnit(i)
                      << "  total " << scaledLabel(totals[i], p.sampleUnit(i), "minimum")
                      << (i == p.defaultSampleIndex() ? "  (default)" : "") << "\n";
        }
        if (d.period != 0)
            std::cout << "Period: " << scaledLabel(d.period, p.str(d.periodType.unit), "minimum")
                      << " of " << p.str(d.periodType.type) << "\n";
        std::cout << reportHeader(p, {}, p.valueCount() ? p.defaultSampleIndex() : 0);
        std::cout << "Samples: " << p.sampleCount() << ", locations: " << d.locations.size()
                  << ", functions: " << d.functions.size() << ", mappings: " << d.mappings.size()
                  << "\n";
        for (StrId c : d.comments) std::cout << "Comment: " << p.str(c) << "\n";
        for (const auto& m : d.mappings) {
            char buf[128];
            std::snprintf(buf, sizeof buf, "  %#llx-%#llx  ", (unsigned long long)m.start,
                          (unsigned long long)m.limit);
            std::cout << "Mapping:" << buf << p.str(m.file);
            if (m.buildId != kEmptyString) std::cout << "  build id " << p.str(m.buildId);
            std::cout << "\n";
        }
        return kExitOk;
    });
}

}  // namespace embers::app
