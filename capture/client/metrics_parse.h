// Reading a node's live metrics: the Prometheus text exposition format
// (0.0.4, as `/metrics` serves it) and Go's expvar JSON (`/debug/vars`),
// both turned into one flat list of named numbers; and what charts and
// `embers watch` keep of them over time (bounded series, counter rates).
// QtCore only: nothing here talks to the network.
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>
#include <vector>

namespace embers::capture {

enum class MetricType { Untyped, Counter, Gauge, Summary, Histogram };

// "counter", "gauge", "summary", "histogram", "untyped".
QString metricTypeName(MetricType type);

enum class MetricsSource {
    Unknown,     // neither (an HTML page, an empty body, a profile…)
    Prometheus,  // text exposition format
    Expvar,      // Go's expvar JSON
};

// "Prometheus text", "expvar JSON", "unknown".
QString metricsSourceName(MetricsSource source);

struct MetricFamily {
    QString name;  // "go_gc_duration_seconds"
    MetricType type = MetricType::Untyped;
    QString help;  // unescaped
};

struct MetricSample {
    // As the source names it: "go_goroutines",
    // `go_gc_duration_seconds{quantile="0.5"}` (labels in the source's order,
    // values escaped as in the exposition format), "memstats.HeapAlloc".
    QString name;
    QString metric;                         // without labels: "go_gc_duration_seconds"
    QList<QPair<QString, QString>> labels;  // unescaped values
    QString family;                         // the family it belongs to (metric less _sum…)
    MetricType type = MetricType::Untyped;  // the family's type
    double value = 0;                       // may be NaN or ±Inf
    std::optional<qint64> timestampMs;      // when the source gave one

    // A value that only grows until the process restarts: counters and the
    // _sum, _count and _bucket samples of summaries and histograms.
    bool isCounter() const;
};

struct MetricSnapshot {
    MetricsSource source = MetricsSource::Unknown;
    QList<MetricFamily> families;  // Prometheus: in the order of the text
    QList<MetricSample> samples;   // in the order of the source (expvar: sorted keys)
    QString error;                 // "line 12: …"; empty when the whole input parsed

    bool ok() const { return error.isEmpty(); }
    const MetricSample* find(const QString& name) const;
    std::optional<double> value(const QString& name) const;
};

// Parses the Prometheus text format: "# HELP" and "# TYPE" lines, other
// comments, samples with labels (escaped values), NaN/±Inf values and
// timestamps. On a malformed line, `error` names its number and `samples`
// holds what came before.
MetricSnapshot parsePrometheusText(const QByteArray& text);

// Parses expvar JSON: numbers anywhere in nested objects, named by their
// path joined with dots ("memstats.HeapAlloc"); arrays (PauseNs, BySize…),
// strings, booleans and the top-level "cmdline" are left out. The memstats
// fields that only grow (TotalAlloc, Mallocs, Frees, NumGC, PauseTotalNs…),
// the agent's process.cpu_seconds and process.threads_created, and names
// ending in _total are counters, the other memstats fields gauges, anything
// else untyped.
MetricSnapshot parseExpvarJson(const QByteArray& json);

// Which parser applies, from the Content-Type header (may be empty) and the
// first bytes of the body.
MetricsSource detectMetricsSource(const QString& contentType, const QByteArray& body);

// Detects, then parses. Unknown sources give a snapshot with an error.
MetricSnapshot parseMetrics(const QString& contentType, const QByteArray& body);

// One point of a series; a NaN value is a gap (the node did not answer).
struct MetricPoint {
    double time = 0;  // seconds (e.g. since the Unix epoch)
    double value = 0;

    bool isGap() const;
};

// A day of polling at 1 s.
inline constexpr qsizetype kDefaultSeriesCapacity = 86'400;

// The last `capacity` points of one metric: a ring buffer, so that memory
// stays bounded however long a node is watched.
class MetricSeries {
public:
    explicit MetricSeries(qsizetype capacity = kDefaultSeriesCapacity);

    void append(double time, double value);
    void appendGap(double time);
    void clear();

    qsizetype size() const { return size_; }
    qsizetype capacity() const { return capacity_; }
    bool isEmpty() const { return size_ == 0; }
    // 0 is the oldest point kept.
    MetricPoint at(qsizetype index) const;
    MetricPoint last() const { return at(size_ - 1); }
    std::vector<MetricPoint> points() const;

private:
    std::vector<MetricPoint> ring_;
    qsizetype capacity_;
    qsizetype start_ = 0;
    qsizetype size_ = 0;
};

// The per-second rate of a counter between two readings `seconds` apart.
// Nothing (a gap) when the counter went down (the process restarted), when
// either reading is not a number or when no time passed.
std::optional<double> rateBetween(double previous, double current, double seconds);
std::optional<double> rateBetween(const MetricPoint& previous, const MetricPoint& current);

// The rates of a counter series, one point per pair of neighbours (at the
// later one's time); gaps where rateBetween gives none.
MetricSeries ratesOf(const MetricSeries& counter);

}  // namespace embers::capture
