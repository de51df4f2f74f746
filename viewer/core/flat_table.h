// The top table: flat and cumulative value per node, with pprof's totals
// (sum of absolute values, or of the base samples in a diff) and ordering.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nodes.h"
#include "profile.h"

namespace embers::core {

struct AnalysisOptions {
    size_t sampleIndex = 0;
    NodeOptions nodes;
    // pprof takes the report total before filtering (percentages are of the
    // whole profile): set this to computeTotal() of the unfiltered profile.
    // When unset the total of the profile analysed is used.
    std::optional<int64_t> total;
};

// Sum of |value| over samples; in a diff (samples labelled pprof::base)
// only the base samples count, as in pprof's computeTotal.
int64_t computeTotal(const Profile& p, size_t sampleIndex);

struct FlatRow {
    uint32_t node = 0;
    int64_t flat = 0;
    int64_t cum = 0;
};

struct FlatTable {
    std::string sampleType;
    std::string unit;
    int64_t total = 0;
    std::vector<NodeInfo> nodes;  // indexed by FlatRow::node
    std::vector<FlatRow> rows;    // nodes with a non-zero flat or cum
};

enum class SortOrder { Flat, Cum };

// Rows in pprof's order (by |flat| or |cum|, then name).
FlatTable computeFlatTable(const Profile& p, const AnalysisOptions& o,
                           SortOrder order = SortOrder::Flat);
void sortFlatRows(FlatTable& t, SortOrder order);

}  // namespace embers::core
