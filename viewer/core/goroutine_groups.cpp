#include "goroutine_groups.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

#include "errors.h"
#include "merge.h"

namespace embers::core {

namespace {

constexpr std::string_view kStateKey = "state";
constexpr std::string_view kWaitKey = "wait";
constexpr std::string_view kGoroutineKey = "goroutine";

// Per group while grouping: the data that is cheaper to keep as ids.
struct Accumulator {
    std::vector<std::pair<StrId, int64_t>> states;
    std::vector<Label> shared;  // labels every member seen so far carries
    bool sawMember = false;
    std::vector<std::pair<std::vector<Label>, int64_t>> sets;  // distinct label sets, counts
};

void appendFrameKey(std::string& key, const GoroutineFrame& f) {
    key += f.function;
    key += '\x1f';
    key += f.file;
    key += '\x1f';
    key += std::to_string(f.line);
    if (f.function.empty() && f.file.empty()) {
        key += '\x1f';
        key += std::to_string(f.address);
    }
    key += '\x1e';
}

bool sameLabel(const Label& a, const Label& b) {
    return a.key == b.key && a.str == b.str && a.num == b.num && a.numUnit == b.numUnit;
}

// Labels summarised elsewhere (or diff bookkeeping) are never "shared".
bool isSummarisedLabel(const Profile& p, const Label& l) {
    const std::string_view key = p.str(l.key);
    if (l.isNumeric()) return key == kWaitKey || key == kGoroutineKey;
    return key == kStateKey || key == kDiffBaseLabel;
}

GroupLabel groupLabelOf(const Profile& p, const Label& l) {
    GroupLabel gl;
    gl.key = std::string(p.str(l.key));
    gl.numeric = l.isNumeric();
    if (gl.numeric) {
        gl.num = l.num;
        gl.unit = std::string(p.str(l.numUnit));
    } else {
        gl.str = std::string(p.str(l.str));
    }
    return gl;
}

// Largest count first, then by name: the order of states and of label sets.
bool byCountThenName(const std::pair<std::string, int64_t>& x,
                     const std::pair<std::string, int64_t>& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
}

size_t topFrameOf(const std::vector<GoroutineFrame>& frames) {
    for (size_t i = 0; i < frames.size(); ++i) {
        const std::string& f = frames[i].function;
        if (f.empty() || !f.starts_with("runtime.")) return i;
    }
    return 0;  // all runtime: show the stack from its leaf, as Go does
}

}  // namespace

std::string GroupLabel::text() const {
    if (!numeric) return key + "=" + str;
    std::string s = key + "=" + std::to_string(num);
    if (!unit.empty()) s += " " + unit;
    return s;
}

bool isGoroutineProfile(const Profile& p) {
    for (size_t i = 0; i < p.valueCount(); ++i) {
        const std::string name = p.sampleTypeName(i);
        if (name == "goroutine" || name == "goroutines" || name == "threadcreate") return true;
    }
    return false;
}

GoroutineGroups groupGoroutines(const Profile& p, const GroupOptions& options) {
    GoroutineGroups out;
    if (p.valueCount() == 0) return out;
    if (options.sampleIndex >= 0 && size_t(options.sampleIndex) >= p.valueCount())
        throw UsageError("sample index " + std::to_string(options.sampleIndex) +
                         " is out of range: the profile has " + std::to_string(p.valueCount()) +
                         " sample types");
    const size_t si =
        options.sampleIndex < 0 ? p.defaultSampleIndex() : size_t(options.sampleIndex);
    out.sampleIndex = si;

    std::vector<Accumulator> acc;
    std::unordered_map<std::string, uint32_t> byLocations;  // raw LocId bytes -> group
    std::unordered_map<std::string, uint32_t> byKey;        // frame key -> group
    std::string locKey;
    std::vector<GoroutineFrame> frames;

    const size_t n = p.sampleCount();
    for (size_t i = 0; i < n; ++i) {
        int64_t v = p.sampleValue(i, si);
        if (options.side != DiffSide::All) {
            const bool base = isDiffBaseSample(p, i);
            if (base != (options.side == DiffSide::Base)) continue;
            if (base) v = -v;
        }
        if (v == 0) continue;

        // The group: first by the exact locations, then by the frames they
        // resolve to (different addresses can share function and line).
        const std::span<const LocId> locs = p.sampleLocations(i);
        locKey.assign(reinterpret_cast<const char*>(locs.data()), locs.size_bytes());
        uint32_t g;
        if (auto it = byLocations.find(locKey); it != byLocations.end()) {
            g = it->second;
        } else {
            frames.clear();
            for (const LocId l : locs) {
                const Location& loc = p.location(l);
                const std::span<const Line> lines = p.lines(loc);
                if (lines.empty()) {
                    GoroutineFrame f;
                    f.address = loc.address;
                    frames.push_back(std::move(f));
                    continue;
                }
                for (const Line& line : lines) {
                    GoroutineFrame f;
                    if (line.function != kNoFunction) {
                        const Function& fn = p.function(line.function);
                        f.function = std::string(p.str(fn.name));
                        f.file = std::string(p.str(fn.filename));
                    }
                    f.line = line.line;
                    if (f.function.empty() && f.file.empty()) f.address = loc.address;
                    frames.push_back(std::move(f));
                }
            }
            std::string key;
            for (const GoroutineFrame& f : frames) appendFrameKey(key, f);
            if (auto k = byKey.find(key); k != byKey.end()) {
                g = k->second;
            } else {
                g = uint32_t(out.groups.size());
                GoroutineGroup group;
                group.frames = frames;
                group.topFrame = topFrameOf(group.frames);
                group.key = key;
                out.groups.push_back(std::move(group));
                acc.emplace_back();
                byKey.emplace(std::move(key), g);
            }
            byLocations.emplace(locKey, g);
        }

        GoroutineGroup& group = out.groups[g];
        Accumulator& a = acc[g];
        group.count += v;
        group.samples += 1;
        out.total += v;

        const std::span<const Label> labels = p.sampleLabels(i);
        for (const Label& l : labels) {
            const std::string_view key = p.str(l.key);
            if (!l.isNumeric() && key == kStateKey) {
                out.hasStates = true;
                auto s = std::find_if(a.states.begin(), a.states.end(),
                                      [&](const auto& e) { return e.first == l.str; });
                if (s == a.states.end())
                    a.states.emplace_back(l.str, v);
                else
                    s->second += v;
            } else if (l.isNumeric() && key == kWaitKey) {
                out.hasWaits = true;
                if (group.waitKnown == 0) {
                    group.minWait = group.maxWait = l.num;
                } else {
                    group.minWait = std::min(group.minWait, l.num);
                    group.maxWait = std::max(group.maxWait, l.num);
                }
                group.waitKnown += v;
            } else if (l.isNumeric() && key == kGoroutineKey) {
                group.goroutineIds.push_back(l.num);
            }
        }
        std::vector<Label> own;  // the labels not summarised above
        for (const Label& l : labels)
            if (!isSummarisedLabel(p, l)) own.push_back(l);
        if (!a.sawMember) {
            a.sawMember = true;
            a.shared = own;
        } else if (!a.shared.empty()) {
            std::erase_if(a.shared, [&](const Label& s) {
                return std::none_of(own.begin(), own.end(),
                                    [&](const Label& l) { return sameLabel(s, l); });
            });
        }
        auto same = [&](const auto& s) {
            return std::equal(s.first.begin(), s.first.end(), own.begin(), own.end(), sameLabel);
        };
        if (auto s = std::find_if(a.sets.begin(), a.sets.end(), same); s != a.sets.end())
            s->second += v;
        else
            a.sets.emplace_back(std::move(own), v);
    }

    for (size_t g = 0; g < out.groups.size(); ++g) {
        GoroutineGroup& group = out.groups[g];
        Accumulator& a = acc[g];
        std::sort(group.goroutineIds.begin(), group.goroutineIds.end());
        for (const auto& [state, count] : a.states)
            group.states.emplace_back(std::string(p.str(state)), count);
        std::sort(group.states.begin(), group.states.end(), byCountThenName);
        for (const Label& l : a.shared) group.sharedLabels.push_back(groupLabelOf(p, l));
        if (a.sets.size() > 1) {
            for (const auto& [set, count] : a.sets) {
                std::string text;
                for (const Label& l : set) {
                    if (std::any_of(a.shared.begin(), a.shared.end(),
                                    [&](const Label& s) { return sameLabel(s, l); }))
                        continue;
                    if (!text.empty()) text += ", ";
                    text += groupLabelOf(p, l).text();
                }
                group.labelSets.emplace_back(text.empty() ? std::string("(no labels)") : text,
                                             count);
            }
            std::sort(group.labelSets.begin(), group.labelSets.end(), byCountThenName);
        }
    }
    std::sort(out.groups.begin(), out.groups.end(),
              [](const GoroutineGroup& x, const GoroutineGroup& y) {
                  return x.count != y.count ? x.count > y.count : x.key < y.key;
              });
    return out;
}

std::vector<GroupDelta> compareGroups(const GoroutineGroups& before, const GoroutineGroups& after) {
    std::unordered_map<std::string_view, int> beforeByKey;
    beforeByKey.reserve(before.groups.size());
    for (size_t i = 0; i < before.groups.size(); ++i)
        beforeByKey.emplace(before.groups[i].key, int(i));

    std::vector<GroupDelta> out;
    out.reserve(before.groups.size() + after.groups.size());
    std::vector<bool> matched(before.groups.size(), false);
    for (size_t i = 0; i < after.groups.size(); ++i) {
        GroupDelta d;
        d.after = int(i);
        d.afterCount = after.groups[i].count;
        if (auto it = beforeByKey.find(after.groups[i].key); it != beforeByKey.end()) {
            d.before = it->second;
            d.beforeCount = before.groups[size_t(it->second)].count;
            matched[size_t(it->second)] = true;
            d.change = d.afterCount > d.beforeCount   ? GroupChange::Grew
                       : d.afterCount < d.beforeCount ? GroupChange::Shrank
                                                      : GroupChange::Unchanged;
        } else {
            d.change = GroupChange::New;
        }
        out.push_back(d);
    }
    for (size_t i = 0; i < before.groups.size(); ++i) {
        if (matched[i]) continue;
        GroupDelta d;
        d.change = GroupChange::Gone;
        d.before = int(i);
        d.beforeCount = before.groups[i].count;
        out.push_back(d);
    }
    auto keyOf = [&](const GroupDelta& d) -> const std::string& {
        return d.after >= 0 ? after.groups[size_t(d.after)].key
                            : before.groups[size_t(d.before)].key;
    };
    std::sort(out.begin(), out.end(), [&](const GroupDelta& x, const GroupDelta& y) {
        const int64_t ax = std::abs(x.delta()), ay = std::abs(y.delta());
        if (ax != ay) return ax > ay;
        if (x.afterCount != y.afterCount) return x.afterCount > y.afterCount;
        if (x.beforeCount != y.beforeCount) return x.beforeCount > y.beforeCount;
        return keyOf(x) < keyOf(y);
    });
    return out;
}

const char* groupChangeName(GroupChange c) {
    switch (c) {
        case GroupChange::Grew:
            return "grew";
        case GroupChange::Shrank:
            return "shrank";
        case GroupChange::New:
            return "new";
        case GroupChange::Gone:
            return "gone";
        case GroupChange::Unchanged:
            break;
    }
    return "unchanged";
}

}  // namespace embers::core
