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
    int status = 0;   // the HTTP status; 0 when there was no answer
    MetricSnapshot snapshot;
    double time = 0;  // Unix seconds when the answer arrived
};

// Fetches options.url with the options' token and TLS settings. Never throws.
MetricsPoll pollMetrics(const FetchOptions& options);

// True when the metrics are not at this place but may be at another: it answered 404, or
// 200 with something that is not metrics. (A refused token, an error of the node (5xx) or
// no answer would be the same elsewhere.)
bool metricsElsewhere(const MetricsPoll& poll);

}  // namespace embers::capture
