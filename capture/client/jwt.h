// Reading what a bearer token says about itself. Decoding only: the signature
// is never checked (the node does that); Embers reads the claims to warn the
// user before a capture that would fail (expired token, missing admin role).
#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace embers::capture {

struct JwtInfo {
    // `sub`, else `preferred_username`, `email`, `name`.
    QString subject;
    // Who the token is for, as a person would say it: `preferred_username`,
    // else `email`, `name`, `sub`. Used in messages.
    QString displayName;
    // Union, in order of first appearance, of `roles`, `realm_access.roles`,
    // `resource_access.*.roles`, `groups`, `scope`/`scp` (split on spaces) and
    // `authorities`.
    QStringList roles;
    std::optional<QDateTime> expiry;    // `exp`, UTC
    std::optional<QDateTime> issuedAt;  // `iat`, UTC
    QString issuer;                     // `iss`
};

// Decodes a JWS compact token (header.payload.signature, base64url). Returns
// nullopt when the token is not a JWT (opaque token, encrypted JWE, bad
// base64url or JSON). A leading "Bearer " is tolerated.
std::optional<JwtInfo> decodeJwt(const QString& token);

// True when the token has an expiry at or before `now`.
bool isExpired(const JwtInfo& info, const QDateTime& now);

// "expires in 42 min", "expired 10 min ago", "no expiry".
QString describeExpiry(const JwtInfo& info, const QDateTime& now);

// "42 s", "42 min", "3 h 5 min", "4 days": a rounded, human duration.
QString describeDuration(qint64 seconds);

// True when one of the roles names admin or super-admin (case-insensitive;
// "ROLE_ADMIN", "/admin" and "realm:admin" count too).
bool hasAdminRole(const QStringList& roles);

// Warnings worth showing before a capture: the token expired, or it carries
// neither `admin` nor `super-admin`. Empty when nothing looks wrong.
QStringList captureWarnings(const JwtInfo& info, const QDateTime& now);

}  // namespace embers::capture
