// The malformed-file fixtures in tests/data: `embers info FILE ARGS...` must
// fail cleanly on each one (exit code 2, one line on stderr naming the file and
// the problem), quickly, and never crash or hang. The table is
// tests/data/fixtures.tsv (file<TAB>args<TAB>phrase), so adding a fixture is
// adding a line there.
//
// Environment (both set by ctest):
//   EMBERS_BIN        the embers executable
//   EMBERS_TEST_DATA  tests/data

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSet>
#include <QTest>

namespace {

constexpr int kTimeoutMs = 20'000;  // generous; a hang is what this catches

QString env(const char* name) {
    return QProcessEnvironment::systemEnvironment().value(name);
}

QDir dataDir() {
    return QDir(env("EMBERS_TEST_DATA"));
}

struct Fixture {
    QString file;
    QStringList args;
    QString phrase;
};

QList<Fixture> readManifest(QString* error) {
    QList<Fixture> fixtures;
    QFile f(dataDir().filePath("fixtures.tsv"));
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = "cannot open " + f.fileName();
        return fixtures;
    }
    int lineNo = 0;
    while (!f.atEnd()) {
        ++lineNo;
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith('#')) continue;
        const QStringList cols = line.split('\t');
        if (cols.size() != 3 || cols[0].isEmpty() || cols[2].isEmpty()) {
            *error = QString("fixtures.tsv:%1: expected file<TAB>args<TAB>phrase").arg(lineNo);
            return {};
        }
        Fixture fx{cols[0], {}, cols[2]};
        if (cols[1] != "-") fx.args = cols[1].split(' ', Qt::SkipEmptyParts);
        fixtures.append(fx);
    }
    return fixtures;
}

struct Result {
    bool finished = false;
    bool crashed = false;
    int exitCode = -1;
    QString out;
    QString err;
};

Result runEmbers(const QStringList& args) {
    Result r;
    QProcess p;
    p.setProgram(env("EMBERS_BIN"));
    p.setArguments(args);
    p.start();
    r.finished = p.waitForFinished(kTimeoutMs);
    if (!r.finished) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.crashed = p.exitStatus() != QProcess::NormalExit;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

}  // namespace

class TestFixtures : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        const QString bin = env("EMBERS_BIN");
        QVERIFY2(!bin.isEmpty(), "EMBERS_BIN is not set");
        QVERIFY2(QFileInfo(bin).isExecutable(), qPrintable(bin + " is not executable"));
        QVERIFY2(!env("EMBERS_TEST_DATA").isEmpty(), "EMBERS_TEST_DATA is not set");
        QVERIFY2(dataDir().exists("fixtures.tsv"),
                 qPrintable(dataDir().path() + " has no fixtures.tsv"));
    }

    // Every malformed fixture on disk has a line in the manifest, and every line
    // a file.
    void manifestMatchesFiles() {
        QString error;
        const QList<Fixture> fixtures = readManifest(&error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!fixtures.isEmpty());
        QSet<QString> listed;
        for (const Fixture& fx : fixtures) {
            QVERIFY2(!listed.contains(fx.file), qPrintable(fx.file + " is listed twice"));
            listed.insert(fx.file);
        }
        const QDir dir = dataDir();
        const QStringList onDisk = dir.entryList({"*.pb", "*.pb.gz"}, QDir::Files);
        for (const QString& name : onDisk) {
            if (name.startsWith("tiny")) continue;  // the good ones
            QVERIFY2(listed.contains(name), qPrintable(name + " is not in fixtures.tsv"));
        }
        for (const QString& name : listed)
            QVERIFY2(dir.exists(name), qPrintable(name + " is listed but missing"));
    }

    void malformed_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("phrase");
        QString error;
        const QList<Fixture> fixtures = readManifest(&error);
        if (!error.isEmpty()) QFAIL(qPrintable(error));
        for (const Fixture& fx : fixtures)
            QTest::newRow(qPrintable(fx.file)) << fx.file << fx.args << fx.phrase;
    }

    void malformed() {
        QFETCH(QString, file);
        QFETCH(QStringList, args);
        QFETCH(QString, phrase);
        const QString path = dataDir().filePath(file);
        QVERIFY2(QFileInfo::exists(path), qPrintable(path + " is missing"));

        const Result r = runEmbers(QStringList{"info", path} + args);
        QVERIFY2(r.finished, "embers did not finish in time (a hang?)");
        QVERIFY2(!r.crashed, qPrintable("embers crashed; stderr: " + r.err));
        QVERIFY2(
            r.exitCode == 2,
            qPrintable(QString("exit code %1, expected 2; stderr: %2").arg(r.exitCode).arg(r.err)));
        const QString message = r.err.trimmed();
        QVERIFY2(!message.isEmpty(), "nothing on stderr");
        QVERIFY2(!message.contains('\n'), qPrintable("more than one line on stderr: " + r.err));
        QVERIFY2(message.contains(file),
                 qPrintable("the message does not name the file: " + message));
        QVERIFY2(message.contains(phrase, Qt::CaseInsensitive),
                 qPrintable("expected '" + phrase + "' in: " + message));
    }

    // The good fixtures next to them read fine.
    void good_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("tiny.pb.gz") << "tiny.pb.gz";
        QTest::newRow("tiny.folded") << "tiny.folded";
    }

    void good() {
        QFETCH(QString, file);
        const Result r = runEmbers({"info", dataDir().filePath(file)});
        QVERIFY2(r.finished && !r.crashed, "embers did not finish normally");
        QVERIFY2(r.exitCode == 0,
                 qPrintable(QString("exit code %1; stderr: %2").arg(r.exitCode).arg(r.err)));
    }
};

QTEST_GUILESS_MAIN(TestFixtures)
#include "tst_fixtures.moc"
