#include "token_source.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

#include "curl_command.h"
#include "http_errors.h"
#include "jwt.h"
#include "pprof_index.h"

namespace embers::capture {

namespace {

constexpr qint64 kMaxInputFileSize = 256LL << 20;

const QString kWhatToPaste = QStringLiteral(
    "paste a bearer token, an Authorization header, a DevTools \"Copy as cURL\" command or a HAR "
    "export");

// RFC 6750 b64token: the characters a bearer token may hold.
bool isTokenText(const QString& s) {
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9\\-._~+/]+=*$"));
    return re.match(s).hasMatch();
}

// "$TOKEN", "${TOKEN}", "%TOKEN%": a variable the shell would have expanded.
QString variableReference(const QString& s) {
    static const QRegularExpression re(
        QStringLiteral("^(?:\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?|%([A-Za-z_][A-Za-z0-9_]*)%)$"));
    const auto m = re.match(s);
    if (!m.hasMatch()) return {};
    return m.captured(1).isEmpty() ? m.captured(2) : m.captured(1);
}

QString unquote(QString s) {
    s = s.trimmed();
    if (s.size() >= 2 && (s.front() == u'"' || s.front() == u'\'') && s.back() == s.front())
        s = s.mid(1, s.size() - 2).trimmed();
    return s;
}

struct Credential {
    QString token;
    QString error;
};

// A token, possibly after "Bearer ".
Credential parseBearerValue(const QString& text, const QString& where) {
    Credential c;
    QString v = unquote(text);
    if (v.startsWith(QLatin1String("bearer"), Qt::CaseInsensitive) &&
        (v.size() == 6 || v[6].isSpace()))
        v = unquote(v.mid(6));
    if (v.isEmpty()) {
        c.error = QStringLiteral("%1 holds no token: %2").arg(where, kWhatToPaste);
    } else if (const QString var = variableReference(v); !var.isEmpty()) {
        c.error = QStringLiteral(
                      "%1 refers to the variable %2 instead of holding the token: paste the token "
                      "itself, or use env:%2")
                      .arg(where, var);
    } else if (!isTokenText(v)) {
        c.error = QStringLiteral(
                      "%1 is not a bearer token (tokens hold only letters, digits and -._~+/=): %2")
                      .arg(where, kWhatToPaste);
    } else {
        c.token = v;
    }
    return c;
}

// The value of an Authorization header; `where` names the header in errors.
Credential parseAuthorizationValue(const QString& value, const QString& where) {
    const QString v = unquote(value);
    const QString scheme = v.section(u' ', 0, 0, QString::SectionSkipEmpty);
    if (scheme.compare(QLatin1String("bearer"), Qt::CaseInsensitive) == 0 || !v.contains(u' '))
        return parseBearerValue(v, where);
    Credential c;
    if (scheme.compare(QLatin1String("basic"), Qt::CaseInsensitive) == 0)
        c.error = QStringLiteral(
                      "%1 carries Basic credentials, not a Bearer token: copy a request the Ops UI "
                      "makes after logging in")
                      .arg(where);
    else
        c.error =
            QStringLiteral("%1 uses the %2 scheme, not Bearer: Embers sends bearer tokens only")
                .arg(where, scheme.left(20));
    return c;
}

// Base URL and pprof prefix of a request URL.
void takeUrl(TokenWorkup& w, const QString& url) {
    const PprofUrl parts = splitPprofUrl(url);
    if (!parts.ok()) return;
    w.baseUrl = parts.base;
    w.pprofPrefix = parts.prefix;
}

TokenWorkup failed(TokenInputKind kind, const QString& error) {
    TokenWorkup w;
    w.kind = kind;
    w.error = error;
    return w;
}

// ---- header lines -------------------------------------------------------

bool looksLikeHeaders(const QString& text) {
    static const QRegularExpression re(
        QStringLiteral("^\\s*authorization\\s*(?::|\\t|$)"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::MultilineOption);
    return re.match(text).hasMatch();
}

// Header lines as DevTools shows them: "Name: value" (HTTP/1), ":authority:
// host" pseudo-headers (HTTP/2), "Name<TAB>value" or a name alone on a line
// with its value on the next (copied from the headers table), a request line
// "GET /path HTTP/1.1" and the General section's "Request URL: …".
TokenWorkup workUpHeaders(const QString& text) {
    TokenWorkup w;
    w.kind = TokenInputKind::AuthorizationHeader;
    QString authority, scheme, path, requestUrl, authorization;
    bool haveAuthorization = false;
    static const QRegularExpression requestLine(
        QStringLiteral("^[A-Z]+\\s+(\\S+)\\s+HTTP/[0-9.]+$"));
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty()) continue;
        if (const auto m = requestLine.match(line); m.hasMatch()) {
            path = m.captured(1);
            continue;
        }
        QString name, value;
        const bool pseudo = line.startsWith(u':');
        const qsizetype colon = line.indexOf(u':', pseudo ? 1 : 0);
        const qsizetype tab = line.indexOf(u'\t');
        if (tab > 0 && (colon < 0 || tab < colon)) {
            name = line.left(tab);
            value = line.mid(tab + 1);
        } else if (colon > 0) {
            name = line.left(colon);
            value = line.mid(colon + 1);
        } else {
            name = line;
        }
        name = name.trimmed().toLower();
        value = value.trimmed();
        if (value.isEmpty() && !pseudo && i + 1 < lines.size()) {
            // A name alone on its line: the value is on the next one.
            const QString next = lines[i + 1].trimmed();
            if (!next.contains(u':') ||
                next.startsWith(QLatin1String("bearer "), Qt::CaseInsensitive)) {
                value = next;
                ++i;
            }
        }
        if (name == QLatin1String("authorization") && !haveAuthorization) {
            authorization = value;
            haveAuthorization = true;
        } else if (name == QLatin1String(":authority") || name == QLatin1String("host")) {
            if (authority.isEmpty()) authority = value;
        } else if (name == QLatin1String(":scheme")) {
            scheme = value;
        } else if (name == QLatin1String(":path")) {
            path = value;
        } else if (name == QLatin1String("request url")) {
            requestUrl = value;
        }
    }
    if (!requestUrl.isEmpty())
        takeUrl(w, requestUrl);
    else if (!scheme.isEmpty() && !authority.isEmpty())
        takeUrl(w, scheme + QStringLiteral("://") + authority + path);

    const Credential c =
        parseAuthorizationValue(authorization, QStringLiteral("the Authorization header"));
    w.token = c.token;
    w.error = c.error;
    return w;
}

// ---- cURL -----------------------------------------------------------------

TokenWorkup workUpCurl(const QString& text) {
    const CurlCommand curl = parseCurlCommand(text);
    TokenWorkup w;
    w.kind = curl.dialect == CurlDialect::Cmd ? TokenInputKind::CurlCmd : TokenInputKind::CurlBash;
    if (!curl.error.isEmpty()) {
        w.error = curl.error;
        return w;
    }
    if (!curl.url.isEmpty()) {
        static const QRegularExpression hasScheme(QStringLiteral("^[A-Za-z][A-Za-z0-9+.\\-]*://"));
        // curl itself assumes http:// when the scheme is missing.
        takeUrl(w, hasScheme.match(curl.url).hasMatch() ? curl.url
                                                        : QStringLiteral("http://") + curl.url);
    }
    for (const QString& header : curl.headers) {
        const qsizetype colon = header.indexOf(u':');
        if (colon < 0 || header.left(colon).trimmed().compare(QLatin1String("authorization"),
                                                              Qt::CaseInsensitive) != 0)
            continue;
        const Credential c = parseAuthorizationValue(
            header.mid(colon + 1), QStringLiteral("the cURL command's Authorization header"));
        w.token = c.token;
        w.error = c.error;
        return w;
    }
    if (!curl.oauth2Bearer.isEmpty()) {
        const Credential c =
            parseBearerValue(curl.oauth2Bearer, QStringLiteral("the --oauth2-bearer option"));
        w.token = c.token;
        w.error = c.error;
        return w;
    }
    const QString copyInstead =
        QStringLiteral("copy an API request of the Ops UI that sends \"Authorization: Bearer\"");
    if (curl.basicUser)
        w.error =
            QStringLiteral(
                "the cURL command logs in with -u (Basic credentials), not a bearer token: ") +
            copyInstead;
    else if (curl.cookies)
        w.error = QStringLiteral(
                      "the cURL command authenticates with cookies only, no Authorization "
                      "header: ") +
                  copyInstead;
    else
        w.error = QStringLiteral("the cURL command sends no Authorization header: ") + copyInstead;
    return w;
}

// ---- HAR ----------------------------------------------------------------

struct HostPort {
    QString host;
    int port = -1;  // -1: any
};

// "node", "node:8443", "[::1]:8443", "https://node:8443/…".
HostPort parseHost(const QString& text) {
    const QString t = text.trimmed();
    if (t.contains(QLatin1String("://"))) {
        const QUrl u(t);
        return {u.host().toLower(), u.port()};
    }
    const QString hostPort = t.section(u'/', 0, 0);
    HostPort hp;
    QString portText;
    if (hostPort.startsWith(u'[')) {
        const qsizetype close = hostPort.indexOf(u']');
        hp.host = hostPort.mid(1, close < 0 ? -1 : close - 1);
        if (close >= 0 && hostPort.mid(close + 1).startsWith(u':'))
            portText = hostPort.mid(close + 2);
    } else if (hostPort.count(u':') == 1) {
        hp.host = hostPort.section(u':', 0, 0);
        portText = hostPort.section(u':', 1, 1);
    } else {
        hp.host = hostPort;
    }
    hp.host = hp.host.toLower();
    bool ok = false;
    const int port = portText.toInt(&ok);
    if (ok) hp.port = port;
    return hp;
}

int effectivePort(const QUrl& url) {
    return url.port(url.scheme().toLower() == QLatin1String("http") ? 80 : 443);
}

bool sameHost(const QUrl& url, const HostPort& hp) {
    if (url.host().compare(hp.host, Qt::CaseInsensitive) != 0) return false;
    return hp.port < 0 || effectivePort(url) == hp.port;
}

QString hostLabel(const QUrl& url) {
    return url.port() < 0 ? url.host() : QStringLiteral("%1:%2").arg(url.host()).arg(url.port());
}

struct HarRequest {
    qsizetype index = 0;
    QDateTime started;
    QUrl url;
    QString token;
};

TokenWorkup workUpHar(const QString& text, const WorkupOptions& options) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return failed(TokenInputKind::Unrecognized,
                      QStringLiteral("the text looks like JSON but does not parse (%1 at offset "
                                     "%2): export the HAR again")
                          .arg(parseError.errorString())
                          .arg(parseError.offset));
    const QJsonValue entriesValue =
        doc.object().value(QLatin1String("log")).toObject().value(QLatin1String("entries"));
    if (!entriesValue.isArray())
        return failed(TokenInputKind::Unrecognized,
                      QStringLiteral("the JSON is not a HAR export (it has no log.entries): ") +
                          kWhatToPaste);
    const QJsonArray entries = entriesValue.toArray();
    if (entries.isEmpty())
        return failed(TokenInputKind::Har,
                      QStringLiteral("the HAR holds no requests: record the Ops UI's traffic in "
                                     "DevTools' Network tab, then export again"));

    QList<HarRequest> bearers;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QJsonObject entry = entries[i].toObject();
        const QJsonObject request = entry.value(QLatin1String("request")).toObject();
        for (const QJsonValue& h : request.value(QLatin1String("headers")).toArray()) {
            const QJsonObject header = h.toObject();
            if (header.value(QLatin1String("name"))
                    .toString()
                    .compare(QLatin1String("authorization"), Qt::CaseInsensitive) != 0)
                continue;
            const QString value = header.value(QLatin1String("value")).toString().trimmed();
            if (!value.startsWith(QLatin1String("bearer "), Qt::CaseInsensitive)) continue;
            const Credential c = parseBearerValue(value, QString());
            if (c.token.isEmpty()) continue;
            HarRequest r;
            r.index = i;
            r.started = QDateTime::fromString(
                entry.value(QLatin1String("startedDateTime")).toString(), Qt::ISODateWithMs);
            r.url = QUrl(request.value(QLatin1String("url")).toString());
            r.token = c.token;
            bearers << r;
            break;
        }
    }
    if (bearers.isEmpty())
        return failed(TokenInputKind::Har,
                      QStringLiteral("none of the HAR's %1 requests sent \"Authorization: "
                                     "Bearer\": export it with sensitive data (Chrome: \"Export "
                                     "HAR (with sensitive data)\") after the Ops UI made API calls")
                          .arg(entries.size()));

    // Newest first; entries without a readable time count as oldest, in file order.
    std::stable_sort(bearers.begin(), bearers.end(), [](const HarRequest& a, const HarRequest& b) {
        const bool av = a.started.isValid(), bv = b.started.isValid();
        if (av != bv) return av;
        if (av && a.started != b.started) return a.started > b.started;
        return a.index > b.index;
    });

    const HostPort wanted =
        options.host.trimmed().isEmpty()
            ? HostPort{bearers.front().url.host(), effectivePort(bearers.front().url)}
            : parseHost(options.host);
    const QString wantedLabel =
        options.host.trimmed().isEmpty() ? hostLabel(bearers.front().url) : options.host.trimmed();
    const QDateTime now = options.now.isValid() ? options.now : QDateTime::currentDateTimeUtc();
    const HarRequest* chosen = nullptr;
    const HarRequest* newestExpired = nullptr;
    QStringList otherHosts;
    for (const HarRequest& r : bearers) {
        if (!sameHost(r.url, wanted)) {
            if (!otherHosts.contains(hostLabel(r.url))) otherHosts << hostLabel(r.url);
            continue;
        }
        const auto jwt = decodeJwt(r.token);
        if (jwt && isExpired(*jwt, now)) {
            if (!newestExpired) newestExpired = &r;
            continue;
        }
        chosen = &r;
        break;
    }
    TokenWorkup w;
    w.kind = TokenInputKind::Har;
    if (chosen) {
        w.token = chosen->token;
        takeUrl(w, chosen->url.toString());
        return w;
    }
    if (newestExpired) {
        const auto jwt = decodeJwt(newestExpired->token);
        w.error = QStringLiteral(
                      "every bearer token sent to %1 in the HAR has expired (the newest %2): "
                      "reload the Ops UI and export a fresh HAR")
                      .arg(wantedLabel, describeExpiry(*jwt, now));
        takeUrl(w, newestExpired->url.toString());
        return w;
    }
    w.error = QStringLiteral(
                  "the HAR has bearer requests to %1 but none to %2: give the node's host, or "
                  "export a HAR recorded on its Ops UI")
                  .arg(otherHosts.mid(0, 3).join(QLatin1String(", ")), wantedLabel);
    return w;
}

// ---- bare tokens and URLs -------------------------------------------------

TokenWorkup workUpSingleLine(const QString& line) {
    static const QRegularExpression url(QStringLiteral("^https?://"),
                                        QRegularExpression::CaseInsensitiveOption);
    TokenWorkup w;
    if (url.match(line).hasMatch()) {
        w.kind = TokenInputKind::Url;
        const PprofUrl parts = splitPprofUrl(line);
        w.baseUrl = parts.base;
        w.pprofPrefix = parts.prefix;
        w.error = parts.error;
        return w;
    }
    const Credential c = parseBearerValue(line, QStringLiteral("the text"));
    w.token = c.token;
    w.error = c.error;
    // "Bearer …" and "$TOKEN" were meant as tokens even when they failed.
    const bool meantAsToken = !c.token.isEmpty() ||
                              line.startsWith(QLatin1String("bearer"), Qt::CaseInsensitive) ||
                              !variableReference(unquote(line)).isEmpty();
    w.kind = meantAsToken ? TokenInputKind::BareToken : TokenInputKind::Unrecognized;
    return w;
}

QString unrecognizedHint(const QString& text) {
    if (text.contains(QLatin1String("Invoke-WebRequest"), Qt::CaseInsensitive) ||
        text.contains(QLatin1String("Invoke-RestMethod"), Qt::CaseInsensitive))
        return QStringLiteral(
            "\"Copy as PowerShell\" is not supported: use \"Copy as cURL (bash)\" or \"Copy as "
            "cURL (cmd)\" instead");
    if (text.startsWith(QLatin1String("fetch(")) || text.contains(QLatin1String("await fetch(")))
        return QStringLiteral(
            "\"Copy as fetch\" is not supported: use \"Copy as cURL (bash)\" or \"Copy as cURL "
            "(cmd)\" instead");
    return QStringLiteral(
               "the text is neither a token, an Authorization header, a cURL command nor "
               "a HAR export: ") +
           kWhatToPaste;
}

QString readTextFile(const QString& path, QString* error) {
    const QString shown = QDir::toNativeSeparators(path);
    QFile file(path);
    if (!QFileInfo(path).isFile()) {
        *error = QStringLiteral("%1 does not exist or is not a file").arg(shown);
        return {};
    }
    if (file.size() > kMaxInputFileSize) {
        *error = QStringLiteral(
                     "%1 is larger than %2 MiB: export a smaller HAR (filter the "
                     "Network tab to the node's requests)")
                     .arg(shown)
                     .arg(kMaxInputFileSize >> 20);
        return {};
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(shown, file.errorString());
        return {};
    }
    const QByteArray bytes = file.readAll();
    if (bytes.contains('\0')) {
        *error =
            QStringLiteral("%1 is a binary file, not a token, header, cURL command or HAR export")
                .arg(shown);
        return {};
    }
    return QString::fromUtf8(bytes);
}

bool isVariableName(const QString& s) {
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return re.match(s).hasMatch();
}

}  // namespace

TokenWorkup workUpToken(const QString& text, const WorkupOptions& options) {
    QString t = text.trimmed();
    if (t.startsWith(QChar(0xFEFF))) t = t.mid(1).trimmed();
    TokenWorkup w;
    if (t.isEmpty()) {
        w = failed(TokenInputKind::Empty, kWhatToPaste);
    } else if (t.startsWith(u'{')) {
        w = workUpHar(t, options);
    } else if (looksLikeCurlCommand(t)) {
        w = workUpCurl(t);
    } else if (looksLikeHeaders(t)) {
        w = workUpHeaders(t);
    } else if (!t.contains(u'\n') &&
               !QString(t)
                    .remove(QRegularExpression(QStringLiteral("^bearer\\s+"),
                                               QRegularExpression::CaseInsensitiveOption))
                    .contains(QRegularExpression(QStringLiteral("\\s")))) {
        w = workUpSingleLine(t);
    } else {
        w = failed(TokenInputKind::Unrecognized, unrecognizedHint(t));
    }
    w.error = redact(w.error, w.token);
    return w;
}

TokenWorkup workUpToken(const TokenFile& file, const WorkupOptions& options) {
    QString error;
    const QString text = readTextFile(file.path, &error);
    if (!error.isEmpty()) return failed(TokenInputKind::Unrecognized, error);
    TokenWorkup w = workUpToken(text, options);
    if (!w.error.isEmpty())
        w.error = QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(file.path), w.error);
    return w;
}

TokenWorkup workUpInput(const QString& textOrPath, const WorkupOptions& options) {
    const QString t = textOrPath.trimmed();
    if (!t.isEmpty() && !t.contains(u'\n') && t.size() < 4096) {
        QString path = t;
        if (path.startsWith(QLatin1String("~/"))) path = QDir::homePath() + path.mid(1);
        if (QFileInfo(path).isFile()) return workUpToken(TokenFile{path}, options);
    }
    return workUpToken(textOrPath, options);
}

QString describeKind(TokenInputKind kind) {
    switch (kind) {
        case TokenInputKind::Empty:
            return QStringLiteral("nothing");
        case TokenInputKind::Unrecognized:
            return QStringLiteral("unrecognized text");
        case TokenInputKind::BareToken:
            return QStringLiteral("bare token");
        case TokenInputKind::AuthorizationHeader:
            return QStringLiteral("Authorization header");
        case TokenInputKind::CurlBash:
            return QStringLiteral("cURL (bash) command");
        case TokenInputKind::CurlCmd:
            return QStringLiteral("cURL (cmd) command");
        case TokenInputKind::Har:
            return QStringLiteral("HAR export");
        case TokenInputKind::Url:
            return QStringLiteral("URL");
    }
    return {};
}

TokenRef parseTokenRef(const QString& spec) {
    const QString s = spec.trimmed();
    if (s.startsWith(QLatin1String("env:"))) return {TokenRef::Env, s.mid(4).trimmed()};
    if (s.startsWith(QLatin1String("file:"))) return {TokenRef::File, s.mid(5).trimmed()};
    if (s.startsWith(u'@') && s.size() > 1) return {TokenRef::File, s.mid(1)};
    if (const QString var = variableReference(s); !var.isEmpty() && s.startsWith(u'$'))
        return {TokenRef::Env, var};
    return {TokenRef::Literal, spec};
}

QString describeTokenRef(const TokenRef& ref) {
    switch (ref.kind) {
        case TokenRef::Env:
            return QStringLiteral("env:") + ref.value;
        case TokenRef::File:
            return QStringLiteral("file:") + QDir::toNativeSeparators(ref.value);
        case TokenRef::Literal:
            return QStringLiteral("a literal token");
    }
    return {};
}

QString resolveToken(const TokenRef& ref, QString* error, const WorkupOptions& options) {
    QString message;
    TokenWorkup w;
    switch (ref.kind) {
        case TokenRef::Literal:
            w = workUpToken(ref.value, options);
            if (!w.ok()) message = QStringLiteral("the saved token: ") + w.error;
            break;
        case TokenRef::File: {
            QString path = ref.value;
            if (path.startsWith(QLatin1String("~/"))) path = QDir::homePath() + path.mid(1);
            const QString shown = QDir::toNativeSeparators(path);
            if (path.isEmpty()) {
                message = QStringLiteral("the token file reference names no file: use file:PATH");
            } else if (!QFileInfo::exists(path)) {
                message =
                    QStringLiteral(
                        "token file %1 does not exist: create it or choose another token source")
                        .arg(shown);
            } else {
                w = workUpToken(TokenFile{path}, options);
                if (!w.ok())
                    message = QStringLiteral("token file ") + w.error;
                else if (w.token.isEmpty())
                    message = QStringLiteral("token file %1 holds no token").arg(shown);
            }
            break;
        }
        case TokenRef::Env: {
            const QString name = ref.value;
            if (!isVariableName(name)) {
                message = QStringLiteral("\"%1\" is not an environment variable name: use env:NAME")
                              .arg(name.left(40));
            } else if (!qEnvironmentVariableIsSet(name.toLocal8Bit().constData())) {
                message =
                    QStringLiteral(
                        "environment variable %1 is not set: export it before starting Embers, "
                        "or choose another token source")
                        .arg(name);
            } else {
                const QString value = qEnvironmentVariable(name.toLocal8Bit().constData());
                if (value.trimmed().isEmpty()) {
                    message =
                        QStringLiteral("environment variable %1 is empty: set it to the token")
                            .arg(name);
                } else {
                    w = workUpToken(value, options);
                    if (!w.ok())
                        message = QStringLiteral("environment variable %1: %2").arg(name, w.error);
                    else if (w.token.isEmpty())
                        message =
                            QStringLiteral("environment variable %1 holds no token").arg(name);
                }
            }
            break;
        }
    }
    if (message.isEmpty() && w.token.isEmpty() && ref.kind == TokenRef::Literal)
        message = QStringLiteral("the saved token is empty: ") + kWhatToPaste;
    if (!message.isEmpty()) {
        // Defence in depth: whatever was read must not reach the message.
        if (ref.kind == TokenRef::Literal) message = redact(message, ref.value.trimmed());
        message = redact(message, w.token);
        if (error) *error = message;
        return {};
    }
    if (error) error->clear();
    return w.token;
}

}  // namespace embers::capture
