// `embers watch` against the real Go server (tests/goserver) on loopback:
// JSON lines from /metrics and /debug/vars, the node URL finding /metrics,
// the text summary, a refused token, and a server that is gone (an error
// line per poll, exit 4). No token in any output.
//
// Environment:
//   EMBERS_BIN   the embers executable (set by ctest)

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

#include "go_server.h"

#ifndef EMBERS_GOSERVER_SOURCE_DIR
#error "EMBERS_GOSERVER_SOURCE_DIR must point to tests/goserver"
#endif
#ifndef EMBERS_WATCH_WORK_DIR
#error "EMBERS_WATCH_WORK_DIR must point to a writable directory for the Go build"
#endif

namespace {

constexpr int kStartTimeoutMs = 20'000;
constexpr int kEmbersTimeoutMs = 30'000;

using embers::testing::cleanEnvironment;
using embers::testing::readFile;
using embers::testing::Run;
using Server = embers::testing::GoServer;

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

class WatchLiveTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void prometheusJson();
    void expvarJson();
    void nodeUrlFindsMetrics();
    void textSummary();
    void refusedToken();
    void notMetrics();
    void stoppedServer();
    void gapAndResume();
    void noTokenInAnyOutput();

private:
    bool buildServer(QString* error);
    bool startServer(Server* s, const QString& name, QString* error, const QStringList& extra = {});
    QString mint(const QStringList& args);
    Run watch(const QStringList& args);
    bool leaks(const Run& r) const;
    // The JSON lines of a run, parsed; fails the test on anything else.
    QList<QJsonObject> jsonLines(const Run& r);

    QString m_embers;
    QString m_go;
    QString m_server;  // the built goserver
    std::unique_ptr<QTemporaryDir> m_tmp;
    Server m_a;
    QString m_admin, m_viewer;
    QList<Run> m_runs;
};

bool WatchLiveTest::buildServer(QString* error) {
    m_server = embers::testing::buildGoServer(m_go, QStringLiteral(EMBERS_GOSERVER_SOURCE_DIR),
                                              QStringLiteral(EMBERS_WATCH_WORK_DIR), error);
    return !m_server.isEmpty();
}

bool WatchLiveTest::startServer(Server* s, const QString& name, QString* error,
                                const QStringList& extra) {
    return embers::testing::startGoServer(m_server, m_tmp->path(), name, extra, s, error);
}

QString WatchLiveTest::mint(const QStringList& args) {
    return embers::testing::mintToken(m_server, args);
}

Run WatchLiveTest::watch(const QStringList& args) {
    const Run r = embers::testing::runEmbers(m_embers, QStringLiteral("watch"), args, {},
                                             {m_admin, m_viewer}, kEmbersTimeoutMs);
    m_runs << r;
    return r;
}

bool WatchLiveTest::leaks(const Run& r) const {
    return r.leaks({m_admin, m_viewer});
}

QList<QJsonObject> WatchLiveTest::jsonLines(const Run& r) {
    QList<QJsonObject> out;
    for (const QString& line : r.outLines()) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            qWarning("not a JSON object: %s (%s)", qPrintable(line),
                     qPrintable(error.errorString()));
            return {};
        }
        out << doc.object();
    }
    return out;
}

#define VERIFY_RUN(run, expectedExit)                                                       \
    do {                                                                                    \
        QVERIFY2((run).failure.isEmpty(), qPrintable((run).describe()));                    \
        QVERIFY2((run).exitCode == (expectedExit), qPrintable((run).describe()));           \
        QVERIFY2(!leaks(run),                                                               \
                 qPrintable(QStringLiteral("token in the output of ") + (run).describe())); \
    } while (false)

void WatchLiveTest::initTestCase() {
    m_go = QStandardPaths::findExecutable(QStringLiteral("go"));
    if (m_go.isEmpty())
        QSKIP(
            "`go` is not on PATH, so the Go server cannot be built: install golang-go "
            "(installer/ does) to run the live watch test.");
    m_embers = qEnvironmentVariable("EMBERS_BIN");
    QVERIFY2(!m_embers.isEmpty(),
             "EMBERS_BIN is not set: run this test through ctest, or set EMBERS_BIN to the "
             "embers executable.");
    QVERIFY2(QFileInfo(m_embers).isExecutable(), qPrintable(m_embers));
    m_tmp =
        std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/embers-watch-XXXXXX"));
    QVERIFY2(m_tmp->isValid(), qPrintable(m_tmp->errorString()));

    QString error;
    QVERIFY2(buildServer(&error), qPrintable(error));
    QVERIFY2(startServer(&m_a, QStringLiteral("a"), &error), qPrintable(error));
    m_admin = mint({QStringLiteral("-sub"), QStringLiteral("alice")});
    m_viewer = mint({QStringLiteral("-roles"), QStringLiteral("viewer")});
    QVERIFY(!m_admin.isEmpty() && !m_viewer.isEmpty());
}

void WatchLiveTest::cleanupTestCase() {
    stop(&m_a);
}

void WatchLiveTest::prometheusJson() {
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const Run r = watch({m_a.url + QStringLiteral("/metrics"), QStringLiteral("--count"),
                         QStringLiteral("3"), QStringLiteral("--interval"), QStringLiteral("1"),
                         QStringLiteral("--format"), QStringLiteral("json"),
                         QStringLiteral("--token"), m_admin, QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(r, 0);
    QVERIFY2(r.err.contains(QStringLiteral("watching %1/metrics (Prometheus text)").arg(m_a.url)),
             qPrintable(r.describe()));
    const QList<QJsonObject> lines = jsonLines(r);
    QVERIFY2(lines.size() == 3, qPrintable(r.describe()));
    double previousTime = 0;
    for (const QJsonObject& o : lines) {
        QCOMPARE(o.keys(), (QStringList{QStringLiteral("time"), QStringLiteral("values")}));
        const double t = o.value(QStringLiteral("time")).toDouble();
        QVERIFY2(t >= double(before) && t <= double(QDateTime::currentSecsSinceEpoch()) + 1,
                 qPrintable(QString::number(t, 'f', 3)));
        if (previousTime > 0) QVERIFY2(t - previousTime > 0.5, qPrintable(r.describe()));
        previousTime = t;
        const QJsonObject v = o.value(QStringLiteral("values")).toObject();
        QVERIFY(v.value(QStringLiteral("go_goroutines")).toDouble() >= 20);
        QVERIFY(v.value(QStringLiteral("go_memstats_heap_alloc_bytes")).toDouble() > 0);
        QVERIFY(v.value(QStringLiteral("process_cpu_seconds_total")).isDouble());
        QVERIFY(v.value(QStringLiteral("go_gc_duration_seconds{quantile=\"0.5\"}")).isDouble());
        QVERIFY(v.value(QStringLiteral("go_gc_duration_seconds_count")).isDouble());
    }
    // A counter only grows.
    const auto cpu = [&](int i) {
        return lines[i]
            .value(QStringLiteral("values"))
            .toObject()
            .value(QStringLiteral("process_cpu_seconds_total"))
            .toDouble();
    };
    QVERIFY(cpu(2) >= cpu(0));
}

void WatchLiveTest::expvarJson() {
    const Run r =
        watch({m_a.url + QStringLiteral("/debug/vars"), QStringLiteral("--count"),
               QStringLiteral("3"), QStringLiteral("--interval"), QStringLiteral("1"),
               QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--token-env"),
               QStringLiteral("WATCH_TEST_TOKEN"), QStringLiteral("--cacert"), m_a.ca});
    // --token-env needs the variable: run again with it set.
    QCOMPARE(r.exitCode, 1);
    QProcess p;
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("WATCH_TEST_TOKEN"), m_admin);
    p.setProcessEnvironment(env);
    const QStringList args{QStringLiteral("watch"),       m_a.url + QStringLiteral("/debug/vars"),
                           QStringLiteral("--count"),     QStringLiteral("3"),
                           QStringLiteral("--interval"),  QStringLiteral("1"),
                           QStringLiteral("--format"),    QStringLiteral("json"),
                           QStringLiteral("--token-env"), QStringLiteral("WATCH_TEST_TOKEN"),
                           QStringLiteral("--cacert"),    m_a.ca};
    p.start(m_embers, args);
    QVERIFY(p.waitForFinished(kEmbersTimeoutMs));
    Run e;
    e.args = args.mid(1);
    e.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    e.out = QString::fromUtf8(p.readAllStandardOutput());
    e.err = QString::fromUtf8(p.readAllStandardError());
    m_runs << e;
    VERIFY_RUN(e, 0);
    QVERIFY2(e.err.contains(QLatin1String("(expvar JSON)")), qPrintable(e.describe()));
    const QList<QJsonObject> lines = jsonLines(e);
    QVERIFY2(lines.size() == 3, qPrintable(e.describe()));
    for (const QJsonObject& o : lines) {
        const QJsonObject v = o.value(QStringLiteral("values")).toObject();
        QVERIFY2(v.value(QStringLiteral("memstats.HeapAlloc")).toDouble() > 0,
                 qPrintable(e.describe()));
        QVERIFY(v.value(QStringLiteral("memstats.NumGC")).isDouble());
        QVERIFY(v.value(QStringLiteral("memstats.TotalAlloc")).isDouble());
        QVERIFY(!v.contains(QStringLiteral("memstats.PauseNs")));
        QVERIFY(!v.contains(QStringLiteral("cmdline")));
        QVERIFY(!v.contains(QStringLiteral("memstats")));
    }
}

void WatchLiveTest::nodeUrlFindsMetrics() {
    const Run r =
        watch({m_a.url, QStringLiteral("--count"), QStringLiteral("1"), QStringLiteral("--format"),
               QStringLiteral("json"), QStringLiteral("--token"),
               QStringLiteral("Bearer ") + m_admin, QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(r, 0);
    QVERIFY2(r.err.contains(QStringLiteral("watching %1/metrics (Prometheus text)").arg(m_a.url)),
             qPrintable(r.describe()));
    QCOMPARE(jsonLines(r).size(), 1);

    // The pprof URL one captures from: the metrics beside it are found.
    const Run pprof = watch({m_a.url + QStringLiteral("/debug/pprof/"), QStringLiteral("--count"),
                             QStringLiteral("1"), QStringLiteral("--token"), m_admin,
                             QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(pprof, 0);
    QVERIFY2(pprof.err.contains(QStringLiteral("watching %1/metrics").arg(m_a.url)),
             qPrintable(pprof.describe()));
}

void WatchLiveTest::textSummary() {
    const Run r = watch({m_a.url + QStringLiteral("/metrics"), QStringLiteral("--count"),
                         QStringLiteral("2"), QStringLiteral("--interval"), QStringLiteral("0.5"),
                         QStringLiteral("--token"), m_admin, QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(r, 0);
    const QStringList lines = r.outLines();
    QVERIFY2(lines.size() == 2, qPrintable(r.describe()));
    for (const QString& line : lines) {
        for (const char* part :
             {"heap ", "(next GC ", "goroutines ", "threads ", "gc ", "rss ", "18 metrics"})
            QVERIFY2(line.contains(QLatin1String(part)), qPrintable(line));
    }
    // The CPU rate needs two readings.
    QVERIFY2(!lines[0].contains(QLatin1String("cpu ")), qPrintable(lines[0]));
    QVERIFY2(lines[1].contains(QLatin1String(" cores")), qPrintable(lines[1]));
}

void WatchLiveTest::refusedToken() {
    const Run r = watch({m_a.url, QStringLiteral("--count"), QStringLiteral("2"),
                         QStringLiteral("--interval"), QStringLiteral("0.2"),
                         QStringLiteral("--token"), m_viewer, QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(r, 3);
    QVERIFY2(r.out.isEmpty(), qPrintable(r.describe()));
    const QStringList errors = r.errLines();
    QVERIFY2(errors.size() == 2, qPrintable(r.describe()));
    for (const QString& e : errors)
        QVERIFY2(e.startsWith(QStringLiteral("embers: watch %1/metrics: 403").arg(m_a.url)),
                 qPrintable(e));
}

void WatchLiveTest::notMetrics() {
    const Run html = watch({m_a.url + QStringLiteral("/login.html"), QStringLiteral("--count"),
                            QStringLiteral("1"), QStringLiteral("--token"), m_admin,
                            QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(html, 2);
    QVERIFY2(html.err.contains(QLatin1String("neither Prometheus text nor expvar JSON (content "
                                             "type text/html)")),
             qPrintable(html.describe()));
    // A path that is neither metrics nor a node under a prefix: all three tries are named.
    const Run none =
        watch({m_a.url + QStringLiteral("/nothing"), QStringLiteral("--count"), QStringLiteral("1"),
               QStringLiteral("--token"), m_admin, QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(none, 2);
    QVERIFY2(none.err.contains(QLatin1String(
                 "no metrics at /nothing (404 not found), /nothing/metrics (404 not found), "
                 "/nothing/debug/vars (404 not found): check the URL")),
             qPrintable(none.describe()));
}

void WatchLiveTest::stoppedServer() {
    Server gone;
    QString error;
    QVERIFY2(startServer(&gone, QStringLiteral("gone"), &error), qPrintable(error));
    const QString url = gone.url;
    stop(&gone);
    const Run r =
        watch({url, QStringLiteral("--count"), QStringLiteral("3"), QStringLiteral("--interval"),
               QStringLiteral("1"), QStringLiteral("--format"), QStringLiteral("json"),
               QStringLiteral("--token"), m_admin, QStringLiteral("--cacert"), gone.ca});
    VERIFY_RUN(r, 4);
    QVERIFY2(r.out.isEmpty(), qPrintable(r.describe()));
    const QStringList errors = r.errLines();
    QVERIFY2(errors.size() == 3, qPrintable(r.describe()));
    for (const QString& e : errors)
        QVERIFY2(e.startsWith(QStringLiteral("embers: watch %1/metrics: ").arg(url)),
                 qPrintable(e));
}

void WatchLiveTest::gapAndResume() {
    Server s;
    QString error;
    QVERIFY2(startServer(&s, QStringLiteral("r"), &error), qPrintable(error));
    const int port = QUrl(s.url).port();
    QVERIFY(port > 0);
    Run r;
    r.args = QStringList{s.url,
                         QStringLiteral("--count"),
                         QStringLiteral("10"),
                         QStringLiteral("--interval"),
                         QStringLiteral("0.5"),
                         QStringLiteral("--format"),
                         QStringLiteral("json"),
                         QStringLiteral("--token"),
                         m_admin,
                         QStringLiteral("--cacert"),
                         s.ca};
    QProcess p;
    p.setProcessEnvironment(cleanEnvironment());
    p.start(m_embers, QStringList{QStringLiteral("watch")} + r.args);
    r.args.replace(r.args.indexOf(m_admin), QStringLiteral("[token]"));
    QVERIFY(p.waitForStarted(kStartTimeoutMs));
    const QDeadlineTimer firstLine(10'000);
    while (!p.canReadLine() && !firstLine.hasExpired()) p.waitForReadyRead(100);
    QVERIFY2(p.canReadLine(), "no first poll within 10 s");
    // The node goes away for a while, then comes back on the same port (with a new CA, which
    // is read again for every poll).
    stop(&s);
    QTest::qWait(1200);
    QVERIFY2(startServer(&s, QStringLiteral("r"), &error,
                         {QStringLiteral("-addr"), QStringLiteral("127.0.0.1:%1").arg(port)}),
             qPrintable(error));
    const bool finished = p.waitForFinished(kEmbersTimeoutMs);
    if (!finished) p.kill();
    p.waitForFinished(5000);
    stop(&s);
    QVERIFY(finished);
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    m_runs << r;
    VERIFY_RUN(r, 0);
    const QList<QJsonObject> lines = jsonLines(r);
    QStringList errors = r.errLines().filter(QStringLiteral("embers: watch "));
    QVERIFY2(lines.size() >= 2 && !errors.isEmpty() && lines.size() + errors.size() == 10,
             qPrintable(r.describe()));
    for (const QString& e : errors)
        QVERIFY2(e.contains(QLatin1String("connection refused")), qPrintable(e));
    // Polling resumed: the last poll has values again.
    QVERIFY(lines.last()
                .value(QStringLiteral("values"))
                .toObject()
                .value(QStringLiteral("go_goroutines"))
                .toDouble() > 0);
}

void WatchLiveTest::noTokenInAnyOutput() {
    QVERIFY(m_runs.size() >= 6);
    for (const Run& r : m_runs)
        QVERIFY2(!leaks(r), qPrintable(QStringLiteral("token in the output of ") + r.describe()));
}

QTEST_GUILESS_MAIN(WatchLiveTest)
#include "tst_watch_live.moc"
