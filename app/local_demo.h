// "Local demo": the embers-demo program (a C++ program with the Embers agent) started on
// loopback with a random token, so that captures work on first start with no setup.
#pragma once

#include <QObject>
#include <QProcess>

#include "client/targets.h"

namespace embers::app {

class LocalDemo : public QObject {
    Q_OBJECT
public:
    explicit LocalDemo(QObject* parent = nullptr);
    ~LocalDemo() override;

    // embers-demo next to the embers binary (or $EMBERS_DEMO_BIN); empty when not found.
    static QString findProgram();

    // Starts it (port 0: any free port, token in the environment, not on the command line).
    // Emits ready() with the target and its token once it serves, or failed().
    void start();
    void stop();
    bool running() const { return process_.state() != QProcess::NotRunning; }

signals:
    void ready(const capture::Target& target, const QString& token);
    void failed(const QString& message);

private:
    QProcess process_;
    QString token_;
    QByteArray output_;
    bool announced_ = false;
};

}  // namespace embers::app
