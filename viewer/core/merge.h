// Combining profiles: merge (pprof's profile.Merge), scale, and the diff
// against a base profile that pprof's -diff_base performs.
#pragma once

#include <span>
#include <string>

#include "profile.h"

namespace embers::core {

// Merges profiles with identical sample types; samples with the same stack
// and labels are summed, all-zero samples dropped. `names` (optional, same
// length) name the inputs in errors. Throws UsageError when incompatible.
ProfilePtr merge(std::span<const ProfilePtr> profiles, std::span<const std::string> names = {});

// Multiplies every value by `ratio` (rounded), like pprof's Scale.
ProfilePtr scale(const ProfilePtr& p, double ratio);

// pprof -diff_base: the base is negated, its samples labelled pprof::base,
// and merged with `current`. Totals are then taken over the base samples.
ProfilePtr diffAgainstBase(const ProfilePtr& current, const ProfilePtr& base,
                           const std::string& currentName = "the profile",
                           const std::string& baseName = "the base profile");

inline constexpr std::string_view kDiffBaseLabel = "pprof::base";

// True when sample i carries the pprof::base label.
bool isDiffBaseSample(const Profile& p, size_t i);

}  // namespace embers::core
