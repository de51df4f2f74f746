#include "capture_options.h"

#include <QFileInfo>

#include <string>

#include "core/errors.h"

namespace embers::app {

using namespace embers::capture;
using core::UsageError;

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

}  // namespace

void addTokenAndTlsOptions(OptionSpec* spec) {
    for (const char* name : {"--token", "--token-file", "--token-env", "--token-from", "--cacert",
                             "--cert", "--key", "--timeout", "--connect-timeout"})
        spec->withValue.insert(name);
    spec->switches.insert("--insecure");
}

std::optional<QString> readToken(const CliArgs& args, const char* verb, const QString& host,
                                 TokenWorkup* workup, QString* error) {
    int given = 0;
    for (const char* name : {"--token", "--token-file", "--token-env", "--token-from"})
        given += args.has(name) ? 1 : 0;
    if (given > 1)
        throw UsageError(std::string(verb) +
                         " takes one of --token, --token-file, --token-env, --token-from");
    WorkupOptions options;
    options.host = host;
    if (const auto from = args.value("--token-from")) {
        const QString path = qs(*from);
        if (!QFileInfo(path).isFile()) {
            *error = QStringLiteral("--token-from %1: no such file").arg(path);
            return std::nullopt;
        }
        *workup = workUpToken(TokenFile{path}, options);
        if (!workup->ok()) {
            *error = QStringLiteral("--token-from %1").arg(workup->error);
            return std::nullopt;
        }
        if (workup->token.isEmpty()) {
            *error = QStringLiteral(
                         "--token-from %1: found no bearer token in it (a cURL command or HAR "
                         "export with an Authorization header?)")
                         .arg(path);
            return std::nullopt;
        }
        return workup->token;
    }
    TokenRef ref;
    if (const auto t = args.value("--token")) {
        ref = {TokenRef::Literal, qs(*t)};
    } else if (const auto f = args.value("--token-file")) {
        ref = {TokenRef::File, qs(*f)};
    } else if (const auto e = args.value("--token-env")) {
        ref = {TokenRef::Env, qs(*e)};
    } else {
        return QString();
    }
    const QString token = resolveToken(ref, error, options);
    if (token.isEmpty()) {
        if (error->isEmpty()) *error = QStringLiteral("the token is empty");
        return std::nullopt;
    }
    return token;
}

QString bareToken(const QString& token) {
    QString t = token.trimmed();
    if (t.startsWith(QLatin1String("Bearer "), Qt::CaseInsensitive)) t = t.mid(7).trimmed();
    return t;
}

QString readTlsOptions(const CliArgs& args, FetchOptions* transport) {
    transport->caFile = qs(args.value("--cacert", ""));
    transport->certFile = qs(args.value("--cert", ""));
    transport->keyFile = qs(args.value("--key", ""));
    if (!transport->keyFile.isEmpty() && transport->certFile.isEmpty())
        throw UsageError("--key goes with --cert");
    for (const QString& f : {transport->caFile, transport->certFile, transport->keyFile})
        if (!f.isEmpty() && !QFileInfo(f).isFile())
            return QStringLiteral("%1: no such file").arg(f);
    transport->insecure = args.has("--insecure");
    if (args.has("--timeout")) {
        const long long t = args.integer("--timeout", 0);
        if (t <= 0) throw UsageError("--timeout must be at least 1 second");
        transport->totalTimeout = std::chrono::seconds(t);
    }
    if (args.has("--connect-timeout")) {
        const long long t = args.integer("--connect-timeout", 0);
        if (t <= 0) throw UsageError("--connect-timeout must be at least 1 second");
        transport->connectTimeout = std::chrono::seconds(t);
    }
    return {};
}

}  // namespace embers::app
