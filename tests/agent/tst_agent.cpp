// The agent end to end: starts embers-demo (which links the agent) on a free
// loopback port with a random token and fetches every endpoint with curl;
// profiles are decoded with the project's own reader and, when Go is
// installed, with `go tool pprof`. Also: the preload library in a program
// without agent code.
#include <QtTest>

#include <signal.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <fstream>

#include "core/decode.h"
#include "core/flat_table.h"

using namespace embers::core;

namespace {

struct HttpReply {
    int status = 0;
    QMap<QString, QString> headers;  // lower-case names
    QByteArray body;
};

HttpReply parseCurl(const QByteArray& out) {
    HttpReply r;
    const qsizetype split = out.indexOf("\r\n\r\n");
    if (split < 0) return r;
    const QList<QByteArray> lines = out.left(split).split('\n');
    if (!lines.isEmpty()) r.status = lines[0].split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray l = lines[i].trimmed();
        const qsizetype colon = l.indexOf(':');
        if (colon > 0)
            r.headers[QString::fromLatin1(l.left(colon)).toLower()] =
                QString::fromLatin1(l.mid(colon + 1).trimmed());
    }
    r.body = out.mid(split + 4);
    return r;
}

QStringList curlArgs(const QString& url, const QString& token, const QStringList& extra) {
    QStringList args{"-s", "-i", "--max-time", "60"};
    if (!token.isEmpty())
        args << "-H"
             << "Authorization: Bearer " + token;
    return args << extra << url;
}

HttpReply fetch(const QString& url, const QString& token, const QStringList& extra = {}) {
    QProcess curl;
    curl.start("curl", curlArgs(url, token, extra));
    curl.waitForFinished(90000);
    return parseCurl(curl.readAllStandardOutput());
}

QString randomToken() {
    QString t;
    for (int i = 0; i < 32; ++i)
        t += QChar("abcdefghijklmnopqrstuvwxyz0123456789"[QRandomGenerator::global()->bounded(36)]);
    return t;
}

// utime + stime of a process, in seconds.
double processCpuSeconds(qint64 pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(f, line);
    const size_t paren = line.rfind(')');
    std::istringstream rest(line.substr(paren + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; rest >> field; ++i) {
        if (i == 14) utime = std::stod(field);
        if (i == 15) {
            stime = std::stod(field);
            break;
        }
    }
    return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Waits for a line matching `re` on the process's stdout (or stderr) and
// returns its first capture.
QString waitForLine(QProcess& p, const QRegularExpression& re, bool stderrToo, int ms = 15000) {
    QByteArray seen;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        p.waitForReadyRead(100);
        seen += p.readAllStandardOutput();
        if (stderrToo) seen += p.readAllStandardError();
        const auto m = re.match(QString::fromUtf8(seen));
        if (m.hasMatch()) return m.captured(1);
        if (p.state() == QProcess::NotRunning) break;
    }
    return {};
}

// cum of the node named `name` in sample type `type`, or -1.
int64_t cumOf(const Profile& p, const std::string& type, const std::string& name) {
    AnalysisOptions o;
    o.sampleIndex = p.sampleIndex(type);
    const FlatTable t = computeFlatTable(p, o, SortOrder::Cum);
    for (const FlatRow& r : t.rows)
        if (t.nodes[r.node].name == name) return r.cum;
    return -1;
}

std::string hottestFlat(const Profile& p, const std::string& type) {
    AnalysisOptions o;
    o.sampleIndex = p.sampleIndex(type);
    const FlatTable t = computeFlatTable(p, o, SortOrder::Flat);
    return t.rows.empty() ? std::string() : t.nodes[t.rows.front().node].name;
}

constexpr int kParked = 5;
constexpr int kLeakMb = 48;

}  // namespace

class TestAgent : public QObject {
    Q_OBJECT

    QProcess demo_;
    QString token_;
    QString base_;  // http://127.0.0.1:PORT
    QTemporaryDir dir_;
    QStringList savedProfiles_;

    QString pprof(const QString& rest) const { return base_ + "/debug/pprof/" + rest; }

    ProfilePtr fetchProfile(const QString& rest, const QString& saveAs) {
        const HttpReply r = fetch(pprof(rest), token_);
        if (r.status != 200) {
            qWarning() << rest << r.status << r.body.left(200);
            return nullptr;
        }
        const QString path = dir_.filePath(saveAs);
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(r.body);
        f.close();
        savedProfiles_ << path;
        return decodeProfile(std::string_view(r.body.constData(), r.body.size()));
    }

private slots:
    void initTestCase() {
        const QString demoPath = qEnvironmentVariable("EMBERS_DEMO");
        if (demoPath.isEmpty()) QSKIP("EMBERS_DEMO is not set (run through ctest)");
        token_ = randomToken();
        demo_.start(demoPath, {"--port", "0", "--token", token_, "--parked",
                               QString::number(kParked), "--leak-mb", QString::number(kLeakMb)});
        QVERIFY2(demo_.waitForStarted(), "embers-demo does not start");
        const QString port =
            waitForLine(demo_, QRegularExpression("LISTENING http://127.0.0.1:(\\d+)"), false);
        QVERIFY2(!port.isEmpty(), "embers-demo did not print LISTENING");
        base_ = "http://127.0.0.1:" + port;
    }

    void cleanupTestCase() {
        if (demo_.state() == QProcess::Running) {
            ::kill(static_cast<pid_t>(demo_.processId()), SIGTERM);
            QVERIFY(demo_.waitForFinished(15000));
            QCOMPARE(demo_.exitCode(), 0);
            QVERIFY(demo_.readAllStandardOutput().contains("STOPPED"));
        }
    }

    // `--cpu-percent 10` (what the desktop app's local demo runs with) burns about a tenth
    // of a core, not a whole one.
    void demoBurnsTheShareAskedFor() {
        QProcess demo;
        demo.start(qEnvironmentVariable("EMBERS_DEMO"),
                   {"--port", "0", "--token", randomToken(), "--cpu-percent", "10", "--parked", "0",
                    "--leak-mb", "1"});
        QVERIFY(demo.waitForStarted());
        QVERIFY(!waitForLine(demo, QRegularExpression("LISTENING http://127.0.0.1:(\\d+)"), false)
                     .isEmpty());
        const double cpu0 = processCpuSeconds(demo.processId());
        QTest::qWait(3000);
        const double cpu = processCpuSeconds(demo.processId()) - cpu0;
        ::kill(static_cast<pid_t>(demo.processId()), SIGTERM);
        QVERIFY(demo.waitForFinished(15000));
        qInfo() << "CPU in 3 s at 10 %:" << cpu << "s";
        QVERIFY2(cpu > 0.1 && cpu < 0.9, qPrintable(QString::number(cpu)));
    }

    void missingAndWrongToken() {
        for (const QString& t : {QString(), QString("wrong"), token_ + "x", token_.left(31)}) {
            const HttpReply r = fetch(pprof(""), t);
            QCOMPARE(r.status, 401);
            QVERIFY(r.headers.value("www-authenticate").startsWith("Bearer"));
        }
        QCOMPARE(fetch(base_ + "/metrics", "").status, 401);
        QCOMPARE(fetch(pprof("heap"), "nope").status, 401);
        // The scheme is case-insensitive, the token is not.
        QCOMPARE(fetch(pprof(""), "", {"-H", "Authorization: bearer " + token_}).status, 200);
        QCOMPARE(fetch(pprof(""), "", {"-H", "Authorization: Bearer " + token_.toUpper()}).status,
                 401);
    }

    void indexPage() {
        const HttpReply r = fetch(pprof(""), token_);
        QCOMPARE(r.status, 200);
        const QString html = QString::fromUtf8(r.body);
        QRegularExpression row("<tr><td>(\\d+)</td><td><a href='(\\w+)\\?debug=1'>(\\w+)</a>");
        QMap<QString, int> counts;
        for (auto it = row.globalMatch(html); it.hasNext();) {
            const auto m = it.next();
            counts[m.captured(3)] = m.captured(1).toInt();
        }
        for (const char* name : {"allocs", "block", "cmdline", "goroutine", "heap", "mutex",
                                 "profile", "threadcreate"})
            QVERIFY2(counts.contains(name), name);
        QVERIFY(counts["goroutine"] >= kParked + 4);
        QVERIFY(counts["heap"] > 0);
        QVERIFY(counts["threadcreate"] >= kParked + 4);
        // Without the trailing slash too.
        QCOMPARE(fetch(base_ + "/debug/pprof", token_).status, 200);
    }

    void cmdline() {
        const HttpReply r = fetch(pprof("cmdline"), token_);
        QCOMPARE(r.status, 200);
        QVERIFY(
            r.body.contains(QByteArray("embers-demo\0--port\0"
                                       "0",
                                       19)));
    }

    void cpuProfile() {
        const qint64 pid = demo_.processId();
        // A second request while one runs gets Go's error.
        QProcess first;
        const double cpu0 = processCpuSeconds(pid);
        QElapsedTimer wall;
        wall.start();
        first.start("curl", curlArgs(pprof("profile?seconds=4"), token_, {}));
        QTest::qWait(1000);
        const HttpReply second = fetch(pprof("profile?seconds=1"), token_);
        QCOMPARE(second.status, 500);
        QCOMPARE(second.headers.value("x-go-pprof"), QString("1"));
        QVERIFY(
            second.body.contains("Could not enable CPU profiling: cpu profiling already in use"));
        // The CPU used during the profile's 4 s (not while it is symbolized).
        QTest::qWait(static_cast<int>(std::max<qint64>(0, 4050 - wall.elapsed())));
        const double cpu = processCpuSeconds(pid) - cpu0;
        QVERIFY(first.waitForFinished(30000));
        const HttpReply r = parseCurl(first.readAllStandardOutput());
        QCOMPARE(r.status, 200);
        QVERIFY(wall.elapsed() >= 4000);
        const ProfilePtr p = decodeProfile(std::string_view(r.body.constData(), r.body.size()));
        QCOMPARE(p->sampleTypeName(0), std::string("samples"));
        QCOMPARE(p->sampleTypeName(1), std::string("cpu"));
        QCOMPARE(p->data().period, int64_t{10000000});
        QCOMPARE(hottestFlat(*p, "cpu"), std::string("demo::burnCpu"));
        const double profiled = static_cast<double>(computeTotal(*p, 1)) * 1e-9;
        // Measured from outside over the same 4 s, give or take the request's start.
        qInfo() << "CPU profiled" << profiled << "s, measured" << cpu << "s";
        QVERIFY2(profiled > cpu * 0.85 && profiled < cpu * 1.1,
                 qPrintable(QString("profiled %1 s vs measured %2 s").arg(profiled).arg(cpu)));
        QVERIFY(!p->mappings().empty());
        QVERIFY(!p->str(p->mappings()[0].buildId).empty());
        QVERIFY(p->str(p->mappings()[0].file).ends_with("embers-demo"));
        QFile f(dir_.filePath("cpu.pb.gz"));
        f.open(QIODevice::WriteOnly);
        f.write(r.body);
        savedProfiles_ << f.fileName();
    }

    void heapProfile() {
        const ProfilePtr heap = fetchProfile("heap", "heap.pb.gz");
        QVERIFY(heap);
        QCOMPARE(heap->valueCount(), size_t{4});
        QCOMPARE(heap->sampleTypeName(3), std::string("inuse_space"));
        QCOMPARE(heap->data().period, int64_t{512 * 1024});
        const int64_t leaked = cumOf(*heap, "inuse_space", "demo::allocateLeaky");
        const int64_t expected = int64_t{kLeakMb} << 20;
        qInfo() << "in use by demo::allocateLeaky:" << leaked << "expected" << expected;
        // 48 MiB at one sample per 512 KiB: ~96 samples, so ±30 % is ~3 sigma.
        QVERIFY2(leaked > expected * 7 / 10 && leaked < expected * 13 / 10,
                 qPrintable(QString::number(leaked)));
        const ProfilePtr allocs = fetchProfile("allocs", "allocs.pb.gz");
        QVERIFY(allocs);
        QCOMPARE(allocs->sampleTypeName(allocs->defaultSampleIndex()), std::string("alloc_space"));
        QVERIFY(cumOf(*allocs, "alloc_space", "demo::churnAllocations") > 0);
        // Delta: the leak happened before, so it is not in a 1 s delta.
        const ProfilePtr delta = fetchProfile("heap?seconds=1", "heap-delta.pb.gz");
        QVERIFY(delta);
        QVERIFY(cumOf(*delta, "inuse_space", "demo::allocateLeaky") <= 0);
        const HttpReply text = fetch(pprof("heap?debug=1"), token_);
        QCOMPARE(text.status, 200);
        QVERIFY(text.body.startsWith("heap profile: "));
    }

    // The agent is captured from exactly like a Go service: `embers capture` with only the
    // node's URL finds the prefix, saves the profile and exits 0; a wrong token exits 3.
    void embersCaptureFromTheAgent() {
        const QString embers = qEnvironmentVariable("EMBERS_BIN");
        if (embers.isEmpty()) QSKIP("EMBERS_BIN is not set (run through ctest)");
        auto capture = [&](const QStringList& args, QString* out, QString* err) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("EMBERS_CAPTURE_DIR", dir_.filePath("captures"));
            env.insert("EMBERS_TEST_TOKEN", token_);
            p.setProcessEnvironment(env);
            p.start(embers, QStringList{"capture", base_} + args);
            p.waitForFinished(60000);
            *out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
            *err = QString::fromUtf8(p.readAllStandardError());
            return p.exitCode();
        };
        QString out, err;
        for (const char* kind : {"heap", "goroutine", "threadcreate", "mutex"}) {
            QCOMPARE(capture({"--profile", kind, "--token-env", "EMBERS_TEST_TOKEN"}, &out, &err),
                     0);
            QVERIFY2(out.endsWith(".pb.gz"), qPrintable(out + err));
            const ProfilePtr p = readProfileFile(out.toStdString(), {});
            QVERIFY(p->sampleCount() > 0);
            QVERIFY(!out.contains(token_) && !err.contains(token_));
        }
        QCOMPARE(capture({"--profile", "cpu", "--seconds", "1", "--token-env", "EMBERS_TEST_TOKEN"},
                         &out, &err),
                 0);
        QVERIFY(cumOf(*readProfileFile(out.toStdString(), {}), "cpu", "demo::burnCpu") > 0);
        QCOMPARE(capture({"--profile", "heap", "--token", "wrong"}, &out, &err), 3);
        QVERIFY2(err.contains("401"), qPrintable(err));
        QVERIFY(!err.contains(token_));
    }

    void threadDump() {
        const ProfilePtr g = fetchProfile("goroutine", "goroutine.pb.gz");
        QVERIFY(g);
        QCOMPARE(g->sampleTypeName(0), std::string("goroutine"));
        QCOMPARE(cumOf(*g, "goroutine", "demo::parkedWorker"), int64_t{kParked});
        const HttpReply d1 = fetch(pprof("goroutine?debug=1"), token_);
        QCOMPARE(d1.status, 200);
        QVERIFY(d1.body.startsWith("goroutine profile: total "));
        QVERIFY(QString::fromUtf8(d1.body).contains(
            QRegularExpression(QString("\\n%1 @ 0x[0-9a-f]+").arg(kParked))));
        const HttpReply d2 = fetch(pprof("goroutine?debug=2"), token_);
        QCOMPARE(d2.status, 200);
        const QString text = QString::fromUtf8(d2.body);
        QCOMPARE(text.count("thread \"demo-parked\""), kParked);
        QCOMPARE(text.count("demo::parkedWorker(...)"), kParked);
        QVERIFY(
            text.contains(QRegularExpression(QString("goroutine %1 \\[").arg(demo_.processId()))));
        for (const QString& line : text.split('\n'))
            QVERIFY2(!line.contains("did not answer"), qPrintable(line));
        // The text dump reads back through the viewer's reader.
        const ProfilePtr fromText = decodeProfile(d2.body.toStdString());
        QCOMPARE(cumOf(*fromText, "goroutine", "demo::parkedWorker"), int64_t{kParked});
    }

    void otherProfiles() {
        const ProfilePtr tc = fetchProfile("threadcreate", "threadcreate.pb.gz");
        QVERIFY(tc);
        QVERIFY(computeTotal(*tc, 0) >= kParked + 4);
        const ProfilePtr mutex = fetchProfile("mutex", "mutex.pb.gz");
        QVERIFY(mutex);
        QCOMPARE(mutex->sampleTypeName(1), std::string("delay"));
        QVERIFY(cumOf(*mutex, "delay", "demo::contend") > 0);
        const ProfilePtr block = fetchProfile("block", "block.pb.gz");
        QVERIFY(block);
        QVERIFY(cumOf(*block, "contentions", "demo::contend") > 0);
    }

    void symbol() {
        const HttpReply get = fetch(pprof("symbol"), token_);
        QCOMPARE(get.status, 200);
        QCOMPARE(get.body, QByteArray("num_symbols: 1\n"));
        // A PC of main (waiting in sigwait, nothing inlined there) from the
        // text dump. Like Go's FuncForPC, the innermost inlined function is named.
        const HttpReply d1 = fetch(pprof("goroutine?debug=1"), token_);
        const auto m =
            QRegularExpression("#\\t(0x[0-9a-f]+)\\tmain\\+").match(QString::fromUtf8(d1.body));
        QVERIFY(m.hasMatch());
        const HttpReply post =
            fetch(pprof("symbol"), token_, {"--data-binary", m.captured(1) + "+0x1"});
        QCOMPARE(post.status, 200);
        QVERIFY(post.body.startsWith("num_symbols: 1\n"));
        QVERIFY(post.body.contains(m.captured(1).toUtf8() + " main\n"));
    }

    void badParameters() {
        struct Case {
            const char* path;
            int status;
            const char* phrase;
        };
        const Case cases[] = {
            {"profile?seconds=abc", 400, "seconds"},
            {"profile?seconds=-3", 400, "seconds"},
            {"heap?debug=x", 400, "debug"},
            {"heap?seconds=0", 400, "seconds"},
            {"heap?seconds=1&debug=1", 400, "incompatible"},
            {"nosuchprofile", 404, "Unknown profile"},
        };
        for (const Case& c : cases) {
            const HttpReply r = fetch(pprof(c.path), token_);
            QVERIFY2(r.status == c.status, c.path);
            QCOMPARE(r.headers.value("x-go-pprof"), QString("1"));
            QVERIFY2(r.body.contains(c.phrase), c.path);
        }
    }

    void metrics() {
        const HttpReply prom = fetch(base_ + "/metrics", token_);
        QCOMPARE(prom.status, 200);
        for (const char* name :
             {"process_resident_memory_bytes ", "process_cpu_seconds_total ", "process_threads ",
              "process_open_fds ", "embers_heap_inuse_bytes ", "process_uptime_seconds ",
              "embers_heap_sampled_alloc_bytes_total "})
            QVERIFY2(prom.body.contains(name), name);
        const HttpReply vars = fetch(base_ + "/debug/vars", token_);
        QCOMPARE(vars.status, 200);
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(vars.body, &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
        const QJsonObject memstats = doc.object()["memstats"].toObject();
        QVERIFY(memstats["HeapAlloc"].toDouble() >= double(kLeakMb) * 1024 * 1024);
        QVERIFY(doc.object()["process"].toObject()["threads"].toInt() >= kParked + 4);
    }

    void concurrentRequests() {
        const QStringList paths{"goroutine",         "heap",   "",
                                "goroutine?debug=2", "allocs", "threadcreate"};
        std::vector<std::unique_ptr<QProcess>> procs;
        for (const QString& path : paths) {
            procs.push_back(std::make_unique<QProcess>());
            procs.back()->start("curl", curlArgs(pprof(path), token_, {}));
        }
        procs.push_back(std::make_unique<QProcess>());
        procs.back()->start("curl", curlArgs(base_ + "/metrics", token_, {}));
        for (auto& p : procs) {
            QVERIFY(p->waitForFinished(60000));
            QCOMPARE(parseCurl(p->readAllStandardOutput()).status, 200);
        }
    }

    void goToolPprofReadsEveryProfile() {
        if (QStandardPaths::findExecutable("go").isEmpty()) QSKIP("go is not installed");
        QVERIFY(savedProfiles_.size() >= 7);
        for (const QString& path : savedProfiles_) {
            QProcess go;
            go.start("go", {"tool", "pprof", "-top", path});
            QVERIFY(go.waitForFinished(120000));
            QVERIFY2(go.exitCode() == 0,
                     qPrintable(path + ": " + QString::fromUtf8(go.readAllStandardError())));
            if (path.endsWith("cpu.pb.gz"))
                QVERIFY(go.readAllStandardOutput().contains("demo::burnCpu"));
        }
    }

    void shutdownDuringProfile() {
        QProcess demo;
        demo.start(qEnvironmentVariable("EMBERS_DEMO"), {"--port", "0", "--leak-mb", "1"});
        const QString port =
            waitForLine(demo, QRegularExpression("LISTENING http://127.0.0.1:(\\d+)"), false);
        QVERIFY(!port.isEmpty());
        QProcess curl;
        curl.start("curl", curlArgs("http://127.0.0.1:" + port + "/debug/pprof/profile?seconds=30",
                                    "", {}));
        QTest::qWait(1500);
        QElapsedTimer t;
        t.start();
        ::kill(static_cast<pid_t>(demo.processId()), SIGTERM);
        QVERIFY(demo.waitForFinished(10000));
        QVERIFY(t.elapsed() < 5000);
        QCOMPARE(demo.exitStatus(), QProcess::NormalExit);
        QCOMPARE(demo.exitCode(), 0);
        QVERIFY(curl.waitForFinished(10000));
        // The profile so far, or a closed connection; never a hang.
        const HttpReply r = parseCurl(curl.readAllStandardOutput());
        QVERIFY(r.status == 200 || r.status == 0);
    }

    void threadThatDoesNotAnswer() {
        QProcess demo;
        demo.start(qEnvironmentVariable("EMBERS_DEMO"),
                   {"--port", "0", "--leak-mb", "1", "--blocked-thread"});
        const QString port =
            waitForLine(demo, QRegularExpression("LISTENING http://127.0.0.1:(\\d+)"), false);
        QVERIFY(!port.isEmpty());
        QElapsedTimer t;
        t.start();
        const HttpReply r =
            fetch("http://127.0.0.1:" + port + "/debug/pprof/goroutine?debug=2", "");
        QCOMPARE(r.status, 200);
        QVERIFY(t.elapsed() < 10000);
        const QString text = QString::fromUtf8(r.body);
        QCOMPARE(text.count("did not answer"), 1);
        QVERIFY(
            text.contains(QRegularExpression("thread \"demo-blocked\", no stack: the thread did "
                                             "not answer the dump signal\\]:")));
        const HttpReply proto = fetch("http://127.0.0.1:" + port + "/debug/pprof/goroutine", "");
        QCOMPARE(proto.status, 200);
        QVERIFY(decodeProfile(std::string_view(proto.body.constData(), proto.body.size())));
        ::kill(static_cast<pid_t>(demo.processId()), SIGTERM);
        QVERIFY(demo.waitForFinished(10000));
        QCOMPARE(demo.exitCode(), 0);
    }

    void refusesOpenBindWithoutToken() {
        QProcess demo;
        demo.start(qEnvironmentVariable("EMBERS_DEMO"), {"--port", "0", "--bind", "0.0.0.0"});
        QVERIFY(demo.waitForFinished(10000));
        QCOMPARE(demo.exitCode(), 1);
        QVERIFY(demo.readAllStandardError().contains("refusing to listen on 0.0.0.0"));
    }

    void preloadIntoProgramWithoutAgent() {
        const QString preload = qEnvironmentVariable("EMBERS_AGENT_PRELOAD");
        if (preload.isEmpty()) QSKIP("EMBERS_AGENT_PRELOAD is not set");
        QProcess sleeper;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("LD_PRELOAD", preload);
        env.insert("EMBERS_AGENT_PORT", "0");
        env.insert("EMBERS_AGENT_TOKEN", "preload-token");
        sleeper.setProcessEnvironment(env);
        sleeper.start("/bin/sleep", {"30"});
        const QString port = waitForLine(
            sleeper, QRegularExpression("embers agent: serving http://127.0.0.1:(\\d+)/"), true);
        QVERIFY2(!port.isEmpty(), "the preloaded agent did not start");
        const QString base = "http://127.0.0.1:" + port + "/debug/pprof/";
        QCOMPARE(fetch(base, "").status, 401);
        const HttpReply index = fetch(base, "preload-token");
        QCOMPARE(index.status, 200);
        QVERIFY(index.body.contains("goroutine?debug=1"));
        const HttpReply g = fetch(base + "goroutine?debug=1", "preload-token");
        QCOMPARE(g.status, 200);
        QVERIFY(g.body.contains("nanosleep"));  // the main thread of sleep
        const HttpReply heap = fetch(base + "heap", "preload-token");
        QCOMPARE(heap.status, 200);
        QVERIFY(decodeProfile(std::string_view(heap.body.constData(), heap.body.size())));
        ::kill(static_cast<pid_t>(sleeper.processId()), SIGTERM);
        QVERIFY(sleeper.waitForFinished(10000));
    }
};

QTEST_GUILESS_MAIN(TestAgent)
#include "tst_agent.moc"
