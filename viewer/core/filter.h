// Sample filters with pprof's semantics (profile.FilterSamplesByName,
// FilterSamplesByTag, Prune). Each returns a new profile.
#pragma once

#include <string>
#include <vector>

#include "profile.h"

namespace embers::core {

struct FilterOptions {
    std::string focus;      // keep samples with a frame matching (function, file or mapping)
    std::string ignore;     // drop samples with a frame matching
    std::string hide;       // remove matching frames from stacks
    std::string show;       // keep only matching frames in stacks
    std::string tagFocus;   // "key=re1,re2" or "re" (matched against "key:value")
    std::string tagIgnore;  // same syntax
    bool empty() const {
        return focus.empty() && ignore.empty() && hide.empty() && show.empty() &&
               tagFocus.empty() && tagIgnore.empty();
    }
    // The filters set, as " focus=re hide=re" (pprof's option names), for titles; empty
    // when none is.
    std::string describe() const;
};

// Applies the filters in pprof's order. `warnings` receives notes such as
// "--focus matched no samples". Throws UsageError for a bad expression.
ProfilePtr applyFilters(const ProfilePtr& p, const FilterOptions& o,
                        std::vector<std::string>* warnings = nullptr);

// Applies the profile's own drop_frames/keep_frames, as pprof does on load.
ProfilePtr removeUninteresting(const ProfilePtr& p);

}  // namespace embers::core
