// Capture requests (paths, timeouts, file names, checks), sniffing answers,
// the one-line HTTP error messages with their exit code categories, and
// redaction.
#include <QtTest>

#include "client/http_errors.h"
#include "client/profile_kinds.h"

using namespace embers::capture;
using namespace std::chrono_literals;

namespace {

CaptureRequest req(ProfileKind kind, std::optional<int> seconds = std::nullopt, int debug = 0,
                   bool gc = false) {
    CaptureRequest r;
    r.kind = kind;
    r.seconds = seconds;
    r.debug = debug;
    r.gc = gc;
    return r;
}

const QByteArray kGzip("\x1f\x8b\x08\x00\x00\x00\x00\x00\x04\xff", 10);
const QByteArray kTrace("go 1.19 trace\x00\x00\x00\x41\x00\xc0", 19);
const QByteArray kLoginPage =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Sign in to Ops</title></head>";

HttpOutcome answer(int status, const QByteArray& body = {}, const QString& contentType = {}) {
    HttpOutcome o;
    o.url = QStringLiteral("https://node:8443/__/debug/pprof/heap");
    o.status = status;
    o.bodyHead = body;
    o.contentType = contentType;
    return o;
}

HttpOutcome goError(int status, const QByteArray& body) {
    HttpOutcome o = answer(status, body, QStringLiteral("text/plain; charset=utf-8"));
    o.goPprofHeader = true;
    return o;
}

}  // namespace

class TestCaptureRequests : public QObject {
    Q_OBJECT

private slots:
    void catalogue();
    void requestPaths_data();
    void requestPaths();
    void checks_data();
    void checks();
    void timeouts_data();
    void timeouts();
    void fileNames_data();
    void fileNames();
    void sniffing_data();
    void sniffing();
    void verdicts_data();
    void verdicts();
    void verdictsRedact();
    void errorLines();
    void redaction();
};

void TestCaptureRequests::catalogue() {
    QStringList names;
    for (const auto& k : profileKinds()) names << k.name;
    QCOMPARE(names, (QStringList{"cpu", "heap", "allocs", "goroutine", "block", "mutex",
                                 "threadcreate", "trace", "recorder", "cmdline"}));
    for (const auto& k : profileKinds()) {
        QCOMPARE(profileKindInfo(k.kind).name, k.name);
        QVERIFY(!k.description.isEmpty());
        QCOMPARE(profileKindFromName(k.name), std::optional(k.kind));
        QCOMPARE(profileKindFromName(k.endpoint.toUpper()), std::optional(k.kind));
    }
    QCOMPARE(profileKindFromName("profile"), std::optional(ProfileKind::Cpu));
    QCOMPARE(profileKindFromName(" Goroutines "), std::optional(ProfileKind::Goroutine));
    QCOMPARE(profileKindFromName("symbol"), std::nullopt);
    QVERIFY(isTimed(ProfileKind::Cpu));
    QVERIFY(isTimed(ProfileKind::Trace));
    QVERIFY(!isTimed(ProfileKind::Heap));
    QVERIFY(!isTimed(ProfileKind::Cmdline));
    QCOMPARE(defaultSeconds(ProfileKind::Cpu), 30);
    QCOMPARE(defaultSeconds(ProfileKind::Trace), 1);
    QCOMPARE(defaultSeconds(ProfileKind::Mutex), 0);
}

void TestCaptureRequests::requestPaths_data() {
    QTest::addColumn<CaptureRequest>("request");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("extension");
    QTest::newRow("cpu default") << req(ProfileKind::Cpu) << "profile?seconds=30"
                                 << ".pb.gz";
    QTest::newRow("cpu 10 s") << req(ProfileKind::Cpu, 10) << "profile?seconds=10"
                              << ".pb.gz";
    QTest::newRow("heap") << req(ProfileKind::Heap) << "heap"
                          << ".pb.gz";
    QTest::newRow("heap gc") << req(ProfileKind::Heap, {}, 0, true) << "heap?gc=1"
                             << ".pb.gz";
    QTest::newRow("heap gc text") << req(ProfileKind::Heap, {}, 1, true) << "heap?gc=1&debug=1"
                                  << ".txt";
    QTest::newRow("heap delta") << req(ProfileKind::Heap, 30) << "heap?seconds=30"
                                << ".pb.gz";
    QTest::newRow("allocs") << req(ProfileKind::Allocs) << "allocs"
                            << ".pb.gz";
    QTest::newRow("allocs ignores gc") << req(ProfileKind::Allocs, {}, 0, true) << "allocs"
                                       << ".pb.gz";
    QTest::newRow("goroutine") << req(ProfileKind::Goroutine) << "goroutine"
                               << ".pb.gz";
    QTest::newRow("goroutine stacks") << req(ProfileKind::Goroutine, {}, 2) << "goroutine?debug=2"
                                      << ".txt";
    QTest::newRow("block delta") << req(ProfileKind::Block, 15) << "block?seconds=15"
                                 << ".pb.gz";
    QTest::newRow("mutex text") << req(ProfileKind::Mutex, {}, 1) << "mutex?debug=1"
                                << ".txt";
    QTest::newRow("threadcreate") << req(ProfileKind::ThreadCreate) << "threadcreate"
                                  << ".pb.gz";
    QTest::newRow("trace default") << req(ProfileKind::Trace) << "trace?seconds=1"
                                   << ".trace";
    QTest::newRow("trace 5 s") << req(ProfileKind::Trace, 5) << "trace?seconds=5"
                               << ".trace";
    QTest::newRow("cmdline") << req(ProfileKind::Cmdline) << "cmdline"
                             << ".txt";
    QTest::newRow("recorder default")
        << req(ProfileKind::Recorder) << "../trace/recorder/run?duration=5s"
        << ".trace";
    QTest::newRow("recorder 2 s") << req(ProfileKind::Recorder, 2)
                                  << "../trace/recorder/run?duration=2s"
                                  << ".trace";
    QTest::newRow("cpu ignores debug") << req(ProfileKind::Cpu, 5, 1) << "profile?seconds=5"
                                       << ".pb.gz";
}

void TestCaptureRequests::requestPaths() {
    QFETCH(CaptureRequest, request);
    QFETCH(QString, path);
    QFETCH(QString, extension);
    QCOMPARE(requestPath(request), path);
    QCOMPARE(fileExtension(request), extension);
}

void TestCaptureRequests::checks_data() {
    QTest::addColumn<CaptureRequest>("request");
    QTest::addColumn<QString>("error");
    QTest::newRow("cpu") << req(ProfileKind::Cpu, 30) << "";
    QTest::newRow("heap gc text") << req(ProfileKind::Heap, {}, 1, true) << "";
    QTest::newRow("goroutine delta") << req(ProfileKind::Goroutine, 10) << "";
    QTest::newRow("zero seconds") << req(ProfileKind::Cpu, 0)
                                  << "the duration must be at least 1 second";
    QTest::newRow("negative delta")
        << req(ProfileKind::Heap, -5) << "the duration must be at least 1 second";
    QTest::newRow("debug 3") << req(ProfileKind::Goroutine, {}, 3) << "debug must be 0, 1 or 2";
    QTest::newRow("cpu text") << req(ProfileKind::Cpu, {}, 1)
                              << "cpu has no text form: leave debug at 0";
    QTest::newRow("delta text") << req(ProfileKind::Mutex, 10, 1)
                                << "Go cannot give a mutex delta over seconds as debug text: drop "
                                   "the duration or the debug level";
    QTest::newRow("cmdline seconds")
        << req(ProfileKind::Cmdline, 5) << "cmdline takes neither a duration nor a debug level";
    QTest::newRow("gc on allocs") << req(ProfileKind::Allocs, {}, 0, true)
                                  << "gc applies to heap profiles only";
}

void TestCaptureRequests::checks() {
    QFETCH(CaptureRequest, request);
    QFETCH(QString, error);
    QCOMPARE(checkRequest(request), error);
}

void TestCaptureRequests::timeouts_data() {
    QTest::addColumn<CaptureRequest>("request");
    QTest::addColumn<qint64>("seconds");
    QTest::newRow("cpu default: 30 × 1.5 + 30") << req(ProfileKind::Cpu) << qint64(75);
    QTest::newRow("cpu 60") << req(ProfileKind::Cpu, 60) << qint64(120);
    QTest::newRow("trace default: 1.5 rounds up") << req(ProfileKind::Trace) << qint64(32);
    QTest::newRow("trace 5") << req(ProfileKind::Trace, 5) << qint64(38);
    QTest::newRow("heap snapshot") << req(ProfileKind::Heap) << qint64(60);
    QTest::newRow("goroutine stacks") << req(ProfileKind::Goroutine, {}, 2) << qint64(60);
    QTest::newRow("heap delta 10") << req(ProfileKind::Heap, 10) << qint64(45);
    QTest::newRow("cmdline") << req(ProfileKind::Cmdline) << qint64(60);
}

void TestCaptureRequests::timeouts() {
    QFETCH(CaptureRequest, request);
    QFETCH(qint64, seconds);
    QCOMPARE(qint64(timeoutFor(request).count()), seconds);
}

void TestCaptureRequests::fileNames_data() {
    const QDateTime when(QDate(2026, 11, 23), QTime(16, 20, 5));
    QTest::addColumn<QString>("target");
    QTest::addColumn<CaptureRequest>("request");
    QTest::addColumn<QDateTime>("when");
    QTest::addColumn<QString>("name");
    QTest::newRow("cpu") << "node:8443" << req(ProfileKind::Cpu) << when
                         << "node-8443_cpu_2026-11-23T16-20-05.pb.gz";
    QTest::newRow("url as target") << "https://Ops Node 3:8443/__/" << req(ProfileKind::Heap)
                                   << when << "Ops-Node-3-8443-___heap_2026-11-23T16-20-05.pb.gz";
    QTest::newRow("path traversal") << "../../etc/passwd" << req(ProfileKind::Trace, 5) << when
                                    << "etc-passwd_trace_2026-11-23T16-20-05.trace";
    QTest::newRow("empty target") << "  " << req(ProfileKind::Cmdline) << when
                                  << "target_cmdline_2026-11-23T16-20-05.txt";
    QTest::newRow("goroutine stacks") << "edge" << req(ProfileKind::Goroutine, {}, 2) << when
                                      << "edge_goroutine_2026-11-23T16-20-05.txt";
    QTest::newRow("delta") << "edge" << req(ProfileKind::Allocs, 30) << when
                           << "edge_allocs-delta_2026-11-23T16-20-05.pb.gz";
    QTest::newRow("non-ascii") << QString::fromUtf8("nœud-β") << req(ProfileKind::Mutex) << when
                               << "n-ud_mutex_2026-11-23T16-20-05.pb.gz";
    QTest::newRow("undated") << "x" << req(ProfileKind::Block) << QDateTime()
                             << "x_block_undated.pb.gz";
}

void TestCaptureRequests::fileNames() {
    QFETCH(QString, target);
    QFETCH(CaptureRequest, request);
    QFETCH(QDateTime, when);
    QFETCH(QString, name);
    const QString file = captureFileName(target, request, when);
    QCOMPARE(file, name);
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9._\\-]+$"));
    QVERIFY(safe.match(file).hasMatch());
    QVERIFY(!file.startsWith(u'.'));
    if (!request.seconds && request.debug == 0)
        QCOMPARE(captureFileName(target, request.kind, when), name);
}

void TestCaptureRequests::sniffing_data() {
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<CaptureRequest>("request");
    QTest::addColumn<bool>("profile");
    QTest::newRow("gzip heap") << kGzip << req(ProfileKind::Heap) << true;
    QTest::newRow("gzip cpu") << kGzip << req(ProfileKind::Cpu) << true;
    QTest::newRow("html heap") << kLoginPage << req(ProfileKind::Heap) << false;
    QTest::newRow("empty") << QByteArray() << req(ProfileKind::Heap) << false;
    QTest::newRow("raw text heap") << QByteArray("heap profile: 1: 8 [2: 16] @ heap/1048576\n")
                                   << req(ProfileKind::Heap) << false;
    QTest::newRow("text goroutine")
        << QByteArray("goroutine profile: total 3\n1 @ 0x430856 0x4656a5\n")
        << req(ProfileKind::Goroutine, {}, 1) << true;
    QTest::newRow("text stacks") << QByteArray("goroutine 1 [running]:\nmain.main()\n")
                                 << req(ProfileKind::Goroutine, {}, 2) << true;
    QTest::newRow("gzip where text expected")
        << kGzip << req(ProfileKind::Goroutine, {}, 2) << false;
    QTest::newRow("html where text expected")
        << kLoginPage << req(ProfileKind::Mutex, {}, 1) << false;
    QTest::newRow("json where text expected")
        << QByteArray("{\"error\":\"denied\"}") << req(ProfileKind::Block, {}, 1) << false;
    QTest::newRow("cmdline with NULs")
        << QByteArray("./srv\0-addr\0:6060", 17) << req(ProfileKind::Cmdline) << true;
    QTest::newRow("NUL in debug text")
        << QByteArray("goroutine\0", 10) << req(ProfileKind::Goroutine, {}, 1) << false;
    QTest::newRow("trace") << kTrace << req(ProfileKind::Trace) << true;
    QTest::newRow("gzip trace") << kGzip << req(ProfileKind::Trace) << false;
    QTest::newRow("html trace") << kLoginPage << req(ProfileKind::Trace) << false;
}

void TestCaptureRequests::sniffing() {
    QFETCH(QByteArray, head);
    QFETCH(CaptureRequest, request);
    QFETCH(bool, profile);
    QCOMPARE(looksLikeProfile(head, request), profile);
    if (request.debug == 0) QCOMPARE(looksLikeProfile(head, request.kind), profile);
}

void TestCaptureRequests::verdicts_data() {
    QTest::addColumn<HttpOutcome>("outcome");
    QTest::addColumn<std::optional<CaptureRequest>>("request");
    QTest::addColumn<QStringList>("suggestions");
    QTest::addColumn<int>("category");
    QTest::addColumn<QString>("message");
    const std::optional<CaptureRequest> heap = req(ProfileKind::Heap);
    const std::optional<CaptureRequest> none;

    QTest::newRow("200 profile") << answer(200, kGzip) << heap << QStringList() << 0 << "";
    QTest::newRow("200 index, no sniffing")
        << answer(200, kLoginPage) << none << QStringList() << 0 << "";
    QTest::newRow("200 login page")
        << answer(200, kLoginPage, "text/html; charset=utf-8") << heap << QStringList() << 2
        << "the node answered an HTML page (a login page?) instead of a profile: check the URL "
           "and token";
    QTest::newRow("200 html by content type only")
        << answer(200, "\n\n  <div>hi</div>", "text/html") << heap << QStringList() << 2
        << "the node answered an HTML page (a login page?) instead of a profile: check the URL "
           "and token";
    QTest::newRow("200 json")
        << answer(200, "{\"code\":16,\"message\":\"no auth\"}\n") << heap << QStringList() << 2
        << "the node answered JSON (\"{\"code\":16,\"message\":\"no auth\"}\") "
           "instead of a profile: check the URL and token";
    QTest::newRow("200 empty") << answer(200) << heap << QStringList() << 2
                               << "the node answered an empty body instead of a heap profile: "
                                  "check the URL";
    QTest::newRow("200 text for proto")
        << answer(200, "heap profile: 1: 8", "text/plain; charset=utf-8") << heap << QStringList()
        << 2 << "the node's answer is not a heap profile (content type text/plain): check the URL";

    HttpOutcome expired = answer(401, "", "text/plain");
    expired.wwwAuthenticate =
        R"(Bearer realm="ops", error="invalid_token", error_description="token expired")";
    QTest::newRow("401 expired") << expired << heap << QStringList() << 3
                                 << "401 unauthorized: token expired — get a fresh token";
    HttpOutcome invalid = answer(401);
    invalid.wwwAuthenticate = R"(Bearer error="invalid_token")";
    QTest::newRow("401 error only") << invalid << heap << QStringList() << 3
                                    << "401 unauthorized: invalid_token — get a fresh token";
    QTest::newRow("401 plain body")
        << answer(401, "jwt: signature is invalid\n", "text/plain") << heap << QStringList() << 3
        << "401 unauthorized: jwt: signature is invalid — get a fresh "
           "token";
    QTest::newRow("401 html body")
        << answer(401, kLoginPage, "text/html") << heap << QStringList() << 3
        << "401 unauthorized: the node rejected the token — get a fresh "
           "token";
    HttpOutcome noToken = answer(401);
    noToken.sentToken = false;
    QTest::newRow("401 without token") << noToken << heap << QStringList() << 3
                                       << "401 unauthorized: the node requires a token — paste one";
    QTest::newRow("403") << answer(403, "", "text/plain") << heap << QStringList() << 3
                         << "403 forbidden: the token lacks the admin role the node requires";
    HttpOutcome scope = answer(403);
    scope.wwwAuthenticate =
        R"(Bearer error="insufficient_scope", error_description="admin role required")";
    QTest::newRow("403 described") << scope << heap << QStringList() << 3
                                   << "403 forbidden: the token lacks the admin role the node "
                                      "requires (the node says: admin role required)";
    QTest::newRow("404 prefix") << answer(404, "404 page not found\n", "text/plain") << heap
                                << QStringList{"/debug/pprof", "/__/debug/pprof"} << 2
                                << "404 not found: wrong prefix? Try /debug/pprof, /__/debug/pprof";
    QTest::newRow("404 no suggestions") << answer(404) << heap << QStringList() << 2
                                        << "404 not found: wrong prefix? Check the URL";
    QTest::newRow("404 unknown profile")
        << goError(404, "Unknown profile\n") << heap << QStringList{"/debug/pprof"} << 2
        << "404 not found: Unknown profile — the node does not "
           "serve this profile";
    QTest::newRow("500 cpu in use")
        << goError(500, "Could not enable CPU profiling: cpu profiling already in use\n")
        << std::optional(req(ProfileKind::Cpu)) << QStringList() << 2
        << "500 internal server error: Could not enable CPU profiling: cpu profiling already in "
           "use — another CPU profile or trace is running on the node; retry when it ends";
    QTest::newRow("400 write timeout")
        << goError(400, "profile duration exceeds server's WriteTimeout\n")
        << std::optional(req(ProfileKind::Cpu, 120)) << QStringList() << 2
        << "400 bad request: profile duration exceeds server's WriteTimeout — ask for fewer "
           "seconds";
    QTest::newRow("400 delta not supported")
        << goError(400, "\"seconds\" parameter is not supported for this profile type\n")
        << std::optional(req(ProfileKind::Cmdline, 5)) << QStringList() << 2
        << "400 bad request: \"seconds\" parameter is not supported for this profile type";
    QTest::newRow("500 plain") << answer(500, "<html><body>oops</body></html>", "text/html") << heap
                               << QStringList() << 2
                               << "500 internal server error: the node refused the request";
    QTest::newRow("502") << answer(502, kLoginPage, "text/html") << heap << QStringList() << 4
                         << "502 bad gateway: the proxy in front of the node got no answer from "
                            "it — is the node running?";
    QTest::newRow("503 from the node")
        << answer(503, "overloaded, try later", "text/plain") << heap << QStringList() << 4
        << "503 service unavailable: overloaded, try later — the node cannot serve now; retry "
           "later";
    QTest::newRow("401 says its status")
        << answer(401, "Unauthorized\n", "text/plain") << heap << QStringList() << 3
        << "401 unauthorized: the node rejected the token — get a fresh token";
    QTest::newRow("503 bare") << answer(503) << heap << QStringList() << 4
                              << "503 service unavailable: the node, or a proxy in front of it, "
                                 "cannot serve now — is the node running?";
    QTest::newRow("504") << answer(504) << std::optional(req(ProfileKind::Cpu, 300))
                         << QStringList() << 4
                         << "504 gateway timeout: the proxy in front of the node gave up waiting "
                            "— for long captures, raise the proxy's timeout or ask for fewer "
                            "seconds";
    QTest::newRow("429") << answer(429) << heap << QStringList() << 4
                         << "429 too many requests: the node is busy — retry later";
    QTest::newRow("407") << answer(407) << heap << QStringList() << 4
                         << "407 proxy authentication required: the proxy wants credentials — "
                            "check the proxy settings";
    QTest::newRow("302") << answer(302) << heap << QStringList() << 2
                         << "302 found: the node redirects elsewhere (to a login page?) instead "
                            "of answering: check the URL and token";
    QTest::newRow("418") << answer(418, "I'm a teapot") << heap << QStringList() << 2
                         << "418 HTTP error: I'm a teapot";
    QTest::newRow("no answer") << answer(0) << heap << QStringList() << 4
                               << "no answer from the node: check the address and that the node "
                                  "is running";
    HttpOutcome tls = answer(0);
    tls.transportError = "TLS handshake failed: the node's certificate is not trusted";
    QTest::newRow("transport error") << tls << heap << QStringList() << 4
                                     << "TLS handshake failed: the node's certificate is not "
                                        "trusted";
}

void TestCaptureRequests::verdicts() {
    QFETCH(HttpOutcome, outcome);
    QFETCH(std::optional<CaptureRequest>, request);
    QFETCH(QStringList, suggestions);
    QFETCH(int, category);
    QFETCH(QString, message);
    const HttpVerdict v = judgeResponse(outcome, request, suggestions);
    QCOMPARE(int(v.category), category);
    QCOMPARE(v.ok(), category == 0);
    QCOMPARE(v.message, message);
    QVERIFY(!v.message.contains(u'\n'));
}

void TestCaptureRequests::verdictsRedact() {
    const QString token = "eyJhbGciOi.s3cret+payload/x=";
    // A node that echoes the token back in its error.
    const HttpVerdict v =
        judgeResponse(answer(401, ("bad token " + token + "\n").toUtf8(), "text/plain"),
                      req(ProfileKind::Heap), {}, token);
    QCOMPARE(int(v.category), int(ErrorCategory::Auth));
    QVERIFY2(!v.message.contains(token), qPrintable(v.message));
    QCOMPARE(v.message, QString("401 unauthorized: bad token [redacted] — get a fresh token"));
    // Without the secret the echo would have shown: the redaction is what hides it.
    QVERIFY(judgeResponse(answer(401, token.toUtf8(), "text/plain"), std::nullopt)
                .message.contains(token));
}

void TestCaptureRequests::errorLines() {
    HttpOutcome o = answer(403);
    o.url = "https://alice:pw@node:8443/__/debug/pprof/heap?gc=1";
    const HttpVerdict v = judgeResponse(o, req(ProfileKind::Heap, {}, 0, true));
    QCOMPARE(errorLine(o, v), QString("capture https://node:8443/__/debug/pprof/heap?gc=1: 403 "
                                      "forbidden: the token lacks the admin role the node "
                                      "requires"));
    o.url = "https://node/debug/pprof/heap?token=abc123";
    QVERIFY(!errorLine(o, v, "abc123").contains("abc123"));
}

void TestCaptureRequests::redaction() {
    QCOMPARE(redact("a tok b tok", "tok"), QString("a [redacted] b [redacted]"));
    QCOMPARE(redact("nothing here", ""), QString("nothing here"));
    QCOMPARE(redact("nothing here", "  "), QString("nothing here"));
    QCOMPARE(redact("url?t=a%2Bb%2Fc and a%2bb%2fc", "a+b/c"),
             QString("url?t=[redacted] and [redacted]"));
    QCOMPARE(redact("Bearer xyz\n", " xyz "), QString("Bearer [redacted]\n"));
}

QTEST_GUILESS_MAIN(TestCaptureRequests)
#include "tst_capture_requests.moc"
