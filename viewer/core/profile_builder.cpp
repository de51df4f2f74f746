#include "profile_builder.h"

#include <cstring>

namespace embers::core {

ProfileBuilder::ProfileBuilder() {
    strings_.emplace("", kEmptyString);
}

StrId ProfileBuilder::intern(std::string_view s) {
    auto it = strings_.find(std::string(s));
    if (it != strings_.end()) return it->second;
    const StrId id{static_cast<uint32_t>(d_.strings.size())};
    d_.strings.emplace_back(s);
    strings_.emplace(std::string(s), id);
    return id;
}

void ProfileBuilder::addSampleType(std::string_view type, std::string_view unit) {
    d_.sampleTypes.push_back({intern(type), intern(unit)});
}

size_t ProfileBuilder::FuncKeyHash::operator()(const FuncKey& k) const {
    size_t h = idx(k.name);
    h = h * 1000003u ^ idx(k.systemName);
    h = h * 1000003u ^ idx(k.filename);
    h = h * 1000003u ^ static_cast<size_t>(k.startLine);
    return h;
}

FuncId ProfileBuilder::function(std::string_view name, std::string_view filename, int64_t startLine,
                                std::string_view systemName) {
    const FuncKey key{intern(name), intern(systemName.empty() ? name : systemName),
                      intern(filename), startLine};
    auto it = functions_.find(key);
    if (it != functions_.end()) return it->second;
    const FuncId id{static_cast<uint32_t>(d_.functions.size())};
    d_.functions.push_back(
        {d_.functions.size() + 1, key.name, key.systemName, key.filename, startLine});
    functions_.emplace(key, id);
    return id;
}

LocId ProfileBuilder::location(std::span<const Line> lines, MapId mapping, uint64_t address,
                               bool isFolded) {
    // Key: the fields one after another (Line has padding, so no memcpy of it).
    std::string key;
    key.reserve(lines.size() * 20 + 13);
    auto put = [&key](const auto& v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
    for (const Line& l : lines) {
        put(l.function);
        put(l.line);
        put(l.column);
    }
    put(mapping);
    put(address);
    key.push_back(isFolded ? 1 : 0);
    auto it = locations_.find(key);
    if (it != locations_.end()) return it->second;
    const LocId id{static_cast<uint32_t>(d_.locations.size())};
    Location loc;
    loc.id = d_.locations.size() + 1;
    loc.mapping = mapping;
    loc.address = address;
    loc.isFolded = isFolded;
    loc.lineBegin = static_cast<uint32_t>(d_.lines.size());
    d_.lines.insert(d_.lines.end(), lines.begin(), lines.end());
    loc.lineEnd = static_cast<uint32_t>(d_.lines.size());
    d_.locations.push_back(loc);
    locations_.emplace(std::move(key), id);
    return id;
}

MapId ProfileBuilder::mapping(Mapping m) {
    m.id = d_.mappings.size() + 1;
    d_.mappings.push_back(m);
    return MapId{static_cast<uint32_t>(d_.mappings.size() - 1)};
}

Label ProfileBuilder::stringLabel(std::string_view key, std::string_view value) {
    Label l;
    l.key = intern(key);
    l.str = intern(value);
    return l;
}

Label ProfileBuilder::numericLabel(std::string_view key, int64_t value, std::string_view unit) {
    Label l;
    l.key = intern(key);
    l.num = value;
    l.numUnit = intern(unit);
    return l;
}

void ProfileBuilder::addSample(std::span<const LocId> leafFirst, std::span<const int64_t> values,
                               std::span<const Label> labels) {
    d_.sampleLocs.insert(d_.sampleLocs.end(), leafFirst.begin(), leafFirst.end());
    d_.locStart.push_back(d_.sampleLocs.size());
    d_.values.insert(d_.values.end(), values.begin(), values.end());
    d_.labels.insert(d_.labels.end(), labels.begin(), labels.end());
    d_.labelStart.push_back(d_.labels.size());
}

ProfilePtr ProfileBuilder::build() {
    auto p = std::make_shared<const Profile>(std::move(d_));
    d_ = ProfileData{};
    strings_.clear();
    strings_.emplace("", kEmptyString);
    functions_.clear();
    locations_.clear();
    return p;
}

}  // namespace embers::core
