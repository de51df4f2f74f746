// What the Live view charts, without the widgets: the default charts (which metric of
// Go's runtime, expvar or the Embers agent feeds each line, in which unit), how a metric
// the user adds by name is shown, the points of a series inside a time window (counters
// as rates), and the threshold that triggers a capture. QtCore only.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <limits>
#include <vector>

#include "metrics_parse.h"

namespace embers::capture {

// One line of a chart.
struct LiveLineSpec {
    QString label;           // "in use", "next GC"; the legend shows it
    QStringList candidates;  // metric names as sources name them; the first present wins
    bool rate = false;       // a counter, shown as its per-second rate
    double scale = 1;        // the value (or rate) × scale is shown
    QString unit;            // of the shown value: "MiB", "MiB/s", "cores", "GC/min", "ms/s", ""
    bool dashed = false;     // a limit or target rather than a measurement
    bool custom = false;     // added by the user (can be removed)
};

struct LiveChartSpec {
    QString title;  // "heap"
    QList<LiveLineSpec> lines;
    bool custom = false;  // added by the user (can be removed)
};

// Heap in use with the next GC target, allocation rate, goroutines and threads, GC cycles
// and pause time, CPU usage, resident memory: from Prometheus text (Go's client names),
// expvar (memstats.*, the agent's process.*) or the agent's /metrics.
QList<LiveChartSpec> defaultLiveCharts();

// How a metric the user picks by name is shown: counters (and the _sum/_count/_bucket of
// summaries and histograms) as rates; bytes in MiB, seconds counters as a share of a
// second, nanoseconds in ms.
LiveLineSpec lineForMetric(const MetricSample& sample);

// A shown value with its unit: "12.50 MiB", "0.153 cores", "1,204".
QString formatShownValue(double shown, const QString& unit);

// Counters are shown as their rate over the readings of this many seconds, once readings
// span kRateMinSpanSeconds (after the start, a gap or a counter reset).
constexpr double kRateWindowSeconds = 10;
constexpr double kRateMinSpanSeconds = 5;

// The shown points of a line from `from` on (seconds, as the series' times): the series'
// values, or a counter's rate over the last kRateWindowSeconds, times `scale`; gaps stay
// NaN.
// Reads only the window (a binary search for its start), however long the series.
std::vector<MetricPoint> shownPoints(const MetricSeries& series, double from, bool rate,
                                     double scale);

// At most about 2 × `buckets` points that draw like `points`: each of `buckets` runs of
// neighbours keeps its lowest and highest point (in time order, so spikes survive) and
// its first gap. Fewer points than that come back as they are.
std::vector<MetricPoint> decimateMinMax(const std::vector<MetricPoint>& points, size_t buckets);

// Captures when a value crosses a threshold, at most once per cooldown. The value is the
// shown one (after rate and scale); a gap never triggers.
struct ThresholdTrigger {
    enum class Direction { Above, Below };
    Direction direction = Direction::Above;
    double threshold = 0;
    double cooldownSeconds = 600;
    double lastFired = -std::numeric_limits<double>::infinity();

    // True when the value at `time` is beyond the threshold and the last capture this
    // trigger started is at least a cooldown ago.
    bool due(double time, double shown) const;
    // A capture started at `time`: the next one is due a cooldown later. (Not called when
    // the capture could not start, e.g. another one was running: the trigger stays due.)
    void fired(double time) { lastFired = time; }
    // "above 1.5 cores", for the status line.
    QString describe(const QString& unit) const;
};

}  // namespace embers::capture
