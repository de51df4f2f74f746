#include "curl_command.h"

#include <QRegularExpression>
#include <QSet>

#include "shell_words.h"

namespace embers::capture {

namespace {

bool looksLikeCmdDialect(const QString& text) {
    static const QRegularExpression caretAtLineEnd(QStringLiteral("\\^[ \\t]*\\r?$"),
                                                   QRegularExpression::MultilineOption);
    return text.contains(QLatin1String("^\"")) || caretAtLineEnd.match(text).hasMatch();
}

bool isCurlProgram(const QString& word) {
    const QString base = word.section(QRegularExpression(QStringLiteral("[/\\\\]")), -1).toLower();
    return base == QLatin1String("curl") || base == QLatin1String("curl.exe");
}

// curl options that take a value; every other option is a flag.
bool shortTakesValue(QChar c) {
    static const QString withValue = QStringLiteral("AbCcDdEeFHhKmoPQrTtUuwXxYyz");
    return withValue.contains(c);
}

bool longTakesValue(const QString& name) {
    // clang-format off
    static const QSet<QString> withValue = {
        "abstract-unix-socket", "aws-sigv4", "cacert", "capath", "cert", "cert-type", "ciphers",
        "config", "connect-timeout", "connect-to", "cookie", "cookie-jar", "create-file-mode",
        "data", "data-ascii", "data-binary", "data-raw", "data-urlencode", "dns-servers",
        "doh-url", "dump-header", "expect100-timeout", "form", "form-string", "ftp-port",
        "happy-eyeballs-timeout-ms", "header", "hostpubmd5", "interface", "json",
        "keepalive-time", "key", "key-type", "limit-rate", "local-port", "max-filesize",
        "max-redirs", "max-time", "netrc-file", "noproxy", "oauth2-bearer", "output",
        "output-dir", "pass", "pinnedpubkey", "preproxy", "proto", "proto-default",
        "proto-redir", "proxy", "proxy-header", "proxy-user", "quote", "random-file", "range",
        "referer", "request", "request-target", "resolve", "retry", "retry-delay",
        "retry-max-time", "socks5", "socks5-hostname", "speed-limit", "speed-time", "stderr",
        "time-cond", "tls-max", "trace", "trace-ascii", "unix-socket", "upload-file", "url",
        "url-query", "user", "user-agent", "variable", "write-out",
    };
    // clang-format on
    return withValue.contains(name);
}

void parseCurlArgs(const QStringList& words, CurlCommand& r) {
    auto option = [&r](const QString& name, const QString& value) {
        if (name == QLatin1String("H") || name == QLatin1String("header")) {
            r.headers << value;
            if (value.trimmed().startsWith(QLatin1String("cookie:"), Qt::CaseInsensitive))
                r.cookies = true;
        } else if (name == QLatin1String("url")) {
            if (r.url.isEmpty()) r.url = value;
        } else if (name == QLatin1String("oauth2-bearer")) {
            r.oauth2Bearer = value;
        } else if (name == QLatin1String("u") || name == QLatin1String("user")) {
            r.basicUser = true;
        } else if (name == QLatin1String("b") || name == QLatin1String("cookie")) {
            r.cookies = true;
        }
    };
    for (qsizetype i = 1; i < words.size(); ++i) {
        const QString& w = words[i];
        if (w.startsWith(QLatin1String("--")) && w.size() > 2) {
            const QString name = w.mid(2);
            if (longTakesValue(name)) {
                option(name, i + 1 < words.size() ? words[i + 1] : QString());
                ++i;
            }
        } else if (w.startsWith(u'-') && w.size() > 1) {
            // Short options may be bundled ("-sSL") and take their value
            // attached ("-HAccept: */*") or as the next word.
            for (qsizetype k = 1; k < w.size(); ++k) {
                const QChar c = w[k];
                if (!shortTakesValue(c)) continue;
                QString value = w.mid(k + 1);
                if (value.isEmpty() && i + 1 < words.size()) value = words[++i];
                option(QString(c), value);
                break;
            }
        } else if (r.url.isEmpty()) {
            r.url = w;
        }
    }
}

}  // namespace

bool looksLikeCurlCommand(const QString& text) {
    static const QRegularExpression re(
        QStringLiteral("(?:^|\\n)\\s*(?:\\S*[/\\\\])?curl(?:\\.exe)?(?:\\s|$)"),
        QRegularExpression::CaseInsensitiveOption);
    return re.match(text).hasMatch();
}

CurlCommand parseCurlCommand(const QString& text) {
    CurlCommand r;
    r.dialect = looksLikeCmdDialect(text) ? CurlDialect::Cmd : CurlDialect::Bash;
    const ShellCommands split =
        r.dialect == CurlDialect::Cmd ? splitCmdWords(text) : splitBashWords(text);
    if (!split.error.isEmpty()) {
        r.error = split.error;
        return r;
    }
    for (const QStringList& command : split.commands) {
        if (isCurlProgram(command.front())) {
            parseCurlArgs(command, r);
            return r;
        }
    }
    r.error = QStringLiteral(
        "found no curl command to read: copy the request again with DevTools' \"Copy as cURL\"");
    return r;
}

}  // namespace embers::capture
