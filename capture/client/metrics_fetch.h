// One poll of a node's metrics (Prometheus text or expvar JSON): fetch, judge the answer,
// parse. What `embers watch` and the Live view both do on every tick.
#pragma once

#include <QString>
#include <QUrl>

#include "http_errors.h"
#include "http_fetch.h"
#include "metrics_parse.h"

namespace embers::capture {

struct MetricsPoll {
    bool ok = false;        // metrics arrived and parsed
    bool answered = false;  // the node answered (with or without metrics)
    bool cancelled = false;
    ErrorCategory category = ErrorCategory::Ok;
    QString message;  // one line when not ok, never the token
    QUrl url;         // what was asked
    MetricSnapshot snapshot;
    double time = 0;  // Unix seconds when the answer arrived
};

// Fetches options.url with the options' token and TLS settings. Never throws.
MetricsPoll pollMetrics(const FetchOptions& options);

}  // namespace embers::capture
