#include "filter.h"

#include <optional>
#include <utility>

#include "errors.h"
#include "regex.h"

namespace embers::core {

namespace {

std::optional<Regex> compile(const std::string& pattern, const char* what) {
    if (pattern.empty()) return std::nullopt;
    return Regex(pattern, what);
}

// Does the line's function name or file match?
bool lineMatches(const Profile& p, const Line& ln, const Regex& re) {
    if (ln.function == kNoFunction) return false;
    const Function& f = p.function(ln.function);
    return re.search(p.str(f.name)) || re.search(p.str(f.filename));
}

bool mappingMatches(const Profile& p, const Location& l, const Regex& re) {
    return l.mapping != kNoMapping && re.search(p.str(p.mapping(l.mapping).file));
}

bool locationMatches(const Profile& p, const Location& l, const Regex& re) {
    for (const Line& ln : p.lines(l))
        if (lineMatches(p, ln, re)) return true;
    return mappingMatches(p, l, re);
}

// Copies sample i of `src` into `dst` with the given stack.
void copySample(const Profile& src, size_t i, std::span<const LocId> stack, ProfileData& dst) {
    dst.sampleLocs.insert(dst.sampleLocs.end(), stack.begin(), stack.end());
    dst.locStart.push_back(dst.sampleLocs.size());
    const auto v = src.sampleValues(i);
    dst.values.insert(dst.values.end(), v.begin(), v.end());
    const auto l = src.sampleLabels(i);
    dst.labels.insert(dst.labels.end(), l.begin(), l.end());
    dst.labelStart.push_back(dst.labels.size());
}

// A copy of everything but the samples.
ProfileData copyTables(const ProfileData& d) {
    ProfileData out;
    out.strings = d.strings;
    out.sampleTypes = d.sampleTypes;
    out.mappings = d.mappings;
    out.locations = d.locations;
    out.lines = d.lines;
    out.functions = d.functions;
    out.dropFrames = d.dropFrames;
    out.keepFrames = d.keepFrames;
    out.timeNanos = d.timeNanos;
    out.durationNanos = d.durationNanos;
    out.periodType = d.periodType;
    out.period = d.period;
    out.comments = d.comments;
    out.defaultSampleType = d.defaultSampleType;
    out.docUrl = d.docUrl;
    return out;
}

// A compiled tag filter: a predicate on a sample's string labels.
class TagFilter {
public:
    TagFilter(const std::string& spec, const char* what) {
        std::string value = spec;
        if (const size_t eq = spec.find('='); eq != std::string::npos) {
            key_ = spec.substr(0, eq);
            value = spec.substr(eq + 1);
        }
        size_t start = 0;
        while (true) {
            const size_t comma = value.find(',', start);
            res_.emplace_back(value.substr(start, comma - start), what);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }

    bool matches(const Profile& p, std::span<const Label> labels) const {
        if (!key_.empty()) {
            bool hasKey = false;
            for (const Label& l : labels) {
                if (l.isNumeric() || p.str(l.key) != key_) continue;
                hasKey = true;
                for (const Regex& re : res_)
                    if (re.search(p.str(l.str))) return true;
            }
            (void)hasKey;
            return false;
        }
        // Without a key every expression must match some "key:value".
        for (const Regex& re : res_) {
            bool found = false;
            for (const Label& l : labels) {
                if (l.isNumeric()) continue;
                if (re.search(std::string(p.str(l.key)) + ":" + std::string(p.str(l.str)))) {
                    found = true;
                    break;
                }
            }
            if (!found) return false;
        }
        return true;
    }

private:
    std::string key_;
    std::vector<Regex> res_;
};

ProfilePtr filterByName(const ProfilePtr& src, const FilterOptions& o,
                        std::vector<std::string>* warnings) {
    const auto focus = compile(o.focus, "--focus");
    const auto ignore = compile(o.ignore, "--ignore");
    const auto hide = compile(o.hide, "--hide");
    const auto show = compile(o.show, "--show");
    if (!focus && !ignore && !hide && !show) return src;

    const Profile& p = *src;
    ProfileData out = copyTables(p.data());
    enum : uint8_t { kNone, kFocused, kIgnored };
    std::vector<uint8_t> state(out.locations.size(), kNone);
    std::vector<uint8_t> hidden(out.locations.size(), 0);
    bool anyHidden = false, fm = false, im = false, hm = false, hnm = false;
    out.lines.clear();
    for (size_t li = 0; li < out.locations.size(); ++li) {
        Location& loc = out.locations[li];
        const Location& orig = p.locations()[li];
        if (ignore && locationMatches(p, orig, *ignore)) {
            im = true;
            state[li] = kIgnored;
        } else if (!focus || locationMatches(p, orig, *focus)) {
            fm = true;
            state[li] = kFocused;
        }
        std::vector<Line> lines(p.lines(orig).begin(), p.lines(orig).end());
        if (hide && locationMatches(p, orig, *hide)) {
            hm = true;
            if (mappingMatches(p, orig, *hide)) {
                lines.clear();
            } else {
                std::erase_if(lines, [&](const Line& ln) { return lineMatches(p, ln, *hide); });
            }
            if (lines.empty()) hidden[li] = 1;
        }
        if (show) {
            if (!mappingMatches(p, orig, *show)) {
                std::erase_if(lines, [&](const Line& ln) {
                    return ln.function != kNoFunction && !lineMatches(p, ln, *show);
                });
            }
            if (lines.empty())
                hidden[li] = 1;
            else
                hnm = true;
        }
        anyHidden = anyHidden || hidden[li];
        loc.lineBegin = static_cast<uint32_t>(out.lines.size());
        out.lines.insert(out.lines.end(), lines.begin(), lines.end());
        loc.lineEnd = static_cast<uint32_t>(out.lines.size());
    }

    std::vector<LocId> stack;
    for (size_t i = 0; i < p.sampleCount(); ++i) {
        const auto locs = p.sampleLocations(i);
        bool focused = false, ignored = false;
        for (LocId l : locs) {
            if (state[idx(l)] == kIgnored) {
                ignored = true;
                break;
            }
            if (state[idx(l)] == kFocused) focused = true;
        }
        if (ignored || !focused) continue;
        if (anyHidden) {
            stack.clear();
            for (LocId l : locs)
                if (!hidden[idx(l)]) stack.push_back(l);
            if (stack.empty()) continue;
            copySample(p, i, stack, out);
        } else {
            copySample(p, i, locs, out);
        }
    }
    if (warnings) {
        if (focus && !fm) warnings->push_back("--focus expression matched no samples");
        if (ignore && !im) warnings->push_back("--ignore expression matched no samples");
        if (hide && !hm) warnings->push_back("--hide expression matched no samples");
        if (show && !hnm) warnings->push_back("--show expression matched no samples");
    }
    return std::make_shared<const Profile>(std::move(out));
}

ProfilePtr filterByTag(const ProfilePtr& src, const FilterOptions& o,
                       std::vector<std::string>* warnings) {
    if (o.tagFocus.empty() && o.tagIgnore.empty()) return src;
    std::optional<TagFilter> focus, ignore;
    if (!o.tagFocus.empty()) focus.emplace(o.tagFocus, "--tagfocus");
    if (!o.tagIgnore.empty()) ignore.emplace(o.tagIgnore, "--tagignore");
    const Profile& p = *src;
    ProfileData out = copyTables(p.data());
    bool fm = false, im = false;
    for (size_t i = 0; i < p.sampleCount(); ++i) {
        const auto labels = p.sampleLabels(i);
        const bool focused = !focus || focus->matches(p, labels);
        const bool ignored = ignore && ignore->matches(p, labels);
        fm = fm || focused;
        im = im || ignored;
        if (focused && !ignored) copySample(p, i, p.sampleLocations(i), out);
    }
    if (warnings) {
        if (focus && !fm) warnings->push_back("--tagfocus expression matched no samples");
        if (ignore && !im) warnings->push_back("--tagignore expression matched no samples");
    }
    return std::make_shared<const Profile>(std::move(out));
}

// pprof's simplifyFunc: drop a C++ argument list, keeping reserved names.
std::string_view simplifyFunc(std::string_view name) {
    if (name.starts_with(".")) name.remove_prefix(1);
    size_t pos = 0;
    while ((pos = name.find('(', pos)) != std::string_view::npos) {
        const std::string_view rest = name.substr(pos);
        if (rest.starts_with("(anonymous namespace)")) {
            pos += 21;
            continue;
        }
        if (rest.starts_with("()") && pos >= 8 && name.substr(pos - 8, 8) == "operator") {
            pos += 2;
            continue;
        }
        return name.substr(0, pos);
    }
    return name;
}

}  // namespace

std::string FilterOptions::describe() const {
    std::string out;
    for (const auto& [name, value] :
         {std::pair{"focus", &focus}, std::pair{"ignore", &ignore}, std::pair{"hide", &hide},
          std::pair{"show", &show}, std::pair{"tagfocus", &tagFocus},
          std::pair{"tagignore", &tagIgnore}})
        if (!value->empty()) out += std::string(" ") + name + "=" + *value;
    return out;
}

ProfilePtr applyFilters(const ProfilePtr& p, const FilterOptions& o,
                        std::vector<std::string>* warnings) {
    return filterByTag(filterByName(p, o, warnings), o, warnings);
}

ProfilePtr removeUninteresting(const ProfilePtr& src) {
    const Profile& p = *src;
    const ProfileData& d = p.data();
    if (d.dropFrames == kEmptyString) return src;
    const Regex drop("^(" + std::string(p.str(d.dropFrames)) + ")$", "the profile's drop_frames");
    std::optional<Regex> keep;
    if (d.keepFrames != kEmptyString)
        keep.emplace("^(" + std::string(p.str(d.keepFrames)) + ")$", "the profile's keep_frames");
    auto pruneHere = [&](FuncId f) {
        if (f == kNoFunction) return false;
        const std::string_view name = p.str(p.function(f).name);
        if (name.empty()) return false;
        const std::string_view simple = simplifyFunc(name);
        return drop.search(simple) && !(keep && keep->search(simple));
    };
    ProfileData out = copyTables(d);
    std::vector<uint8_t> prune(d.locations.size()), beneath(d.locations.size());
    for (size_t li = 0; li < out.locations.size(); ++li) {
        Location& loc = out.locations[li];
        const auto lines = p.lines(d.locations[li]);
        int i = static_cast<int>(lines.size()) - 1;
        for (; i >= 0; --i)
            if (pruneHere(lines[i].function)) break;
        if (i < 0) continue;
        beneath[li] = 1;
        if (i == static_cast<int>(lines.size()) - 1)
            prune[li] = 1;
        else
            loc.lineBegin += static_cast<uint32_t>(i + 1);
    }
    for (size_t s = 0; s < p.sampleCount(); ++s) {
        auto locs = p.sampleLocations(s);
        bool foundUser = false;
        for (int i = static_cast<int>(locs.size()) - 1; i >= 0; --i) {
            const uint32_t id = idx(locs[i]);
            if (!prune[id] && !beneath[id]) {
                foundUser = true;
                continue;
            }
            if (!foundUser) continue;
            locs = prune[id] ? locs.subspan(i + 1) : locs.subspan(i);
            break;
        }
        copySample(p, s, locs, out);
    }
    return std::make_shared<const Profile>(std::move(out));
}

}  // namespace embers::core
