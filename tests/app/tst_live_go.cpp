// The Live view against the real Go server (tests/goserver: net/http/pprof, /metrics and
// expvar behind a JWT middleware over HTTPS on loopback): every default chart fills from
// /metrics (heap with the next GC target, allocation rate, goroutines and threads, GC
// cycles and pause time, CPU, resident memory); expvar feeds the runtime charts; when the
// server stops the charts keep a gap and the status says so, and when it comes back on
// the same port polling resumes by itself. A target whose token comes from OAuth2 is charted
// from the Capture panel with a token asked for at each poll. Skips without `go`.
#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <memory>

#include "client/targets.h"
#include "go_server.h"
#include "live_view.h"
#include "main_window.h"
#include "targets_panel.h"

#ifndef EMBERS_GOSERVER_SOURCE_DIR
#error "EMBERS_GOSERVER_SOURCE_DIR must point to tests/goserver"
#endif
#ifndef EMBERS_LIVE_GO_WORK_DIR
#error "EMBERS_LIVE_GO_WORK_DIR must point to a writable directory for the Go build"
#endif

using namespace embers;
using Server = embers::testing::GoServer;

namespace {

void stop(Server* s) {
    if (!s->process) return;
    s->process->closeWriteChannel();  // -exit-on-stdin-eof
    if (!s->process->waitForFinished(5000)) {
        s->process->kill();
        s->process->waitForFinished(5000);
    }
    s->process.reset();
}

}  // namespace

class TstLiveGo : public QObject {
    Q_OBJECT
    QString binary_;
    std::unique_ptr<QTemporaryDir> tmp_;
    Server server_;
    QString token_;

    bool start(const QStringList& extra, QString* error) {
        return embers::testing::startGoServer(binary_, tmp_->path(), QStringLiteral("live"), extra,
                                              &server_, error);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        const QString go = QStandardPaths::findExecutable(QStringLiteral("go"));
        if (go.isEmpty())
            QSKIP("`go` is not on PATH: install golang-go (installer/ does) to run this test.");
        tmp_ = std::make_unique<QTemporaryDir>(QDir::tempPath() +
                                               QStringLiteral("/embers-live-go-XXXXXX"));
        QVERIFY(tmp_->isValid());
        QString error;
        binary_ = embers::testing::buildGoServer(go, QStringLiteral(EMBERS_GOSERVER_SOURCE_DIR),
                                                 QStringLiteral(EMBERS_LIVE_GO_WORK_DIR), &error);
        QVERIFY2(!binary_.isEmpty(), qPrintable(error));
        QVERIFY2(start({}, &error), qPrintable(error));
        token_ =
            embers::testing::mintToken(binary_, {QStringLiteral("-sub"), QStringLiteral("alice")});
        QVERIFY(!token_.isEmpty());
    }

    void cleanupTestCase() { stop(&server_); }

    void everyChartFromPrometheus() {
        app::LiveView view;
        view.resize(1200, 800);
        view.setSource(QUrl(server_.url + QStringLiteral("/metrics")), token_, server_.ca, false);
        view.setInterval(250);
        view.start();
        const QString goroutines = QStringLiteral("go_goroutines");
        const QString gcCount = QStringLiteral("go_gc_duration_seconds_count");
        QVERIFY2(QTest::qWaitFor([&] { return view.pointCount(goroutines) >= 4; }, 20000),
                 qPrintable(view.statusText()));
        QCOMPARE(view.chartTitles(),
                 (QStringList{QStringLiteral("heap"), QStringLiteral("allocation rate"),
                              QStringLiteral("goroutines and threads"),
                              QStringLiteral("garbage collection"), QStringLiteral("CPU usage"),
                              QStringLiteral("resident memory")}));
        for (const char* name :
             {"go_memstats_heap_inuse_bytes", "go_memstats_heap_alloc_bytes",
              "go_memstats_next_gc_bytes", "go_memstats_alloc_bytes_total", "go_goroutines",
              "go_threads", "go_gc_duration_seconds_count", "go_gc_duration_seconds_sum",
              "process_cpu_seconds_total", "process_resident_memory_bytes"}) {
            const bool inUseAlternative =
                QLatin1String(name) == QLatin1String("go_memstats_heap_inuse_bytes");
            if (inUseAlternative) continue;  // the server exposes heap_alloc, not heap_inuse
            QVERIFY2(view.metricNames().contains(QLatin1String(name)), name);
        }
        // The shown values are the source's, scaled: the next GC target in MiB, GC cycles as
        // a rate per minute (never negative), goroutines as counted.
        const double nextGc = view.series(QStringLiteral("go_memstats_next_gc_bytes")).last().value;
        QVERIFY(nextGc > 0);
        QVERIFY(std::abs(*view.lastShown(QStringLiteral("go_memstats_next_gc_bytes")) -
                         nextGc / 1048576.0) < 1e-9);
        QVERIFY(QTest::qWaitFor([&] { return view.lastShown(gcCount).has_value(); }, 5000));
        QVERIFY(*view.lastShown(gcCount) >= 0);
        QCOMPARE(*view.lastShown(goroutines), view.series(goroutines).last().value);
        // To look at it: EMBERS_LIVE_GO_PNG=/tmp/live-go.png.
        if (const QString keep = qEnvironmentVariable("EMBERS_LIVE_GO_PNG"); !keep.isEmpty())
            QVERIFY(view.exportPng(keep));
    }

    void expvarFeedsTheRuntimeCharts() {
        app::LiveView view;
        view.setSource(QUrl(server_.url + QStringLiteral("/debug/vars")), token_, server_.ca,
                       false);
        view.setInterval(250);
        view.start();
        QVERIFY2(QTest::qWaitFor(
                     [&] { return view.pointCount(QStringLiteral("memstats.NumGC")) >= 2; }, 20000),
                 qPrintable(view.statusText()));
        QVERIFY(view.statusText().contains(QStringLiteral("expvar")));
        const QStringList titles = view.chartTitles();
        QVERIFY(titles.contains(QStringLiteral("heap")));
        QVERIFY(titles.contains(QStringLiteral("allocation rate")));
        QVERIFY(titles.contains(QStringLiteral("garbage collection")));
        QVERIFY(!titles.contains(QStringLiteral("CPU usage")));  // expvar has no CPU time
        QVERIFY(view.metricNames().contains(QStringLiteral("memstats.NextGC")));
        QVERIFY(view.metricNames().contains(QStringLiteral("memstats.PauseTotalNs")));
    }

    // The token provider is asked at every poll; when it fails, the poll is a gap with its
    // one-line reason, and the next good token resumes.
    void tokenProviderAtEveryPoll() {
        app::LiveView view;
        view.setSource(QUrl(server_.url + QStringLiteral("/metrics")), QString(), server_.ca,
                       false);
        std::atomic<int> asked{0};
        std::atomic<bool> failing{false};
        const QString token = token_;
        view.setTokenProvider([&asked, &failing, token](QString* error) {
            ++asked;
            if (failing) *error = QStringLiteral("the token endpoint said invalid_client");
            return failing ? QString() : token;
        });
        view.setInterval(200);
        view.start();
        const QString rss = QStringLiteral("process_resident_memory_bytes");
        QVERIFY2(QTest::qWaitFor([&] { return view.pointCount(rss) >= 3; }, 20000),
                 qPrintable(view.statusText()));
        QVERIFY(asked >= 3);
        failing = true;
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return view.statusText().contains(QStringLiteral("invalid_client")); }, 5000),
            qPrintable(view.statusText()));
        QVERIFY(view.series(rss).last().isGap());
        failing = false;
        QVERIFY(QTest::qWaitFor([&] { return !view.series(rss).last().isGap(); }, 5000));
        view.stop();
    }

    // From the panel: a target whose token comes from the node's OAuth2 endpoint (client
    // credentials) opens Live charts that fill, without a token fetched on the GUI thread.
    void oauth2TargetFromThePanel() {
        Server oauth;
        QString error;
        QVERIFY2(embers::testing::startGoServer(
                     binary_, tmp_->path(), QStringLiteral("oauth"),
                     {QStringLiteral("-oauth-client"), QStringLiteral("live-client:live-secret")},
                     &oauth, &error),
                 qPrintable(error));
        QSettings().setValue(QStringLiteral("capture/localDemo"), false);
        {
            app::MainWindow w;
            capture::Target t;
            t.id = QStringLiteral("oauth-live");
            t.name = QStringLiteral("OAuth node");
            t.baseUrl = QUrl(oauth.url);
            t.caFile = oauth.ca;
            t.oauthTokenUrl = oauth.url + QStringLiteral("/oauth/token");
            t.oauthClientId = QStringLiteral("live-client");
            w.targetsPanel()->addTarget(t, QString(), QStringLiteral("live-secret"));
            w.targetsPanel()->selectTarget(t.id);
            w.targetsPanel()->liveSelected();
            auto* live = qobject_cast<app::LiveView*>(w.tabs()->currentWidget());
            QVERIFY(live);
            live->setInterval(200);
            QVERIFY2(
                QTest::qWaitFor(
                    [&] { return live->pointCount(QStringLiteral("go_goroutines")) >= 2; }, 20000),
                qPrintable(live->statusText()));
            QVERIFY(!live->statusText().contains(QStringLiteral("live-secret")));
        }
        stop(&oauth);
    }

    // The server stops: gaps and a status line; it comes back on the same port (same
    // certificate folder, so the CA file is where it was): polling resumes by itself.
    void gapAndResume() {
        app::LiveView view;
        view.setSource(QUrl(server_.url + QStringLiteral("/metrics")), token_, server_.ca, false);
        view.setInterval(200);
        view.start();
        const QString rss = QStringLiteral("process_resident_memory_bytes");
        QVERIFY(QTest::qWaitFor([&] { return view.pointCount(rss) >= 2; }, 20000));
        const int port = QUrl(server_.url).port();
        stop(&server_);
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return view.statusText().contains(QStringLiteral("not answering")); }, 10000),
            qPrintable(view.statusText()));
        QVERIFY(view.series(rss).last().isGap());
        QString error;
        QVERIFY2(start({QStringLiteral("-addr"), QStringLiteral("127.0.0.1:%1").arg(port)}, &error),
                 qPrintable(error));
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return view.statusText().startsWith(QStringLiteral("Watching")) &&
                                !view.series(rss).last().isGap();
                     },
                     15000),
                 qPrintable(view.statusText()));
        int gaps = 0;
        const capture::MetricSeries s = view.series(rss);
        for (qsizetype i = 0; i < s.size(); ++i) gaps += s.at(i).isGap() ? 1 : 0;
        QVERIFY(gaps >= 1);
        QVERIFY(!view.statusText().contains(token_));
    }
};

QTEST_MAIN(TstLiveGo)
#include "tst_live_go.moc"
