// The resolved, immutable profile model. Everything past the decoder works on
// this: dense strong indices instead of proto ids, one interned string table,
// samples stored as flat arrays so that a million-sample profile stays compact.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace embers::core {

// Strong indices into the profile's tables. They are dense (0..n-1), unlike the
// proto ids, which are kept in the records for writing back and for messages.
enum class StrId : uint32_t {};
enum class FuncId : uint32_t {};
enum class LocId : uint32_t {};
enum class MapId : uint32_t {};

inline constexpr MapId kNoMapping = MapId{0xffffffffu};
inline constexpr FuncId kNoFunction = FuncId{0xffffffffu};  // a Line without a function
inline constexpr StrId kEmptyString = StrId{0};

constexpr uint32_t idx(StrId v) {
    return static_cast<uint32_t>(v);
}
constexpr uint32_t idx(FuncId v) {
    return static_cast<uint32_t>(v);
}
constexpr uint32_t idx(LocId v) {
    return static_cast<uint32_t>(v);
}
constexpr uint32_t idx(MapId v) {
    return static_cast<uint32_t>(v);
}

struct ValueType {
    StrId type = kEmptyString;
    StrId unit = kEmptyString;
};

struct Function {
    uint64_t id = 0;
    StrId name = kEmptyString;
    StrId systemName = kEmptyString;
    StrId filename = kEmptyString;
    int64_t startLine = 0;
};

struct Line {
    FuncId function = kNoFunction;
    int64_t line = 0;
    int64_t column = 0;
};

struct Mapping {
    uint64_t id = 0;
    uint64_t start = 0;
    uint64_t limit = 0;
    uint64_t offset = 0;
    StrId file = kEmptyString;
    StrId buildId = kEmptyString;
    bool hasFunctions = false;
    bool hasFilenames = false;
    bool hasLineNumbers = false;
    bool hasInlineFrames = false;
};

struct Location {
    uint64_t id = 0;
    MapId mapping = kNoMapping;
    uint64_t address = 0;
    uint32_t lineBegin = 0;  // [lineBegin, lineEnd) in ProfileData::lines; innermost first
    uint32_t lineEnd = 0;
    bool isFolded = false;
};

struct Label {
    StrId key = kEmptyString;
    StrId str = kEmptyString;  // set for string labels
    int64_t num = 0;           // set for numeric labels (str is empty then)
    StrId numUnit = kEmptyString;
    bool isNumeric() const { return str == kEmptyString; }
};

// The plain data of a profile. Builders and transforms fill one of these and
// hand it to Profile, which freezes it.
struct ProfileData {
    std::vector<std::string> strings{""};  // strings[0] == ""
    std::vector<ValueType> sampleTypes;
    std::vector<Mapping> mappings;
    std::vector<Location> locations;
    std::vector<Line> lines;
    std::vector<Function> functions;

    // Samples as flat arrays. Sample i has locations
    // sampleLocs[locStart[i] .. locStart[i+1]) (leaf first), values
    // values[i*sampleTypes.size() ..], labels labels[labelStart[i] .. labelStart[i+1]).
    std::vector<uint64_t> locStart{0};
    std::vector<LocId> sampleLocs;
    std::vector<int64_t> values;
    std::vector<uint64_t> labelStart{0};
    std::vector<Label> labels;

    StrId dropFrames = kEmptyString;
    StrId keepFrames = kEmptyString;
    int64_t timeNanos = 0;
    int64_t durationNanos = 0;
    ValueType periodType;
    int64_t period = 0;
    std::vector<StrId> comments;
    StrId defaultSampleType = kEmptyString;
    StrId docUrl = kEmptyString;

    size_t sampleCount() const { return locStart.size() - 1; }
};

class Profile {
public:
    explicit Profile(ProfileData data) : d_(std::move(data)) {}

    const ProfileData& data() const { return d_; }

    std::string_view str(StrId s) const { return d_.strings[idx(s)]; }
    size_t sampleCount() const { return d_.sampleCount(); }
    size_t valueCount() const { return d_.sampleTypes.size(); }

    std::span<const ValueType> sampleTypes() const { return d_.sampleTypes; }
    std::span<const Location> locations() const { return d_.locations; }
    std::span<const Function> functions() const { return d_.functions; }
    std::span<const Mapping> mappings() const { return d_.mappings; }

    const Location& location(LocId l) const { return d_.locations[idx(l)]; }
    const Function& function(FuncId f) const { return d_.functions[idx(f)]; }
    const Mapping& mapping(MapId m) const { return d_.mappings[idx(m)]; }

    std::span<const Line> lines(const Location& l) const {
        return {d_.lines.data() + l.lineBegin, d_.lines.data() + l.lineEnd};
    }
    std::span<const LocId> sampleLocations(size_t i) const {
        return {d_.sampleLocs.data() + d_.locStart[i], d_.sampleLocs.data() + d_.locStart[i + 1]};
    }
    std::span<const int64_t> sampleValues(size_t i) const {
        const size_t n = valueCount();
        return {d_.values.data() + i * n, n};
    }
    int64_t sampleValue(size_t i, size_t type) const { return d_.values[i * valueCount() + type]; }
    std::span<const Label> sampleLabels(size_t i) const {
        return {d_.labels.data() + d_.labelStart[i], d_.labels.data() + d_.labelStart[i + 1]};
    }

    // The sample type index tools show when none is asked for:
    // default_sample_type when set, else the last one.
    size_t defaultSampleIndex() const;
    // Index of the sample type named `name` (e.g. "inuse_space"), or the
    // index itself when `name` is a number. Throws UsageError when unknown.
    size_t sampleIndex(std::string_view name) const;
    std::string sampleTypeName(size_t i) const { return std::string(str(d_.sampleTypes[i].type)); }
    std::string sampleUnit(size_t i) const { return std::string(str(d_.sampleTypes[i].unit)); }

private:
    ProfileData d_;
};

using ProfilePtr = std::shared_ptr<const Profile>;

}  // namespace embers::core
