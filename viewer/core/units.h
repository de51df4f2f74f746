// Human-readable values with pprof's units and rounding (internal/measurement).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace embers::core {

// Scales `value` in `fromUnit` to `toUnit` ("minimum"/"auto" picks the largest
// unit that keeps the value ≥ 1). Returns the scaled value and unit name ("" for
// plain counts).
std::pair<double, std::string> scaleValue(int64_t value, std::string_view fromUnit,
                                          std::string_view toUnit);

// "1.20s", "512kB", "42": at most two decimals, trailing ".00" dropped.
std::string scaledLabel(int64_t value, std::string_view fromUnit, std::string_view toUnit);

// pprof's output unit choice for a report: based on the smallest non-zero
// value and the total.
std::string chooseOutputUnit(int64_t minValue, int64_t total, std::string_view sampleUnit);

// pprof's percentage text: "  100%", "12.34%", "0.012%".
std::string percentage(int64_t value, int64_t total);

// pprof's -unit argument for a sample unit, so that values print unscaled:
// nanoseconds -> "ns", bytes -> "B", others -> the unit itself.
std::string baseUnitName(std::string_view sampleUnit);

}  // namespace embers::core
