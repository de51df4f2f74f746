#include "jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimeZone>

namespace embers::capture {

namespace {

std::optional<QByteArray> base64UrlDecode(QStringView part) {
    if (part.isEmpty()) return std::nullopt;
    const QByteArray ascii = part.toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(
        ascii, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) return std::nullopt;
    return *decoded;
}

std::optional<QJsonObject> jsonObject(QStringView part) {
    const auto bytes = base64UrlDecode(part);
    if (!bytes) return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(*bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) return std::nullopt;
    return doc.object();
}

// Seconds since the epoch as a JSON number or numeric string; nullopt when
// absent or absurd (before 1970 or after the year 5000).
std::optional<QDateTime> epochClaim(const QJsonValue& value) {
    qint64 secs = 0;
    if (value.isDouble()) {
        secs = static_cast<qint64>(value.toDouble());
    } else if (value.isString()) {
        bool ok = false;
        secs = value.toString().trimmed().toLongLong(&ok);
        if (!ok) return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (secs <= 0 || secs > 95'617'584'000LL) return std::nullopt;
    return QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc());
}

void addRole(QStringList& roles, const QString& role) {
    const QString r = role.trimmed();
    if (!r.isEmpty() && !roles.contains(r)) roles << r;
}

// A roles-like claim: a string of space- or comma-separated names, or an
// array of strings or of objects naming one (`{"authority": "ROLE_ADMIN"}`).
void addRoles(QStringList& roles, const QJsonValue& value) {
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    if (value.isString()) {
        for (const QString& r : value.toString().split(separators, Qt::SkipEmptyParts))
            addRole(roles, r);
    } else if (value.isArray()) {
        for (const QJsonValue& v : value.toArray()) {
            if (v.isString()) {
                addRole(roles, v.toString());
            } else if (v.isObject()) {
                const QJsonObject o = v.toObject();
                for (const char* key : {"authority", "role", "name"}) {
                    if (o.value(QLatin1String(key)).isString()) {
                        addRole(roles, o.value(QLatin1String(key)).toString());
                        break;
                    }
                }
            }
        }
    }
}

QString firstString(const QJsonObject& payload, std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
        const QJsonValue v = payload.value(QLatin1String(key));
        if (v.isString() && !v.toString().trimmed().isEmpty()) return v.toString().trimmed();
    }
    return {};
}

}  // namespace

std::optional<JwtInfo> decodeJwt(const QString& token) {
    QString t = token.trimmed();
    if (t.startsWith(QLatin1String("bearer "), Qt::CaseInsensitive)) t = t.mid(7).trimmed();
    const QList<QStringView> parts = QStringView(t).split(u'.');
    // A JWS has three parts (the signature may be empty for alg "none"); a
    // JWE has five and its payload is encrypted.
    if (parts.size() != 3) return std::nullopt;
    const auto header = jsonObject(parts[0]);
    const auto payload = jsonObject(parts[1]);
    if (!header || !payload) return std::nullopt;

    JwtInfo info;
    info.subject = firstString(*payload, {"sub", "preferred_username", "email", "name"});
    info.displayName = firstString(*payload, {"preferred_username", "email", "name", "sub"});
    info.issuer = firstString(*payload, {"iss"});
    info.expiry = epochClaim(payload->value(QLatin1String("exp")));
    info.issuedAt = epochClaim(payload->value(QLatin1String("iat")));

    addRoles(info.roles, payload->value(QLatin1String("roles")));
    addRoles(
        info.roles,
        payload->value(QLatin1String("realm_access")).toObject().value(QLatin1String("roles")));
    const QJsonObject resources = payload->value(QLatin1String("resource_access")).toObject();
    for (auto it = resources.begin(); it != resources.end(); ++it)
        addRoles(info.roles, it.value().toObject().value(QLatin1String("roles")));
    addRoles(info.roles, payload->value(QLatin1String("groups")));
    addRoles(info.roles, payload->value(QLatin1String("scope")));
    addRoles(info.roles, payload->value(QLatin1String("scp")));
    addRoles(info.roles, payload->value(QLatin1String("authorities")));
    return info;
}

bool isExpired(const JwtInfo& info, const QDateTime& now) {
    return info.expiry && *info.expiry <= now;
}

QString describeDuration(qint64 seconds) {
    const qint64 s = seconds < 0 ? -seconds : seconds;
    if (s < 60) return QStringLiteral("%1 s").arg(s);
    const qint64 minutes = s / 60;
    if (minutes < 120) return QStringLiteral("%1 min").arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 48) {
        const qint64 rest = minutes % 60;
        if (rest == 0) return QStringLiteral("%1 h").arg(hours);
        return QStringLiteral("%1 h %2 min").arg(hours).arg(rest);
    }
    return QStringLiteral("%1 days").arg(hours / 24);
}

QString describeExpiry(const JwtInfo& info, const QDateTime& now) {
    if (!info.expiry) return QStringLiteral("no expiry");
    const qint64 secs = now.secsTo(*info.expiry);
    if (secs > 0) return QStringLiteral("expires in %1").arg(describeDuration(secs));
    if (secs == 0) return QStringLiteral("expired just now");
    return QStringLiteral("expired %1 ago").arg(describeDuration(secs));
}

bool hasAdminRole(const QStringList& roles) {
    for (const QString& role : roles) {
        QString r = role.toLower();
        // Keycloak group paths ("/ops/admin"), scoped names ("realm:admin")
        // and Spring authorities ("ROLE_ADMIN") end in the plain role.
        const qsizetype cut = std::max(r.lastIndexOf(u'/'), r.lastIndexOf(u':'));
        if (cut >= 0) r = r.mid(cut + 1);
        if (r.startsWith(QLatin1String("role_"))) r = r.mid(5);
        if (r == QLatin1String("admin") || r == QLatin1String("super-admin")) return true;
    }
    return false;
}

QStringList captureWarnings(const JwtInfo& info, const QDateTime& now) {
    QStringList warnings;
    const QString who = info.displayName.isEmpty()
                            ? QStringLiteral("the token")
                            : QStringLiteral("token for %1").arg(info.displayName);
    if (isExpired(info, now))
        warnings << QStringLiteral("%1 %2: get a fresh token").arg(who, describeExpiry(info, now));
    if (!hasAdminRole(info.roles)) {
        QString roles;
        if (info.roles.isEmpty()) {
            roles = QStringLiteral("no roles");
        } else {
            constexpr qsizetype kShown = 8;
            roles = QStringLiteral("roles ") + info.roles.mid(0, kShown).join(QLatin1String(", "));
            if (info.roles.size() > kShown)
                roles += QStringLiteral(" and %1 more").arg(info.roles.size() - kShown);
        }
        warnings << QStringLiteral(
                        "%1 carries %2, not admin or super-admin: the node will likely answer 403")
                        .arg(who, roles);
    }
    return warnings;
}

}  // namespace embers::capture
