#include "source_annotation.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string_view>
#include <unordered_map>

#include "nodes.h"
#include "regex.h"

namespace embers::core {

namespace {

// Lines shown before the first and after the last sampled line.
constexpr int64_t kMargin = 5;
// Go's bufio.Scanner gives up on a line this long (its default
// MaxScanTokenSize); pprof then shows the lines before it only.
constexpr size_t kMaxScanLine = 64 * 1024;

// Go's filepath.SplitList: "" is no entries, otherwise split on ':'.
std::string joinList(const std::vector<std::string>& parts) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) out += ':';
        out += parts[i];
    }
    return out;
}

// Go's filepath.Dir.
std::string goDir(std::string_view path) {
    const size_t slash = path.rfind('/');
    return cleanPath(slash == std::string_view::npos ? std::string_view{}
                                                     : path.substr(0, slash + 1));
}

// Go's filepath.Join of two elements.
std::string goJoin(std::string_view a, std::string_view b) {
    if (a.empty() && b.empty()) return {};
    if (a.empty()) return cleanPath(b);
    if (b.empty()) return cleanPath(a);
    std::string s(a);
    s += '/';
    s += b;
    return cleanPath(s);
}

// The lines of a file as Go's bufio.Scanner splits them: '\n' separated, one
// trailing '\r' dropped, no empty line after a final '\n', and scanning stops
// at a line too long for the scanner.
std::vector<std::string> splitSourceLines(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (line.size() >= kMaxScanLine) break;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.emplace_back(line);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

// A file's lines, or why it could not be opened; read once per file name.
struct CachedFile {
    std::vector<std::string> lines;
    std::string error;
    std::string resolvedPath;
};

class SourceFinder {
public:
    SourceFinder(std::string searchPath, std::string trimPath, SourceFileReader read)
        : searchPath_(std::move(searchPath)),
          trimPath_(std::move(trimPath)),
          read_(std::move(read)) {}

    const CachedFile& file(const std::string& name) {
        auto it = cache_.find(name);
        if (it == cache_.end()) it = cache_.emplace(name, load(name)).first;
        return it->second;
    }

private:
    // pprof's openSourceFile.
    CachedFile load(const std::string& name) const {
        CachedFile out;
        const std::string path = trimSourcePath(name, trimPath_, splitPathList(searchPath_));
        auto accept = [&out](const std::string& opened, const SourceText& t) {
            out.resolvedPath = opened;
            out.lines = splitSourceLines(t.contents);
        };
        // Still absolute after trimming: that file or nothing.
        if (!path.empty() && path.front() == '/') {
            const SourceText t = read_(path);
            if (t.found)
                accept(path, t);
            else
                out.error = t.error.empty() ? "open " + path + ": cannot be read" : t.error;
            return out;
        }
        for (std::string dir : splitPathList(searchPath_)) {
            // Search up through every parent of each directory.
            while (true) {
                const std::string candidate = goJoin(dir, path);
                const SourceText t = read_(candidate);
                if (t.found) {
                    accept(candidate, t);
                    return out;
                }
                std::string parent = goDir(dir);
                if (parent == dir) break;
                dir = std::move(parent);
            }
        }
        out.error = "could not find file " + path + " on path " + searchPath_;
        return out;
    }

    std::string searchPath_;
    std::string trimPath_;
    SourceFileReader read_;
    std::unordered_map<std::string, CachedFile> cache_;
};

// A report node at line granularity, as pprof's graph.NodeInfo for a list
// report (addresses are aggregated away, binary names and start lines kept).
struct LineNode {
    std::string name;
    std::string file;
    int64_t line = 0;
    int64_t startLine = 0;
    std::string objfile;
    int64_t flat = 0;
    int64_t cum = 0;
};

std::string nodeKey(std::string_view name, std::string_view file, int64_t line, int64_t startLine,
                    std::string_view objfile) {
    std::string k;
    k.reserve(name.size() + file.size() + objfile.size() + 48);
    k += name;
    k += '\0';
    k += file;
    k += '\0';
    k += std::to_string(line);
    k += '\0';
    k += std::to_string(startLine);
    k += '\0';
    k += objfile;
    return k;
}

std::string workingDirectory() {
    std::error_code ec;
    const auto cwd = std::filesystem::current_path(ec);
    return ec ? std::string(".") : cwd.string();
}

}  // namespace

SourceText readSourceFile(const std::string& path) {
    SourceText t;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        // Go's wording: "open PATH: no such file or directory".
        std::string reason = std::strerror(errno);
        if (!reason.empty())
            reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
        t.error = "open " + path + ": " + reason;
        return t;
    }
    t.found = true;
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) t.contents.append(buf, n);
    // A read error (e.g. the path is a directory) keeps what was read: pprof
    // ignores scanner errors the same way.
    std::fclose(f);
    return t;
}

SourceAnnotation annotateSource(const Profile& p, const AnalysisOptions& o,
                                const std::string& regex, const SourceOptions& so) {
    const Regex re(regex, "the list regexp");
    const size_t si = o.sampleIndex;
    const std::string sourcePath = joinList(so.sourcePaths);

    SourceAnnotation out;
    out.sampleType = p.sampleTypeName(si);
    out.unit = p.sampleUnit(si);
    out.total = computeTotal(p, si);

    // Which functions match, and their file as a node shows it: trimmed with
    // the configured source path (not the working directory), then cleaned.
    const auto funcs = p.functions();
    std::vector<char> matches(funcs.size(), 0);
    std::vector<std::string> files(funcs.size());
    {
        std::unordered_map<uint32_t, bool> byName;
        std::unordered_map<uint32_t, std::string> byFile;
        for (size_t f = 0; f < funcs.size(); ++f) {
            auto m = byName.find(idx(funcs[f].name));
            if (m == byName.end())
                m = byName.emplace(idx(funcs[f].name), re.search(p.str(funcs[f].name))).first;
            matches[f] = m->second;
            if (!m->second) continue;
            auto fl = byFile.find(idx(funcs[f].filename));
            if (fl == byFile.end()) {
                const std::string raw(p.str(funcs[f].filename));
                std::string shown;
                if (!raw.empty())
                    shown = cleanPath(trimSourcePath(raw, so.trimPath, so.sourcePaths));
                fl = byFile.emplace(idx(funcs[f].filename), std::move(shown)).first;
            }
            files[f] = fl->second;
        }
    }
    // Nodes without a function (no lines, or a line without a function) have
    // an empty name, which a pattern like ".*" matches.
    const bool matchesUnnamed = re.search("");

    // The matching nodes of each location: all of them for cum, and the
    // innermost line's node (if it matches) for flat.
    std::vector<LineNode> nodes;
    std::unordered_map<std::string, uint32_t> nodeIndex;
    auto intern = [&](std::string_view name, const std::string& file, int64_t line,
                      int64_t startLine, std::string_view objfile) {
        auto [it, inserted] = nodeIndex.emplace(nodeKey(name, file, line, startLine, objfile),
                                                static_cast<uint32_t>(nodes.size()));
        if (inserted) {
            LineNode n;
            n.name = name;
            n.file = file;
            n.line = line;
            n.startLine = startLine;
            n.objfile = objfile;
            nodes.push_back(std::move(n));
        }
        return it->second;
    };
    constexpr uint32_t kNone = 0xffffffffu;
    static const std::string kNoFile;
    const auto locs = p.locations();
    std::vector<uint32_t> locBegin(locs.size() + 1, 0);
    std::vector<uint32_t> locNodes;
    std::vector<uint32_t> leafNode(locs.size(), kNone);
    for (size_t l = 0; l < locs.size(); ++l) {
        locBegin[l] = static_cast<uint32_t>(locNodes.size());
        const Location& loc = locs[l];
        const std::string_view objfile =
            loc.mapping == kNoMapping ? std::string_view{} : p.str(p.mapping(loc.mapping).file);
        const auto lines = p.lines(loc);
        if (lines.empty()) {
            if (matchesUnnamed) {
                const uint32_t n = intern({}, kNoFile, 0, 0, objfile);
                locNodes.push_back(n);
                leafNode[l] = n;
            }
            continue;
        }
        for (size_t i = 0; i < lines.size(); ++i) {
            const Line& ln = lines[i];
            uint32_t n = kNone;
            if (ln.function == kNoFunction) {
                if (matchesUnnamed) n = intern({}, kNoFile, 0, 0, objfile);
            } else if (matches[idx(ln.function)]) {
                const Function& f = p.function(ln.function);
                n = intern(p.str(f.name), files[idx(ln.function)], ln.line, f.startLine, objfile);
            }
            if (n == kNone) continue;
            locNodes.push_back(n);
            if (i == 0) leafNode[l] = n;
        }
    }
    locBegin[locs.size()] = static_cast<uint32_t>(locNodes.size());

    if (!nodes.empty()) {
        std::vector<size_t> seen(nodes.size(), 0);  // sample stamp: cum once per sample
        for (size_t s = 0; s < p.sampleCount(); ++s) {
            const int64_t w = p.sampleValue(s, si);
            if (w == 0) continue;
            const auto sampleLocs = p.sampleLocations(s);
            for (const LocId l : sampleLocs) {
                for (uint32_t k = locBegin[idx(l)]; k < locBegin[idx(l) + 1]; ++k) {
                    const uint32_t n = locNodes[k];
                    if (seen[n] != s + 1) {
                        seen[n] = s + 1;
                        nodes[n].cum += w;
                    }
                }
            }
            if (!sampleLocs.empty()) {
                const uint32_t leaf = leafNode[idx(sampleLocs.front())];
                if (leaf != kNone) nodes[leaf].flat += w;
            }
        }
    }

    // Group the nodes that carry a value by function name, then by file
    // (byte order, as Go compares strings).
    std::map<std::string, std::map<std::string, std::vector<const LineNode*>>> byFunction;
    for (const LineNode& n : nodes)
        if (n.flat != 0 || n.cum != 0) byFunction[n.name][n.file].push_back(&n);

    const std::string searchPath =
        !sourcePath.empty() ? sourcePath
                            : (so.workingDir.empty() ? workingDirectory() : so.workingDir);
    SourceFinder finder(searchPath, so.trimPath,
                        so.readFile ? so.readFile : SourceFileReader(readSourceFile));
    for (const auto& [name, byFile] : byFunction) {
        bool anyFile = false;
        for (const auto& [file, fns] : byFile) {
            if (file.empty()) continue;
            anyFile = true;
            AnnotatedFunction fn;
            fn.name = name;
            fn.file = file;
            // The range: the function's start line (or a margin before the
            // first sample) to a margin after the last sampled line. (pprof
            // computes the end in node order with an "else if" that can, with
            // mixed start lines, stop short; this takes the full range.)
            int64_t start = 0, end = 0;
            std::unordered_map<int64_t, std::pair<int64_t, int64_t>> perLine;
            for (size_t i = 0; i < fns.size(); ++i) {
                const LineNode& n = *fns[i];
                fn.flat += n.flat;
                fn.cum += n.cum;
                const int64_t nodeStart = n.startLine != 0 ? n.startLine : n.line - kMargin;
                const int64_t nodeEnd = n.line + kMargin;
                if (i == 0 || nodeStart < start) start = nodeStart;
                if (i == 0 || nodeEnd > end) end = nodeEnd;
                auto& [flat, cum] = perLine[n.line];
                flat += n.flat;
                cum += n.cum;
            }
            start = std::max<int64_t>(start, 1);
            const CachedFile& src = finder.file(file);
            if (!src.error.empty()) {
                fn.sourceError = src.error;
            } else {
                fn.resolvedPath = src.resolvedPath;
                const auto count = static_cast<int64_t>(src.lines.size());
                for (int64_t line = start; line <= end && line <= count; ++line) {
                    AnnotatedLine al;
                    al.line = line;
                    if (auto it = perLine.find(line); it != perLine.end()) {
                        al.flat = it->second.first;
                        al.cum = it->second.second;
                    }
                    al.text = src.lines[static_cast<size_t>(line - 1)];
                    fn.lines.push_back(std::move(al));
                }
            }
            out.functions.push_back(std::move(fn));
        }
        if (!anyFile) {
            AnnotatedFunction fn;
            fn.name = name;
            fn.hasSourceInfo = false;
            fn.sourceError = "no source information for " + name;
            for (const LineNode* n : byFile.begin()->second) {
                fn.flat += n->flat;
                fn.cum += n->cum;
            }
            out.functions.push_back(std::move(fn));
        }
    }
    return out;
}

}  // namespace embers::core
