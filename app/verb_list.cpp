// embers list: annotated source of the functions matching a regex, like
// `go tool pprof -list=REGEX`.
#include <cstdio>
#include <iostream>

#include "cli_common.h"
#include "core/errors.h"
#include "core/regex.h"
#include "core/source_annotation.h"
#include "core/units.h"
#include "json_writer.h"
#include "verbs.h"

namespace embers::app {

using namespace embers::core;

namespace {

void printText(const SourceAnnotation& a) {
    // pprof's list report formats each value on its own ("minimum" unit).
    auto fmt = [&](int64_t v) { return scaledLabel(v, a.unit, "minimum"); };
    auto valueOrDot = [&](int64_t v) { return v == 0 ? std::string(".") : fmt(v); };
    std::cout << "Total: " << fmt(a.total) << "\n";
    char buf[256];
    for (const AnnotatedFunction& f : a.functions) {
        if (!f.hasSourceInfo) {
            std::cout << "No source information for " << f.name << "\n";
            continue;
        }
        std::cout << "ROUTINE ======================== " << f.name << " in " << f.file << "\n";
        std::snprintf(buf, sizeof buf, "%10s %10s (flat, cum) %s of Total\n", fmt(f.flat).c_str(),
                      fmt(f.cum).c_str(), percentage(f.cum, a.total).c_str());
        std::cout << buf;
        if (!f.sourceError.empty()) {
            std::cout << " Error: " << f.sourceError << "\n";
            continue;
        }
        for (const AnnotatedLine& l : f.lines) {
            std::snprintf(buf, sizeof buf, "%10s %10s %6lld:", valueOrDot(l.flat).c_str(),
                          valueOrDot(l.cum).c_str(), static_cast<long long>(l.line));
            std::cout << buf << l.text << "\n";
        }
    }
}

void printJson(const SourceAnnotation& a) {
    JsonWriter w(std::cout);
    w.beginObject().key("functions").beginArray();
    for (const AnnotatedFunction& f : a.functions) {
        w.beginObject()
            .field("name", f.name)
            .field("file", f.file)
            .field("flat", f.flat)
            .field("cum", f.cum)
            .key("lines")
            .beginArray();
        for (const AnnotatedLine& l : f.lines) {
            w.beginObject()
                .field("line", l.line)
                .field("flat", l.flat)
                .field("cum", l.cum)
                .field("text", l.text)
                .endObject();
        }
        w.endArray();
        if (!f.sourceError.empty()) w.field("source_error", f.sourceError);
        w.endObject();
    }
    w.endArray().endObject();
    std::cout << "\n";
}

}  // namespace

int verbList(int argc, char** argv, int first) {
    return runGuarded([&] {
        OptionSpec spec = analysisOptionSpec();
        spec.withValue.insert("--format");
        const CliArgs args(argc, argv, first, spec);
        const std::string format = args.value("--format", "text");
        if (format != "text" && format != "json")
            throw UsageError("--format must be text or json, not '" + format + "'");
        if (args.positional().empty()) throw UsageError("list needs a REGEX and a profile file");
        const std::string regex = args.positional().front();
        const std::vector<std::string> paths(args.positional().begin() + 1,
                                             args.positional().end());
        if (paths.empty()) throw UsageError("no profile file given");
        // A bad regex is a usage error, found before reading the files.
        (void)Regex(regex, "the list regexp");
        const ProfilePtr loaded = loadProfiles(paths, args);
        // list always works on lines; --granularity is accepted and ignored, as
        // pprof's list overrides -granularity.
        const AnalysisOptions o = analysisOptions(*loaded, args, "lines");
        const ProfilePtr p = applyFilterArgs(loaded, args);
        SourceOptions so;
        so.sourcePaths = args.values("--source-path");
        so.trimPath = args.value("--trim-path", "");
        SourceAnnotation a = annotateSource(*p, o, regex, so);
        if (a.functions.empty()) {
            std::cerr << "embers: no matches found for regexp: " << regex << "\n";
            return int(kExitUsage);
        }
        // pprof takes the total before applying the filters.
        a.total = computeTotal(*loaded, o.sampleIndex);
        if (format == "json")
            printJson(a);
        else
            printText(a);
        return int(kExitOk);
    });
}

}  // namespace embers::app
