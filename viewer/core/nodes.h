// The nodes of a report: what pprof's graph calls a Node. Each line of each
// location maps to one node, whose identity depends on the granularity
// (function; file; function+file+line), exactly as pprof aggregates.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "profile.h"

namespace embers::core {

enum class Granularity { Functions, Files, Lines };

// Parses "functions" | "files" | "lines"; throws UsageError otherwise.
Granularity parseGranularity(std::string_view text);

struct NodeInfo {
    std::string name;  // function name ("" at files granularity)
    std::string file;  // cleaned, trimmed source file ("" at functions granularity)
    int64_t line = 0;  // at lines granularity
    int64_t startLine = 0;
    std::string objfile;  // the binary, when there is no function name
    // pprof's printable name: "main.work", "/src/x.go", "main.work /src/x.go:42",
    // "[binary]" or "<unknown>".
    std::string printableName() const;
    // A total order matching pprof's tie-break (fmt.Sprint of the NodeInfo).
    std::string sortKey() const;
};

struct NodeOptions {
    Granularity granularity = Granularity::Functions;
    std::string trimPath;                  // like pprof -trim_path (list separated by ':')
    std::vector<std::string> sourcePaths;  // like pprof -source_path
};

class NodeMap {
public:
    NodeMap(const Profile& p, const NodeOptions& o);

    // The nodes of location l, innermost (leaf) first; never empty.
    std::span<const uint32_t> nodesOf(LocId l) const {
        return {nodeIds_.data() + begin_[idx(l)], nodeIds_.data() + begin_[idx(l) + 1]};
    }
    const std::vector<NodeInfo>& nodes() const { return nodes_; }
    const NodeInfo& node(uint32_t n) const { return nodes_[n]; }
    size_t size() const { return nodes_.size(); }

private:
    std::vector<NodeInfo> nodes_;
    std::vector<uint32_t> begin_;
    std::vector<uint32_t> nodeIds_;
};

// Go's path.Clean.
std::string cleanPath(std::string_view path);
// Go's filepath.SplitList: "a:b" -> {"a", "b"}, "" -> {}, empty elements kept.
std::vector<std::string> splitPathList(std::string_view list);
// Go's filepath.Base.
std::string baseName(std::string_view path);
// pprof's trimPath (report/source.go): strips the first trim prefix, or
// "/proc/self/cwd/"; with no trim prefix, first cuts everything up to the base
// name of a source path directory. `trimPath` is ':'-separated.
std::string trimSourcePath(std::string_view path, std::string_view trimPath,
                           const std::vector<std::string>& sourcePaths);

}  // namespace embers::core
