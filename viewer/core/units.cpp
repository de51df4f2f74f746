#include "units.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

namespace embers::core {

namespace {

struct Unit {
    const char* name;
    std::vector<std::string_view> aliases;
    double factor;
};

struct UnitType {
    std::vector<Unit> units;
    Unit defaultUnit;
};

const std::vector<UnitType>& unitTypes() {
    static const std::vector<UnitType> types = {
        {{{"B", {"b", "byte"}, 1},
          {"kB", {"kb", "kbyte", "kilobyte"}, double(1ull << 10)},
          {"MB", {"mb", "mbyte", "megabyte"}, double(1ull << 20)},
          {"GB", {"gb", "gbyte", "gigabyte"}, double(1ull << 30)},
          {"TB", {"tb", "tbyte", "terabyte"}, double(1ull << 40)},
          {"PB", {"pb", "pbyte", "petabyte"}, double(1ull << 50)}},
         {"B", {"b", "byte"}, 1}},
        {{{"ns", {"ns", "nanosecond"}, 1},
          {"us", {"μs", "us", "microsecond"}, 1e3},
          {"ms", {"ms", "millisecond"}, 1e6},
          {"s", {"s", "sec", "second"}, 1e9},
          {"hrs", {"hour", "hr"}, 3600e9}},
         {"s", {}, 1e9}},
    };
    return types;
}

const Unit* sniff(const UnitType& ut, std::string_view unit) {
    std::string u;
    for (char c : unit) u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (u.size() > 2 && u.back() == 's') u.pop_back();
    for (const auto& x : ut.units)
        for (auto a : x.aliases)
            if (a == u) return &x;
    return nullptr;
}

}  // namespace

std::pair<double, std::string> scaleValue(int64_t value, std::string_view fromUnit,
                                          std::string_view toUnit) {
    if (value < 0 && -value > 0) {
        auto [v, u] = scaleValue(-value, fromUnit, toUnit);
        return {-v, u};
    }
    for (const auto& ut : unitTypes()) {
        const Unit* from = sniff(ut, fromUnit);
        if (!from) continue;
        const double v = static_cast<double>(value) * from->factor;
        if (toUnit == "minimum" || toUnit == "auto") {
            double f = 0;
            const char* name = nullptr;
            for (const auto& u : ut.units) {
                if (u.factor >= f && v / u.factor >= 1.0) {
                    f = u.factor;
                    name = u.name;
                }
            }
            if (name) return {v / f, name};
            return {v / ut.defaultUnit.factor, ut.defaultUnit.name};
        }
        const Unit* to = sniff(ut, toUnit);
        if (!to) return {v / ut.defaultUnit.factor, ut.defaultUnit.name};
        return {v / to->factor, to->name};
    }
    if (toUnit == "count" || toUnit == "sample" || toUnit == "unit" || toUnit == "minimum" ||
        toUnit == "auto")
        return {static_cast<double>(value), ""};
    return {static_cast<double>(value), std::string(toUnit)};
}

std::string scaledLabel(int64_t value, std::string_view fromUnit, std::string_view toUnit) {
    auto [v, u] = scaleValue(value, fromUnit, toUnit);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    if (s.size() > 3 && s.ends_with(".00")) s.resize(s.size() - 3);
    if (s == "0" || s == "-0") return "0";
    return s + u;
}

std::string chooseOutputUnit(int64_t minValue, int64_t total, std::string_view sampleUnit) {
    int64_t maxValue = total;
    if (minValue == 0) minValue = maxValue;
    const auto minUnit = scaleValue(minValue, sampleUnit, "minimum").second;
    const auto maxUnit = scaleValue(maxValue, sampleUnit, "minimum").second;
    std::string unit = minUnit;
    if (minUnit != maxUnit && minValue * 100 < maxValue)
        unit = scaleValue(100 * minValue, sampleUnit, "minimum").second;
    return unit.empty() ? std::string(sampleUnit) : unit;
}

std::string percentage(int64_t value, int64_t total) {
    double ratio = 0;
    if (total != 0)
        ratio = std::fabs(static_cast<double>(value) / static_cast<double>(total)) * 100;
    char buf[64];
    if (ratio >= 99.95 && ratio <= 100.05) return "  100%";
    if (ratio >= 1.0)
        std::snprintf(buf, sizeof buf, "%5.2f%%", ratio);
    else
        std::snprintf(buf, sizeof buf, "%5.2g%%", ratio);
    return buf;
}

std::string baseUnitName(std::string_view sampleUnit) {
    for (const auto& ut : unitTypes())
        if (const Unit* u = sniff(ut, sampleUnit)) return u->name;
    return std::string(sampleUnit);
}

}  // namespace embers::core
