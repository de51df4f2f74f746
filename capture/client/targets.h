// Capture targets: a node's base URL, its pprof prefix, where its token comes from and its
// TLS settings, saved in QSettings. A literal token is never written there: it lives in a
// SecretStore (the system keychain when there is one, else only the running session).
#pragma once

#include <QList>
#include <QMetaType>
#include <QSettings>
#include <QString>
#include <QUrl>
#include <functional>
#include <map>

#include "token_source.h"

namespace embers::capture {

struct Target {
    QString id;      // stable, generated once
    QString name;    // shown in lists and used in capture file names
    QUrl baseUrl;    // scheme://host[:port]
    QString prefix;  // "/debug/pprof"; empty: discover on first capture
    TokenRef::Kind tokenKind = TokenRef::Literal;
    QString tokenSource;  // the path (File) or variable name (Env); empty for Literal
    QString caFile, certFile, keyFile;
    bool insecure = false;
    bool localDemo = false;  // the embers-demo the app starts itself; not saved
    // OAuth2 instead of a token: the endpoint, client and user (their secrets are in the
    // SecretStore under oauthSecretKey() and oauthPasswordKey()).
    QString oauthTokenUrl, oauthClientId, oauthUsername, oauthScope;

    bool usesOAuth2() const { return !oauthTokenUrl.isEmpty(); }
    // Where the token comes from (for File and Env; a Literal's is in the SecretStore).
    TokenRef tokenRef() const { return {tokenKind, tokenSource}; }
    QString oauthSecretKey() const { return id + QStringLiteral("/oauth2-client-secret"); }
    QString oauthPasswordKey() const { return id + QStringLiteral("/oauth2-password"); }

    // "https://node:8443/debug/pprof" (or the base alone when the prefix is unknown).
    QString displayUrl() const;
};

QString newTargetId();

// Where the node's live metrics may be, in the order to try: Prometheus text at /metrics
// and Go's expvar at /debug/vars, beside the pprof prefix first ("/ctx/debug/pprof" ->
// "/ctx/metrics", "/ctx/debug/vars"), then under the path typed with the base URL, then at
// the root.
QList<QUrl> liveSourceUrls(const Target& target);

// Load and save the list (group "targets"). Local-demo targets are skipped on save.
QList<Target> loadTargets(QSettings& settings);
void saveTargets(QSettings& settings, const QList<Target>& targets);

// Where literal tokens are kept, by target id.
class SecretStore {
public:
    virtual ~SecretStore() = default;
    virtual void write(const QString& id, const QString& secret) = 0;
    virtual QString read(const QString& id) = 0;  // empty when unknown
    virtual void remove(const QString& id) = 0;
    // "system keychain" or "this session only", for the UI to say where a token goes.
    virtual QString where() const = 0;
};

// Secrets that live as long as the process.
class SessionSecrets : public SecretStore {
public:
    void write(const QString& id, const QString& secret) override { secrets_[id] = secret; }
    QString read(const QString& id) override;
    void remove(const QString& id) override { secrets_.erase(id); }
    QString where() const override { return QStringLiteral("this session only"); }

private:
    std::map<QString, QString> secrets_;
};

// The token a capture from this target sends: the stored secret for Literal, else the file
// or variable read now. Empty with *error set when it cannot be read; empty without error
// when the target has no token.
QString tokenFor(const Target& target, SecretStore& secrets, QString* error);

}  // namespace embers::capture

Q_DECLARE_METATYPE(embers::capture::Target)
