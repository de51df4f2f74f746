// Turning what a node answered into the one line a user needs, and the exit
// code category the command line returns for it. Nothing here talks to the
// network: the caller fills an HttpOutcome from whatever fetched the bytes.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

#include "profile_kinds.h"

namespace embers::capture {

// The values are the `embers capture` exit codes.
enum class ErrorCategory {
    Ok = 0,
    NotWhatWasAsked = 2,  // wrong URL or prefix, the node refused the request, not a profile
    Auth = 3,             // 401, 403: the token
    Network = 4,          // no answer, proxies, timeouts
};

struct HttpOutcome {
    QString url;                 // what was asked for; must not carry credentials
    int status = 0;              // 0: no HTTP answer at all
    QString transportError;      // the fetcher's own error (DNS, TLS, timeout), if any
    QString wwwAuthenticate;     // the WWW-Authenticate header
    bool goPprofHeader = false;  // X-Go-Pprof: 1, Go's marker on its error bodies
    QString contentType;
    QByteArray bodyHead;  // the first bytes of the body (a few hundred are enough)
    bool sentToken = true;
};

struct HttpVerdict {
    ErrorCategory category = ErrorCategory::Ok;
    QString message;  // "403 forbidden: …"; empty when Ok

    bool ok() const { return category == ErrorCategory::Ok; }
};

// Judges the answer to `request` (nullopt for requests that do not expect a
// profile, like the index page). `prefixSuggestions` are offered on a 404.
// Any occurrence of `secret` is scrubbed from the message.
HttpVerdict judgeResponse(const HttpOutcome& outcome, const std::optional<CaptureRequest>& request,
                          const QStringList& prefixSuggestions = {}, const QString& secret = {});

// "capture https://node/…/heap: 403 forbidden: …", with credentials stripped
// from the URL and `secret` scrubbed.
QString errorLine(const HttpOutcome& outcome, const HttpVerdict& verdict,
                  const QString& secret = {});

// Whether the first bytes of a body are what the request asks for: gzip for
// protos, text for debug > 0 and cmdline, a "go 1." header for traces.
bool looksLikeProfile(const QByteArray& head, const CaptureRequest& request);
bool looksLikeProfile(const QByteArray& head, ProfileKind kind);

// "401 unauthorized", "404 not found", "418 HTTP error".
QString statusText(int status);

// Replaces every occurrence of `secret` (also percent-encoded) with
// "[redacted]". An empty secret leaves the text alone.
QString redact(QString text, const QString& secret);

}  // namespace embers::capture
