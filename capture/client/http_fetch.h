// One blocking, cancellable HTTP(S) GET on libcurl: what `embers capture`
// and the capture panel use to fetch a pprof index or a profile from a node.
//
// The bearer token goes only to the host (scheme, host and port) of the URL
// asked for: redirects are followed here, one hop at a time, and a hop to any
// other origin is made without the Authorization header. No message this
// returns contains the token.
#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <chrono>
#include <functional>

#include "http_errors.h"

namespace embers::capture {

// 2 GiB: far above any real profile; the answer is held in memory.
inline constexpr qint64 kDefaultMaxBodyBytes = qint64(2) << 30;

struct FetchOptions {
    QUrl url;
    // Sent as "Authorization: Bearer …" to the URL's origin (scheme, host,
    // port) only; a leading "Bearer " is tolerated; empty: no header.
    QString token;
    QString caFile;         // PEM bundle to trust instead of the system CAs
    QString certFile;       // client certificate (PEM) for mTLS
    QString keyFile;        // its private key (PEM); empty: in certFile
    bool insecure = false;  // skip certificate and host name checks
    std::chrono::seconds connectTimeout{10};
    std::chrono::seconds totalTimeout{60};  // the whole exchange, redirects included
    qint64 maxBodyBytes = kDefaultMaxBodyBytes;
    int maxRedirects = 5;
    // A POST instead of a GET when set (redirects are then not followed), e.g. an OAuth2
    // token request; basicUser/basicPassword: HTTP Basic client authentication for it.
    QByteArray postBody;
    QString postContentType = QStringLiteral("application/x-www-form-urlencoded");
    QString basicUser, basicPassword;
    // Called every now and then (at least once a second) with the bytes of
    // the body received so far and the seconds since the fetch began; return
    // false to cancel.
    std::function<bool(qint64 received, double elapsedSeconds)> progress;
};

struct FetchResult {
    int status = 0;  // the final HTTP status; 0 when no answer arrived
    QByteArray body;
    QString wwwAuthenticate;
    QString contentType;
    bool goPprof = false;    // X-Go-Pprof: 1
    QString transportError;  // one line, never the token; empty when an answer arrived whole
    bool cancelled = false;  // the progress callback asked to stop
    QUrl finalUrl;           // the URL that gave the answer, after redirects
    bool sentToken = false;  // the final request carried the token
    QString httpVersion;     // "1.1", "2"

    bool ok() const { return transportError.isEmpty() && !cancelled; }
};

// Fetches `options.url`. Never throws.
FetchResult fetchUrl(const FetchOptions& options);

// What judgeResponse needs to know about a fetch.
HttpOutcome toOutcome(const FetchOptions& options, const FetchResult& result);

// Scheme, host and port are the same (the port defaulted by the scheme).
bool sameOrigin(const QUrl& a, const QUrl& b);

}  // namespace embers::capture
