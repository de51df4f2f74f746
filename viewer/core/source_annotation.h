// Source annotation: per-line flat and cum for the functions whose names match
// a regular expression, with the source text read from disk — what
// `go tool pprof -list=REGEX` reports, with the same numbers.
//
// pprof's semantics, which this follows exactly:
//  - granularity is always lines: a report node is (function name, cleaned and
//    trimmed file, line, function start line, binary); every line of every
//    location (inlined frames included) is a node;
//  - a sample adds its value once to the cum of each distinct node in its stack
//    (recursion counts once per line), and to the flat of the innermost line of
//    its leaf location; nodes whose flat and cum are both zero do not exist;
//  - one routine per (function name, file), sorted by name then file; its flat
//    and cum are the sums over its nodes (so a routine whose lines recur in one
//    stack may count a sample more than once, as pprof's ROUTINE line does);
//  - the lines shown run from the function's start line (or 5 lines before
//    the first sampled line when the profile has no start line) to 5 lines
//    after the last sampled line, clipped to the file;
//  - files are found like pprof's -source_path/-trim_path: the path is trimmed,
//    then opened as is when absolute, else searched in each source directory
//    and its parents. A missing source is reported in the routine, not thrown.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "flat_table.h"
#include "profile.h"

namespace embers::core {

// The result of reading one source file.
struct SourceText {
    bool found = false;    // the file could be opened
    std::string contents;  // its bytes (when found)
    std::string error;     // why not, like Go's os.Open: "open /x.go: no such file or directory"
};

// Reads a file by path (relative paths are relative to the process's working
// directory). Tests and the GUI may substitute their own.
using SourceFileReader = std::function<SourceText(const std::string& path)>;

// The default reader: the file on disk. Opening a directory counts as found
// and empty, as it does in pprof.
SourceText readSourceFile(const std::string& path);

struct SourceOptions {
    // Directories to search for relative source paths, like pprof's
    // -source_path (whose ':'-separated list each entry may also be). Empty:
    // the working directory.
    std::vector<std::string> sourcePaths;
    // Prefixes to remove from source paths, ':'-separated, like -trim_path.
    std::string trimPath;
    // Empty: readSourceFile.
    SourceFileReader readFile;
    // Used in place of sourcePaths when those are empty. Empty: the process's
    // current directory.
    std::string workingDir;
};

struct AnnotatedLine {
    int64_t line = 0;
    int64_t flat = 0;
    int64_t cum = 0;
    std::string text;  // without the line break
};

// One routine: a matching function in one source file.
struct AnnotatedFunction {
    std::string name;
    std::string file;  // as shown: cleaned and trimmed; "" when the profile has no file
    int64_t flat = 0;
    int64_t cum = 0;
    // Every source line of the routine's range, sampled or not. Empty when the
    // source was not found or the profile names no file.
    std::vector<AnnotatedLine> lines;
    // Set when the source could not be read ("could not find file x.go on path
    // /src", "open /x.go: no such file or directory") or the profile has no
    // file for the function ("no source information for NAME").
    std::string sourceError;
    // false: the profile names no file (pprof prints "No source information
    // for NAME" instead of a routine).
    bool hasSourceInfo = true;
    std::string resolvedPath;  // the path the source was read from, when found
};

struct SourceAnnotation {
    std::string sampleType;
    std::string unit;
    // pprof's total of the profile given. Note that pprof computes the total
    // of a -list report before applying focus/ignore/hide/show filters; a
    // caller that filtered should take the total of the unfiltered profile.
    int64_t total = 0;
    std::vector<AnnotatedFunction> functions;  // sorted by name, then file; empty: no match
};

// Annotates the functions of `p` whose names match `regex` (RE2 syntax,
// unanchored search). Only o.sampleIndex is taken from `o`: list reports
// always use line granularity and take the paths from `so`. Throws UsageError
// for a bad regex; returns no functions when nothing matches.
SourceAnnotation annotateSource(const Profile& p, const AnalysisOptions& o,
                                const std::string& regex, const SourceOptions& so);

}  // namespace embers::core
