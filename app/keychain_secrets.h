// Tokens in the system keychain (QtKeychain: Secret Service, KWallet), falling back to the
// running session when no keychain answers, e.g. on a headless machine.
#pragma once

#include "client/targets.h"

namespace embers::app {

class KeychainSecrets : public capture::SecretStore {
public:
    // Without a D-Bus session there is no keychain to ask (and asking would wait for the
    // D-Bus timeout): the session store is used from the start.
    KeychainSecrets();
    void write(const QString& id, const QString& secret) override;
    QString read(const QString& id) override;
    void remove(const QString& id) override;
    QString where() const override;

private:
    bool keychainWorks_ = true;  // until a job fails for want of a keychain
    capture::SessionSecrets session_;
};

}  // namespace embers::app
