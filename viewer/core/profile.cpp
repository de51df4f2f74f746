#include "profile.h"

#include <charconv>

#include "errors.h"

namespace embers::core {

size_t Profile::defaultSampleIndex() const {
    const auto& types = d_.sampleTypes;
    if (types.empty()) return 0;
    if (d_.defaultSampleType != kEmptyString) {
        for (size_t i = 0; i < types.size(); ++i) {
            if (types[i].type == d_.defaultSampleType) return i;
        }
    }
    return types.size() - 1;
}

size_t Profile::sampleIndex(std::string_view name) const {
    const auto& types = d_.sampleTypes;
    size_t n = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), n);
    if (ec == std::errc() && end == name.data() + name.size()) {
        if (n < types.size()) return n;
        throw UsageError("sample index " + std::string(name) +
                         " is out of range (the profile has " + std::to_string(types.size()) +
                         " sample types)");
    }
    std::string known;
    for (size_t i = 0; i < types.size(); ++i) {
        if (str(types[i].type) == name) return i;
        if (!known.empty()) known += ", ";
        known += str(types[i].type);
    }
    throw UsageError("sample type '" + std::string(name) + "' is not in the profile (it has " +
                     known + ")");
}

}  // namespace embers::core
