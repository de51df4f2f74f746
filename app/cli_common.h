// What the analysis verbs share: loading (and merging, diffing, filtering)
// the input profiles from the command line, and mapping errors to exit codes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli_args.h"
#include "core/decode.h"
#include "core/filter.h"
#include "core/flat_table.h"
#include "core/profile.h"

namespace embers::app {

enum ExitCode { kExitOk = 0, kExitUsage = 1, kExitBadInput = 2 };

// Options every verb that reads profiles accepts (--max-size), plus the
// analysis ones (sample index, granularity, filters, diff base, paths).
OptionSpec inputOptions();
OptionSpec analysisOptionSpec();

core::DecodeOptions decodeOptions(const CliArgs& args);

// Reads the files, merges them when there are several, applies the profile's
// drop_frames and, with --diff-base, the diff. Messages name the file.
core::ProfilePtr loadProfiles(const std::vector<std::string>& paths, const CliArgs& args);

// --focus/--ignore/--hide/--show/--tagfocus/--tagignore; warnings go to stderr.
// --focus, --ignore, --hide, --show, --tagfocus and --tagignore.
core::FilterOptions filterOptions(const CliArgs& args);
core::ProfilePtr applyFilterArgs(const core::ProfilePtr& p, const CliArgs& args);

// --sample-index, --granularity, --trim-path, --source-path.
core::AnalysisOptions analysisOptions(const core::Profile& p, const CliArgs& args,
                                      const char* defaultGranularity = "functions");

// Runs a verb body, turning errors into a one-line message and an exit code:
// UsageError -> 1, FormatError -> 2.
int runGuarded(const std::function<int()>& body);

// Text header like pprof's: File/Type/Time/Duration lines.
// `total` is the report total (pprof's, taken before filtering).
std::string reportHeader(const core::Profile& p, const std::vector<std::string>& paths,
                         size_t sampleIndex, std::optional<int64_t> total = std::nullopt);

}  // namespace embers::app
