// Benchmark (not a test): the Live view's memory over long watching. Feeds the real
// LiveView (offscreen) two days of polls at 1 s, made from a recorded answer of the Go test
// server (tests/data/capture/metrics/goserver_metrics.txt) with values that move and
// counters that grow, plus three metrics added by name, and one poll in 3,600 that fails
// (a gap). Prints the resident memory after each stage; the series are ring buffers of a
// day, so the second day must not grow it. Also the time per poll (charting included), and
// at the end with the whole history on screen.
//
//   live_memory_bench [--hours N] [--window all|5min]
#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>

#include <cmath>
#include <cstdio>

#include "client/metrics_parse.h"
#include "live_view.h"

using namespace embers;

namespace {

double residentMiB() {
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    const QList<QByteArray> fields = f.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toDouble() * 4096 / 1048576.0 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    int hours = 48;
    QString window = QStringLiteral("5min");
    for (int i = 1; i + 1 < argc; i += 2) {
        const QString flag = QString::fromUtf8(argv[i]);
        if (flag == QLatin1String("--hours")) hours = std::max(1, atoi(argv[i + 1]));
        if (flag == QLatin1String("--window")) window = QString::fromUtf8(argv[i + 1]);
    }
    const QString fixture = QStringLiteral(EMBERS_SOURCE_DIR) +
                            QStringLiteral("/tests/data/capture/metrics/goserver_metrics.txt");
    QFile f(fixture);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "live_memory_bench: cannot read %s\n", qPrintable(fixture));
        return 2;
    }
    capture::MetricsPoll poll;
    poll.ok = poll.answered = true;
    poll.snapshot = capture::parsePrometheusText(f.readAll());
    capture::MetricsPoll gap;
    gap.message = QStringLiteral("node not answering: connection refused, retrying");

    app::LiveView view;
    view.resize(1600, 1000);
    if (auto* w = view.findChild<QComboBox*>(); w && window == QLatin1String("all"))
        w->setCurrentIndex(w->count() - 1);  // the first combo box is the time window
    const double start = 1.8e9;
    poll.time = start;
    view.ingest(poll);
    for (const char* extra :
         {"go_memstats_heap_objects", "process_open_fds", "go_gc_duration_seconds{quantile=\"1\"}"})
        view.addMetric(QString::fromLatin1(extra));
    const double before = residentMiB();
    std::printf("metrics charted: %lld, series capacity %lld points each\n",
                qlonglong(view.metricNames().size()), qlonglong(capture::kDefaultSeriesCapacity));
    std::printf("%-10s %12s %14s %16s\n", "watched", "RSS (MiB)", "points kept", "µs per poll");
    QElapsedTimer timer;
    timer.start();
    qint64 polls = 0;
    const int seconds = hours * 3600;
    for (int s = 1; s <= seconds; ++s) {
        if (s % 3600 == 1800) {
            gap.time = start + s;
            view.ingest(gap);
        } else {
            for (capture::MetricSample& m : poll.snapshot.samples)
                m.value = m.isCounter() ? m.value + 1000 + (s % 7)
                                        : std::abs(m.value) * 0.999 + 1 + std::sin(s / 60.0) * 5;
            poll.time = start + s;
            view.ingest(poll);
        }
        ++polls;
        if (s % 600 == 0) QCoreApplication::processEvents();  // lets queued replots happen
        if (s == 3600 || s == 6 * 3600 || s % (24 * 3600) == 0) {
            std::printf("%-10s %12.1f %14d %16.1f\n",
                        qPrintable(QStringLiteral("%1 h").arg(s / 3600)), residentMiB(),
                        view.pointCount(QStringLiteral("go_goroutines")),
                        double(timer.nsecsElapsed()) / 1000.0 / double(polls));
            std::fflush(stdout);
            timer.restart();
            polls = 0;
        }
    }
    // The whole history on screen: every poll then recharts all points kept.
    if (auto* w = view.findChild<QComboBox*>(); w && window != QLatin1String("all")) {
        w->setCurrentIndex(w->count() - 1);
        timer.restart();
        for (int s = seconds + 1; s <= seconds + 60; ++s) {
            poll.time = start + s;
            view.ingest(poll);
            QCoreApplication::processEvents();
        }
        std::printf("window 'all' after %d h: %.1f ms per poll (charting %d points a line)\n",
                    hours, double(timer.nsecsElapsed()) / 1e6 / 60,
                    view.pointCount(QStringLiteral("go_goroutines")));
    }
    std::printf("before the first poll: %.1f MiB\n", before);
    return 0;
}
