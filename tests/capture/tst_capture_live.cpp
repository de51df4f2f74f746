// `embers capture` against a real Go pprof server on loopback.
//
// initTestCase builds tests/goserver (net/http/pprof behind a bearer-token
// middleware, HTTPS with a throw-away CA), starts two of them (one under
// /debug/pprof with the auth echo listener, one under /__/debug/pprof only),
// mints tokens with `goserver -mint`, and every test then runs the real
// `embers` binary the way a user would, or calls fetchUrl directly for what
// the command line cannot show (redirects, cancel, HTTP/2).
//
// Environment:
//   EMBERS_BIN   the embers executable (set by ctest)

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

#include "client/capture_job.h"
#include "client/http_fetch.h"
#include "client/oauth2.h"
#include "client/pprof_index.h"
#include "core/decode.h"
#include "core/profile.h"
#include "go_server.h"

#ifndef EMBERS_GOSERVER_SOURCE_DIR
#error "EMBERS_GOSERVER_SOURCE_DIR must point to tests/goserver"
#endif
#ifndef EMBERS_CAPTURE_WORK_DIR
#error "EMBERS_CAPTURE_WORK_DIR must point to a writable directory for the Go build"
#endif

using namespace embers::capture;
using namespace std::chrono_literals;

namespace {

constexpr int kEmbersTimeoutMs = 30'000;

using embers::testing::cleanEnvironment;
using embers::testing::readFile;
using embers::testing::Run;
using Server = embers::testing::GoServer;

// "name/unit, name/unit" of a profile's sample types.
QString sampleTypes(const embers::core::Profile& p) {
    QStringList types;
    for (size_t i = 0; i < p.valueCount(); ++i)
        types << QString::fromStdString(p.sampleTypeName(i) + "/" + p.sampleUnit(i));
    return types.join(QLatin1String(", "));
}

// A TCP listener on 127.0.0.1 that never accepts: the kernel completes the
// connections from the backlog, and nobody answers.
class SilentListener {
public:
    SilentListener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) return;
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 16) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            return;
        port_ = ntohs(addr.sin_port);
    }
    ~SilentListener() { close(); }
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;

    quint16 port() const { return port_; }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
    quint16 port_ = 0;
};

}  // namespace

const QString kOAuthClient = QStringLiteral("embers-cli");
const QString kOAuthSecret = QStringLiteral("client-secret-7f3a9c");
const QString kOAuthUser = QStringLiteral("ops");
const QString kOAuthPassword = QStringLiteral("pass-word-51d2e8");

class CaptureLiveTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void profiles_data();
    void profiles();
    void goroutineText();
    void flightRecorder();
    void threeServersAtOnce();
    void capturesFolder();
    void prefixDiscovery();
    void prefixDiscoveryWithoutToken();
    void expiredToken();
    void viewerToken();
    void missingToken();
    void wrongPrefix();
    void caFile();
    void noCaFile();
    void insecure();
    void htmlAnswer();
    void stalledEndpoint();
    void connectionRefused();
    void tokenFromCurlFile();
    void tokenFromHar();
    void tokenFileAndEnv();
    void mutualTls();
    void oauth2ClientCredentials();
    void oauth2PasswordGrant();
    void oauth2WrongSecret();
    void oauth2SessionRenews();
    void oauth2TokenProviderInAJob();

    void fetchSameHostRedirectKeepsToken();
    void fetchOtherHostRedirectDropsToken();
    void fetchStalledBody();
    void fetchHttp2();
    void fetchBodyCap();
    void fetchCancel();

    void noTokenInAnyOutput();

private:
    bool buildServer(QString* error);
    bool startServer(Server* s, const QString& name, const QStringList& extra, QString* error);
    QString mint(const QStringList& args);
    Run embers(const QStringList& args, const QProcessEnvironment& extraEnv = {});
    bool leaks(const Run& r) const;
    QString out(const QString& name) const { return m_tmp->filePath(name); }
    QStringList tokens() const {
        return {m_admin, m_expired, m_viewer, kOAuthSecret, kOAuthPassword};
    }
    Run oauthCapture(const QStringList& extra, const QString& secret);

    QString m_embers;
    QString m_go;
    QString m_server;  // the built goserver
    std::unique_ptr<QTemporaryDir> m_tmp;
    Server m_a;  // /debug/pprof, echo listener
    Server m_b;  // /__/debug/pprof only
    Server m_c;  // requires client certificates
    QString m_admin, m_expired, m_viewer;
    QList<Run> m_runs;
};

bool CaptureLiveTest::buildServer(QString* error) {
    m_server = embers::testing::buildGoServer(m_go, QStringLiteral(EMBERS_GOSERVER_SOURCE_DIR),
                                              QStringLiteral(EMBERS_CAPTURE_WORK_DIR), error);
    return !m_server.isEmpty();
}

bool CaptureLiveTest::startServer(Server* s, const QString& name, const QStringList& extra,
                                  QString* error) {
    return embers::testing::startGoServer(m_server, m_tmp->path(), name, extra, s, error);
}

QString CaptureLiveTest::mint(const QStringList& args) {
    return embers::testing::mintToken(m_server, args);
}

Run CaptureLiveTest::embers(const QStringList& args, const QProcessEnvironment& extraEnv) {
    QProcessEnvironment env = extraEnv;
    if (!env.contains(QStringLiteral("EMBERS_CAPTURE_DIR")))
        env.insert(QStringLiteral("EMBERS_CAPTURE_DIR"), out(QStringLiteral("captures")));
    const Run r = embers::testing::runEmbers(m_embers, QStringLiteral("capture"), args, env,
                                             tokens(), kEmbersTimeoutMs);
    m_runs << r;
    return r;
}

bool CaptureLiveTest::leaks(const Run& r) const {
    return r.leaks(tokens());
}

#define VERIFY_RUN(run, expectedExit)                                                       \
    do {                                                                                    \
        QVERIFY2((run).failure.isEmpty(), qPrintable((run).describe()));                    \
        QVERIFY2((run).exitCode == (expectedExit), qPrintable((run).describe()));           \
        QVERIFY2(!leaks(run),                                                               \
                 qPrintable(QStringLiteral("token in the output of ") + (run).describe())); \
    } while (false)

void CaptureLiveTest::initTestCase() {
    m_go = QStandardPaths::findExecutable(QStringLiteral("go"));
    if (m_go.isEmpty())
        QSKIP(
            "`go` is not on PATH, so the Go server cannot be built: install golang-go "
            "(installer/ does) to run the live capture test.");
    m_embers = qEnvironmentVariable("EMBERS_BIN");
    QVERIFY2(!m_embers.isEmpty(),
             "EMBERS_BIN is not set: run this test through ctest, or set EMBERS_BIN to the "
             "embers executable.");
    QVERIFY2(QFileInfo(m_embers).isExecutable(), qPrintable(m_embers));

    m_tmp = std::make_unique<QTemporaryDir>(QDir::tempPath() +
                                            QStringLiteral("/embers-capture-XXXXXX"));
    QVERIFY2(m_tmp->isValid(), qPrintable(m_tmp->errorString()));

    QString error;
    QVERIFY2(buildServer(&error), qPrintable(error));
    QVERIFY2(startServer(&m_a, QStringLiteral("a"),
                         {QStringLiteral("-echo-addr"), QStringLiteral("127.0.0.1:0")}, &error),
             qPrintable(error));
    QVERIFY2(startServer(&m_b, QStringLiteral("b"),
                         {QStringLiteral("-prefix"), QStringLiteral("/__/debug/pprof"),
                          QStringLiteral("-oauth-client"), kOAuthClient + u':' + kOAuthSecret,
                          QStringLiteral("-oauth-user"), kOAuthUser + u':' + kOAuthPassword},
                         &error),
             qPrintable(error));
    QVERIFY2(startServer(&m_c, QStringLiteral("c"), {QStringLiteral("-mtls")}, &error),
             qPrintable(error));

    m_admin = mint({QStringLiteral("-sub"), QStringLiteral("alice")});
    m_expired = mint({QStringLiteral("-exp"), QStringLiteral("-600")});
    m_viewer = mint({QStringLiteral("-roles"), QStringLiteral("viewer")});
    QVERIFY(!m_admin.isEmpty() && !m_expired.isEmpty() && !m_viewer.isEmpty());
    QVERIFY(m_admin != m_expired && m_admin != m_viewer);
}

void CaptureLiveTest::cleanupTestCase() {
    for (Server* s : {&m_a, &m_b, &m_c}) {
        if (!s->process) continue;
        s->process->closeWriteChannel();  // -exit-on-stdin-eof
        if (!s->process->waitForFinished(5000)) {
            s->process->kill();
            s->process->waitForFinished(5000);
        }
    }
}

void CaptureLiveTest::profiles_data() {
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("types");  // empty: an execution trace
    const QString mem = QStringLiteral(
        "alloc_objects/count, alloc_space/bytes, inuse_objects/count, inuse_space/bytes");
    const QString lock = QStringLiteral("contentions/count, delay/nanoseconds");
    QTest::newRow("heap") << "heap" << QStringList{} << mem;
    QTest::newRow("heap gc") << "heap" << QStringList{QStringLiteral("--gc")} << mem;
    QTest::newRow("allocs") << "allocs" << QStringList{} << mem;
    QTest::newRow("goroutine") << "goroutine" << QStringList{} << "goroutine/count";
    QTest::newRow("block") << "block" << QStringList{} << lock;
    QTest::newRow("mutex") << "mutex" << QStringList{} << lock;
    QTest::newRow("threadcreate") << "threadcreate" << QStringList{} << "threadcreate/count";
    QTest::newRow("cpu") << "cpu" << QStringList{QStringLiteral("--seconds"), QStringLiteral("1")}
                         << "samples/count, cpu/nanoseconds";
    QTest::newRow("trace") << "trace"
                           << QStringList{QStringLiteral("--seconds"), QStringLiteral("1")}
                           << QString();
}

void CaptureLiveTest::profiles() {
    QFETCH(QString, profile);
    QFETCH(QStringList, extra);
    QFETCH(QString, types);
    const QString file = out(QStringLiteral("p-%1-%2").arg(profile).arg(extra.size()));
    const Run r =
        embers(QStringList{m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                           profile, QStringLiteral("--token"), m_admin, QStringLiteral("--cacert"),
                           m_a.ca, QStringLiteral("-o"), file} +
               extra);
    VERIFY_RUN(r, 0);
    QCOMPARE(r.out.trimmed(), QFileInfo(file).absoluteFilePath());
    if (types.isEmpty()) {
        QVERIFY2(readFile(file).startsWith("go 1."), "not an execution trace");
        return;
    }
    try {
        const auto p = embers::core::readProfileFile(file.toStdString());
        QCOMPARE(sampleTypes(*p), types);
        if (profile != QLatin1String("block") && profile != QLatin1String("mutex"))
            QVERIFY2(p->sampleCount() > 0, "no samples");
    } catch (const std::exception& e) {
        QFAIL(e.what());
    }
}

void CaptureLiveTest::goroutineText() {
    const QString file = out(QStringLiteral("goroutine.txt"));
    const Run r = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                          QStringLiteral("goroutine"), QStringLiteral("--debug"),
                          QStringLiteral("2"), QStringLiteral("--token"), m_admin,
                          QStringLiteral("--cacert"), m_a.ca, QStringLiteral("-o"), file});
    VERIFY_RUN(r, 0);
    const QByteArray text = readFile(file);
    QVERIFY2(text.startsWith("goroutine "), text.left(200).constData());
    QVERIFY(text.contains("main.parkedWorker"));
}

// The flight-recorder API beside the prefix (/debug/trace/recorder/run and /stop).
void CaptureLiveTest::flightRecorder() {
    const QString file = out(QStringLiteral("recorder.trace"));
    const QStringList node{m_a.url + QStringLiteral("/debug/pprof"),
                           QStringLiteral("--profile"),
                           QStringLiteral("recorder"),
                           QStringLiteral("--token"),
                           m_admin,
                           QStringLiteral("--cacert"),
                           m_a.ca};
    const Run r = embers(node + QStringList{QStringLiteral("--seconds"), QStringLiteral("1"),
                                            QStringLiteral("-o"), file});
    VERIFY_RUN(r, 0);
    QVERIFY2(readFile(file).startsWith("go 1."), readFile(file).left(40).constData());
    // Nothing is recording now: stop says so, and the exit code tells.
    const Run stop = embers(node + QStringList{QStringLiteral("--stop")});
    VERIFY_RUN(stop, 2);
    QVERIFY2(stop.err.contains(QLatin1String("recording")), qPrintable(stop.describe()));
}

// The same profile from three nodes at the same time (each its own prefix and TLS setup),
// as the Capture panel does for several selected targets.
void CaptureLiveTest::threeServersAtOnce() {
    auto job = [&](const Server& s, const QString& prefix) {
        CaptureJob j;
        j.base = QUrl(s.url);
        j.prefix = prefix;
        j.token = m_admin;
        j.caFile = s.ca;
        j.request.kind = ProfileKind::Goroutine;
        j.outputPath = out(QStringLiteral("three-%1.pb.gz").arg(QUrl(s.url).port()));
        return j;
    };
    CaptureJob c = job(m_c, QStringLiteral("/debug/pprof"));
    const QString certs = QFileInfo(m_c.ca).absolutePath();
    c.certFile = certs + QStringLiteral("/client.pem");
    c.keyFile = certs + QStringLiteral("/client-key.pem");
    const QList<CaptureJob> jobs{job(m_a, QStringLiteral("/debug/pprof")),
                                 job(m_b, QString()),  // prefix found on the way
                                 c};
    QElapsedTimer t;
    t.start();
    QList<QFuture<CaptureResult>> running;
    for (const CaptureJob& j : jobs) running << QtConcurrent::run([j] { return runCaptureJob(j); });
    for (int i = 0; i < running.size(); ++i) {
        const CaptureResult r = running[i].result();
        QVERIFY2(r.ok(), qPrintable(r.message));
        QVERIFY(readFile(r.path).startsWith("\x1f\x8b"));
    }
    QCOMPARE(running[1].result().prefix, QStringLiteral("/__/debug/pprof"));
    qInfo("three goroutine captures at once: %lld ms", qint64(t.elapsed()));
}

void CaptureLiveTest::capturesFolder() {
    const Run r = embers({m_a.url + QStringLiteral("/debug/pprof/heap"), QStringLiteral("--token"),
                          m_admin, QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(r, 0);
    const QString path = r.out.trimmed();
    QVERIFY2(path.startsWith(QDir(out(QStringLiteral("captures"))).absolutePath() + u'/'),
             qPrintable(path));
    QVERIFY2(QFileInfo(path).fileName().contains(QLatin1String("_heap_")), qPrintable(path));
    QVERIFY(path.endsWith(QLatin1String(".pb.gz")));
    QVERIFY(readFile(path).startsWith("\x1f\x8b"));
    // No temporary files are left next to it.
    QCOMPARE(QDir(out(QStringLiteral("captures"))).entryList(QDir::Files).size(), 1);
}

void CaptureLiveTest::prefixDiscovery() {
    const QString file = out(QStringLiteral("discovered.pb.gz"));
    const Run r = embers({m_b.url, QStringLiteral("--profile"), QStringLiteral("goroutine"),
                          QStringLiteral("--token"), m_admin, QStringLiteral("--cacert"), m_b.ca,
                          QStringLiteral("-o"), file});
    VERIFY_RUN(r, 0);
    QVERIFY2(r.err.contains(QLatin1String("/__/debug/pprof")), qPrintable(r.describe()));
    const auto p = embers::core::readProfileFile(file.toStdString());
    QCOMPARE(sampleTypes(*p), QStringLiteral("goroutine/count"));
}

void CaptureLiveTest::prefixDiscoveryWithoutToken() {
    const Run r = embers({m_b.url, QStringLiteral("--profile"), QStringLiteral("heap"),
                          QStringLiteral("--cacert"), m_b.ca});
    VERIFY_RUN(r, 3);
    QVERIFY2(r.err.contains(QLatin1String("401")), qPrintable(r.describe()));
}

void CaptureLiveTest::expiredToken() {
    const Run r = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                          QStringLiteral("heap"), QStringLiteral("--token"), m_expired,
                          QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(r, 3);
    QVERIFY2(r.err.contains(QLatin1String("embers: capture https://")), qPrintable(r.describe()));
    QVERIFY2(r.err.contains(QLatin1String("401")) && r.err.contains(QLatin1String("expired")),
             qPrintable(r.describe()));
    QVERIFY(r.out.isEmpty());
}

void CaptureLiveTest::viewerToken() {
    const Run r = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                          QStringLiteral("heap"), QStringLiteral("--token"), m_viewer,
                          QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(r, 3);
    QVERIFY2(r.err.contains(QLatin1String("403")), qPrintable(r.describe()));
}

void CaptureLiveTest::missingToken() {
    const Run r = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                          QStringLiteral("heap"), QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(r, 3);
    QVERIFY2(r.err.contains(QLatin1String("401")), qPrintable(r.describe()));
}

void CaptureLiveTest::wrongPrefix() {
    const Run r = embers({m_a.url + QStringLiteral("/nope/debug/pprof"),
                          QStringLiteral("--profile"), QStringLiteral("heap"),
                          QStringLiteral("--token"), m_admin, QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(r, 2);
    QVERIFY2(r.err.contains(QLatin1String("404")), qPrintable(r.describe()));
    // The prefix that does answer is offered.
    QVERIFY2(r.err.contains(QLatin1String("Try /debug/pprof")), qPrintable(r.describe()));
}

void CaptureLiveTest::caFile() {
    const QString file = out(QStringLiteral("ca.pb.gz"));
    const Run r = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                          QStringLiteral("allocs"), QStringLiteral("--token"), m_admin,
                          QStringLiteral("--cacert"), m_a.ca, QStringLiteral("-o"), file});
    VERIFY_RUN(r, 0);
    // The other server's CA does not vouch for this one.
    const Run wrong = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                              QStringLiteral("allocs"), QStringLiteral("--token"), m_admin,
                              QStringLiteral("--cacert"), m_b.ca, QStringLiteral("-o"), file});
    VERIFY_RUN(wrong, 4);
    QVERIFY2(wrong.err.contains(m_b.ca), qPrintable(wrong.describe()));
}

void CaptureLiveTest::noCaFile() {
    const Run r = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                          QStringLiteral("heap"), QStringLiteral("--token"), m_admin});
    VERIFY_RUN(r, 4);
    QVERIFY2(r.err.contains(QLatin1String("--cacert")), qPrintable(r.describe()));
    QVERIFY2(r.err.count(u'\n') == 1, qPrintable(r.describe()));
}

void CaptureLiveTest::insecure() {
    const QString file = out(QStringLiteral("insecure.pb.gz"));
    const Run r = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                          QStringLiteral("heap"), QStringLiteral("--token"), m_admin,
                          QStringLiteral("--insecure"), QStringLiteral("-o"), file});
    VERIFY_RUN(r, 0);
    QVERIFY2(r.err.contains(QLatin1String("warning")), qPrintable(r.describe()));
    QVERIFY(readFile(file).startsWith("\x1f\x8b"));
}

void CaptureLiveTest::htmlAnswer() {
    const Run r = embers({m_a.url + QStringLiteral("/html/debug/pprof"),
                          QStringLiteral("--profile"), QStringLiteral("heap"),
                          QStringLiteral("--token"), m_admin, QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(r, 2);
    QVERIFY2(r.err.contains(QLatin1String("HTML")), qPrintable(r.describe()));
}

void CaptureLiveTest::stalledEndpoint() {
    SilentListener stall;
    QVERIFY(stall.port() != 0);
    const QString url = QStringLiteral("https://127.0.0.1:%1/debug/pprof").arg(stall.port());
    QElapsedTimer clock;
    clock.start();
    const Run r = embers({url, QStringLiteral("--profile"), QStringLiteral("heap"),
                          QStringLiteral("--token"), m_admin, QStringLiteral("--cacert"), m_a.ca,
                          QStringLiteral("--timeout"), QStringLiteral("2")});
    VERIFY_RUN(r, 4);
    QVERIFY2(clock.elapsed() < 10'000, qPrintable(r.describe()));
    QVERIFY2(r.err.contains(QLatin1String("2 s")), qPrintable(r.describe()));
}

void CaptureLiveTest::connectionRefused() {
    SilentListener probe;  // a port that was free a moment ago
    const quint16 port = probe.port();
    QVERIFY(port != 0);
    probe.close();
    const Run r = embers({QStringLiteral("https://127.0.0.1:%1/debug/pprof").arg(port),
                          QStringLiteral("--profile"), QStringLiteral("heap"),
                          QStringLiteral("--token"), m_admin});
    VERIFY_RUN(r, 4);
    QVERIFY2(r.err.contains(QLatin1String("refused")), qPrintable(r.describe()));
}

void CaptureLiveTest::tokenFromCurlFile() {
    const QString curl = out(QStringLiteral("copied-as-curl.txt"));
    {
        QFile f(curl);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("curl '%1/debug/pprof/' \\\n"
                               "  -H 'accept: text/html,application/xhtml+xml' \\\n"
                               "  -H 'authorization: Bearer %2' \\\n"
                               "  -H 'user-agent: Mozilla/5.0' \\\n"
                               "  --compressed\n")
                    .arg(m_a.url, m_admin)
                    .toUtf8());
    }
    // With the URL typed…
    const QString file = out(QStringLiteral("from-curl.pb.gz"));
    const Run r = embers({m_a.url, QStringLiteral("--profile"), QStringLiteral("mutex"),
                          QStringLiteral("--token-from"), curl, QStringLiteral("--cacert"), m_a.ca,
                          QStringLiteral("-o"), file});
    VERIFY_RUN(r, 0);
    QVERIFY(readFile(file).startsWith("\x1f\x8b"));
    // …and taken from the cURL command.
    const QString file2 = out(QStringLiteral("from-curl-url.pb.gz"));
    const Run r2 =
        embers({QStringLiteral("--profile"), QStringLiteral("heap"), QStringLiteral("--token-from"),
                curl, QStringLiteral("--cacert"), m_a.ca, QStringLiteral("-o"), file2});
    VERIFY_RUN(r2, 0);
    QVERIFY(readFile(file2).startsWith("\x1f\x8b"));
}

void CaptureLiveTest::tokenFromHar() {
    // DevTools' export: the newest bearer token sent to the node wins; an
    // expired one and one sent elsewhere are passed over.
    auto entry = [](const QString& when, const QString& url, const QString& token) {
        return QStringLiteral(
                   "{\"startedDateTime\": \"%1\", \"request\": {\"method\": \"GET\", "
                   "\"url\": \"%2\", \"headers\": [{\"name\": \"authorization\", "
                   "\"value\": \"Bearer %3\"}]}, \"response\": {\"status\": 200}}")
            .arg(when, url, token);
    };
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const QString before = QDateTime::currentDateTimeUtc().addSecs(-60).toString(Qt::ISODateWithMs);
    const QString har = out(QStringLiteral("export.har"));
    {
        QFile f(har);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("{\"log\": {\"version\": \"1.2\", \"entries\": [%1, %2, %3]}}")
                    .arg(entry(before, m_a.url + QStringLiteral("/debug/pprof/"), m_admin),
                         entry(now, m_a.url + QStringLiteral("/debug/pprof/heap"), m_expired),
                         entry(now, m_b.url + QStringLiteral("/__/debug/pprof/"), m_viewer))
                    .toUtf8());
    }
    const QString file = out(QStringLiteral("from-har.pb.gz"));
    const Run r = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                          QStringLiteral("block"), QStringLiteral("--token-from"), har,
                          QStringLiteral("--cacert"), m_a.ca, QStringLiteral("-o"), file});
    VERIFY_RUN(r, 0);
    QVERIFY(readFile(file).startsWith("\x1f\x8b"));
}

void CaptureLiveTest::tokenFileAndEnv() {
    const QString tokenFile = out(QStringLiteral("token.txt"));
    {
        QFile f(tokenFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Authorization: Bearer " + m_admin.toUtf8() + "\n");
    }
    const Run r = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                          QStringLiteral("threadcreate"), QStringLiteral("--token-file"), tokenFile,
                          QStringLiteral("--cacert"), m_a.ca, QStringLiteral("-o"),
                          out(QStringLiteral("tf.pb.gz"))});
    VERIFY_RUN(r, 0);
    QProcessEnvironment env;
    env.insert(QStringLiteral("EMBERS_TEST_NODE_TOKEN"), m_admin);
    const Run e = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                          QStringLiteral("threadcreate"), QStringLiteral("--token-env"),
                          QStringLiteral("EMBERS_TEST_NODE_TOKEN"), QStringLiteral("--cacert"),
                          m_a.ca, QStringLiteral("-o"), out(QStringLiteral("te.pb.gz"))},
                         env);
    VERIFY_RUN(e, 0);
    const Run unset = embers({m_a.url + QStringLiteral("/debug/pprof"), QStringLiteral("--profile"),
                              QStringLiteral("heap"), QStringLiteral("--token-env"),
                              QStringLiteral("EMBERS_TEST_NO_SUCH_VARIABLE"),
                              QStringLiteral("--cacert"), m_a.ca});
    VERIFY_RUN(unset, 1);
    QVERIFY2(unset.err.contains(QLatin1String("EMBERS_TEST_NO_SUCH_VARIABLE")),
             qPrintable(unset.describe()));
}

void CaptureLiveTest::mutualTls() {
    const QString certs = QFileInfo(m_c.ca).absolutePath();
    const QStringList common{m_c.url + QStringLiteral("/debug/pprof"),
                             QStringLiteral("--profile"),
                             QStringLiteral("heap"),
                             QStringLiteral("--token"),
                             m_admin,
                             QStringLiteral("--cacert"),
                             m_c.ca};
    const Run none = embers(common);
    VERIFY_RUN(none, 4);
    QVERIFY2(none.err.contains(QLatin1String("--cert FILE")), qPrintable(none.describe()));
    const QString file = out(QStringLiteral("mtls.pb.gz"));
    const Run ok = embers(
        common + QStringList{QStringLiteral("--cert"), certs + QStringLiteral("/client.pem"),
                             QStringLiteral("--key"), certs + QStringLiteral("/client-key.pem"),
                             QStringLiteral("-o"), file});
    VERIFY_RUN(ok, 0);
    QVERIFY(readFile(file).startsWith("\x1f\x8b"));
    // Server A's client certificate comes from another CA.
    const QString otherCerts = QFileInfo(m_a.ca).absolutePath();
    const Run other = embers(common + QStringList{QStringLiteral("--cert"),
                                                  otherCerts + QStringLiteral("/client.pem"),
                                                  QStringLiteral("--key"),
                                                  otherCerts + QStringLiteral("/client-key.pem")});
    VERIFY_RUN(other, 4);
    QVERIFY2(other.err.contains(QLatin1String("client certificate")), qPrintable(other.describe()));
}

void CaptureLiveTest::fetchSameHostRedirectKeepsToken() {
    FetchOptions o;
    o.url = QUrl(m_a.url + QStringLiteral("/redirect-other?to=/debug/pprof/"));
    o.token = m_admin;
    o.caFile = m_a.ca;
    const FetchResult r = fetchUrl(o);
    QVERIFY2(r.ok(), qPrintable(r.transportError));
    QCOMPARE(r.status, 200);
    QVERIFY(r.sentToken);
    QCOMPARE(r.finalUrl.path(), QStringLiteral("/debug/pprof/"));
    QVERIFY(parsePprofIndex(r.body).isIndex);
}

void CaptureLiveTest::fetchOtherHostRedirectDropsToken() {
    // The echo listener tells whether an Authorization header arrived.
    FetchOptions direct;
    direct.url = QUrl(m_a.echo + QStringLiteral("/direct"));
    direct.token = m_admin;
    const FetchResult d = fetchUrl(direct);
    QVERIFY2(d.ok(), qPrintable(d.transportError));
    QCOMPARE(d.body.trimmed(), QByteArray("auth=present"));

    FetchOptions o;
    o.url = QUrl(m_a.url + QStringLiteral("/redirect-other?to=") +
                 QString::fromLatin1(QUrl::toPercentEncoding(m_a.echo + QStringLiteral("/x"))));
    o.token = m_admin;
    o.caFile = m_a.ca;
    const FetchResult r = fetchUrl(o);
    QVERIFY2(r.ok(), qPrintable(r.transportError));
    QCOMPARE(r.status, 200);
    QVERIFY(!r.sentToken);
    QCOMPARE(r.body.trimmed(), QByteArray("auth=absent"));

    // Another name for the same server is another host: no token, so 401.
    QUrl sameServer(m_a.url);
    sameServer.setHost(QStringLiteral("localhost"));
    sameServer.setPath(QStringLiteral("/debug/pprof/"));
    o.url = QUrl(m_a.url + QStringLiteral("/redirect-other?to=") +
                 QString::fromLatin1(QUrl::toPercentEncoding(sameServer.toString())));
    const FetchResult l = fetchUrl(o);
    QVERIFY2(l.ok(), qPrintable(l.transportError));
    QCOMPARE(l.status, 401);
    QVERIFY(!l.sentToken);
}

void CaptureLiveTest::fetchStalledBody() {
    // The status and a first line arrive, then nothing.
    FetchOptions o;
    o.url = QUrl(m_a.url + QStringLiteral("/stall?flush=1"));
    o.token = m_admin;
    o.caFile = m_a.ca;
    o.totalTimeout = 2s;
    QElapsedTimer clock;
    clock.start();
    const FetchResult r = fetchUrl(o);
    QVERIFY(clock.elapsed() < 10'000);
    QVERIFY2(r.transportError.contains(QLatin1String("timed out")), qPrintable(r.transportError));
    QVERIFY(!r.cancelled);
    const HttpVerdict v = judgeResponse(toOutcome(o, r), std::nullopt);
    QCOMPARE(v.category, ErrorCategory::Network);
}

void CaptureLiveTest::fetchHttp2() {
    FetchOptions o;
    o.url = QUrl(m_a.url + QStringLiteral("/debug/pprof/"));
    o.token = m_admin;
    o.caFile = m_a.ca;
    const FetchResult r = fetchUrl(o);
    QVERIFY2(r.ok(), qPrintable(r.transportError));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.httpVersion, QStringLiteral("2"));
}

void CaptureLiveTest::fetchBodyCap() {
    FetchOptions o;
    o.url = QUrl(m_a.url + QStringLiteral("/debug/pprof/heap"));
    o.token = m_admin;
    o.caFile = m_a.ca;
    o.maxBodyBytes = 64;
    const FetchResult r = fetchUrl(o);
    QVERIFY2(r.transportError.contains(QLatin1String("larger than 64 bytes")),
             qPrintable(r.transportError));
    QVERIFY(r.body.size() <= 64);
    QCOMPARE(judgeResponse(toOutcome(o, r), std::nullopt).category, ErrorCategory::Network);
}

void CaptureLiveTest::fetchCancel() {
    FetchOptions o;
    o.url = QUrl(m_b.url + QStringLiteral("/__/debug/pprof/profile?seconds=10"));
    o.token = m_admin;
    o.caFile = m_b.ca;
    o.totalTimeout = 60s;
    int calls = 0;
    o.progress = [&calls](qint64, double elapsed) {
        ++calls;
        return elapsed < 0.5;
    };
    QElapsedTimer clock;
    clock.start();
    const FetchResult r = fetchUrl(o);
    QVERIFY2(clock.elapsed() < 5'000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY2(r.cancelled, qPrintable(QStringLiteral("status %1, %2: %3")
                                         .arg(r.status)
                                         .arg(r.transportError, QString::fromUtf8(r.body))));
    QVERIFY(calls > 0);
    QCOMPARE(judgeResponse(toOutcome(o, r), std::nullopt).category, ErrorCategory::Network);
}

void CaptureLiveTest::noTokenInAnyOutput() {
    QVERIFY(m_runs.size() > 20);
    for (const Run& r : m_runs)
        QVERIFY2(!leaks(r), qPrintable(QStringLiteral("token in the output of ") + r.describe()));
}

// A heap capture from node b with a token from its OAuth2 endpoint; secrets in variables.
Run CaptureLiveTest::oauthCapture(const QStringList& extra, const QString& secret) {
    QProcessEnvironment env;
    env.insert(QStringLiteral("EMBERS_TEST_CLIENT_SECRET"), secret);
    env.insert(QStringLiteral("EMBERS_TEST_PASSWORD"), kOAuthPassword);
    return embers(
        QStringList{m_b.url, QStringLiteral("--profile"), QStringLiteral("heap"),
                    QStringLiteral("--oauth2-token-url"), m_b.url + QStringLiteral("/oauth/token"),
                    QStringLiteral("--client-id"), kOAuthClient,
                    QStringLiteral("--client-secret-env"),
                    QStringLiteral("EMBERS_TEST_CLIENT_SECRET"), QStringLiteral("--cacert"), m_b.ca,
                    QStringLiteral("-o"), out(QStringLiteral("oauth.pb.gz"))} +
            extra,
        env);
}

void CaptureLiveTest::oauth2ClientCredentials() {
    const Run r = oauthCapture({}, kOAuthSecret);
    VERIFY_RUN(r, 0);
    QVERIFY(readFile(out(QStringLiteral("oauth.pb.gz"))).startsWith("\x1f\x8b"));
}

void CaptureLiveTest::oauth2PasswordGrant() {
    const Run r =
        oauthCapture({QStringLiteral("--username"), kOAuthUser, QStringLiteral("--password-env"),
                      QStringLiteral("EMBERS_TEST_PASSWORD")},
                     kOAuthSecret);
    VERIFY_RUN(r, 0);
}

void CaptureLiveTest::oauth2WrongSecret() {
    const Run r = oauthCapture({}, QStringLiteral("not-the-secret"));
    VERIFY_RUN(r, 3);
    QVERIFY2(r.err.contains(QLatin1String("invalid_client")), qPrintable(r.describe()));
    QVERIFY(!r.err.contains(QLatin1String("not-the-secret")));
}

void CaptureLiveTest::oauth2SessionRenews() {
    OAuth2Config c;
    c.tokenUrl = QUrl(m_b.url + QStringLiteral("/oauth/token"));
    c.clientId = kOAuthClient;
    c.clientSecret = kOAuthSecret;
    c.caFile = m_b.ca;
    OAuth2Session session(c);
    QString error;
    const QString first = session.token(&error);
    QVERIFY2(!first.isEmpty(), qPrintable(error));
    QCOMPARE(session.token(&error), first);  // an hour left: kept
    QCOMPARE(session.requests(), 1);
    // Asked to renew when less than two hours are left: a new request.
    QVERIFY(!session.token(&error, 7200).isEmpty());
    QCOMPARE(session.requests(), 2);
}

// What the Capture panel does for an OAuth2 target: the job asks the session on the worker.
void CaptureLiveTest::oauth2TokenProviderInAJob() {
    auto jobWith = [&](const QString& secret) {
        OAuth2Config c;
        c.tokenUrl = QUrl(m_b.url + QStringLiteral("/oauth/token"));
        c.clientId = kOAuthClient;
        c.clientSecret = secret;
        c.caFile = m_b.ca;
        auto session = std::make_shared<OAuth2Session>(c);
        CaptureJob j;
        j.base = QUrl(m_b.url);
        j.prefix = QStringLiteral("/__/debug/pprof");
        j.caFile = m_b.ca;
        j.request.kind = ProfileKind::Heap;
        j.outputPath = out(QStringLiteral("oauth-job.pb.gz"));
        j.tokenProvider = [session](QString* error) { return session->token(error); };
        return j;
    };
    const CaptureResult good = runCaptureJob(jobWith(kOAuthSecret));
    QVERIFY2(good.ok(), qPrintable(good.message));
    const CaptureResult bad = runCaptureJob(jobWith(QStringLiteral("wrong-secret-xyz")));
    QCOMPARE(bad.category, ErrorCategory::Auth);
    QVERIFY2(bad.message.contains(QLatin1String("invalid_client")), qPrintable(bad.message));
    QVERIFY(!bad.message.contains(QLatin1String("wrong-secret-xyz")));
}

QTEST_GUILESS_MAIN(CaptureLiveTest)
#include "tst_capture_live.moc"
