#include "local_demo.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>

namespace embers::app {

LocalDemo::LocalDemo(QObject* parent) : QObject(parent) {
    process_.setProcessChannelMode(QProcess::SeparateChannels);
    connect(&process_, &QProcess::readyReadStandardOutput, this, [this] {
        output_ += process_.readAllStandardOutput();
        const int at = output_.indexOf("LISTENING ");
        const int end = at < 0 ? -1 : output_.indexOf('\n', at);
        if (announced_ || end < 0) return;
        announced_ = true;
        const QUrl url(QString::fromLatin1(output_.mid(at + 10, end - at - 10)).trimmed());
        capture::Target t;
        t.id = QStringLiteral("local-demo");
        t.name = tr("Local demo");
        t.baseUrl = url;
        t.prefix = QStringLiteral("/debug/pprof");
        t.localDemo = true;
        emit ready(t, token_);
    });
    connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            emit failed(
                tr("Could not start %1: %2").arg(process_.program(), process_.errorString()));
    });
    connect(&process_, &QProcess::finished, this, [this](int code, QProcess::ExitStatus) {
        if (!announced_)
            emit failed(
                tr("The local demo (embers-demo) exited with code %1 before serving.").arg(code));
    });
}

LocalDemo::~LocalDemo() {
    stop();
}

QString LocalDemo::findProgram() {
    const QString env = qEnvironmentVariable("EMBERS_DEMO_BIN");
    if (!env.isEmpty()) return QFileInfo(env).isExecutable() ? env : QString();
    const QDir dir(QCoreApplication::applicationDirPath());
    for (const QString& rel :
         {QStringLiteral("embers-demo"), QStringLiteral("../capture/agent/embers-demo")}) {
        const QString path = QDir::cleanPath(dir.filePath(rel));
        if (QFileInfo(path).isExecutable()) return path;
    }
    return {};
}

void LocalDemo::start() {
    if (running()) return;
    const QString program = findProgram();
    if (program.isEmpty()) {
        emit failed(tr("embers-demo was not found next to embers; the local demo is off."));
        return;
    }
    // 32 random bytes, hex: a throw-away token for this run only.
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(bytes.data()), 8);
    token_ = QString::fromLatin1(bytes.toHex());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("EMBERS_AGENT_TOKEN"), token_);
    env.insert(QStringLiteral("EMBERS_AGENT_PORT"), QStringLiteral("0"));
    env.insert(QStringLiteral("EMBERS_AGENT_BIND"), QStringLiteral("127.0.0.1"));
    env.insert(QStringLiteral("EMBERS_DEMO_EXIT_WITH_PARENT"), QStringLiteral("1"));
    process_.setProcessEnvironment(env);
    announced_ = false;
    output_.clear();
    // A tenth of a core: enough for a CPU profile to show demo::burnCpu, and an app that
    // only shows files is not a heater.
    process_.start(program, {QStringLiteral("--cpu-percent"), QStringLiteral("10")});
}

void LocalDemo::stop() {
    if (!running()) return;
    process_.terminate();
    if (!process_.waitForFinished(3000)) {
        process_.kill();
        process_.waitForFinished(1000);
    }
}

}  // namespace embers::app
