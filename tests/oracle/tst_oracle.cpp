// The oracle test: `embers` against `go tool pprof` on real Go profiles.
//
// initTestCase builds the Go peer in tests/gopeer, runs it to write real CPU,
// heap, allocs, goroutine, mutex and block profiles, and every test row then
// runs `embers top|list ... --format json` and the matching `go tool pprof`
// report on the same file and compares them value for value, row for row.
//
// Environment:
//   EMBERS_BIN           the embers executable (set by ctest)
//   EMBERS_ORACLE_KEEP=1 keep the directory with the profiles for inspection

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <climits>
#include <memory>
#include <vector>

#include "pprof_text.h"

#ifndef EMBERS_GOPEER_SOURCE_DIR
#error "EMBERS_GOPEER_SOURCE_DIR must point to tests/gopeer"
#endif
#ifndef EMBERS_ORACLE_WORK_DIR
#error "EMBERS_ORACLE_WORK_DIR must point to a writable directory for the Go caches"
#endif

using namespace oracle;

namespace {

constexpr int kBuildTimeoutMs = 300'000;
constexpr int kPeerTimeoutMs = 120'000;
constexpr int kToolTimeoutMs = 60'000;

struct SampleType {
    QString name;
    QString unit;
};

// What runtime/pprof writes (see docs/PPROF-FACTS.md): the sample types of each
// profile, in order, and the one pprof picks when no -sample_index is given.
struct ProfileSpec {
    QString file;
    QList<SampleType> types;
    int defaultIndex;
};

const std::vector<ProfileSpec>& profiles() {
    static const QList<SampleType> cpu{{"samples", "count"}, {"cpu", "nanoseconds"}};
    static const QList<SampleType> mem{{"alloc_objects", "count"},
                                       {"alloc_space", "bytes"},
                                       {"inuse_objects", "count"},
                                       {"inuse_space", "bytes"}};
    static const QList<SampleType> lock{{"contentions", "count"}, {"delay", "nanoseconds"}};
    static const std::vector<ProfileSpec> specs{
        {"cpu.pb.gz", cpu, 1},
        {"cpu2.pb.gz", cpu, 1},
        {"heap.pb.gz", mem, 3},    // no default_sample_type: the last one
        {"allocs.pb.gz", mem, 1},  // default_sample_type alloc_space
        {"goroutine.pb.gz", {{"goroutine", "count"}}, 0},
        {"mutex.pb.gz", lock, 1},
        {"block.pb.gz", lock, 1},
    };
    return specs;
}

const ProfileSpec& spec(const QString& file) {
    for (const ProfileSpec& s : profiles()) {
        if (s.file == file) return s;
    }
    qFatal("no profile spec for %s", qPrintable(file));
}

const QStringList& granularities() {
    static const QStringList g{"functions", "files", "lines"};
    return g;
}

QString shellQuote(const QString& arg) {
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./=:,+-]+$"));
    if (!arg.isEmpty() && plain.match(arg).hasMatch()) return arg;
    QString q = arg;
    q.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + q + u'\'';
}

QString commandLine(const QString& program, const QStringList& args) {
    QStringList parts{shellQuote(program)};
    for (const QString& a : args) parts << shellQuote(a);
    return parts.join(u' ');
}

// One external command, run with a timeout.
struct Command {
    QString program;
    QStringList args;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QString workDir;

    QByteArray out;
    QByteArray err;
    int exitCode = -1;
    QString failure;  // empty when the command ran and exited with 0

    QString display() const { return commandLine(program, args); }
};

// Runs the commands concurrently and waits for all of them.
void runAll(const QList<Command*>& cmds, int timeoutMs) {
    std::vector<std::unique_ptr<QProcess>> procs;
    const QDeadlineTimer deadline(timeoutMs);
    for (Command* c : cmds) {
        auto p = std::make_unique<QProcess>();
        p->setProgram(c->program);
        p->setArguments(c->args);
        p->setProcessEnvironment(c->env);
        if (!c->workDir.isEmpty()) p->setWorkingDirectory(c->workDir);
        p->start();
        procs.push_back(std::move(p));
    }
    for (qsizetype i = 0; i < cmds.size(); ++i) {
        Command* c = cmds[i];
        QProcess* p = procs[i].get();
        if (!p->waitForStarted(int(qMax<qint64>(1, deadline.remainingTime())))) {
            c->failure = QStringLiteral("could not start: %1").arg(p->errorString());
            continue;
        }
        // Keep draining the pipes so a chatty process never blocks on a full pipe.
        while (p->state() != QProcess::NotRunning && !deadline.hasExpired()) {
            p->waitForFinished(
                int(qBound<qint64>(qint64(1), deadline.remainingTime(), qint64(200))));
            c->out += p->readAllStandardOutput();
            c->err += p->readAllStandardError();
        }
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(5000);
            c->failure = QStringLiteral("timed out after %1 s").arg(timeoutMs / 1000);
            continue;
        }
        c->out += p->readAllStandardOutput();
        c->err += p->readAllStandardError();
        if (p->exitStatus() != QProcess::NormalExit) {
            c->failure = QStringLiteral("crashed");
        } else {
            c->exitCode = p->exitCode();
            if (c->exitCode != 0) c->failure = QStringLiteral("exited with %1").arg(c->exitCode);
        }
    }
}

QString describeFailure(const Command& c) {
    return QStringLiteral("%1\n  %2\n  stderr: %3")
        .arg(c.failure, c.display(), QString::fromUtf8(c.err).trimmed());
}

// Reads an integer member of an embers JSON object; fails on non-integers.
bool jsonInt(const QJsonObject& o, const QString& key, qint64* out, bool required = true) {
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull()) {
        *out = 0;
        return !required;
    }
    if (!v.isDouble()) return false;
    const qint64 i = v.toInteger(LLONG_MIN);
    if (i == LLONG_MIN) return false;
    *out = i;
    return true;
}

struct EmbersRow {
    QString name;  // as pprof would print it
    qint64 flat = 0;
    qint64 cum = 0;
};

QString formatRows(const QList<EmbersRow>& ours, const QList<TopRow>& theirs, qsizetype first) {
    QString s;
    const qsizetype from = qMax<qsizetype>(0, first - 3);
    const qsizetype to = qMin<qsizetype>(qMax(ours.size(), theirs.size()), first + 12);
    for (qsizetype i = from; i < to; ++i) {
        const QString a =
            i < ours.size()
                ? QStringLiteral("%1 %2  %3").arg(ours[i].flat).arg(ours[i].cum).arg(ours[i].name)
                : QStringLiteral("-");
        const QString b = i < theirs.size() ? QStringLiteral("%1 %2  %3")
                                                  .arg(theirs[i].flat)
                                                  .arg(theirs[i].cum)
                                                  .arg(theirs[i].name)
                                            : QStringLiteral("-");
        const bool same = i < ours.size() && i < theirs.size() && a == b;
        s += QStringLiteral("  %1 row %2\n      embers: %3\n      pprof:  %4\n")
                 .arg(same ? QStringLiteral(" ") : QStringLiteral("*"))
                 .arg(i)
                 .arg(a, b);
    }
    return s;
}

}  // namespace

class OracleTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void parserSelfCheck();

    void top_data();
    void top();

    void list_data();
    void list();

private:
    QString profilePath(const QString& file) const { return m_profiles.filePath(file); }

    QString m_embers;
    QString m_go;
    QString m_pprof;  // the pprof tool binary; empty: use `go tool pprof`
    QProcessEnvironment m_goEnv;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QDir m_profiles;
};

void OracleTest::initTestCase() {
    m_go = QStandardPaths::findExecutable(QStringLiteral("go"));
    if (m_go.isEmpty()) {
        QSKIP(
            "`go` is not on PATH, so the Go peer cannot be built: install golang-go "
            "(installer/ does) to run the oracle test.");
    }
    m_embers = qEnvironmentVariable("EMBERS_BIN");
    QVERIFY2(!m_embers.isEmpty(),
             "EMBERS_BIN is not set: run this test through ctest, or set EMBERS_BIN to the "
             "embers executable.");
    QVERIFY2(QFileInfo(m_embers).isExecutable(),
             qPrintable(QStringLiteral("EMBERS_BIN=%1 is not an executable file.").arg(m_embers)));

    const QDir work(QStringLiteral(EMBERS_ORACLE_WORK_DIR));
    QVERIFY(QDir().mkpath(work.filePath(QStringLiteral("cache"))));
    QVERIFY(QDir().mkpath(work.filePath(QStringLiteral("path"))));
    m_goEnv = QProcessEnvironment::systemEnvironment();
    m_goEnv.insert(QStringLiteral("GOCACHE"), work.filePath(QStringLiteral("cache")));
    m_goEnv.insert(QStringLiteral("GOPATH"), work.filePath(QStringLiteral("path")));
    m_goEnv.insert(QStringLiteral("GOFLAGS"), QStringLiteral("-buildvcs=false"));
    m_goEnv.insert(QStringLiteral("GOTOOLCHAIN"), QStringLiteral("local"));
    m_goEnv.insert(QStringLiteral("GOPROXY"), QStringLiteral("off"));
    m_goEnv.insert(QStringLiteral("GO111MODULE"), QStringLiteral("on"));

    m_tmp =
        std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/embers-oracle-XXXXXX"));
    QVERIFY2(m_tmp->isValid(), qPrintable(m_tmp->errorString()));
    if (qEnvironmentVariableIntValue("EMBERS_ORACLE_KEEP") != 0) {
        m_tmp->setAutoRemove(false);
        qInfo("keeping the profiles in %s", qPrintable(m_tmp->path()));
    }
    const QDir tmp(m_tmp->path());
    const QString peer = tmp.filePath(QStringLiteral("gopeer"));

    Command build;
    build.program = m_go;
    build.args = {"build", "-o", peer, "."};
    build.env = m_goEnv;
    build.workDir = QStringLiteral(EMBERS_GOPEER_SOURCE_DIR);
    Command toolDir;
    toolDir.program = m_go;
    toolDir.args = {"env", "GOTOOLDIR"};
    toolDir.env = m_goEnv;
    runAll({&build, &toolDir}, kBuildTimeoutMs);
    QVERIFY2(build.failure.isEmpty(),
             qPrintable(QStringLiteral("building the Go peer failed: ") + describeFailure(build)));

    // Run pprof straight from GOTOOLDIR when it is there: the same program as
    // `go tool pprof`, without the go command's start-up on each of many calls.
    if (toolDir.failure.isEmpty()) {
        const QString p =
            QDir(QString::fromUtf8(toolDir.out).trimmed()).filePath(QStringLiteral("pprof"));
        if (QFileInfo(p).isExecutable()) m_pprof = p;
    }

    m_profiles = QDir(tmp.filePath(QStringLiteral("profiles")));
    Command run;
    run.program = peer;
    run.args = {m_profiles.path()};
    run.env = m_goEnv;
    runAll({&run}, kPeerTimeoutMs);
    QVERIFY2(run.failure.isEmpty(),
             qPrintable(QStringLiteral("running the Go peer failed: ") + describeFailure(run)));
    for (const ProfileSpec& s : profiles()) {
        QVERIFY2(QFileInfo(profilePath(s.file)).size() > 0,
                 qPrintable(QStringLiteral("the Go peer did not write %1").arg(s.file)));
    }
}

// The parsers on text shaped like pprof's, so that a parser bug is told apart
// from an embers bug.
void OracleTest::parserSelfCheck() {
    const QString top = QStringLiteral(
        "File: gopeer\n"
        "Type: cpu\n"
        "Active filters:\n"
        "   focus=main\n"
        "Showing nodes accounting for -30ns, 1.5% of 2000ns total\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "    -100ns  5.00%  5.00%     200ns 10.00%  main.mix (inline)\n"
        "      70ns  3.50%  8.50%     -70ns  3.50%  main.f /src/a b.go:12 (partial-inline)\n"
        "         0     0%  8.50%    2000ns   100%  main.main\n");
    const TopReport r = parseTop(top, QStringLiteral("ns"));
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.shown, -30);
    QCOMPARE(r.total, 2000);
    QCOMPARE(r.rows.size(), 3);
    QCOMPARE(r.rows[0].name, QStringLiteral("main.mix"));
    QCOMPARE(r.rows[0].flat, -100);
    QCOMPARE(r.rows[1].name, QStringLiteral("main.f /src/a b.go:12"));
    QCOMPARE(r.rows[1].cum, -70);
    QCOMPARE(r.rows[2].flat, 0);
    QCOMPARE(r.rows[2].cum, 2000);

    // A value with a rounded unit must be rejected, never misread.
    QVERIFY(!parseTop(QStringLiteral("Showing nodes accounting for 1.50s, 1% of 2s total\n"
                                     "      flat  flat%   sum%        cum   cum%\n"),
                      QStringLiteral("ns"))
                 .error.isEmpty());
    qint64 v = 0;
    QVERIFY(parseValue(u"123B", u"B", &v) && v == 123);
    QVERIFY(parseValue(u"17", u"", &v) && v == 17);
    QVERIFY(parseValue(u".", u"ns", &v) && v == 0);
    QVERIFY(!parseValue(u"1.5MB", u"B", &v));
    QVERIFY(!parseValue(u"12ms", u"ns", &v));
    QVERIFY(!parseValue(u"12ns", u"", &v));

    const QString list = QStringLiteral(
        "Total: 500ns\n"
        "ROUTINE ======================== main.hotLoop in /src/cpu.go\n"
        "     300ns      400ns (flat, cum) 80.00% of Total\n"
        "         .          .     18:func hotLoop(n int) uint64 {\n"
        "     300ns      300ns     20:\tfor i := 0; i < n; i++ {\n"
        "         .      100ns     21:\t\tacc = mix(acc)\n"
        "         .          .     22:\n"
        "ROUTINE ======================== main.gone in /src/gone.go\n"
        "     100ns      100ns (flat, cum) 20.00% of Total\n"
        " Error: could not find file /src/gone.go\n");
    const ListReport l = parseList(list, QStringLiteral("ns"));
    QVERIFY2(l.error.isEmpty(), qPrintable(l.error));
    QCOMPARE(l.total, 500);
    QCOMPARE(l.routines.size(), 2);
    QCOMPARE(l.routines[0].name, QStringLiteral("main.hotLoop"));
    QCOMPARE(l.routines[0].file, QStringLiteral("/src/cpu.go"));
    QCOMPARE(l.routines[0].cum, 400);
    QCOMPARE(l.routines[0].lines.size(), 4);
    QCOMPARE(l.routines[0].lines[1].line, 20);
    QCOMPARE(l.routines[0].lines[1].text, QStringLiteral("\tfor i := 0; i < n; i++ {"));
    QCOMPARE(l.routines[0].lines[2].cum, 100);
    QCOMPARE(l.routines[0].lines[3].text, QString());
    QVERIFY(l.routines[1].lines.isEmpty());
    QVERIFY(!l.routines[1].sourceError.isEmpty());

    QCOMPARE(pprofNodeName("functions", "main.f", "/a.go", 3), QStringLiteral("main.f"));
    QCOMPARE(pprofNodeName("files", "", "/a.go", 0), QStringLiteral("/a.go"));
    QCOMPARE(pprofNodeName("files", "/a.go", "/a.go", 0), QStringLiteral("/a.go"));
    QCOMPARE(pprofNodeName("lines", "main.f", "/a.go", 3), QStringLiteral("main.f /a.go:3"));
    QCOMPARE(pprofNodeName("lines", "main.f", "/a.go", 0), QStringLiteral("main.f /a.go"));
}

// Filters are written as "key=value" (value split at the first '='), or just
// "key" for a flag. The key is the embers long option; pprof's flag is the same
// with '-' turned into '_'. A value naming a profile of the peer is a path in
// the profiles directory.
void OracleTest::top_data() {
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("sampleIndex");  // empty: no option, the default type
    QTest::addColumn<QString>("granularity");
    QTest::addColumn<QStringList>("filters");
    QTest::addColumn<bool>("expectRows");  // false only where an empty table is right

    auto add = [](const QString& profile, const QString& index, const QString& granularity,
                  const QStringList& filters, bool expectRows) {
        const ProfileSpec& s = spec(profile);
        bool numeric = false;
        const int i = index.toInt(&numeric);
        const QString type = index.isEmpty()
                                 ? QStringLiteral("default(%1)").arg(s.types[s.defaultIndex].name)
                             : numeric ? s.types[i].name
                                       : QStringLiteral("name(%1)").arg(index);
        QString tag =
            QStringLiteral("%1/%2/%3")
                .arg(QString(profile).remove(QStringLiteral(".pb.gz")), type, granularity);
        if (!filters.isEmpty()) tag += u'/' + filters.join(u' ');
        QTest::newRow(qPrintable(tag)) << profile << index << granularity << filters << expectRows;
    };

    // Every sample type of every profile at every granularity, unfiltered.
    for (const ProfileSpec& s : profiles()) {
        for (int i = 0; i < s.types.size(); ++i) {
            for (const QString& g : granularities()) add(s.file, QString::number(i), g, {}, true);
        }
        // The default sample type, chosen by each tool on its own.
        add(s.file, QString(), QStringLiteral("functions"), {}, true);
    }
    // Sample types by name.
    add("cpu.pb.gz", "samples", "lines", {}, true);
    add("heap.pb.gz", "alloc_objects", "functions", {}, true);
    add("allocs.pb.gz", "inuse_space", "functions", {}, true);
    add("block.pb.gz", "contentions", "files", {}, true);

    // Sorting by cum.
    for (const QString& g : granularities()) add("cpu.pb.gz", "1", g, {"cum"}, true);
    add("heap.pb.gz", "3", "functions", {"cum"}, true);
    add("block.pb.gz", "1", "functions", {"cum"}, true);
    add("goroutine.pb.gz", "0", "lines", {"cum"}, true);

    // Filters on the CPU profile (cpu/nanoseconds), by function.
    const QList<QStringList> cpuFunctionFilters{
        {"focus=main\\.hotLoop"},
        {"focus=recursiveFib"},
        {"focus=main\\.mix$"},  // an inlined function
        {"focus=cpu\\.go$"},    // pprof also matches file names
        {"ignore=main\\.crunchBytes"},
        {"ignore=recursiveFib|isOdd"},
        {"ignore=/runtime/"},  // a file-name match: everything under runtime/pprof.Do
        {"hide=runtime"},
        {"hide=main\\.mix$"},
        {"hide=main\\.is(Even|Odd)$"},
        {"show=^main\\."},
        {"show=hotLoop|Fib"},
        {"focus=untilDeadline", "ignore=recursiveFib"},
        {"focus=main\\.", "hide=func[0-9]"},
        {"tagfocus=worker=alpha"},
        {"tagfocus=worker=beta"},
        {"tagfocus=worker=ph"},  // an unanchored match: alpha only
        {"tagfocus=phase=main"},
        {"tagignore=worker=beta"},
        {"tagignore=worker=."},  // keeps only the unlabeled samples
        {"tagfocus=worker=alpha", "focus=hotLoop"},
        {"tagignore=worker=alpha", "hide=main\\.mix$"},
        {"diff-base=cpu2.pb.gz"},
        {"diff-base=cpu2.pb.gz", "cum"},
        {"diff-base=cpu2.pb.gz", "focus=hotLoop"},
        {"diff-base=cpu2.pb.gz", "tagfocus=worker=alpha"},
        {"cum", "focus=recursiveFib"},
    };
    for (const QStringList& f : cpuFunctionFilters) add("cpu.pb.gz", "1", "functions", f, true);

    // A few by line and by file.
    const QList<QStringList> cpuLineFilters{
        {"focus=main\\.hotLoop"},  {"hide=main\\.mix$"},     {"show=main\\.(hotLoop|mix)"},
        {"tagfocus=worker=alpha"}, {"diff-base=cpu2.pb.gz"}, {"ignore=/runtime/", "cum"},
    };
    for (const QStringList& f : cpuLineFilters) add("cpu.pb.gz", "1", "lines", f, true);
    add("cpu.pb.gz", "1", "files", {"focus=crunchBytes"}, true);
    add("cpu.pb.gz", "1", "files", {"diff-base=cpu2.pb.gz"}, true);
    add("cpu.pb.gz", "1", "files", {"hide=cpu\\.go$"}, true);
    add("cpu.pb.gz", "0", "functions", {"tagfocus=worker=beta"}, true);
    add("cpu.pb.gz", "0", "functions", {"diff-base=cpu2.pb.gz"}, true);

    // Memory.
    add("heap.pb.gz", "1", "functions", {"focus=buildStrings"}, true);
    add("heap.pb.gz", "1", "functions", {"focus=mem\\.go$"}, true);
    add("heap.pb.gz", "2", "functions", {"ignore=buildTree|allocSmall"}, true);
    add("heap.pb.gz", "0", "lines", {"hide=strings"}, true);
    add("heap.pb.gz", "3", "functions", {"show=^main\\."}, true);
    add("heap.pb.gz", "3", "functions", {"tagfocus=worker=alpha"}, false);  // no labels: empty
    add("allocs.pb.gz", "0", "functions", {"diff-base=heap.pb.gz"}, true);
    add("allocs.pb.gz", "3", "lines", {"diff-base=heap.pb.gz"}, true);
    add("heap.pb.gz", "1", "functions", {"diff-base=heap.pb.gz"}, false);  // cancels out
    add("allocs.pb.gz", "1", "lines", {"focus=main\\.", "cum"}, true);

    // Goroutines (they carry labels too), mutex and block.
    add("goroutine.pb.gz", "0", "functions", {"tagfocus=worker=alpha"}, true);
    add("goroutine.pb.gz", "0", "functions", {"tagignore=worker=beta"}, true);
    add("goroutine.pb.gz", "0", "functions", {"focus=waitOnMutex"}, true);
    add("goroutine.pb.gz", "0", "functions", {"hide=^runtime\\."}, true);
    add("goroutine.pb.gz", "0", "lines", {"tagfocus=worker=beta"}, true);
    add("mutex.pb.gz", "1", "functions", {"focus=lockAndSleep"}, true);
    add("mutex.pb.gz", "0", "functions", {"hide=^sync\\."}, true);
    add("block.pb.gz", "1", "functions", {"ignore=/sync/mutex\\.go$"}, true);
    add("block.pb.gz", "0", "functions", {"show=^main\\."}, true);
    add("block.pb.gz", "1", "lines", {"focus=slowConsumer"}, true);
    add("block.pb.gz", "1", "functions", {"diff-base=mutex.pb.gz"}, true);
}

void OracleTest::top() {
    QFETCH(QString, profile);
    QFETCH(QString, sampleIndex);
    QFETCH(QString, granularity);
    QFETCH(QStringList, filters);
    QFETCH(bool, expectRows);

    const ProfileSpec& s = spec(profile);
    SampleType type = s.types[s.defaultIndex];
    if (!sampleIndex.isEmpty()) {
        bool numeric = false;
        const int i = sampleIndex.toInt(&numeric);
        if (numeric) {
            type = s.types[i];
        } else {
            for (const SampleType& t : s.types) {
                if (t.name == sampleIndex) type = t;
            }
            QCOMPARE(type.name, sampleIndex);
        }
    }

    Command ours;
    ours.program = m_embers;
    ours.args = {"top", profilePath(profile)};
    Command theirs;
    theirs.program = m_pprof.isEmpty() ? m_go : m_pprof;
    theirs.env = m_goEnv;
    if (m_pprof.isEmpty())
        theirs.args << "tool"
                    << "pprof";
    theirs.args << "-top"
                << "-nodefraction=0"
                << "-nodecount=0"
                << "-unit=" + pprofUnitFlag(type.unit);
    if (!sampleIndex.isEmpty()) {
        ours.args << "--sample-index" << sampleIndex;
        theirs.args << "-sample_index=" + sampleIndex;
    }
    ours.args << "--granularity" << granularity << "--nodecount"
              << "0"
              << "--format"
              << "json";
    theirs.args << "-" + granularity;
    for (const QString& f : filters) {
        const qsizetype eq = f.indexOf(u'=');
        const QString key = eq < 0 ? f : f.left(eq);
        QString value = eq < 0 ? QString() : f.mid(eq + 1);
        if (value.endsWith(QStringLiteral(".pb.gz"))) value = profilePath(value);
        const QString pprofKey = QString(key).replace(u'-', u'_');
        ours.args << "--" + key;
        if (eq < 0) {
            theirs.args << "-" + pprofKey;
        } else {
            ours.args << value;
            theirs.args << QStringLiteral("-%1=%2").arg(pprofKey, value);
        }
    }
    theirs.args << profilePath(profile);

    runAll({&ours, &theirs}, kToolTimeoutMs);
    const QString commands =
        QStringLiteral("\n  embers: %1\n  pprof:  %2").arg(ours.display(), theirs.display());
    QVERIFY2(theirs.failure.isEmpty(),
             qPrintable(QStringLiteral("pprof failed: ") + describeFailure(theirs)));
    QVERIFY2(ours.failure.isEmpty(),
             qPrintable(QStringLiteral("embers failed: ") + describeFailure(ours)));

    // pprof's side.
    const TopReport want = parseTop(QString::fromUtf8(theirs.out), pprofUnitSuffix(type.unit));
    QVERIFY2(want.error.isEmpty(),
             qPrintable(QStringLiteral("cannot read pprof's output: %1%2\n%3")
                            .arg(want.error, commands, QString::fromUtf8(theirs.out))));
    qint64 flatSum = 0;
    for (const TopRow& r : want.rows) flatSum += r.flat;
    QVERIFY2(flatSum == want.shown,
             qPrintable(QStringLiteral("pprof's rows add up to %1, its header says %2: the "
                                       "parser missed rows%3")
                            .arg(flatSum)
                            .arg(want.shown)
                            .arg(commands)));
    if (expectRows) {
        QVERIFY2(!want.rows.isEmpty(),
                 qPrintable(QStringLiteral("pprof shows no rows where this case expects some: "
                                           "the Go peer wrote too little%1")
                                .arg(commands)));
    }

    // embers's side.
    QJsonParseError jsonError;
    const QJsonDocument doc = QJsonDocument::fromJson(ours.out, &jsonError);
    QVERIFY2(doc.isObject(), qPrintable(QStringLiteral("embers did not print a JSON object: %1%2")
                                            .arg(jsonError.errorString(), commands)));
    const QJsonObject root = doc.object();
    QCOMPARE(root.value(QStringLiteral("sample_type")).toString(), type.name);
    QCOMPARE(root.value(QStringLiteral("unit")).toString(), type.unit);
    qint64 total = 0;
    QVERIFY2(jsonInt(root, QStringLiteral("total"), &total),
             qPrintable(QStringLiteral("\"total\" is not an integer") + commands));
    QVERIFY2(root.value(QStringLiteral("rows")).isArray(),
             qPrintable(QStringLiteral("\"rows\" is not an array") + commands));
    QList<EmbersRow> got;
    const QJsonArray rows = root.value(QStringLiteral("rows")).toArray();
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const QJsonObject o = rows[i].toObject();
        EmbersRow r;
        qint64 line = 0;
        const bool ok = rows[i].isObject() && jsonInt(o, QStringLiteral("flat"), &r.flat) &&
                        jsonInt(o, QStringLiteral("cum"), &r.cum) &&
                        jsonInt(o, QStringLiteral("line"), &line, false);
        QVERIFY2(
            ok,
            qPrintable(QStringLiteral("embers row %1 is malformed: %2%3")
                           .arg(i)
                           .arg(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)))
                           .arg(commands)));
        r.name = pprofNodeName(granularity, o.value(QStringLiteral("name")).toString(),
                               o.value(QStringLiteral("file")).toString(), line);
        got.append(r);
    }

    QVERIFY2(total == want.total, qPrintable(QStringLiteral("total: embers %1, pprof %2%3")
                                                 .arg(total)
                                                 .arg(want.total)
                                                 .arg(commands)));
    qsizetype firstDiff = -1;
    for (qsizetype i = 0; i < qMax(got.size(), want.rows.size()); ++i) {
        if (i >= got.size() || i >= want.rows.size() || got[i].name != want.rows[i].name ||
            got[i].flat != want.rows[i].flat || got[i].cum != want.rows[i].cum) {
            firstDiff = i;
            break;
        }
    }
    QVERIFY2(firstDiff < 0,
             qPrintable(QStringLiteral("rows differ (embers %1 rows, pprof %2 rows), first at "
                                       "row %3 (flat cum name):\n%4%5")
                            .arg(got.size())
                            .arg(want.rows.size())
                            .arg(firstDiff)
                            .arg(formatRows(got, want.rows, firstDiff), commands)));
    if (expectRows) QVERIFY(!got.isEmpty());
}

void OracleTest::list_data() {
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("regex");

    // Each tool reports the profile's default sample type.
    const QList<QPair<QString, QString>> cases{
        {"cpu.pb.gz", "main\\.hotLoop"},       {"cpu.pb.gz", "main\\.recursiveFib"},
        {"cpu.pb.gz", "main\\.mix$"},          {"cpu.pb.gz", "main\\.crunchBytes"},
        {"cpu.pb.gz", "main\\.is(Even|Odd)$"}, {"cpu.pb.gz", "main\\.alphaWork"},
        {"heap.pb.gz", "main\\.allocSmall"},   {"heap.pb.gz", "main\\.buildStrings"},
        {"allocs.pb.gz", "main\\.buildTree"},  {"block.pb.gz", "main\\.slowConsumer"},
    };
    for (const auto& [profile, regex] : cases) {
        const QString tag =
            QStringLiteral("%1/%2").arg(QString(profile).remove(QStringLiteral(".pb.gz")), regex);
        QTest::newRow(qPrintable(tag)) << profile << regex;
    }
}

void OracleTest::list() {
    QFETCH(QString, profile);
    QFETCH(QString, regex);

    const ProfileSpec& s = spec(profile);
    const SampleType type = s.types[s.defaultIndex];

    Command ours;
    ours.program = m_embers;
    ours.args = {"list", regex, profilePath(profile), "--format", "json"};
    Command theirs;
    theirs.program = m_pprof.isEmpty() ? m_go : m_pprof;
    theirs.env = m_goEnv;
    if (m_pprof.isEmpty())
        theirs.args << "tool"
                    << "pprof";
    theirs.args << "-list=" + regex << "-unit=" + pprofUnitFlag(type.unit) << profilePath(profile);

    runAll({&ours, &theirs}, kToolTimeoutMs);
    const QString commands =
        QStringLiteral("\n  embers: %1\n  pprof:  %2").arg(ours.display(), theirs.display());
    QVERIFY2(theirs.failure.isEmpty(),
             qPrintable(QStringLiteral("pprof failed: ") + describeFailure(theirs)));
    QVERIFY2(ours.failure.isEmpty(),
             qPrintable(QStringLiteral("embers failed: ") + describeFailure(ours)));

    const ListReport want = parseList(QString::fromUtf8(theirs.out), pprofUnitSuffix(type.unit));
    QVERIFY2(want.error.isEmpty(),
             qPrintable(QStringLiteral("cannot read pprof's output: %1%2\n%3")
                            .arg(want.error, commands, QString::fromUtf8(theirs.out))));
    QVERIFY2(!want.routines.isEmpty(),
             qPrintable(QStringLiteral("pprof lists no function; the Go peer's profile lacks "
                                       "samples in it%1")
                            .arg(commands)));

    QJsonParseError jsonError;
    const QJsonDocument doc = QJsonDocument::fromJson(ours.out, &jsonError);
    QVERIFY2(doc.isObject(), qPrintable(QStringLiteral("embers did not print a JSON object: %1%2")
                                            .arg(jsonError.errorString(), commands)));
    const QJsonValue functionsValue = doc.object().value(QStringLiteral("functions"));
    QVERIFY2(functionsValue.isArray(),
             qPrintable(QStringLiteral("\"functions\" is not an array") + commands));

    QStringList problems;
    struct Fn {
        QString name;
        QString file;
        qint64 flat = 0;
        qint64 cum = 0;
        QHash<int, ListLine> lines;
        bool matched = false;
    };
    QList<Fn> got;
    for (const QJsonValue& fv : functionsValue.toArray()) {
        const QJsonObject fo = fv.toObject();
        Fn fn;
        fn.name = fo.value(QStringLiteral("name")).toString();
        fn.file = fo.value(QStringLiteral("file")).toString();
        QVERIFY2(
            jsonInt(fo, QStringLiteral("flat"), &fn.flat) &&
                jsonInt(fo, QStringLiteral("cum"), &fn.cum) &&
                fo.value(QStringLiteral("lines")).isArray(),
            qPrintable(QStringLiteral("embers function %1 is malformed%2").arg(fn.name, commands)));
        for (const QJsonValue& lv : fo.value(QStringLiteral("lines")).toArray()) {
            const QJsonObject lo = lv.toObject();
            ListLine l;
            qint64 number = 0;
            QVERIFY2(jsonInt(lo, QStringLiteral("line"), &number) &&
                         jsonInt(lo, QStringLiteral("flat"), &l.flat) &&
                         jsonInt(lo, QStringLiteral("cum"), &l.cum),
                     qPrintable(QStringLiteral("embers line in %1 is malformed: %2%3")
                                    .arg(fn.name,
                                         QString::fromUtf8(
                                             QJsonDocument(lo).toJson(QJsonDocument::Compact)),
                                         commands)));
            l.line = int(number);
            l.text = lo.value(QStringLiteral("text")).toString();
            if (fn.lines.contains(l.line)) {
                problems
                    << QStringLiteral("%1: embers lists line %2 twice").arg(fn.name).arg(l.line);
            }
            fn.lines.insert(l.line, l);
        }
        got.append(fn);
    }

    auto rtrim = [](QString t) {
        while (!t.isEmpty() && t.back().isSpace()) t.chop(1);
        return t;
    };
    for (const ListRoutine& r : want.routines) {
        Fn* fn = nullptr;
        for (Fn& f : got) {
            if (f.name == r.name && f.file == r.file) fn = &f;
        }
        if (fn == nullptr) {
            problems
                << QStringLiteral("%1 in %2: listed by pprof, not by embers").arg(r.name, r.file);
            continue;
        }
        fn->matched = true;
        if (fn->flat != r.flat || fn->cum != r.cum) {
            problems << QStringLiteral("%1: function flat/cum embers %2/%3, pprof %4/%5")
                            .arg(r.name)
                            .arg(fn->flat)
                            .arg(fn->cum)
                            .arg(r.flat)
                            .arg(r.cum);
        }
        if (!r.sourceError.isEmpty()) {
            qWarning("pprof could not read the source of %s: %s", qPrintable(r.name),
                     qPrintable(r.sourceError));
            continue;
        }
        QHash<int, const ListLine*> pprofLines;
        for (const ListLine& l : r.lines) {
            pprofLines.insert(l.line, &l);
            const auto it = fn->lines.constFind(l.line);
            if (it == fn->lines.constEnd()) {
                if (l.flat != 0 || l.cum != 0) {
                    problems << QStringLiteral("%1 line %2: pprof %3/%4, embers has no such line")
                                    .arg(r.name)
                                    .arg(l.line)
                                    .arg(l.flat)
                                    .arg(l.cum);
                }
                continue;
            }
            if (it->flat != l.flat || it->cum != l.cum) {
                problems << QStringLiteral("%1 line %2: flat/cum embers %3/%4, pprof %5/%6")
                                .arg(r.name)
                                .arg(l.line)
                                .arg(it->flat)
                                .arg(it->cum)
                                .arg(l.flat)
                                .arg(l.cum);
            }
            if (rtrim(it->text) != rtrim(l.text)) {
                problems << QStringLiteral("%1 line %2: text embers \"%3\", pprof \"%4\"")
                                .arg(r.name)
                                .arg(l.line)
                                .arg(it->text, l.text);
            }
        }
        for (const ListLine& l : std::as_const(fn->lines)) {
            if ((l.flat != 0 || l.cum != 0) && !pprofLines.contains(l.line)) {
                problems << QStringLiteral("%1 line %2: embers %3/%4, pprof does not list it")
                                .arg(r.name)
                                .arg(l.line)
                                .arg(l.flat)
                                .arg(l.cum);
            }
        }
    }
    for (const Fn& f : std::as_const(got)) {
        if (!f.matched && (f.flat != 0 || f.cum != 0)) {
            problems << QStringLiteral("%1 in %2: listed by embers with %3/%4, not by pprof")
                            .arg(f.name, f.file)
                            .arg(f.flat)
                            .arg(f.cum);
        }
    }
    QVERIFY2(problems.isEmpty(),
             qPrintable(problems.mid(0, 30).join(u'\n') +
                        (problems.size() > 30 ? QStringLiteral("\n...") : QString()) + commands));
}

QTEST_GUILESS_MAIN(OracleTest)
#include "tst_oracle.moc"
