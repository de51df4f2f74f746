// Process metrics for live charts: /debug/vars (expvar-style JSON) and
// /metrics (Prometheus text exposition format 0.0.4).
#pragma once

#include <string>

namespace embers::detail {

std::string metricsJson();
std::string metricsPrometheus();

}  // namespace embers::detail
