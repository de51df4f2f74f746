#include "metrics_fetch.h"

#include <QDateTime>

namespace embers::capture {

MetricsPoll pollMetrics(const FetchOptions& o) {
    MetricsPoll p;
    p.url = o.url;
    const FetchResult r = fetchUrl(o);
    p.time = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    p.answered = r.ok();
    p.status = r.ok() ? r.status : 0;
    if (r.cancelled) {
        p.cancelled = true;
        p.category = ErrorCategory::Network;
        p.message = QStringLiteral("cancelled");
        return p;
    }
    if (r.ok() && r.status == 404) {
        p.category = ErrorCategory::NotWhatWasAsked;
        p.message = statusText(404);
        return p;
    }
    const HttpVerdict v = judgeResponse(toOutcome(o, r), std::nullopt, {}, o.token);
    if (!v.ok()) {
        p.category = v.category;
        p.message = v.message;
        return p;
    }
    if (r.status != 200) {
        p.category = ErrorCategory::NotWhatWasAsked;
        p.message = statusText(r.status);
        return p;
    }
    p.snapshot = parseMetrics(r.contentType, r.body);
    if (!p.snapshot.ok()) {
        p.category = ErrorCategory::NotWhatWasAsked;
        p.message = p.snapshot.source == MetricsSource::Unknown
                        ? p.snapshot.error
                        : QStringLiteral("unreadable %1: %2")
                              .arg(metricsSourceName(p.snapshot.source), p.snapshot.error);
        return p;
    }
    p.ok = true;
    return p;
}

bool metricsElsewhere(const MetricsPoll& p) {
    return !p.ok && !p.cancelled && p.answered && (p.status == 404 || p.status == 200);
}

}  // namespace embers::capture
