#include "nodes.h"

#include <unordered_map>

#include "errors.h"

namespace embers::core {

Granularity parseGranularity(std::string_view text) {
    if (text == "functions") return Granularity::Functions;
    if (text == "files") return Granularity::Files;
    if (text == "lines") return Granularity::Lines;
    throw UsageError("granularity '" + std::string(text) +
                     "' is unknown; use functions, files or lines");
}

std::string NodeInfo::printableName() const {
    std::string s = name;
    auto add = [&s](const std::string& part) {
        if (!s.empty()) s += ' ';
        s += part;
    };
    if (line != 0)
        add(file + ":" + std::to_string(line));
    else if (!file.empty())
        add(file);
    else if (!name.empty()) {
    } else if (!objfile.empty()) {
        const size_t slash = objfile.rfind('/');
        add("[" + (slash == std::string::npos ? objfile : objfile.substr(slash + 1)) + "]");
    } else {
        add("<unknown>");
    }
    return s;
}

std::string NodeInfo::sortKey() const {
    // fmt.Sprint(NodeInfo{Name, OrigName, Address, File, StartLine, Lineno, Objfile})
    return "{" + name + "  0 " + file + " " + std::to_string(startLine) + " " +
           std::to_string(line) + " " + objfile + "}";
}

std::string cleanPath(std::string_view path) {
    if (path.empty()) return ".";
    const bool rooted = path.front() == '/';
    std::vector<std::string_view> parts;
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        const std::string_view part = path.substr(i, j - i);
        if (part.empty() || part == ".") {
        } else if (part == "..") {
            if (!parts.empty() && parts.back() != "..")
                parts.pop_back();
            else if (!rooted)
                parts.push_back(part);
        } else {
            parts.push_back(part);
        }
        i = j + 1;
    }
    std::string out = rooted ? "/" : "";
    for (size_t k = 0; k < parts.size(); ++k) {
        if (k) out += '/';
        out += parts[k];
    }
    if (out.empty()) return ".";
    return out;
}

std::vector<std::string> splitPathList(std::string_view list) {
    std::vector<std::string> out;
    if (list.empty()) return out;
    size_t i = 0;
    while (true) {
        const size_t j = list.find(':', i);
        if (j == std::string_view::npos) {
            out.emplace_back(list.substr(i));
            break;
        }
        out.emplace_back(list.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

std::string baseName(std::string_view path) {
    if (path.empty()) return ".";
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (path.empty()) return "/";
    if (const size_t slash = path.rfind('/'); slash != std::string_view::npos)
        path.remove_prefix(slash + 1);
    return std::string(path);
}

std::string trimSourcePath(std::string_view path, std::string_view trimPath,
                           const std::vector<std::string>& sourcePaths) {
    if (trimPath.empty()) {
        for (const auto& dir : sourcePaths) {
            const std::string want = "/" + baseName(dir) + "/";
            if (const size_t found = path.find(want); found != std::string_view::npos)
                return std::string(path.substr(found + want.size()));
        }
    }
    std::vector<std::string> prefixes = splitPathList(trimPath);
    prefixes.emplace_back("/proc/self/cwd/./");
    prefixes.emplace_back("/proc/self/cwd/");
    for (auto& prefix : prefixes) {
        if (!prefix.ends_with('/')) prefix += '/';
        if (path.starts_with(prefix)) return std::string(path.substr(prefix.size()));
    }
    return std::string(path);
}

NodeMap::NodeMap(const Profile& p, const NodeOptions& o) {
    const bool keepName = o.granularity != Granularity::Files;
    const bool keepFile = o.granularity != Granularity::Functions;
    const bool keepLine = o.granularity == Granularity::Lines;

    // Per function: the file part, computed once.
    const auto funcs = p.functions();
    std::vector<std::string> files(funcs.size());
    if (keepFile) {
        std::unordered_map<uint32_t, std::string> byString;
        for (size_t f = 0; f < funcs.size(); ++f) {
            const StrId s = funcs[f].filename;
            auto it = byString.find(idx(s));
            if (it == byString.end()) {
                const std::string_view raw = p.str(s);
                std::string cleaned;
                if (!raw.empty())
                    cleaned = cleanPath(trimSourcePath(raw, o.trimPath, o.sourcePaths));
                it = byString.emplace(idx(s), std::move(cleaned)).first;
            }
            files[f] = it->second;
        }
    }

    std::unordered_map<std::string, uint32_t> index;
    auto intern = [&](NodeInfo&& info) {
        std::string key = info.sortKey();
        auto [it, inserted] = index.emplace(std::move(key), static_cast<uint32_t>(nodes_.size()));
        if (inserted) nodes_.push_back(std::move(info));
        return it->second;
    };
    // Cache per (function, line) to avoid building keys for every location.
    std::unordered_map<uint64_t, uint32_t> lineCache;

    const auto locs = p.locations();
    begin_.reserve(locs.size() + 1);
    begin_.push_back(0);
    for (const Location& l : locs) {
        auto objfile = [&] {
            return l.mapping == kNoMapping ? std::string()
                                           : std::string(p.str(p.mapping(l.mapping).file));
        };
        const auto lines = p.lines(l);
        if (lines.empty()) {
            NodeInfo info;
            info.objfile = objfile();
            nodeIds_.push_back(intern(std::move(info)));
        }
        for (const Line& ln : lines) {
            if (ln.function == kNoFunction) {
                NodeInfo info;
                info.objfile = objfile();
                nodeIds_.push_back(intern(std::move(info)));
                continue;
            }
            const uint64_t cacheKey =
                (uint64_t(idx(ln.function)) << 32) ^ uint64_t(keepLine ? ln.line : 0);
            // Only nodes with a name are cached (objfile only matters when there is none).
            if (auto it = lineCache.find(cacheKey); it != lineCache.end()) {
                nodeIds_.push_back(it->second);
                continue;
            }
            const Function& f = p.function(ln.function);
            const std::string_view name = keepName ? p.str(f.name) : std::string_view{};
            const bool cacheable = !name.empty();
            NodeInfo info;
            info.name = name;
            info.file = keepFile ? files[idx(ln.function)] : std::string();
            info.line = keepLine ? ln.line : 0;
            if (name.empty()) {
                info.objfile = objfile();
                info.startLine = f.startLine;
            }
            const uint32_t n = intern(std::move(info));
            if (cacheable) lineCache.emplace(cacheKey, n);
            nodeIds_.push_back(n);
        }
        begin_.push_back(static_cast<uint32_t>(nodeIds_.size()));
    }
}

}  // namespace embers::core
