#include "keychain_secrets.h"

#include <qt6keychain/keychain.h>
#include <QEventLoop>

namespace embers::app {

namespace {

const QString kService = QStringLiteral("Embers capture tokens");

// Runs a keychain job to completion; returns its error (NoError on success).
QKeychain::Error runJob(QKeychain::Job& job) {
    QEventLoop loop;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    job.setAutoDelete(false);
    job.start();
    loop.exec();
    return job.error();
}

bool noKeychain(QKeychain::Error e) {
    return e == QKeychain::NoBackendAvailable || e == QKeychain::NotImplemented ||
           e == QKeychain::AccessDenied || e == QKeychain::OtherError;
}

}  // namespace

KeychainSecrets::KeychainSecrets()
    : keychainWorks_(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {}

void KeychainSecrets::write(const QString& id, const QString& secret) {
    session_.write(id, secret);
    if (!keychainWorks_) return;
    QKeychain::WritePasswordJob job(kService);
    job.setKey(id);
    job.setTextData(secret);
    if (noKeychain(runJob(job))) keychainWorks_ = false;
}

QString KeychainSecrets::read(const QString& id) {
    const QString cached = session_.read(id);
    if (!cached.isEmpty() || !keychainWorks_) return cached;
    QKeychain::ReadPasswordJob job(kService);
    job.setKey(id);
    const QKeychain::Error e = runJob(job);
    if (e == QKeychain::NoError) {
        session_.write(id, job.textData());
        return job.textData();
    }
    if (noKeychain(e)) keychainWorks_ = false;
    return {};
}

void KeychainSecrets::remove(const QString& id) {
    session_.remove(id);
    if (!keychainWorks_) return;
    QKeychain::DeletePasswordJob job(kService);
    job.setKey(id);
    runJob(job);
}

QString KeychainSecrets::where() const {
    return keychainWorks_ ? QStringLiteral("the system keychain")
                          : QStringLiteral("this session only (no system keychain answered)");
}

}  // namespace embers::app
