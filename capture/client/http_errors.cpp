#include "http_errors.h"

#include <QRegularExpression>
#include <QUrl>

namespace embers::capture {

namespace {

QByteArray skipLeadingSpace(const QByteArray& head) {
    qsizetype i = 0;
    if (head.startsWith("\xEF\xBB\xBF")) i = 3;  // UTF-8 BOM
    while (i < head.size() &&
           (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        ++i;
    return head.mid(i);
}

bool isHtml(const QByteArray& head, const QString& contentType) {
    if (contentType.trimmed().startsWith(QLatin1String("text/html"), Qt::CaseInsensitive))
        return true;
    const QByteArray h = skipLeadingSpace(head).left(512).toLower();
    return h.startsWith("<!doctype html") || h.startsWith("<html") || h.startsWith("<head") ||
           h.startsWith("<body") || (h.startsWith("<") && h.contains("<html"));
}

bool isJson(const QByteArray& head) {
    const QByteArray h = skipLeadingSpace(head);
    return h.startsWith('{') || h.startsWith('[');
}

bool isGzip(const QByteArray& head) {
    return head.size() >= 2 && uchar(head[0]) == 0x1f && uchar(head[1]) == 0x8b;
}

// Printable text (UTF-8 allowed); NUL only where `allowNul`.
bool isText(const QByteArray& head, bool allowNul) {
    if (head.isEmpty()) return false;
    for (char ch : head) {
        const uchar c = uchar(ch);
        if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') continue;
        if (c == 0 && allowNul) continue;
        return false;
    }
    return true;
}

// The first non-empty line of a body, without control characters, at most
// 200 characters.
QString firstLine(const QByteArray& body) {
    const QString text = QString::fromUtf8(body);
    for (const QString& raw : text.split(u'\n')) {
        QString line;
        for (QChar c : raw)
            if (!c.isNull() && c.category() != QChar::Other_Control) line += c;
        line = line.trimmed();
        if (line.isEmpty()) continue;
        if (line.size() > 200) line = line.left(197) + QStringLiteral("...");
        return line;
    }
    return {};
}

// A parameter of a WWW-Authenticate challenge: error="…", error_description="…".
QString authParam(const QString& header, const QString& name) {
    const QRegularExpression re(
        QStringLiteral("(?:^|[\\s,])%1\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s,]+))")
            .arg(QRegularExpression::escape(name)),
        QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(header);
    if (!m.hasMatch()) return {};
    QString v = m.capturedStart(1) >= 0 ? m.captured(1) : m.captured(2);
    v.replace(QLatin1String("\\\""), QLatin1String("\""));
    return v.trimmed();
}

// Why the server refused, in its own words, when it said so in a way worth
// showing: the WWW-Authenticate description, Go's pprof error text, or a
// short plain-text body.
QString serverReason(const HttpOutcome& o) {
    QString reason = authParam(o.wwwAuthenticate, QStringLiteral("error_description"));
    if (reason.isEmpty()) reason = authParam(o.wwwAuthenticate, QStringLiteral("error"));
    if (!reason.isEmpty()) return reason;
    if (o.goPprofHeader) return firstLine(o.bodyHead);
    if (!isHtml(o.bodyHead, o.contentType) && !isJson(o.bodyHead) && isText(o.bodyHead, false)) {
        const QString line = firstLine(o.bodyHead);
        // Go's http.Error(w, "Unauthorized", 401) says no more than the status does.
        if (line.compare(statusText(o.status).section(u' ', 1), Qt::CaseInsensitive) == 0)
            return {};
        if (line.size() <= 120) return line;
    }
    return {};
}

// A word on what to do for the errors Go's pprof handlers write.
QString goPprofHint(const QString& text) {
    if (text.contains(QLatin1String("profiling already in use"), Qt::CaseInsensitive))
        return QStringLiteral(
            " — another CPU profile or trace is running on the node; retry when "
            "it ends");
    if (text.contains(QLatin1String("WriteTimeout")))
        return QStringLiteral(" — ask for fewer seconds");
    if (text.contains(QLatin1String("seconds and debug params are incompatible")))
        return QStringLiteral(" — drop the duration or the debug level");
    return {};
}

HttpVerdict verdict(ErrorCategory category, const QString& message) {
    return {category, message};
}

}  // namespace

QString statusText(int status) {
    static const QHash<int, QString> texts = {
        {200, QStringLiteral("ok")},
        {301, QStringLiteral("moved permanently")},
        {302, QStringLiteral("found")},
        {303, QStringLiteral("see other")},
        {307, QStringLiteral("temporary redirect")},
        {308, QStringLiteral("permanent redirect")},
        {400, QStringLiteral("bad request")},
        {401, QStringLiteral("unauthorized")},
        {403, QStringLiteral("forbidden")},
        {404, QStringLiteral("not found")},
        {405, QStringLiteral("method not allowed")},
        {407, QStringLiteral("proxy authentication required")},
        {408, QStringLiteral("request timeout")},
        {429, QStringLiteral("too many requests")},
        {500, QStringLiteral("internal server error")},
        {501, QStringLiteral("not implemented")},
        {502, QStringLiteral("bad gateway")},
        {503, QStringLiteral("service unavailable")},
        {504, QStringLiteral("gateway timeout")},
    };
    const auto it = texts.constFind(status);
    return QStringLiteral("%1 %2").arg(status).arg(
        it == texts.constEnd() ? QStringLiteral("HTTP error") : *it);
}

bool looksLikeProfile(const QByteArray& head, const CaptureRequest& request) {
    if (request.kind == ProfileKind::Trace || request.kind == ProfileKind::Recorder)
        return head.startsWith("go 1.");
    const bool text =
        request.kind == ProfileKind::Cmdline || (request.debug > 0 && !isTimed(request.kind));
    if (!text) return isGzip(head);
    return !isGzip(head) && !isHtml(head, QString()) && !isJson(head) &&
           isText(head, request.kind == ProfileKind::Cmdline);
}

bool looksLikeProfile(const QByteArray& head, ProfileKind kind) {
    CaptureRequest request;
    request.kind = kind;
    return looksLikeProfile(head, request);
}

HttpVerdict judgeResponse(const HttpOutcome& o, const std::optional<CaptureRequest>& request,
                          const QStringList& prefixSuggestions, const QString& secret) {
    HttpVerdict v = [&]() -> HttpVerdict {
        if (!o.transportError.trimmed().isEmpty())
            return verdict(ErrorCategory::Network, o.transportError.trimmed());
        if (o.status == 0)
            return verdict(ErrorCategory::Network,
                           QStringLiteral("no answer from the node: check the address and that the "
                                          "node is running"));
        const QString status = statusText(o.status);
        if (o.status >= 200 && o.status < 300) {
            if (!request || looksLikeProfile(o.bodyHead, *request)) return {};
            const QString kind = profileKindInfo(request->kind).name;
            if (o.bodyHead.isEmpty())
                return verdict(ErrorCategory::NotWhatWasAsked,
                               QStringLiteral("the node answered an empty body instead of a %1 "
                                              "profile: check the URL")
                                   .arg(kind));
            if (isHtml(o.bodyHead, o.contentType))
                return verdict(ErrorCategory::NotWhatWasAsked,
                               QStringLiteral("the node answered an HTML page (a login page?) "
                                              "instead of a profile: check the URL and token"));
            if (isJson(o.bodyHead))
                return verdict(
                    ErrorCategory::NotWhatWasAsked,
                    QStringLiteral("the node answered JSON (\"%1\") instead of a profile: "
                                   "check the URL and token")
                        .arg(firstLine(o.bodyHead).left(80)));
            QString type = o.contentType.section(u';', 0, 0).trimmed();
            if (type.isEmpty()) type = QStringLiteral("none given");
            return verdict(
                ErrorCategory::NotWhatWasAsked,
                QStringLiteral("the node's answer is not a %1 profile (content type %2): "
                               "check the URL")
                    .arg(kind, type));
        }
        if (o.status >= 300 && o.status < 400)
            return verdict(ErrorCategory::NotWhatWasAsked,
                           QStringLiteral("%1: the node redirects elsewhere (to a login page?) "
                                          "instead of answering: check the URL and token")
                               .arg(status));
        const QString reason = serverReason(o);
        switch (o.status) {
            case 401:
                if (!o.sentToken)
                    return verdict(
                        ErrorCategory::Auth,
                        QStringLiteral("%1: the node requires a token — paste one").arg(status));
                return verdict(ErrorCategory::Auth,
                               QStringLiteral("%1: %2 — get a fresh token")
                                   .arg(status, reason.isEmpty()
                                                    ? QStringLiteral("the node rejected the token")
                                                    : reason));
            case 403: {
                QString m = QStringLiteral("%1: the token lacks the admin role the node requires")
                                .arg(status);
                if (!reason.isEmpty()) m += QStringLiteral(" (the node says: %1)").arg(reason);
                return verdict(ErrorCategory::Auth, m);
            }
            case 404:
                if (o.goPprofHeader)
                    return verdict(
                        ErrorCategory::NotWhatWasAsked,
                        QStringLiteral("%1: %2 — the node does not serve this profile")
                            .arg(status,
                                 reason.isEmpty() ? QStringLiteral("unknown profile") : reason));
                if (prefixSuggestions.isEmpty())
                    return verdict(ErrorCategory::NotWhatWasAsked,
                                   QStringLiteral("%1: wrong prefix? Check the URL").arg(status));
                return verdict(ErrorCategory::NotWhatWasAsked,
                               QStringLiteral("%1: wrong prefix? Try %2")
                                   .arg(status, prefixSuggestions.join(QLatin1String(", "))));
            case 407:
                return verdict(ErrorCategory::Network,
                               QStringLiteral("%1: the proxy wants credentials — check the proxy "
                                              "settings")
                                   .arg(status));
            case 408:
            case 429:
                return verdict(
                    ErrorCategory::Network,
                    QStringLiteral("%1: %2").arg(
                        status, reason.isEmpty() ? QStringLiteral("the node is busy — retry later")
                                                 : reason));
            case 503:  // said by the node itself as often as by a proxy
                if (!o.goPprofHeader)
                    return verdict(
                        ErrorCategory::Network,
                        QStringLiteral("%1: %2").arg(
                            status,
                            reason.isEmpty()
                                ? QStringLiteral("the node, or a proxy in front of it, "
                                                 "cannot serve now — is the node running?")
                                : reason +
                                      QStringLiteral(" — the node cannot serve now; retry later")));
                break;
            case 502:
            case 504:
                if (!o.goPprofHeader) {
                    const QString hint =
                        o.status == 504
                            ? QStringLiteral(
                                  "the proxy in front of the node gave up waiting — for "
                                  "long captures, raise the proxy's timeout or ask for "
                                  "fewer seconds")
                            : QStringLiteral(
                                  "the proxy in front of the node got no answer from it — "
                                  "is the node running?");
                    return verdict(ErrorCategory::Network,
                                   QStringLiteral("%1: %2").arg(status, hint));
                }
                break;
            default:
                break;
        }
        if (o.goPprofHeader && !reason.isEmpty())
            return verdict(ErrorCategory::NotWhatWasAsked,
                           QStringLiteral("%1: %2%3").arg(status, reason, goPprofHint(reason)));
        if (!reason.isEmpty())
            return verdict(ErrorCategory::NotWhatWasAsked,
                           QStringLiteral("%1: %2").arg(status, reason));
        return verdict(ErrorCategory::NotWhatWasAsked,
                       QStringLiteral("%1: the node refused the request").arg(status));
    }();
    v.message = redact(v.message, secret);
    return v;
}

QString errorLine(const HttpOutcome& outcome, const HttpVerdict& v, const QString& secret) {
    QUrl url(outcome.url);
    url.setUserInfo(QString());
    const QString line =
        QStringLiteral("capture %1: %2").arg(url.toString(QUrl::RemoveUserInfo), v.message);
    return redact(line, secret);
}

QString redact(QString text, const QString& secret) {
    const QString s = secret.trimmed();
    if (s.isEmpty()) return text;
    const QString marker = QStringLiteral("[redacted]");
    text.replace(s, marker);
    const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(s));
    if (encoded != s) {
        text.replace(encoded, marker);
        // The same escapes with lower-case hex digits.
        QString lowerHex = encoded;
        for (qsizetype i = 0; i + 2 < lowerHex.size(); ++i) {
            if (lowerHex[i] != u'%') continue;
            lowerHex[i + 1] = lowerHex[i + 1].toLower();
            lowerHex[i + 2] = lowerHex[i + 2].toLower();
        }
        text.replace(lowerHex, marker);
    }
    return text;
}

}  // namespace embers::capture
