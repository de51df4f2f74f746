#include "oauth2.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

#include "http_errors.h"
#include "http_fetch.h"

namespace embers::capture {

OAuth2Token requestOAuth2Token(const OAuth2Config& c) {
    OAuth2Token out;
    const QString where = c.tokenUrl.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    if (!c.tokenUrl.isValid() || c.tokenUrl.host().isEmpty()) {
        out.error = QStringLiteral(
                        "OAuth2: the token URL \"%1\" is not a URL: give the "
                        "identity provider's token endpoint")
                        .arg(where);
        return out;
    }
    QUrlQuery form;
    if (c.username.isEmpty()) {
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    } else {
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("password"));
        form.addQueryItem(QStringLiteral("username"), c.username);
        form.addQueryItem(QStringLiteral("password"), c.password);
    }
    if (!c.scope.isEmpty()) form.addQueryItem(QStringLiteral("scope"), c.scope);
    FetchOptions o;
    o.url = c.tokenUrl;
    o.postBody = form.toString(QUrl::FullyEncoded).toUtf8();
    o.basicUser = c.clientId;
    o.basicPassword = c.clientSecret;
    o.caFile = c.caFile;
    o.insecure = c.insecure;
    o.totalTimeout = std::chrono::seconds(30);
    const FetchResult r = fetchUrl(o);
    auto scrub = [&](QString s) { return redact(redact(s, c.clientSecret), c.password); };
    if (!r.ok()) {
        out.error =
            scrub(QStringLiteral("OAuth2 token request to %1: %2").arg(where, r.transportError));
        return out;
    }
    out.status = r.status;
    const QJsonObject json = QJsonDocument::fromJson(r.body).object();
    if (r.status != 200) {
        // RFC 6749 5.2: {"error": "invalid_client", "error_description": "…"}
        QString why = json.value(QStringLiteral("error_description")).toString();
        const QString code = json.value(QStringLiteral("error")).toString();
        if (why.isEmpty())
            why = code.isEmpty() ? statusText(r.status) : code;
        else if (!code.isEmpty())
            why = code + QStringLiteral(": ") + why;
        out.error = scrub(
            QStringLiteral("OAuth2 token request to %1: %2 (%3): check the client "
                           "id and secret%4")
                .arg(where, statusText(r.status), why,
                     c.username.isEmpty() ? QString() : QStringLiteral(", user and password")));
        return out;
    }
    out.accessToken = json.value(QStringLiteral("access_token")).toString();
    if (out.accessToken.isEmpty()) {
        out.error = QStringLiteral(
                        "OAuth2 token request to %1: the answer has no access_token: "
                        "is this the token endpoint?")
                        .arg(where);
        return out;
    }
    const qint64 expiresIn = json.value(QStringLiteral("expires_in")).toVariant().toLongLong();
    if (expiresIn > 0) out.expiresAt = QDateTime::currentDateTimeUtc().addSecs(expiresIn);
    return out;
}

QString OAuth2Session::token(QString* error, int margin) {
    std::lock_guard lock(mutex_);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const bool fresh = current_.ok() &&
                       (!current_.expiresAt.isValid() || now.addSecs(margin) < current_.expiresAt);
    if (!fresh) {
        current_ = requestOAuth2Token(config_);
        ++requests_;
    }
    if (!current_.ok()) {
        if (error) *error = current_.error;
        return {};
    }
    return current_.accessToken;
}

}  // namespace embers::capture
