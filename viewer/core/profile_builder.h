// Builds a Profile from parts: interns strings, deduplicates functions and
// locations. Used by the text readers, merge and the tests.
#pragma once

#include <span>
#include <string_view>
#include <unordered_map>

#include "profile.h"

namespace embers::core {

class ProfileBuilder {
public:
    ProfileBuilder();

    StrId intern(std::string_view s);
    void addSampleType(std::string_view type, std::string_view unit);
    FuncId function(std::string_view name, std::string_view filename = {}, int64_t startLine = 0,
                    std::string_view systemName = {});
    // A location with the given lines (innermost first), deduplicated by
    // lines, mapping and address.
    LocId location(std::span<const Line> lines, MapId mapping = kNoMapping, uint64_t address = 0,
                   bool isFolded = false);
    MapId mapping(Mapping m);  // m.id is assigned
    Label stringLabel(std::string_view key, std::string_view value);
    Label numericLabel(std::string_view key, int64_t value, std::string_view unit = {});
    void addSample(std::span<const LocId> leafFirst, std::span<const int64_t> values,
                   std::span<const Label> labels = {});

    ProfileData& data() { return d_; }
    ProfilePtr build();

private:
    struct FuncKey {
        StrId name, systemName, filename;
        int64_t startLine;
        bool operator==(const FuncKey&) const = default;
    };
    struct FuncKeyHash {
        size_t operator()(const FuncKey& k) const;
    };
    ProfileData d_;
    std::unordered_map<std::string, StrId> strings_;
    std::unordered_map<FuncKey, FuncId, FuncKeyHash> functions_;
    std::unordered_map<std::string, LocId> locations_;  // key: encoded lines + mapping
};

}  // namespace embers::core
