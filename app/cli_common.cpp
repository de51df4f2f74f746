#include "cli_common.h"

#include <ctime>
#include <iostream>

#include "core/errors.h"
#include "core/filter.h"
#include "core/merge.h"
#include "core/units.h"

namespace embers::app {

using namespace embers::core;

OptionSpec inputOptions() {
    return {{"--max-size"}, {}};
}

OptionSpec analysisOptionSpec() {
    OptionSpec s = inputOptions();
    s.withValue.insert({"--sample-index", "--granularity", "--focus", "--ignore", "--hide",
                        "--show", "--tagfocus", "--tagignore", "--diff-base", "--trim-path",
                        "--source-path"});
    return s;
}

DecodeOptions decodeOptions(const CliArgs& args) {
    DecodeOptions o;
    if (const auto v = args.value("--max-size")) {
        o.maxDecompressedSize = parseByteSize(*v);
        if (o.maxDecompressedSize == 0)
            throw UsageError("--max-size needs a size such as 512MiB or 2GiB, not '" + *v + "'");
    }
    return o;
}

ProfilePtr loadProfiles(const std::vector<std::string>& paths, const CliArgs& args) {
    if (paths.empty()) throw UsageError("no profile file given");
    const DecodeOptions opts = decodeOptions(args);
    std::vector<ProfilePtr> profiles;
    for (const auto& path : paths)
        profiles.push_back(removeUninteresting(readProfileFile(path, opts)));
    ProfilePtr p = profiles.size() == 1 ? profiles[0] : merge(profiles, paths);
    if (const auto base = args.value("--diff-base")) {
        ProfilePtr b = removeUninteresting(readProfileFile(*base, opts));
        p = diffAgainstBase(p, b, paths.front(), *base);
    }
    return p;
}

FilterOptions filterOptions(const CliArgs& args) {
    FilterOptions f;
    f.focus = args.value("--focus", "");
    f.ignore = args.value("--ignore", "");
    f.hide = args.value("--hide", "");
    f.show = args.value("--show", "");
    f.tagFocus = args.value("--tagfocus", "");
    f.tagIgnore = args.value("--tagignore", "");
    return f;
}

ProfilePtr applyFilterArgs(const ProfilePtr& p, const CliArgs& args) {
    std::vector<std::string> warnings;
    ProfilePtr out = applyFilters(p, filterOptions(args), &warnings);
    for (const auto& w : warnings) std::cerr << "embers: warning: " << w << "\n";
    return out;
}

AnalysisOptions analysisOptions(const Profile& p, const CliArgs& args,
                                const char* defaultGranularity) {
    AnalysisOptions o;
    const auto si = args.value("--sample-index");
    o.sampleIndex = si ? p.sampleIndex(*si) : p.defaultSampleIndex();
    if (p.sampleTypes().empty()) throw FormatError("the profile has no sample types");
    o.nodes.granularity = parseGranularity(args.value("--granularity", defaultGranularity));
    o.nodes.trimPath = args.value("--trim-path", "");
    o.nodes.sourcePaths = args.values("--source-path");
    o.total = computeTotal(p, o.sampleIndex);  // before filters, like pprof
    return o;
}

int runGuarded(const std::function<int()>& body) {
    try {
        return body();
    } catch (const UsageError& e) {
        std::cerr << "embers: " << e.what() << " (see embers help)\n";
        return kExitUsage;
    } catch (const FormatError& e) {
        std::cerr << "embers: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::bad_alloc&) {
        std::cerr << "embers: out of memory while reading the profile; try a smaller file or "
                     "--max-size\n";
        return kExitBadInput;
    }
}

std::string reportHeader(const Profile& p, const std::vector<std::string>& paths,
                         size_t sampleIndex, std::optional<int64_t> reportTotal) {
    std::string h;
    // Like pprof: the main binary's name when the profile has mappings.
    const auto& maps = p.data().mappings;
    if (!maps.empty() && maps[0].file != kEmptyString) {
        std::string bin(p.str(maps[0].file));
        if (const size_t slash = bin.rfind('/'); slash != std::string::npos)
            bin = bin.substr(slash + 1);
        h += "File: " + bin + "\n";
    } else if (!paths.empty()) {
        std::string name = paths.front();
        if (const size_t slash = name.rfind('/'); slash != std::string::npos)
            name = name.substr(slash + 1);
        h += "File: " + name + "\n";
    }
    if (!p.sampleTypes().empty()) h += "Type: " + p.sampleTypeName(sampleIndex) + "\n";
    const auto& d = p.data();
    if (d.timeNanos != 0) {
        const std::time_t t = static_cast<std::time_t>(d.timeNanos / 1000000000);
        char buf[64];
        std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&t));
        h += std::string("Time: ") + buf + "\n";
    }
    if (d.durationNanos != 0) {
        h += "Duration: " + scaledLabel(d.durationNanos, "nanoseconds", "minimum");
        if (!p.sampleTypes().empty()) {
            const int64_t total = reportTotal ? *reportTotal : computeTotal(p, sampleIndex);
            if (p.sampleUnit(sampleIndex) == "nanoseconds") {
                h += ", Total samples = " + scaledLabel(total, "nanoseconds", "minimum") + " (" +
                     percentage(total, d.durationNanos) + ")";
            }
        }
        h += "\n";
    }
    return h;
}

}  // namespace embers::app
