// What the Live view charts, without widgets: the default charts resolved against real
// answers of the Go test server and the agent (both endpoints each), the unit and rate of a
// metric added by name, value formatting, the points of a window (rates, gaps, the binary
// search for the window's start) and the threshold trigger with its cooldown.
//
// Fixtures: tests/data/capture/metrics/ (see its README).

#include <QFile>
#include <QTest>

#include <cmath>
#include <limits>

#include "client/live_charts.h"
#include "client/metrics_parse.h"
#include "client/targets.h"

using namespace embers::capture;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

MetricSnapshot fixture(const QString& name) {
    QFile f(qEnvironmentVariable("EMBERS_TEST_DATA") + QStringLiteral("/capture/metrics/") + name);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray body = f.readAll();
    return parseMetrics(name.endsWith(QLatin1String(".json")) ? QStringLiteral("application/json")
                                                              : QStringLiteral("text/plain"),
                        body);
}

// Chart title → the labels of its lines that the snapshot feeds.
QMap<QString, QStringList> resolved(const MetricSnapshot& s) {
    QMap<QString, QStringList> out;
    for (const LiveChartSpec& c : defaultLiveCharts())
        for (const LiveLineSpec& l : c.lines)
            for (const QString& name : l.candidates)
                if (s.value(name)) {
                    out[c.title] << l.label;
                    break;
                }
    return out;
}

const MetricSample* sample(const MetricSnapshot& s, const QString& name) {
    const MetricSample* m = s.find(name);
    if (!m) qWarning("no %s in the fixture", qPrintable(name));
    return m;
}

}  // namespace

class LiveChartsTest : public QObject {
    Q_OBJECT

private slots:
    void goPrometheusFeedsEveryDefaultChart() {
        const MetricSnapshot s = fixture(QStringLiteral("goserver_metrics.txt"));
        QVERIFY(s.ok());
        const auto r = resolved(s);
        QCOMPARE(r.value(QStringLiteral("heap")),
                 (QStringList{QStringLiteral("in use"), QStringLiteral("next GC")}));
        QCOMPARE(r.value(QStringLiteral("allocation rate")),
                 QStringList{QStringLiteral("allocated")});
        QCOMPARE(r.value(QStringLiteral("goroutines and threads")),
                 (QStringList{QStringLiteral("goroutines"), QStringLiteral("threads")}));
        QCOMPARE(r.value(QStringLiteral("garbage collection")),
                 (QStringList{QStringLiteral("cycles"), QStringLiteral("pause time")}));
        QCOMPARE(r.value(QStringLiteral("CPU usage")), QStringList{QStringLiteral("CPU")});
        QCOMPARE(r.value(QStringLiteral("resident memory")),
                 QStringList{QStringLiteral("resident")});
    }

    void goExpvarFeedsTheRuntimeCharts() {
        const MetricSnapshot s = fixture(QStringLiteral("goserver_debug_vars.json"));
        QVERIFY(s.ok());
        const auto r = resolved(s);
        QCOMPARE(r.value(QStringLiteral("heap")),
                 (QStringList{QStringLiteral("in use"), QStringLiteral("next GC")}));
        QCOMPARE(r.value(QStringLiteral("allocation rate")),
                 QStringList{QStringLiteral("allocated")});
        QCOMPARE(r.value(QStringLiteral("garbage collection")),
                 (QStringList{QStringLiteral("cycles"), QStringLiteral("pause time")}));
        // expvar's memstats has no goroutine count, CPU time or RSS.
        QVERIFY(!r.contains(QStringLiteral("CPU usage")));
        QVERIFY(!r.contains(QStringLiteral("goroutines and threads")));
    }

    void agentFeedsItsCharts() {
        for (const QString& name :
             {QStringLiteral("agent_metrics.txt"), QStringLiteral("agent_debug_vars.json")}) {
            const MetricSnapshot s = fixture(name);
            QVERIFY2(s.ok(), qPrintable(name));
            const auto r = resolved(s);
            QCOMPARE(r.value(QStringLiteral("heap")), QStringList{QStringLiteral("in use")});
            QCOMPARE(r.value(QStringLiteral("allocation rate")),
                     QStringList{QStringLiteral("allocated")});
            QCOMPARE(r.value(QStringLiteral("goroutines and threads")),
                     QStringList{QStringLiteral("threads")});
            QCOMPARE(r.value(QStringLiteral("CPU usage")), QStringList{QStringLiteral("CPU")});
            QCOMPARE(r.value(QStringLiteral("resident memory")),
                     QStringList{QStringLiteral("resident")});
            QVERIFY2(!r.contains(QStringLiteral("garbage collection")), qPrintable(name));
        }
    }

    void addedMetricsGetUnitsAndRates() {
        const MetricSnapshot go = fixture(QStringLiteral("goserver_metrics.txt"));
        const MetricSnapshot vars = fixture(QStringLiteral("goserver_debug_vars.json"));
        struct Case {
            const MetricSnapshot* snapshot;
            QString name;
            bool rate;
            double scale;
            QString unit;
        } cases[] = {
            {&go, QStringLiteral("go_memstats_heap_objects"), false, 1, QString()},
            {&go, QStringLiteral("go_memstats_alloc_bytes_total"), true, 1 / 1048576.0,
             QStringLiteral("MiB/s")},
            {&go, QStringLiteral("go_memstats_next_gc_bytes"), false, 1 / 1048576.0,
             QStringLiteral("MiB")},
            {&go, QStringLiteral("go_gc_duration_seconds_sum"), true, 1, QStringLiteral("s/s")},
            {&go, QStringLiteral("go_gc_duration_seconds_count"), true, 1, QStringLiteral("/s")},
            {&go, QStringLiteral("go_gc_duration_seconds{quantile=\"0.5\"}"), false, 1,
             QStringLiteral("s")},
            {&go, QStringLiteral("process_open_fds"), false, 1, QString()},
            {&vars, QStringLiteral("memstats.HeapSys"), false, 1 / 1048576.0,
             QStringLiteral("MiB")},
            {&vars, QStringLiteral("memstats.Mallocs"), true, 1, QStringLiteral("/s")},
            {&vars, QStringLiteral("memstats.PauseTotalNs"), true, 1e-6, QStringLiteral("ms/s")},
        };
        for (const Case& c : cases) {
            const MetricSample* m = sample(*c.snapshot, c.name);
            QVERIFY2(m, qPrintable(c.name));
            const LiveLineSpec l = lineForMetric(*m);
            QVERIFY2(l.rate == c.rate, qPrintable(c.name));
            QVERIFY2(std::abs(l.scale - c.scale) < 1e-15, qPrintable(c.name));
            QCOMPARE(l.unit, c.unit);
            QCOMPARE(l.candidates, QStringList{c.name});
            QVERIFY(l.custom);
        }
    }

    void addedBytesGetAUnitOfTheirSize() {
        MetricSample huge;
        huge.name = huge.metric = QStringLiteral("disk_bytes");
        huge.value = 5.5e12;
        const LiveLineSpec l = lineForMetric(huge);
        QCOMPARE(l.unit, QStringLiteral("TiB"));
        QCOMPARE(formatShownValue(huge.value * l.scale, l.unit), QStringLiteral("5.002 TiB"));
        huge.value = 3e6;
        QCOMPARE(lineForMetric(huge).unit, QStringLiteral("MiB"));
    }

    void formatsValues() {
        QCOMPARE(formatShownValue(12.5, QStringLiteral("MiB")), QStringLiteral("12.5 MiB"));
        QCOMPARE(formatShownValue(1204, QString()), QStringLiteral("1,204"));
        QCOMPARE(formatShownValue(5245209.6, QStringLiteral("MiB")),
                 QStringLiteral("5,245,210 MiB"));
        QCOMPARE(formatShownValue(0.000123, QString()), QStringLiteral("0.000123"));
        QCOMPARE(formatShownValue(0.0001, QStringLiteral("s")), QStringLiteral("0.0001 s"));
        QCOMPARE(formatShownValue(0, QStringLiteral("s")), QStringLiteral("0 s"));
        QCOMPARE(formatShownValue(0.1534, QStringLiteral("cores")), QStringLiteral("0.153 cores"));
        QCOMPARE(formatShownValue(3, QStringLiteral("cores")), QStringLiteral("3 cores"));
        QCOMPARE(formatShownValue(2.25, QStringLiteral("/s")), QStringLiteral("2.25/s"));
        QCOMPARE(formatShownValue(kNan, QStringLiteral("MiB")), QStringLiteral("no answer"));
    }

    void windowOfAGauge() {
        MetricSeries s(5);  // a ring that has wrapped: 10 points in, the last 5 kept
        for (int t = 0; t < 10; ++t) s.append(t, t * 2.0);
        auto points = shownPoints(s, 7, false, 0.5);
        QCOMPARE(points.size(), size_t(3));
        QCOMPARE(points.front().time, 7.0);
        QCOMPARE(points.front().value, 7.0);
        QCOMPARE(points.back().value, 9.0);
        QCOMPARE(shownPoints(s, -1, false, 1).size(), size_t(5));
        QCOMPARE(shownPoints(s, 100, false, 1).size(), size_t(0));
        QCOMPARE(shownPoints(s, 6.5, false, 1).front().time, 7.0);
    }

    // 10 a second, read every second, a gap at 12 s and a restart (reset) at 20 s.
    void windowOfACounter() {
        MetricSeries s;
        double value = 0;
        for (int t = 0; t <= 30; ++t) {
            if (t == 12) {
                s.appendGap(t);
                continue;
            }
            value = t == 0 || t == 20 ? 0 : value + 10;
            s.append(t, value);
        }
        const auto all = shownPoints(s, 0, true, 60);  // per minute
        QVERIFY(!all.empty());
        QCOMPARE(all.front().time, 5.0);  // no rate until 5 s of readings
        bool sawGap = false;
        for (const MetricPoint& p : all) {
            if (p.isGap()) {
                QCOMPARE(p.time, 12.0);
                sawGap = true;
                continue;
            }
            QCOMPARE(p.value, 600.0);
            // Nothing in the 5 s after the gap and after the reset.
            QVERIFY2(!(p.time > 12 && p.time < 18) && !(p.time >= 20 && p.time < 25),
                     qPrintable(QString::number(p.time)));
        }
        QVERIFY(sawGap);
        // A window that starts mid-way still has the rate at its first point.
        const auto tail = shownPoints(s, 8, true, 1);
        QCOMPARE(tail.front().time, 8.0);
        QCOMPARE(tail.front().value, 10.0);
    }

    // A slow integer counter (a GC every 5 s, read every second) reads as its rate, not as
    // 0, 0, 0, 0, 1 per second: the rate is taken over the last kRateWindowSeconds.
    void slowCounterReadsSteady() {
        MetricSeries s;
        for (int t = 0; t <= 60; ++t) s.append(t, std::floor(t / 5.0));
        for (const MetricPoint& p : shownPoints(s, 15, true, 60)) {  // per minute
            QVERIFY2(p.value >= 6 && p.value <= 18, qPrintable(QString::number(p.value)));
        }
    }

    void decimationKeepsSpikesAndGaps() {
        std::vector<MetricPoint> points;
        for (int t = 0; t < 10'000; ++t) points.push_back({double(t), double(t % 10)});
        points[5'003].value = 1e6;                                       // one spike
        points[7'777].value = kNan;                                      // one gap
        QCOMPARE(decimateMinMax(points, 10'000).size(), points.size());  // few enough
        const auto out = decimateMinMax(points, 100);
        QVERIFY(out.size() <= 300);
        QVERIFY(out.size() >= 200);
        bool spike = false, gap = false;
        for (size_t i = 0; i < out.size(); ++i) {
            if (i > 0) QVERIFY(out[i].time > out[i - 1].time);  // in time order
            spike |= out[i].value == 1e6 && out[i].time == 5'003;
            gap |= out[i].isGap() && out[i].time == 7'777;
        }
        QVERIFY(spike);
        QVERIFY(gap);
        QCOMPARE(out.front().time, 0.0);  // the first bucket's lowest point
    }

    void triggerFiresOncePerCooldown() {
        ThresholdTrigger t;
        t.threshold = 1.5;
        t.cooldownSeconds = 60;
        // What a caller does: fire when due, and count it only when the capture started.
        const auto observe = [](ThresholdTrigger& trigger, double time, double value,
                                bool started = true) {
            if (!trigger.due(time, value)) return false;
            if (started) trigger.fired(time);
            return started;
        };
        QVERIFY(!observe(t, 0, 1.0));
        QVERIFY(!observe(t, 1, 1.5));  // at the threshold is not above it
        QVERIFY(!observe(t, 2, kNan));
        QVERIFY(!observe(t, 3, 1.6, false));  // due, but the capture could not start
        QVERIFY(t.due(3.5, 1.6));             // so it is still due at the next poll
        QVERIFY(observe(t, 4, 1.6));
        QVERIFY(!observe(t, 5, 2.0));
        QVERIFY(!observe(t, 63, 2.0));  // 59 s later
        QVERIFY(observe(t, 64, 2.0));   // a cooldown later, still above
        QCOMPARE(t.lastFired, 64.0);

        ThresholdTrigger below;
        below.direction = ThresholdTrigger::Direction::Below;
        below.threshold = 10;
        QVERIFY(!observe(below, 0, 10));
        QVERIFY(observe(below, 1, 9));
        QCOMPARE(below.describe(QStringLiteral("MiB")), QStringLiteral("below 10 MiB"));
        QCOMPARE(t.describe(QStringLiteral("cores")), QStringLiteral("above 1.5 cores"));
    }

    // The Live view looks for metrics beside the pprof prefix (context paths and the
    // "/__/debug/pprof" of admin routes), then under the typed path, then at the root.
    void liveSourcesFollowThePrefix() {
        const auto paths = [](const Target& t) {
            QStringList out;  // the paths, on the node typed (anything else shows whole)
            for (const QUrl& u : liveSourceUrls(t))
                out << (u.scheme() == QLatin1String("https") && u.host() == QLatin1String("node") &&
                                u.port() == 8443
                            ? u.path()
                            : u.toString());
            return out;
        };
        Target t;
        t.baseUrl = QUrl(QStringLiteral("https://node:8443"));
        QCOMPARE(paths(t), (QStringList{"/metrics", "/debug/vars"}));
        t.prefix = QStringLiteral("/debug/pprof/");
        QCOMPARE(paths(t), (QStringList{"/metrics", "/debug/vars"}));
        t.prefix = QStringLiteral("/__/debug/pprof");
        QCOMPARE(paths(t),
                 (QStringList{"/__/metrics", "/metrics", "/__/debug/vars", "/debug/vars"}));
        t.baseUrl = QUrl(QStringLiteral("https://node:8443/svc"));
        t.prefix = QStringLiteral("/svc/debug/pprof");
        QCOMPARE(paths(t),
                 (QStringList{"/svc/metrics", "/metrics", "/svc/debug/vars", "/debug/vars"}));
        t.prefix.clear();  // not found yet: the typed path still counts
        QCOMPARE(paths(t),
                 (QStringList{"/svc/metrics", "/metrics", "/svc/debug/vars", "/debug/vars"}));
    }
};

QTEST_GUILESS_MAIN(LiveChartsTest)
#include "tst_live_charts.moc"
