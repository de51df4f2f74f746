#include "live_charts.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

namespace embers::capture {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

LiveLineSpec line(const QString& label, const QStringList& candidates, bool rate, double scale,
                  const QString& unit, bool dashed = false) {
    LiveLineSpec l;
    l.label = label;
    l.candidates = candidates;
    l.rate = rate;
    l.scale = scale;
    l.unit = unit;
    l.dashed = dashed;
    return l;
}

// expvar memstats fields counted in bytes (the others count objects, cycles or ns).
bool isMemstatsBytes(const QString& field) {
    static const QStringList bytes = {QStringLiteral("Alloc"),       QStringLiteral("TotalAlloc"),
                                      QStringLiteral("Sys"),         QStringLiteral("HeapAlloc"),
                                      QStringLiteral("HeapSys"),     QStringLiteral("HeapIdle"),
                                      QStringLiteral("HeapInuse"),   QStringLiteral("HeapReleased"),
                                      QStringLiteral("StackInuse"),  QStringLiteral("StackSys"),
                                      QStringLiteral("MSpanInuse"),  QStringLiteral("MSpanSys"),
                                      QStringLiteral("MCacheInuse"), QStringLiteral("MCacheSys"),
                                      QStringLiteral("BuckHashSys"), QStringLiteral("GCSys"),
                                      QStringLiteral("OtherSys"),    QStringLiteral("NextGC")};
    return bytes.contains(field);
}

}  // namespace

QList<LiveChartSpec> defaultLiveCharts() {
    const QString mib = QStringLiteral("MiB");
    QList<LiveChartSpec> charts;
    charts.append(
        {QStringLiteral("heap"),
         {line(
              QStringLiteral("in use"),
              {QStringLiteral("go_memstats_heap_inuse_bytes"),
               QStringLiteral("go_memstats_heap_alloc_bytes"), QStringLiteral("memstats.HeapInuse"),
               QStringLiteral("memstats.HeapAlloc"), QStringLiteral("embers_heap_inuse_bytes")},
              false, 1 / kMiB, mib),
          line(QStringLiteral("next GC"),
               {QStringLiteral("go_memstats_next_gc_bytes"), QStringLiteral("memstats.NextGC")},
               false, 1 / kMiB, mib, true)}});
    charts.append({QStringLiteral("allocation rate"),
                   {line(QStringLiteral("allocated"),
                         {QStringLiteral("go_memstats_alloc_bytes_total"),
                          QStringLiteral("memstats.TotalAlloc"),
                          QStringLiteral("embers_heap_sampled_alloc_bytes_total")},
                         true, 1 / kMiB, QStringLiteral("MiB/s"))}});
    charts.append({QStringLiteral("goroutines and threads"),
                   {line(QStringLiteral("goroutines"), {QStringLiteral("go_goroutines")}, false, 1,
                         QString()),
                    line(QStringLiteral("threads"),
                         {QStringLiteral("go_threads"), QStringLiteral("process_threads"),
                          QStringLiteral("process.threads")},
                         false, 1, QString())}});
    charts.append(
        {QStringLiteral("garbage collection"),
         {line(QStringLiteral("cycles"),
               {QStringLiteral("go_gc_duration_seconds_count"), QStringLiteral("memstats.NumGC")},
               true, 60, QStringLiteral("GC/min")),
          line(QStringLiteral("pause time"), {QStringLiteral("go_gc_duration_seconds_sum")}, true,
               1000, QStringLiteral("ms/s")),
          line(QStringLiteral("pause time"), {QStringLiteral("memstats.PauseTotalNs")}, true, 1e-6,
               QStringLiteral("ms/s"))}});
    charts.append(
        {QStringLiteral("CPU usage"),
         {line(QStringLiteral("CPU"),
               {QStringLiteral("process_cpu_seconds_total"), QStringLiteral("process.cpu_seconds")},
               true, 1, QStringLiteral("cores"))}});
    charts.append({QStringLiteral("resident memory"),
                   {line(QStringLiteral("resident"),
                         {QStringLiteral("process_resident_memory_bytes"),
                          QStringLiteral("process.resident_memory_bytes")},
                         false, 1 / kMiB, mib)}});
    return charts;
}

LiveLineSpec lineForMetric(const MetricSample& sample) {
    LiveLineSpec l;
    l.label = sample.name;
    l.candidates = {sample.name};
    l.rate = sample.isCounter();
    l.custom = true;
    const QString m = sample.metric;
    const QString field =
        m.startsWith(QLatin1String("memstats.")) ? m.mid(int(qstrlen("memstats."))) : QString();
    const bool bytes = m.endsWith(QLatin1String("_bytes")) ||
                       m.endsWith(QLatin1String("_bytes_total")) || isMemstatsBytes(field);
    const bool seconds = m.endsWith(QLatin1String("_seconds")) ||
                         m.endsWith(QLatin1String("_seconds_total")) ||
                         m.endsWith(QLatin1String("_seconds_sum"));
    const bool nanos = m.endsWith(QLatin1String("Ns")) || m.endsWith(QLatin1String("_ns")) ||
                       m.endsWith(QLatin1String("_nanoseconds_total"));
    if (bytes) {
        // MiB as a rule; a gauge already in the gigabytes or more gets a unit of its size
        // (5.0 TiB, not 5,245,209 MiB). Rates start small: MiB/s.
        static const std::pair<double, const char*> kUnits[] = {
            {1024.0 * 1024 * 1024 * 1024, "TiB"}, {1024.0 * 1024 * 1024, "GiB"}};
        l.scale = 1 / kMiB;
        l.unit = l.rate ? QStringLiteral("MiB/s") : QStringLiteral("MiB");
        for (const auto& [size, name] : kUnits)
            if (!l.rate && std::abs(sample.value) >= size) {
                l.scale = 1 / size;
                l.unit = QLatin1String(name);
                break;
            }
    } else if (seconds) {
        l.unit = l.rate ? QStringLiteral("s/s") : QStringLiteral("s");
    } else if (nanos) {
        l.scale = 1e-6;
        l.unit = l.rate ? QStringLiteral("ms/s") : QStringLiteral("ms");
    } else if (l.rate) {
        l.unit = QStringLiteral("/s");
    }
    return l;
}

QString formatShownValue(double shown, const QString& unit) {
    if (std::isnan(shown)) return QStringLiteral("no answer");
    const double magnitude = std::abs(shown);
    if (magnitude != 0 && magnitude < 0.01) {  // three significant digits: 0.000123, not 0
        const QString number = QString::number(shown, 'g', 3);
        if (unit.isEmpty()) return number;
        if (unit.startsWith(QLatin1Char('/'))) return number + unit;
        return QStringLiteral("%1 %2").arg(number, unit);
    }
    int decimals = 0;
    if (magnitude != 0 && magnitude < 10)
        decimals = 3;
    else if (magnitude != 0 && magnitude < 1000)
        decimals = unit.isEmpty() || unit == QLatin1String("/s") ? 1 : 2;
    const bool whole = std::floor(shown) == shown && (unit.isEmpty() || unit == "GC/min");
    QLocale grouped = QLocale::c();  // 1,204,000: thousands grouped, a dot for decimals
    grouped.setNumberOptions(QLocale::DefaultNumberOptions);
    QString number = grouped.toString(shown, 'f', whole ? 0 : decimals);
    if (!whole && number.contains(QLatin1Char('.'))) {  // 2.500 → 2.5, 3.000 → 3
        while (number.endsWith(QLatin1Char('0'))) number.chop(1);
        if (number.endsWith(QLatin1Char('.'))) number.chop(1);
    }
    if (unit.isEmpty()) return number;
    if (unit.startsWith(QLatin1Char('/'))) return number + unit;
    return QStringLiteral("%1 %2").arg(number, unit);
}

namespace {

// The first point at or after `time` (times only grow).
qsizetype firstAtOrAfter(const MetricSeries& series, double time) {
    qsizetype lo = 0, hi = series.size();
    while (lo < hi) {
        const qsizetype mid = lo + (hi - lo) / 2;
        if (series.at(mid).time < time)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

}  // namespace

std::vector<MetricPoint> shownPoints(const MetricSeries& series, double from, bool rate,
                                     double scale) {
    const qsizetype lo = firstAtOrAfter(series, from);
    std::vector<MetricPoint> out;
    out.reserve(size_t(series.size() - lo));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (!rate) {
        for (qsizetype i = lo; i < series.size(); ++i) {
            const MetricPoint p = series.at(i);
            out.push_back({p.time, p.isGap() ? nan : p.value * scale});
        }
        return out;
    }
    // A counter's rate over the last kRateWindowSeconds of readings (from the last one at
    // least that old), not between neighbours: a slow integer counter (GC cycles) then
    // reads 12/min, not 0, 60, 0, 0, 60. After a gap, a reset or at the start, no rate
    // until kRateMinSpanSeconds have passed: one GC over 1 s is no rate of 60/min.
    const double window = kRateWindowSeconds;
    qsizetype j = std::max<qsizetype>(
        0, (lo > 0 ? firstAtOrAfter(series, series.at(lo).time - window) : 0) - 1);
    qsizetype afterGap = 0;
    for (qsizetype k = j; k < lo; ++k) {
        if (series.at(k).isGap()) afterGap = k + 1;
        if (k > 0 && !series.at(k).isGap() && !series.at(k - 1).isGap() &&
            series.at(k).value < series.at(k - 1).value)
            afterGap = k;
    }
    for (qsizetype i = lo; i < series.size(); ++i) {
        const MetricPoint p = series.at(i);
        if (p.isGap()) {
            afterGap = i + 1;
            out.push_back({p.time, nan});
            continue;
        }
        if (i == 0) continue;  // the first reading of a counter has no rate
        const MetricPoint previous = series.at(i - 1);
        if (!previous.isGap() && p.value < previous.value) afterGap = i;  // a reset
        while (j + 1 < i && series.at(j + 1).time <= p.time - window) ++j;
        const qsizetype start = std::max(j, afterGap);
        if (start >= i || p.time - series.at(start).time < kRateMinSpanSeconds)
            continue;  // not enough readings yet since the start, a gap or a reset
        const auto r = rateBetween(series.at(start), p);
        out.push_back({p.time, r ? *r * scale : nan});
    }
    return out;
}

std::vector<MetricPoint> decimateMinMax(const std::vector<MetricPoint>& points, size_t buckets) {
    if (buckets == 0 || points.size() <= 2 * buckets) return points;
    std::vector<MetricPoint> out;
    out.reserve(3 * buckets);
    const size_t n = points.size();
    for (size_t b = 0; b < buckets; ++b) {
        const size_t from = b * n / buckets, to = (b + 1) * n / buckets;
        const MetricPoint* lo = nullptr;
        const MetricPoint* hi = nullptr;
        const MetricPoint* gap = nullptr;
        for (size_t i = from; i < to; ++i) {
            const MetricPoint& p = points[i];
            if (p.isGap()) {
                if (!gap) gap = &p;
                continue;
            }
            if (!lo || p.value < lo->value) lo = &p;
            if (!hi || p.value > hi->value) hi = &p;
        }
        std::vector<const MetricPoint*> kept;
        for (const MetricPoint* p : {lo, hi, gap})
            if (p && std::find(kept.begin(), kept.end(), p) == kept.end()) kept.push_back(p);
        std::sort(kept.begin(), kept.end(),
                  [](const MetricPoint* a, const MetricPoint* b) { return a->time < b->time; });
        for (const MetricPoint* p : kept) out.push_back(*p);
    }
    return out;
}

bool ThresholdTrigger::due(double time, double shown) const {
    if (std::isnan(shown)) return false;
    const bool beyond = direction == Direction::Above ? shown > threshold : shown < threshold;
    return beyond && time - lastFired >= cooldownSeconds;
}

QString ThresholdTrigger::describe(const QString& unit) const {
    return QStringLiteral("%1 %2").arg(
        direction == Direction::Above ? QStringLiteral("above") : QStringLiteral("below"),
        formatShownValue(threshold, unit));
}

}  // namespace embers::capture
