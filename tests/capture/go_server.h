// The real Go test server (tests/goserver) for the live capture and watch tests: built with
// the local toolchain into the build folder (offline), started on loopback with fresh
// certificates, and asked to mint tokens. Plus running `embers` as a process.
#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <memory>

namespace embers::testing {

struct GoServer {
    std::unique_ptr<QProcess> process;
    QString url;   // https://127.0.0.1:PORT
    QString echo;  // http://127.0.0.1:PORT, with -echo-addr
    QString ca;    // the CA certificate (PEM)
};

// The environment without proxies, so that loopback is reached directly.
QProcessEnvironment cleanEnvironment();

QByteArray readFile(const QString& path);

// Builds tests/goserver from `sourceDir` into `workDir`/goserver; returns its path, or an
// empty string with *error set.
QString buildGoServer(const QString& go, const QString& sourceDir, const QString& workDir,
                      QString* error);

// Starts the server with -certdir in `dir`/NAME-certs and waits for its LISTENING (and, with
// -echo-addr, ECHO) line.
bool startGoServer(const QString& binary, const QString& dir, const QString& name,
                   const QStringList& extra, GoServer* server, QString* error);

// `goserver -mint ARGS`: a signed token, or empty.
QString mintToken(const QString& binary, const QStringList& args);

// One run of a program, as a user would run it.
struct Run {
    QString verb;
    QStringList args;  // as shown in messages: secrets replaced by [token]
    int exitCode = -1;
    QString out;
    QString err;
    QString failure;  // did not start, crashed or hung

    QString describe() const;
    QStringList outLines() const { return out.split(u'\n', Qt::SkipEmptyParts); }
    QStringList errLines() const { return err.split(u'\n', Qt::SkipEmptyParts); }
    bool leaks(const QStringList& secrets) const;
};

// Runs `program verb args` with `env` (proxies removed), waiting up to timeoutMs.
Run runEmbers(const QString& program, const QString& verb, const QStringList& args,
              const QProcessEnvironment& env, const QStringList& secrets, int timeoutMs);

}  // namespace embers::testing
