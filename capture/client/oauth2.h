// OAuth2 tokens for nodes behind an identity provider: the client credentials grant, or
// the resource owner password grant when a username is given (RFC 6749 sections 4.4, 4.3).
// OAuth2Session keeps the access token and asks for a new one shortly before it expires.
#pragma once

#include <QDateTime>
#include <QString>
#include <QUrl>
#include <functional>
#include <mutex>

namespace embers::capture {

struct OAuth2Config {
    QUrl tokenUrl;
    QString clientId;
    QString clientSecret;  // sent with HTTP Basic, as RFC 6749 prefers
    QString username;      // set: the password grant
    QString password;
    QString scope;
    QString caFile;
    bool insecure = false;
};

struct OAuth2Token {
    QString accessToken;
    QDateTime expiresAt;  // UTC; invalid when the server gave no expires_in
    QString error;        // one line, never a secret; empty on success
    int status = 0;       // the endpoint's HTTP status; 0 when it did not answer
    bool ok() const { return error.isEmpty() && !accessToken.isEmpty(); }
};

// Asks the token endpoint once. Never throws.
OAuth2Token requestOAuth2Token(const OAuth2Config& config);

// A token that renews itself. Safe to use from several threads.
class OAuth2Session {
public:
    explicit OAuth2Session(OAuth2Config config) : config_(std::move(config)) {}
    // The current access token, renewed when it expires within `margin` seconds; empty with
    // *error set when the endpoint refuses.
    QString token(QString* error, int margin = 30);
    int requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    std::mutex mutex_;
    OAuth2Config config_;
    OAuth2Token current_;
    int requests_ = 0;
};

}  // namespace embers::capture
