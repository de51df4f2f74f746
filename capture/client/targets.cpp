#include "targets.h"

#include <QUuid>

#include "pprof_index.h"

namespace embers::capture {

QString Target::displayUrl() const {
    QString s = baseUrl.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
    if (!prefix.isEmpty()) s += prefix;
    return s;
}

QString newTargetId() {
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QList<QUrl> liveSourceUrls(const Target& t) {
    const PprofUrl split = splitPprofUrl(t.baseUrl.toString());
    const QUrl root = split.ok() ? split.base : t.baseUrl.adjusted(QUrl::RemovePath);
    QStringList dirs;  // without a trailing "/"; "" is the root
    QString prefix = t.prefix;
    while (prefix.endsWith(u'/')) prefix.chop(1);
    for (const QString& tail : {QStringLiteral("/debug/pprof"), QStringLiteral("/pprof")})
        if (prefix.endsWith(tail)) {
            dirs << prefix.chopped(tail.size());
            break;
        }
    if (split.ok()) dirs << split.basePath;
    dirs << QString();
    dirs.removeDuplicates();
    QList<QUrl> out;
    for (const QString& leaf : {QStringLiteral("/metrics"), QStringLiteral("/debug/vars")})
        for (const QString& dir : dirs) {
            QUrl u = root;
            u.setPath(dir + leaf);
            if (!out.contains(u)) out << u;
        }
    return out;
}

namespace {

QString kindName(TokenRef::Kind kind) {
    switch (kind) {
        case TokenRef::File:
            return QStringLiteral("file");
        case TokenRef::Env:
            return QStringLiteral("env");
        case TokenRef::Literal:
            break;
    }
    return QStringLiteral("literal");
}

TokenRef::Kind kindFromName(const QString& name) {
    if (name == QLatin1String("file")) return TokenRef::File;
    if (name == QLatin1String("env")) return TokenRef::Env;
    return TokenRef::Literal;
}

}  // namespace

QList<Target> loadTargets(QSettings& settings) {
    QList<Target> out;
    const int n = settings.beginReadArray(QStringLiteral("targets"));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        Target t;
        t.id = settings.value(QStringLiteral("id")).toString();
        t.name = settings.value(QStringLiteral("name")).toString();
        t.baseUrl = QUrl(settings.value(QStringLiteral("url")).toString());
        t.prefix = settings.value(QStringLiteral("prefix")).toString();
        t.tokenKind = kindFromName(settings.value(QStringLiteral("tokenKind")).toString());
        t.tokenSource = settings.value(QStringLiteral("tokenSource")).toString();
        t.caFile = settings.value(QStringLiteral("caFile")).toString();
        t.certFile = settings.value(QStringLiteral("certFile")).toString();
        t.keyFile = settings.value(QStringLiteral("keyFile")).toString();
        t.insecure = settings.value(QStringLiteral("insecure"), false).toBool();
        t.oauthTokenUrl = settings.value(QStringLiteral("oauth2TokenUrl")).toString();
        t.oauthClientId = settings.value(QStringLiteral("oauth2ClientId")).toString();
        t.oauthUsername = settings.value(QStringLiteral("oauth2Username")).toString();
        t.oauthScope = settings.value(QStringLiteral("oauth2Scope")).toString();
        if (t.id.isEmpty()) t.id = newTargetId();
        if (t.baseUrl.isValid() && !t.baseUrl.host().isEmpty()) out << t;
    }
    settings.endArray();
    return out;
}

void saveTargets(QSettings& settings, const QList<Target>& targets) {
    settings.remove(QStringLiteral("targets"));
    settings.beginWriteArray(QStringLiteral("targets"));
    int i = 0;
    for (const Target& t : targets) {
        if (t.localDemo) continue;
        settings.setArrayIndex(i++);
        settings.setValue(QStringLiteral("id"), t.id);
        settings.setValue(QStringLiteral("name"), t.name);
        settings.setValue(QStringLiteral("url"), t.baseUrl.toString(QUrl::RemoveUserInfo));
        settings.setValue(QStringLiteral("prefix"), t.prefix);
        settings.setValue(QStringLiteral("tokenKind"), kindName(t.tokenKind));
        // A literal token's value is a secret: only files and variable names are written.
        settings.setValue(QStringLiteral("tokenSource"),
                          t.tokenKind == TokenRef::Literal ? QString() : t.tokenSource);
        settings.setValue(QStringLiteral("caFile"), t.caFile);
        settings.setValue(QStringLiteral("certFile"), t.certFile);
        settings.setValue(QStringLiteral("keyFile"), t.keyFile);
        settings.setValue(QStringLiteral("insecure"), t.insecure);
        settings.setValue(QStringLiteral("oauth2TokenUrl"), t.oauthTokenUrl);
        settings.setValue(QStringLiteral("oauth2ClientId"), t.oauthClientId);
        settings.setValue(QStringLiteral("oauth2Username"), t.oauthUsername);
        settings.setValue(QStringLiteral("oauth2Scope"), t.oauthScope);
    }
    settings.endArray();
}

QString SessionSecrets::read(const QString& id) {
    const auto it = secrets_.find(id);
    return it == secrets_.end() ? QString() : it->second;
}

QString tokenFor(const Target& target, SecretStore& secrets, QString* error) {
    if (target.tokenKind == TokenRef::Literal) return secrets.read(target.id);
    return resolveToken(target.tokenRef(), error);
}

}  // namespace embers::capture
