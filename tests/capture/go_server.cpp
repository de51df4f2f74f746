#include "go_server.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>

namespace embers::testing {

namespace {
constexpr int kBuildTimeoutMs = 180'000;
constexpr int kStartTimeoutMs = 20'000;
}  // namespace

QProcessEnvironment cleanEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy",
                             "ALL_PROXY", "no_proxy", "NO_PROXY"})
        env.remove(QString::fromLatin1(name));
    return env;
}

QByteArray readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

QString buildGoServer(const QString& go, const QString& sourceDir, const QString& workDir,
                      QString* error) {
    const QDir work(workDir);
    QDir().mkpath(work.filePath(QStringLiteral("cache")));
    QDir().mkpath(work.filePath(QStringLiteral("path")));
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("GOCACHE"), work.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("GOPATH"), work.filePath(QStringLiteral("path")));
    env.insert(QStringLiteral("GOFLAGS"), QStringLiteral("-mod=mod -buildvcs=false"));
    env.insert(QStringLiteral("GOTOOLCHAIN"), QStringLiteral("local"));
    env.insert(QStringLiteral("GOPROXY"), QStringLiteral("off"));
    env.insert(QStringLiteral("GO111MODULE"), QStringLiteral("on"));
    const QString binary = work.filePath(QStringLiteral("goserver"));
    QProcess build;
    build.setProcessEnvironment(env);
    build.setWorkingDirectory(sourceDir);
    build.setProcessChannelMode(QProcess::MergedChannels);
    build.start(go, {QStringLiteral("build"), QStringLiteral("-o"), binary, QStringLiteral(".")});
    if (!build.waitForFinished(kBuildTimeoutMs)) {
        build.kill();
        build.waitForFinished(5000);
        *error = QStringLiteral("go build timed out or did not start");
        return {};
    }
    if (build.exitStatus() != QProcess::NormalExit || build.exitCode() != 0) {
        *error = QStringLiteral("go build failed: %1").arg(QString::fromUtf8(build.readAll()));
        return {};
    }
    return binary;
}

bool startGoServer(const QString& binary, const QString& dir, const QString& name,
                   const QStringList& extra, GoServer* s, QString* error) {
    const QDir d(dir);
    const QString certs = d.filePath(name + QStringLiteral("-certs"));
    const QString stderrFile = d.filePath(name + QStringLiteral(".stderr"));
    QDir().mkpath(certs);
    s->ca = QDir(certs).filePath(QStringLiteral("ca.pem"));
    s->process = std::make_unique<QProcess>();
    QProcess* p = s->process.get();
    p->setProcessEnvironment(cleanEnvironment());
    p->setStandardErrorFile(stderrFile);
    const bool wantEcho = extra.contains(QStringLiteral("-echo-addr"));
    p->start(binary,
             QStringList{QStringLiteral("-certdir"), certs, QStringLiteral("-exit-on-stdin-eof")} +
                 extra);
    if (!p->waitForStarted(kStartTimeoutMs)) {
        *error = QStringLiteral("%1 did not start: %2").arg(name, p->errorString());
        return false;
    }
    const QDeadlineTimer deadline(kStartTimeoutMs);
    while (!deadline.hasExpired() && (s->url.isEmpty() || (wantEcho && s->echo.isEmpty()))) {
        if (!p->canReadLine()) {
            if (p->state() == QProcess::NotRunning) break;
            p->waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
            continue;
        }
        const QString line = QString::fromUtf8(p->readLine()).trimmed();
        if (line.startsWith(QLatin1String("LISTENING ")))
            s->url = line.mid(10).trimmed();
        else if (line.startsWith(QLatin1String("ECHO ")))
            s->echo = line.mid(5).trimmed();
    }
    if (s->url.isEmpty() || (wantEcho && s->echo.isEmpty())) {
        *error = QStringLiteral("%1 did not say where it listens; stderr: %2")
                     .arg(name, QString::fromUtf8(readFile(stderrFile)));
        return false;
    }
    return true;
}

QString mintToken(const QString& binary, const QStringList& args) {
    QProcess p;
    p.setProcessEnvironment(cleanEnvironment());
    p.start(binary, QStringList{QStringLiteral("-mint")} + args);
    if (!p.waitForFinished(kStartTimeoutMs) || p.exitCode() != 0) return {};
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

QString Run::describe() const {
    return QStringLiteral("embers %1 %2\n  exit %3 %4\n  stdout: %5\n  stderr: %6")
        .arg(verb, args.join(u' '))
        .arg(exitCode)
        .arg(failure, out.trimmed(), err.trimmed());
}

bool Run::leaks(const QStringList& secrets) const {
    for (const QString& t : secrets)
        if (!t.isEmpty() && (out.contains(t) || err.contains(t))) return true;
    return false;
}

Run runEmbers(const QString& program, const QString& verb, const QStringList& args,
              const QProcessEnvironment& env, const QStringList& secrets, int timeoutMs) {
    Run r;
    r.verb = verb;
    r.args = args;
    // The command line has the token as the user typed it: keep it out of the test log.
    for (QString& a : r.args)
        for (const QString& t : secrets)
            if (!t.isEmpty()) a.replace(t, QStringLiteral("[token]"));
    QProcess p;
    QProcessEnvironment clean = cleanEnvironment();
    for (const QString& key : env.keys()) clean.insert(key, env.value(key));
    p.setProcessEnvironment(clean);
    p.start(program, QStringList{verb} + args);
    if (!p.waitForStarted(kStartTimeoutMs)) {
        r.failure = QStringLiteral("did not start: %1").arg(p.errorString());
    } else if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.failure = QStringLiteral("hung");
    } else if (p.exitStatus() != QProcess::NormalExit) {
        r.failure = QStringLiteral("crashed");
    } else {
        r.exitCode = p.exitCode();
    }
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

}  // namespace embers::testing
