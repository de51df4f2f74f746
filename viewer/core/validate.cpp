#include "validate.h"

#include <string>

#include "errors.h"

namespace embers::core {

void checkValid(const Profile& p) {
    const ProfileData& d = p.data();
    const auto nStr = d.strings.size();
    auto checkStr = [&](StrId s, const std::string& where) {
        if (idx(s) >= nStr)
            throw FormatError("string index " + std::to_string(idx(s)) +
                              " out of range (table has " + std::to_string(nStr) + " entries) in " +
                              where);
    };
    if (nStr == 0 || !d.strings[0].empty())
        throw FormatError("the string table's first entry must be empty");
    const size_t n = d.sampleCount();
    if (d.sampleTypes.empty() && n > 0)
        throw FormatError("the profile has " + std::to_string(n) + " samples but no sample types");
    if (d.values.size() != n * d.sampleTypes.size())
        throw FormatError("the samples hold " + std::to_string(d.values.size()) +
                          " values but should hold " + std::to_string(n * d.sampleTypes.size()));
    if (d.labelStart.size() != n + 1 || d.labelStart.back() != d.labels.size() ||
        d.locStart.back() != d.sampleLocs.size())
        throw FormatError("the sample tables are inconsistent");
    for (size_t i = 0; i < d.sampleLocs.size(); ++i)
        if (idx(d.sampleLocs[i]) >= d.locations.size())
            throw FormatError("a sample refers to unknown location index " +
                              std::to_string(idx(d.sampleLocs[i])));
    for (const auto& l : d.locations) {
        if (l.id == 0) throw FormatError("location id 0 is reserved");
        if (l.mapping != kNoMapping && idx(l.mapping) >= d.mappings.size())
            throw FormatError("location " + std::to_string(l.id) + " refers to an unknown mapping");
        if (l.lineBegin > l.lineEnd || l.lineEnd > d.lines.size())
            throw FormatError("location " + std::to_string(l.id) + " has an invalid line range");
        for (const Line& ln : p.lines(l))
            if (ln.function != kNoFunction && idx(ln.function) >= d.functions.size())
                throw FormatError("location " + std::to_string(l.id) +
                                  " refers to an unknown function");
    }
    for (const auto& f : d.functions) {
        if (f.id == 0) throw FormatError("function id 0 is reserved");
        const std::string where = "function " + std::to_string(f.id);
        checkStr(f.name, where);
        checkStr(f.systemName, where);
        checkStr(f.filename, where);
    }
    for (const auto& m : d.mappings) {
        if (m.id == 0) throw FormatError("mapping id 0 is reserved");
        checkStr(m.file, "mapping " + std::to_string(m.id));
        checkStr(m.buildId, "mapping " + std::to_string(m.id));
    }
    for (const auto& t : d.sampleTypes) {
        checkStr(t.type, "a sample type");
        checkStr(t.unit, "a sample type");
    }
    for (const auto& l : d.labels) {
        checkStr(l.key, "a label");
        checkStr(l.str, "a label");
        checkStr(l.numUnit, "a label");
    }
}

}  // namespace embers::core
