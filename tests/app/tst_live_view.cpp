// The Live view against the real agent (embers-demo, started as the local demo): its
// /metrics polled every 200 ms fills the charts the agent has metrics for; pause stops new
// points and resume brings them back; metrics added by name (and remembered), the capture
// trigger, capture markers that open their capture when clicked, CSV and PNG export; and
// when the node goes away the status says so (without the token) and the series keep a gap.
#include <qcustomplot.h>
#include <QDateTime>
#include <QFile>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include "client/metrics_parse.h"
#include "client/targets.h"
#include "live_view.h"
#include "local_demo.h"
#include "main_window.h"
#include "targets_panel.h"

using namespace embers;

namespace {
const QString kRss = QStringLiteral("process_resident_memory_bytes");
const QString kHeap = QStringLiteral("embers_heap_inuse_bytes");
}  // namespace

class TstLiveView : public QObject {
    Q_OBJECT
    app::LocalDemo* demo_ = nullptr;
    capture::Target target_;
    QString token_;
    app::LiveView* view_ = nullptr;
    QSignalSpy* statuses_ = nullptr;
    QTemporaryDir dir_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // settings of a test, not the user's
        QVERIFY(dir_.isValid());
        if (app::LocalDemo::findProgram().isEmpty()) QSKIP("embers-demo is not built");
        demo_ = new app::LocalDemo(this);
        QSignalSpy ready(demo_, &app::LocalDemo::ready);
        QSignalSpy failed(demo_, &app::LocalDemo::failed);
        demo_->start();
        QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 20000));
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        target_ = ready.front().at(0).value<capture::Target>();
        token_ = ready.front().at(1).toString();
        QVERIFY(!token_.isEmpty());
    }

    void cleanupTestCase() {
        delete statuses_;
        delete view_;
        if (demo_) demo_->stop();
    }

    // Recorded answers fed in at known times (no network): a metric added later starts at
    // the time of the answer it was read from, so its first rate is right; the trigger
    // counts a capture only when one started; its threshold stays on the value axis; CSV
    // headers of labelled metrics are quoted.
    void recordedAnswers() {
        const auto answer = [](double time, double requests, double heap) {
            capture::MetricsPoll p;
            p.ok = p.answered = true;
            p.time = time;
            p.snapshot = capture::parsePrometheusText(
                QStringLiteral("# TYPE http_requests_total counter\n"
                               "http_requests_total{code=\"200\",method=\"get\"} %1\n"
                               "# TYPE go_memstats_heap_inuse_bytes gauge\n"
                               "go_memstats_heap_inuse_bytes %2\n")
                    .arg(requests)
                    .arg(heap)
                    .toUtf8());
            return p;
        };
        const QString requests = QStringLiteral("http_requests_total{code=\"200\",method=\"get\"}");
        const QString heap = QStringLiteral("go_memstats_heap_inuse_bytes");
        app::LiveView view;
        view.resize(900, 700);
        view.ingest(answer(990, 50, 8 << 20));
        QVERIFY(view.addMetric(requests));
        QCOMPARE(view.series(requests).size(), 1);
        QCOMPARE(view.series(requests).at(0).time, 990.0);
        view.ingest(answer(996, 110, 8 << 20));
        QVERIFY(view.lastShown(requests).has_value());
        QCOMPARE(*view.lastShown(requests), 10.0);  // (110 - 50) / 6 s

        // A trigger on the heap above 16 MiB whose first capture cannot start.
        QString refusal = QStringLiteral("another capture is running");
        QStringList asked;
        view.setCaptureHandler([&](const QString& kind, bool automatic) {
            asked << kind + (automatic ? QStringLiteral(" (automatic)") : QString());
            return refusal;
        });
        capture::ThresholdTrigger above;
        above.threshold = 16;
        above.cooldownSeconds = 60;
        QVERIFY(view.armTrigger(heap, above, QStringLiteral("cpu")));
        // Below the threshold, the threshold is still on the heap chart's value axis.
        view.ingest(answer(1003, 110, 4 << 20));
        bool thresholdShown = false;
        for (QCPAxisRect* rect : view.findChild<QCustomPlot*>()->axisRects())
            thresholdShown |= rect->axis(QCPAxis::atLeft)->range().contains(16.0);
        QVERIFY(thresholdShown);
        QVERIFY(asked.isEmpty());
        view.ingest(answer(1004, 110, 32 << 20));
        QCOMPARE(asked, QStringList{QStringLiteral("cpu (automatic)")});
        QCOMPARE(view.triggerCount(), 0);  // not counted: nothing started
        QVERIFY(view.statusText().contains(QStringLiteral("no capture started")));
        QVERIFY(view.statusText().contains(refusal));
        refusal.clear();
        view.ingest(answer(1005, 110, 32 << 20));  // still due: it fires now
        QCOMPARE(view.triggerCount(), 1);
        QCOMPARE(asked.size(), 2);
        view.ingest(answer(1006, 110, 32 << 20));  // then waits for the cooldown
        QCOMPARE(view.triggerCount(), 1);
        // Re-armed with a new threshold: the cooldown goes on.
        above.threshold = 20;
        QVERIFY(view.armTrigger(heap, above, QStringLiteral("cpu")));
        view.ingest(answer(1007, 110, 32 << 20));
        QCOMPARE(view.triggerCount(), 1);
        view.ingest(answer(1066, 110, 32 << 20));
        QCOMPARE(view.triggerCount(), 2);

        // The button asks the handler too, as a capture someone is there to confirm.
        for (QPushButton* b : view.findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Heap")) b->click();
        QCOMPARE(asked.back(), QStringLiteral("heap"));
        // When it cannot start, the status says why, and still does after the next answer.
        refusal = QStringLiteral("another capture is running");
        for (QPushButton* b : view.findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("CPU")) b->click();
        QVERIFY(view.statusText().contains(QStringLiteral("No capture: ") + refusal));
        view.ingest(answer(1067, 110, 4 << 20));
        QVERIFY(view.statusText().contains(QStringLiteral("No capture: ") + refusal));

        // Paused: said so; resumed: a gap over the paused time, not a line across it.
        view.setPaused(true);
        QVERIFY(view.statusText().startsWith(QStringLiteral("Paused")));
        view.ingest(answer(1068, 80, 4 << 20));  // arrived after the pause: dropped
        QCOMPARE(view.series(heap).last().time, 1067.0);
        view.setPaused(false);
        QVERIFY(view.series(heap).last().isGap());
        QVERIFY(view.series(requests).last().isGap());

        const QString csv = dir_.filePath(QStringLiteral("labelled.csv"));
        QVERIFY(view.exportCsv(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        const QByteArray header = f.readLine().trimmed();
        QVERIFY2(
            header.endsWith(",\"rate(http_requests_total{code=\"\"200\"\",method=\"\"get\"\"})\""),
            header.constData());
    }

    // Only "not here" moves on to the next place: a 404 or a page that is not metrics; an
    // error of the node (500) would be the same elsewhere, and is reported as it is.
    void movesOnOnlyWhenNotHere() {
        app::LiveView view;
        const QUrl metrics(QStringLiteral("http://127.0.0.1:1/metrics"));
        view.setSource(metrics, QString(), QString(), false);
        view.setFallbackSources({QUrl(QStringLiteral("http://127.0.0.1:1/debug/vars"))});
        capture::MetricsPoll failed;  // not started: only what is fed in
        failed.answered = true;
        failed.time = 1000;
        failed.status = 500;
        failed.category = capture::ErrorCategory::NotWhatWasAsked;
        failed.message = QStringLiteral("no metrics: 500 internal server error, retrying");
        view.ingest(failed);
        QCOMPARE(view.source(), metrics);
        QVERIFY(view.statusText().contains(QStringLiteral("500")));
        failed.status = 404;
        view.ingest(failed);
        QCOMPARE(view.source().path(), QStringLiteral("/debug/vars"));
    }

    // Long labelled names at a laptop's width: every chart stays inside the view (titles
    // shortened keeping the labels that tell series apart, legends stacked), and the two
    // series keep different titles.
    void longNamesFitTheColumns() {
        const QString ok200 = QStringLiteral(
            "http_server_requests_seconds_count{code=\"200\",method=\"get\",uri=\"/api\"}");
        const QString err500 = QStringLiteral(
            "http_server_requests_seconds_count{code=\"500\",method=\"get\",uri=\"/api\"}");
        capture::MetricsPoll p;
        p.ok = p.answered = true;
        p.time = 2000;
        p.snapshot = capture::parsePrometheusText(
            (QStringLiteral("# TYPE http_server_requests_seconds_count counter\n") + ok200 +
             QStringLiteral(" 5\n") + err500 + QStringLiteral(" 1\n") +
             QStringLiteral("go_goroutines 12\ngo_threads 8\n"))
                .toUtf8());
        app::LiveView view;
        view.resize(960, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.ingest(p);
        QVERIFY(view.addMetric(ok200));
        QVERIFY(view.addMetric(err500));
        QVERIFY(view.addMetric(err500, QStringLiteral("goroutines and threads")));
        auto* plot = view.findChild<QCustomPlot*>();
        plot->replot(QCustomPlot::rpImmediateRefresh);
        QStringList titles;
        for (QCPAxisRect* rect : plot->axisRects())
            QVERIFY2(
                rect->outerRect().right() <= plot->width() + 1,
                qPrintable(
                    QStringLiteral("%1 > %2").arg(rect->outerRect().right()).arg(plot->width())));
        for (auto* t : plot->findChildren<QCPTextElement*>()) titles << t->text();
        QStringList custom = titles.filter(QStringLiteral("code="));
        QCOMPARE(custom.size(), 2);
        QVERIFY2(custom[0] != custom[1], qPrintable(custom.join(QStringLiteral(" | "))));
        for (const QString& t : custom) QVERIFY2(t.size() <= 44, qPrintable(t));
    }

    void pollsTheDemo() {
        view_ = new app::LiveView;
        view_->resize(900, 700);
        statuses_ = new QSignalSpy(view_, &app::LiveView::statusChanged);
        QString base = target_.baseUrl.toString();
        while (base.endsWith(QLatin1Char('/'))) base.chop(1);
        view_->setSource(QUrl(base + QStringLiteral("/metrics")), token_, target_.caFile,
                         target_.insecure);
        view_->setInterval(200);
        view_->start();
        QVERIFY2(QTest::qWaitFor(
                     [&] { return view_->pointCount(kRss) >= 5 && view_->pointCount(kHeap) >= 5; },
                     20000),
                 qPrintable(view_->statusText()));
        QVERIFY(view_->metricNames().contains(kRss));
        QVERIFY(view_->metricNames().contains(kHeap));
        QVERIFY(view_->metricNames().contains(QStringLiteral("process_cpu_seconds_total")));
        QVERIFY(!view_->series(kRss).last().isGap());
        QVERIFY(view_->series(kRss).last().value > 0);
        QVERIFY(view_->statusText().contains(QStringLiteral("Watching")));
    }

    // The charts the agent has metrics for; the GC chart (Go only) is left out.
    void chartsOfTheAgent() {
        QVERIFY(view_);
        QCOMPARE(view_->chartTitles(),
                 (QStringList{QStringLiteral("heap"), QStringLiteral("allocation rate"),
                              QStringLiteral("goroutines and threads"), QStringLiteral("CPU usage"),
                              QStringLiteral("resident memory")}));
        const QString alloc = QStringLiteral("embers_heap_sampled_alloc_bytes_total");
        QVERIFY(view_->metricNames().contains(alloc));
        QVERIFY(view_->metricNames().contains(QStringLiteral("process_threads")));
        QVERIFY(QTest::qWaitFor([&] { return view_->lastShown(alloc).has_value(); }, 5000));
        QVERIFY(*view_->lastShown(alloc) >= 0);  // a rate, in MiB/s
        // RSS shown in MiB: the raw bytes over 2^20.
        const double rss = view_->series(kRss).last().value;
        QVERIFY(std::abs(*view_->lastShown(kRss) - rss / 1048576.0) < 1e-9);
    }

    void addAndRemoveMetrics() {
        QVERIFY(view_);
        view_->setSettingsKey(QStringLiteral("agent-test"));
        const QString fds = QStringLiteral("process_open_fds");
        const QString created = QStringLiteral("embers_threads_created_total");
        QVERIFY(view_->availableMetrics().contains(fds));
        QVERIFY(!view_->addMetric(QStringLiteral("no_such_metric")));
        QVERIFY(view_->addMetric(fds));  // a chart of its own
        QVERIFY(view_->chartTitles().contains(fds));
        QVERIFY(view_->addMetric(created, QStringLiteral("goroutines and threads")));
        QCOMPARE(view_->chartTitles().size(), 6);
        const int before = view_->pointCount(fds);
        QVERIFY(QTest::qWaitFor([&] { return view_->pointCount(fds) >= before + 3; }, 10000));
        QVERIFY(*view_->lastShown(fds) > 0);
        QVERIFY(QTest::qWaitFor([&] { return view_->lastShown(created).has_value(); }, 5000));
        QVERIFY(*view_->lastShown(created) >= 0);  // a counter: its rate
        QVERIFY(view_->lastShown(created) != view_->series(created).last().value ||
                view_->series(created).last().value == 0);

        // Remembered for this node: another view with the same key charts them again.
        {
            app::LiveView again;
            again.setSettingsKey(QStringLiteral("agent-test"));
            QVERIFY(again.chartTitles().contains(fds));
        }
        QVERIFY(!view_->removeMetric(kRss));  // a default line is not removed
        QVERIFY(view_->removeMetric(fds));
        QVERIFY(!view_->chartTitles().contains(fds));
        QVERIFY(!view_->metricNames().contains(fds));
        QVERIFY(view_->removeMetric(created));
        app::LiveView forgotten;
        forgotten.setSettingsKey(QStringLiteral("agent-test"));
        QVERIFY(!forgotten.chartTitles().contains(fds));
    }

    // Armed on resident memory above 1 MiB with an hour's cooldown: exactly one capture
    // however many polls follow; below 0 never fires.
    void triggerCapturesOnce() {
        QVERIFY(view_);
        QSignalSpy requested(view_, &app::LiveView::captureRequested);
        capture::ThresholdTrigger above;
        above.threshold = 1;
        above.cooldownSeconds = 3600;
        QVERIFY(!view_->armTrigger(QStringLiteral("no_such_metric"), above, QStringLiteral("cpu")));
        QVERIFY(view_->armTrigger(kRss, above, QStringLiteral("heap")));
        QVERIFY(view_->statusText().contains(QStringLiteral("Trigger: capture heap")));
        QVERIFY(QTest::qWaitFor([&] { return !requested.isEmpty(); }, 5000));
        const int polls = view_->pointCount(kRss);
        QVERIFY(QTest::qWaitFor([&] { return view_->pointCount(kRss) >= polls + 4; }, 10000));
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.front().front().toString(), QStringLiteral("heap"));
        QCOMPARE(view_->triggerCount(), 1);
        QVERIFY(view_->statusText().contains(QStringLiteral("last triggered at")));

        capture::ThresholdTrigger below;
        below.direction = capture::ThresholdTrigger::Direction::Below;
        below.threshold = 0;
        view_->disarmTrigger();
        QVERIFY(!view_->triggerArmed());
        QVERIFY(view_->armTrigger(kRss, below, QStringLiteral("cpu")));
        const int after = view_->pointCount(kRss);
        QVERIFY(QTest::qWaitFor([&] { return view_->pointCount(kRss) >= after + 4; }, 10000));
        QCOMPARE(requested.size(), 1);
        view_->disarmTrigger();
        QVERIFY(!view_->statusText().contains(QStringLiteral("Trigger")));
    }

    void pauseAndResume() {
        QVERIFY(view_);
        view_->setPaused(true);
        QTest::qWait(400);  // a poll already on its way is dropped
        const int before = view_->pointCount(kRss);
        QTest::qWait(1000);
        QCOMPARE(view_->pointCount(kRss), before);
        view_->setPaused(false);
        QVERIFY(QTest::qWaitFor([&] { return view_->pointCount(kRss) >= before + 2; }, 10000));
    }

    void captureButtonsAndMarkers() {
        QVERIFY(view_);
        QSignalSpy requested(view_, &app::LiveView::captureRequested);
        for (QPushButton* b : view_->findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("CPU") || b->text() == QStringLiteral("Heap"))
                b->click();
        QCOMPARE(requested.size(), 2);
        QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("cpu"));
        QCOMPARE(requested.at(1).at(0).toString(), QStringLiteral("heap"));
        // A marker a second before the last point, inside the window: clicking it asks for
        // its capture; clicking elsewhere does not.
        const double last = view_->series(kRss).last().time;
        const auto when = QDateTime::fromMSecsSinceEpoch(qint64((last - 1) * 1000));
        view_->addCaptureMarker(when, QStringLiteral("/tmp/cpu.pb.gz"), QStringLiteral("cpu"), 30);
        QCOMPARE(view_->markerCount(), 1);
        view_->setPaused(true);  // the axes stay where they are while clicking
        view_->show();
        QVERIFY(QTest::qWaitForWindowExposed(view_));
        auto* plot = view_->findChild<QCustomPlot*>();
        QVERIFY(plot);
        plot->replot(QCustomPlot::rpImmediateRefresh);
        const QPoint at = view_->markerPixel(0).toPoint();
        QVERIFY(plot->rect().contains(at));
        QSignalSpy open(view_, &app::LiveView::captureOpenRequested);
        QTest::mouseClick(plot, Qt::LeftButton, {}, at + QPoint(60, 0));
        QCOMPARE(open.size(), 0);
        QTest::mouseClick(plot, Qt::LeftButton, {}, at + QPoint(2, 0));
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.front().front().toString(), QStringLiteral("/tmp/cpu.pb.gz"));
        // Space resumes (and pauses) polling.
        view_->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(view_));
        QTest::keyClick(view_, Qt::Key_Space);
        QVERIFY(!view_->paused());
        QTest::keyClick(view_, Qt::Key_Space);
        QVERIFY(view_->paused());
        view_->setPaused(false);
    }

    void exports() {
        QVERIFY(view_);
        const QString csv = dir_.filePath(QStringLiteral("live.csv"));
        QVERIFY(view_->exportCsv(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QVERIFY(lines.size() >= 6);
        QVERIFY(lines.front().startsWith("time,"));
        QVERIFY(lines.front().contains(kRss.toUtf8()));
        QVERIFY(lines.front().contains("rate(process_cpu_seconds_total)"));
        const int columns = int(lines.front().count(',')) + 1;
        for (const QByteArray& line : lines) QCOMPARE(int(line.count(',')) + 1, columns);

        const QString png = dir_.filePath(QStringLiteral("live.png"));
        QVERIFY(view_->exportPng(png));
        QFile p(png);
        QVERIFY(p.open(QIODevice::ReadOnly));
        QVERIFY(p.read(8).startsWith("\x89PNG"));
        QVERIFY(p.size() > 1000);
        // To look at it: EMBERS_LIVE_PNG=/tmp/live.png.
        if (const QString keep = qEnvironmentVariable("EMBERS_LIVE_PNG"); !keep.isEmpty()) {
            QFile::remove(keep);
            QFile::copy(png, keep);
        }
    }

    // From the Capture panel: "Live" opens a tab charting the target; "Capture heap" there
    // captures from that target, opens the profile and marks the moment on the chart. A
    // source without /metrics falls back to /debug/vars.
    void liveTabFromThePanel() {
        QStandardPaths::setTestModeEnabled(true);
        QTemporaryDir captures;
        qputenv("EMBERS_CAPTURE_DIR", captures.path().toUtf8());
        app::MainWindow w;
        w.show();
        w.targetsPanel()->setConfirmWarnings(false);
        capture::Target node = target_;  // the demo, as a target one can edit and remove
        node.id = capture::newTargetId();
        node.localDemo = false;
        w.targetsPanel()->addTarget(node, token_);
        capture::Target other = node;  // the same node under another name
        other.id = capture::newTargetId();
        other.name = QStringLiteral("other");
        w.targetsPanel()->addTarget(other, token_);
        w.targetsPanel()->selectTarget(node.id);
        w.targetsPanel()->liveSelected();
        auto* live = qobject_cast<app::LiveView*>(w.tabs()->currentWidget());
        QVERIFY(live);
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("Live — ")));
        live->setInterval(200);
        QVERIFY(QTest::qWaitFor([&] { return live->pointCount(kRss) >= 2; }, 15000));
        // Captured from this tab's target alone, whatever the panel has selected.
        w.targetsPanel()->selectTargets({other.id, node.id});
        QSignalSpy captured(w.targetsPanel(), &app::TargetsPanel::captured);
        QSignalSpy aside(w.targetsPanel(), &app::TargetsPanel::capturedAside);
        QSignalSpy saved(w.targetsPanel(), &app::TargetsPanel::captureSaved);
        const int tabsBefore = w.tabs()->count();
        QVERIFY(live->requestCapture(QStringLiteral("heap")));
        QVERIFY(!live->requestCapture(QStringLiteral("cpu")));  // one capture at a time
        auto* cpuButton = live->findChildren<QPushButton*>().at(0);
        for (QPushButton* b : live->findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("CPU")) cpuButton = b;
        QVERIFY(!cpuButton->isEnabled());  // waits for the running capture
        QVERIFY(QTest::qWaitFor([&] { return !aside.isEmpty(); }, 30000));
        QVERIFY(captured.isEmpty());
        QCOMPARE(aside.front().at(1).toBool(), true);  // opened, beside the Live tab
        QCOMPARE(saved.size(), 1);
        QCOMPARE(saved.front().front().toString(), node.id);
        QCOMPARE(live->markerCount(), 1);
        QCOMPARE(w.tabs()->count(), tabsBefore + 1);
        QCOMPARE(w.tabs()->currentWidget(), live);  // the Live tab stays in front
        QVERIFY(cpuButton->isEnabled());
        const QString path = aside.front().front().toString();
        // Reopening a capture from the history is not a new capture: no marker.
        auto* history = w.targetsPanel()->findChildren<QListWidget*>().last();
        QVERIFY(history->count() >= 1);
        emit history->itemActivated(history->item(0));
        QCOMPARE(captured.size(), 1);
        QCOMPARE(live->markerCount(), 1);
        const int tabs = w.tabs()->count();
        // Clicking the marker shows the tab that has the capture open; no new tab.
        w.tabs()->setCurrentWidget(live);
        emit live->captureOpenRequested(path);
        QCOMPARE(w.tabs()->count(), tabs);
        QCOMPARE(w.tabs()->tabToolTip(w.tabs()->currentIndex()), path);
        // "Live" again on the same target shows its tab rather than opening another.
        w.targetsPanel()->selectTarget(node.id);
        w.targetsPanel()->liveSelected();
        QCOMPARE(w.tabs()->count(), tabs);
        QCOMPARE(w.tabs()->currentWidget(), live);

        // The target edited (same address, new name): the points stay, polling goes on.
        const int points = live->pointCount(kRss);
        capture::Target renamed = node;
        renamed.name = QStringLiteral("renamed");
        w.targetsPanel()->addTarget(renamed, token_);
        QCOMPARE(w.tabs()->tabText(w.tabs()->indexOf(live)), QStringLiteral("Live — renamed"));
        QVERIFY(live->pointCount(kRss) >= points);
        QVERIFY(QTest::qWaitFor([&] { return live->pointCount(kRss) > points + 1; }, 10000));
        // Removed (Remove, then Yes): polling stops, and a capture from the tab says why
        // it cannot start rather than taking one from another target.
        QVERIFY(QTest::qWaitFor([&] { return !w.targetsPanel()->capturing(); }, 30000));
        w.targetsPanel()->selectTarget(node.id);
        QTimer yes;
        connect(&yes, &QTimer::timeout, [] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget()))
                box->button(QMessageBox::Yes)->click();
        });
        yes.start(50);
        for (QToolButton* b : w.targetsPanel()->findChildren<QToolButton*>())
            if (b->text() == QStringLiteral("Remove")) b->click();
        yes.stop();
        QVERIFY(!live->polling());
        QVERIFY(live->statusText().contains(QStringLiteral("removed")));
        w.targetsPanel()->selectTarget(other.id);
        QVERIFY(!live->requestCapture(QStringLiteral("heap")));
        QVERIFY(!w.targetsPanel()->capturing());
        QVERIFY2(live->statusText().contains(QStringLiteral("no longer in the Capture panel")),
                 qPrintable(live->statusText()));

        // A wrong path first: the view moves on to the fallback and charts from there.
        app::LiveView fallback;
        QString base = target_.baseUrl.toString();
        while (base.endsWith(QLatin1Char('/'))) base.chop(1);
        fallback.setSource(QUrl(base + QStringLiteral("/no-metrics-here")), token_, {}, false);
        fallback.setFallbackSources({QUrl(base + QStringLiteral("/debug/vars"))});
        fallback.setInterval(200);
        fallback.start();
        QVERIFY(QTest::qWaitFor([&] { return !fallback.metricNames().isEmpty(); }, 15000));
        QCOMPARE(fallback.source().path(), QStringLiteral("/debug/vars"));

        // A wrong token is not a wrong place: the view stays on /metrics and says so.
        app::LiveView refused;
        refused.setSource(QUrl(base + QStringLiteral("/metrics")), QStringLiteral("not-the-token"),
                          {}, false);
        refused.setFallbackSources({QUrl(base + QStringLiteral("/debug/vars"))});
        refused.setInterval(200);
        refused.start();
        QVERIFY(QTest::qWaitFor(
            [&] { return refused.statusText().contains(QStringLiteral("401")); }, 15000));
        QTest::qWait(600);
        QCOMPARE(refused.source().path(), QStringLiteral("/metrics"));
        QVERIFY(!refused.statusText().contains(QStringLiteral("not-the-token")));

        // Nowhere: every place is tried, round and round, and the status names them.
        app::LiveView nowhere;
        nowhere.setSource(QUrl(base + QStringLiteral("/nope-1")), token_, {}, false);
        nowhere.setFallbackSources({QUrl(base + QStringLiteral("/nope-2"))});
        nowhere.setInterval(200);
        nowhere.start();
        QVERIFY2(
            QTest::qWaitFor(
                [&] {
                    return nowhere.statusText().contains(QStringLiteral("tried /nope-1, /nope-2"));
                },
                15000),
            qPrintable(nowhere.statusText()));
        QVERIFY(QTest::qWaitFor(
            [&] { return nowhere.source().path() == QStringLiteral("/nope-1"); }, 5000));
    }

    // A target whose token is in a file: the file is read at every poll, so a token
    // replaced on disk (rotated) is used from the next poll on; a wrong one is reported
    // (without showing it) and the charts resume when the file is right again.
    void tokenFileReadAtEveryPoll() {
        QStandardPaths::setTestModeEnabled(true);
        const QString path = dir_.filePath(QStringLiteral("token"));
        const auto writeToken = [&](const QString& token) {
            QFile f(path);
            return f.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
                   f.write(token.toUtf8()) == token.toUtf8().size();
        };
        QVERIFY(writeToken(token_));
        app::MainWindow w;
        capture::Target node = target_;
        node.id = capture::newTargetId();
        node.localDemo = false;
        node.tokenKind = capture::TokenRef::File;
        node.tokenSource = path;
        w.targetsPanel()->addTarget(node, QString());
        w.targetsPanel()->selectTarget(node.id);
        w.targetsPanel()->liveSelected();
        auto* live = qobject_cast<app::LiveView*>(w.tabs()->currentWidget());
        QVERIFY(live);
        live->setInterval(200);
        QVERIFY(QTest::qWaitFor([&] { return live->pointCount(kRss) >= 2; }, 15000));
        const QString rotated = QStringLiteral("rotated-but-wrong-token");
        QVERIFY(writeToken(rotated));
        QVERIFY2(QTest::qWaitFor([&] { return live->statusText().contains(QStringLiteral("401")); },
                                 10000),
                 qPrintable(live->statusText()));
        QVERIFY(!live->statusText().contains(rotated));
        QVERIFY(writeToken(token_));
        QVERIFY(QTest::qWaitFor(
            [&] { return live->statusText().startsWith(QStringLiteral("Watching")); }, 10000));
        QVERIFY(!live->series(kRss).last().isGap());
    }

    void nodeGoesAway() {
        QVERIFY(view_);
        demo_->stop();
        QVERIFY2(QTest::qWaitFor(
                     [&] { return view_->statusText().contains(QStringLiteral("not answering")); },
                     20000),
                 qPrintable(view_->statusText()));
        QVERIFY(QTest::qWaitFor([&] { return view_->series(kRss).last().isGap(); }, 5000));
        const int before = view_->pointCount(kRss);
        QVERIFY(QTest::qWaitFor([&] { return view_->pointCount(kRss) > before; }, 5000));
        QVERIFY(view_->series(kRss).last().isGap());
        QVERIFY(view_->statusText().contains(QStringLiteral("retrying")));
        QVERIFY(!statuses_->isEmpty());
        for (const QList<QVariant>& s : *statuses_) QVERIFY(!s.front().toString().contains(token_));
        QVERIFY(!view_->statusText().contains(token_));
        view_->stop();
        QVERIFY(!view_->polling());
    }
};

QTEST_MAIN(TstLiveView)
#include "tst_live_view.moc"
