#include "merge.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>

#include "errors.h"
#include "profile_builder.h"

namespace embers::core {

namespace {

std::string describeTypes(const Profile& p) {
    std::string s;
    for (const auto& t : p.sampleTypes()) {
        if (!s.empty()) s += ", ";
        s += std::string(p.str(t.type)) + "/" + std::string(p.str(t.unit));
    }
    return s.empty() ? "none" : s;
}

bool sameTypes(const Profile& a, const Profile& b) {
    if (a.valueCount() != b.valueCount()) return false;
    for (size_t i = 0; i < a.valueCount(); ++i) {
        if (a.str(a.sampleTypes()[i].type) != b.str(b.sampleTypes()[i].type) ||
            a.str(a.sampleTypes()[i].unit) != b.str(b.sampleTypes()[i].unit))
            return false;
    }
    return true;
}

// Copies one profile's tables into a builder, remembering the new ids.
class Importer {
public:
    Importer(ProfileBuilder& b, const Profile& p) : b_(b), p_(p) {
        const auto& d = p.data();
        strs_.resize(d.strings.size());
        for (size_t i = 0; i < d.strings.size(); ++i) strs_[i] = b.intern(d.strings[i]);
        for (const auto& f : d.functions) {
            funcs_.push_back(
                b.function(p.str(f.name), p.str(f.filename), f.startLine, p.str(f.systemName)));
        }
        for (const auto& m : d.mappings) maps_.push_back(mapping(m));
        std::vector<Line> lines;
        for (const auto& l : d.locations) {
            lines.clear();
            for (const Line& ln : p.lines(l)) {
                Line out = ln;
                if (ln.function != kNoFunction) out.function = funcs_[idx(ln.function)];
                lines.push_back(out);
            }
            locs_.push_back(b.location(lines,
                                       l.mapping == kNoMapping ? kNoMapping : maps_[idx(l.mapping)],
                                       l.address, l.isFolded));
        }
    }

    StrId str(StrId s) const { return strs_[idx(s)]; }
    LocId loc(LocId l) const { return locs_[idx(l)]; }
    Label label(const Label& l) const { return {str(l.key), str(l.str), l.num, str(l.numUnit)}; }

private:
    MapId mapping(const Mapping& m) {
        Mapping out = m;
        out.file = str(m.file);
        out.buildId = str(m.buildId);
        auto& known = b_.data().mappings;
        for (size_t i = 0; i < known.size(); ++i) {
            const Mapping& k = known[i];
            if (k.start == out.start && k.limit == out.limit && k.offset == out.offset &&
                k.file == out.file && k.buildId == out.buildId)
                return MapId{static_cast<uint32_t>(i)};
        }
        return b_.mapping(out);
    }

    ProfileBuilder& b_;
    const Profile& p_;
    std::vector<StrId> strs_;
    std::vector<FuncId> funcs_;
    std::vector<MapId> maps_;
    std::vector<LocId> locs_;
};

ProfilePtr mergeImpl(std::span<const ProfilePtr> profiles, std::span<const std::string> names,
                     const std::vector<bool>& negate, const std::vector<bool>& markBase) {
    if (profiles.empty()) throw UsageError("there are no profiles to merge");
    const Profile& first = *profiles[0];
    for (size_t i = 1; i < profiles.size(); ++i) {
        if (!sameTypes(first, *profiles[i])) {
            const std::string a = names.size() > 0 ? names[0] : "the first profile";
            const std::string b = names.size() > i ? names[i] : "profile " + std::to_string(i + 1);
            throw UsageError("cannot combine " + b + " (" + describeTypes(*profiles[i]) +
                             ") with " + a + " (" + describeTypes(first) +
                             "): the sample types differ; use profiles of the same kind");
        }
    }
    ProfileBuilder b;
    for (const auto& t : first.sampleTypes()) b.addSampleType(first.str(t.type), first.str(t.unit));
    ProfileData& d = b.data();
    d.periodType = {b.intern(first.str(first.data().periodType.type)),
                    b.intern(first.str(first.data().periodType.unit))};
    d.defaultSampleType = b.intern(first.str(first.data().defaultSampleType));
    d.dropFrames = b.intern(first.str(first.data().dropFrames));
    d.keepFrames = b.intern(first.str(first.data().keepFrames));
    d.docUrl = b.intern(first.str(first.data().docUrl));

    const size_t nv = first.valueCount();
    std::unordered_map<std::string, size_t> sampleIndex;
    std::string key;
    std::vector<LocId> stack;
    std::vector<Label> labels;
    const Label baseLabel = b.stringLabel(kDiffBaseLabel, "true");
    for (size_t pi = 0; pi < profiles.size(); ++pi) {
        const Profile& p = *profiles[pi];
        const auto& pd = p.data();
        Importer im(b, p);
        if (pd.timeNanos != 0 && (d.timeNanos == 0 || pd.timeNanos < d.timeNanos))
            d.timeNanos = pd.timeNanos;
        d.durationNanos += pd.durationNanos;
        d.period = std::max(d.period, pd.period);
        for (StrId c : pd.comments) {
            const StrId nc = im.str(c);
            if (std::find(d.comments.begin(), d.comments.end(), nc) == d.comments.end())
                d.comments.push_back(nc);
        }
        const int64_t sign = negate[pi] ? -1 : 1;
        for (size_t s = 0; s < p.sampleCount(); ++s) {
            const auto vals = p.sampleValues(s);
            bool zero = true;
            for (int64_t v : vals) zero = zero && v == 0;
            if (zero) continue;
            stack.clear();
            for (LocId l : p.sampleLocations(s)) stack.push_back(im.loc(l));
            labels.clear();
            for (const Label& l : p.sampleLabels(s)) labels.push_back(im.label(l));
            if (markBase[pi]) labels.push_back(baseLabel);
            std::sort(labels.begin(), labels.end(), [](const Label& a, const Label& c) {
                return std::tie(a.key, a.str, a.num, a.numUnit) <
                       std::tie(c.key, c.str, c.num, c.numUnit);
            });
            key.assign(reinterpret_cast<const char*>(stack.data()), stack.size() * sizeof(LocId));
            key.push_back('\xff');
            for (const Label& l : labels) {
                key.append(reinterpret_cast<const char*>(&l.key), sizeof l.key);
                key.append(reinterpret_cast<const char*>(&l.str), sizeof l.str);
                key.append(reinterpret_cast<const char*>(&l.num), sizeof l.num);
                key.append(reinterpret_cast<const char*>(&l.numUnit), sizeof l.numUnit);
            }
            auto [it, inserted] = sampleIndex.emplace(key, d.sampleCount());
            if (inserted) {
                std::vector<int64_t> v(vals.begin(), vals.end());
                for (auto& x : v) x *= sign;
                b.addSample(stack, v, labels);
            } else {
                for (size_t k = 0; k < nv; ++k) d.values[it->second * nv + k] += sign * vals[k];
            }
        }
    }
    return b.build();
}

}  // namespace

ProfilePtr merge(std::span<const ProfilePtr> profiles, std::span<const std::string> names) {
    return mergeImpl(profiles, names, std::vector<bool>(profiles.size(), false),
                     std::vector<bool>(profiles.size(), false));
}

ProfilePtr scale(const ProfilePtr& p, double ratio) {
    if (ratio == 1) return p;
    ProfileData d = p->data();
    for (auto& v : d.values) v = static_cast<int64_t>(std::llround(static_cast<double>(v) * ratio));
    return std::make_shared<const Profile>(std::move(d));
}

ProfilePtr diffAgainstBase(const ProfilePtr& current, const ProfilePtr& base,
                           const std::string& currentName, const std::string& baseName) {
    const ProfilePtr both[] = {current, base};
    const std::string names[] = {currentName, baseName};
    return mergeImpl(both, names, {false, true}, {false, true});
}

bool isDiffBaseSample(const Profile& p, size_t i) {
    for (const Label& l : p.sampleLabels(i))
        if (!l.isNumeric() && p.str(l.key) == kDiffBaseLabel && p.str(l.str) == "true") return true;
    return false;
}

}  // namespace embers::core
