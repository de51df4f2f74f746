// embers capture: fetch one profile from a node's net/http/pprof endpoint
// over authenticated HTTPS and save it, like `curl -H "Authorization: Bearer
// …" https://node/debug/pprof/heap > heap.pb.gz`, but with the prefix found,
// the timeout sized to the profile, the answer checked and errors that say
// what to do. QtCore only: no display is needed.
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <utility>
#include <variant>

#include "capture_options.h"
#include "cli_args.h"
#include "cli_common.h"
#include "client/capture_job.h"
#include "client/http_fetch.h"
#include "client/jwt.h"
#include "client/oauth2.h"
#include "client/pprof_index.h"
#include "client/profile_kinds.h"
#include "client/token_source.h"
#include "core/encode.h"
#include "core/errors.h"
#include "verbs.h"

namespace embers::app {

using namespace embers::capture;
using core::UsageError;

namespace {

constexpr int kExitCancelled = 130;

volatile std::sig_atomic_t g_interrupted = 0;

void onInterrupt(int) {
    g_interrupted = 1;
}

OptionSpec captureOptionSpec() {
    OptionSpec spec;
    spec.withValue = {"--profile",
                      "--seconds",
                      "--debug",
                      "--token",
                      "--token-file",
                      "--token-env",
                      "--token-from",
                      "--cacert",
                      "--cert",
                      "--key",
                      "-o",
                      "--output",
                      "--timeout",
                      "--connect-timeout",
                      "--oauth2-token-url",
                      "--client-id",
                      "--client-secret-env",
                      "--client-secret-file",
                      "--username",
                      "--password-env",
                      "--password-file",
                      "--scope"};
    spec.switches = {"--gc", "--insecure", "--stop"};
    return spec;
}

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

std::string str(const QString& s) {
    return s.toStdString();
}

// The capture's state: what to ask, how, and the secret to keep out of output.
struct Capture {
    QString shownUrl;  // as typed, for error lines
    QString token;
    PprofUrl target;
    CaptureRequest request;
    FetchOptions transport;  // token, TLS and timeouts; url set per request

    QString line(const QString& message) const {
        return redact(QStringLiteral("embers: capture %1: %2").arg(shownUrl, message), token);
    }
    int fail(int code, const QString& message) const {
        std::cerr << str(line(message)) << "\n";
        return code;
    }
    FetchOptions optionsFor(const QUrl& url) const {
        FetchOptions o = transport;
        o.url = url;
        return o;
    }
};

// --oauth2-token-url: an access token from the identity provider (client credentials, or the
// password grant with --username). Secrets come from variables or files, never argv.
// Returns the token, or the exit code after saying why.
std::variant<QString, int> oauth2Token(const CliArgs& args, const QString& shownUrl) {
    auto secret = [&](const char* env, const char* file, const char* what) -> QString {
        TokenRef ref;
        if (const auto e = args.value(env))
            ref = {TokenRef::Env, qs(*e)};
        else if (const auto f = args.value(file))
            ref = {TokenRef::File, qs(*f)};
        else
            return {};
        QString error;
        const QString value = resolveToken(ref, &error);
        if (!error.isEmpty())
            throw UsageError(
                QStringLiteral("%1: %2").arg(QLatin1String(what), error).toStdString());
        return value;
    };
    OAuth2Config config;
    config.tokenUrl = QUrl(qs(*args.value("--oauth2-token-url")));
    config.clientId = qs(args.value("--client-id", ""));
    if (config.clientId.isEmpty()) throw UsageError("--oauth2-token-url needs --client-id");
    config.clientSecret = secret("--client-secret-env", "--client-secret-file", "client secret");
    config.username = qs(args.value("--username", ""));
    if (!config.username.isEmpty())
        config.password = secret("--password-env", "--password-file", "password");
    config.scope = qs(args.value("--scope", ""));
    config.caFile = qs(args.value("--cacert", ""));
    config.insecure = args.has("--insecure");
    const OAuth2Token t = requestOAuth2Token(config);
    if (t.ok()) return t.accessToken;
    std::cerr << "embers: capture " << str(shownUrl) << ": "
              << str(redact(redact(t.error, config.clientSecret), config.password)) << "\n";
    return t.status == 0 ? int(ErrorCategory::Network) : int(ErrorCategory::Auth);
}

CaptureRequest readRequest(const CliArgs& args, const PprofUrl& target) {
    CaptureRequest r;
    const QString name = args.has("--profile") ? qs(*args.value("--profile")) : target.profile;
    if (name.isEmpty())
        throw UsageError(
            "capture needs --profile cpu|heap|allocs|goroutine|block|mutex|threadcreate|trace");
    const auto kind = profileKindFromName(name);
    if (!kind)
        throw UsageError("unknown profile '" + str(name) +
                         "': use cpu, heap, allocs, goroutine, block, mutex, threadcreate, "
                         "trace or cmdline");
    r.kind = *kind;
    // What the URL's query asked for is the default; the options win.
    bool ok = false;
    if (target.query.hasQueryItem(QStringLiteral("seconds"))) {
        const int s = target.query.queryItemValue(QStringLiteral("seconds")).toInt(&ok);
        if (ok) r.seconds = s;
    }
    if (target.query.hasQueryItem(QStringLiteral("debug"))) {
        const int d = target.query.queryItemValue(QStringLiteral("debug")).toInt(&ok);
        if (ok) r.debug = d;
    }
    r.gc = target.query.queryItemValue(QStringLiteral("gc")) == QLatin1String("1");
    if (args.has("--seconds")) r.seconds = int(args.integer("--seconds", 0));
    if (args.has("--debug")) r.debug = int(args.integer("--debug", 0));
    if (args.has("--gc")) r.gc = true;
    if (const QString problem = checkRequest(r); !problem.isEmpty())
        throw UsageError("capture: " + str(problem));
    return r;
}

// "12 s left" on stderr while a timed profile records, when stderr is a terminal.
class Countdown {
public:
    explicit Countdown(const CaptureRequest& r)
        : seconds_(isTimed(r.kind) ? r.effectiveSeconds() : 0),
          name_(profileKindInfo(r.kind).name),
          enabled_(seconds_ > 0 && isatty(STDERR_FILENO)) {}
    ~Countdown() { clear(); }

    void update(qint64 received, double elapsed) {
        if (!enabled_) return;
        const int left = int(seconds_ - elapsed + 0.999);
        QString text;
        if (left > 0)
            text = QStringLiteral("recording %1 for %2 s: %3 s left (Ctrl-C cancels)")
                       .arg(name_)
                       .arg(seconds_)
                       .arg(left);
        else
            text = QStringLiteral("waiting for the node's answer: %1 KiB received")
                       .arg(received / 1024);
        if (text == shown_) return;
        shown_ = text;
        std::fprintf(stderr, "\r\033[K%s", qPrintable(text));
        std::fflush(stderr);
    }
    void clear() {
        if (!enabled_ || shown_.isEmpty()) return;
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
        shown_.clear();
    }

private:
    int seconds_;
    QString name_;
    bool enabled_;
    QString shown_;
};

int runCapture(const CliArgs& args) {
    if (args.positional().size() > 1)
        throw UsageError("capture takes one URL (the node, or its pprof prefix)");
    Capture c;
    c.shownUrl = args.positional().empty() ? QString() : qs(args.positional().front());

    std::optional<PprofUrl> typed;
    if (!c.shownUrl.isEmpty()) {
        typed = splitPprofUrl(c.shownUrl);
        if (!typed->ok()) return c.fail(kExitUsage, typed->error);
    }
    QString host;
    if (typed) {
        host = typed->base.host();
        if (typed->base.port() > 0) host += QStringLiteral(":%1").arg(typed->base.port());
    }
    TokenWorkup workup;
    QString tokenError;
    std::optional<QString> token;
    if (args.has("--oauth2-token-url")) {
        for (const char* name : {"--token", "--token-file", "--token-env", "--token-from"})
            if (args.has(name))
                throw UsageError("--oauth2-token-url gets the token itself: leave out --token*");
        const auto got = oauth2Token(args, c.shownUrl);
        if (std::holds_alternative<int>(got)) return std::get<int>(got);
        token = std::get<QString>(got);
    } else {
        token = readToken(args, "capture", host, &workup, &tokenError);
    }
    if (!token) {
        if (c.shownUrl.isEmpty()) c.shownUrl = QStringLiteral("(no URL)");
        return c.fail(kExitUsage, tokenError);
    }
    c.token = token->trimmed();
    if (c.token.startsWith(QLatin1String("Bearer "), Qt::CaseInsensitive))
        c.token = c.token.mid(7).trimmed();

    if (!typed) {
        // The cURL command or HAR named the node.
        if (workup.baseUrl.isEmpty())
            throw UsageError("capture needs a URL: the node, or its pprof prefix");
        c.shownUrl = workup.baseUrl.toString() + workup.pprofPrefix;
        typed = splitPprofUrl(c.shownUrl);
        if (!typed->ok()) return c.fail(kExitUsage, typed->error);
    }
    c.target = *typed;
    c.request = readRequest(args, c.target);

    c.transport.token = c.token;
    c.transport.totalTimeout = timeoutFor(c.request);  // --timeout overrides it
    if (const QString missing = readTlsOptions(args, &c.transport); !missing.isEmpty())
        return c.fail(kExitUsage, missing);
    c.transport.progress = [](qint64, double) { return g_interrupted == 0; };

    if (c.transport.insecure)
        std::cerr << "embers: warning: --insecure: the node's TLS certificate is not checked\n";
    if (!c.token.isEmpty()) {
        if (const auto jwt = decodeJwt(c.token)) {
            for (const QString& w : captureWarnings(*jwt, QDateTime::currentDateTimeUtc()))
                std::cerr << str(redact(QStringLiteral("embers: warning: ") + w, c.token)) << "\n";
        }
    }

    g_interrupted = 0;
    auto* previous = std::signal(SIGINT, onInterrupt);
    struct RestoreSignal {
        void (*handler)(int);
        ~RestoreSignal() { std::signal(SIGINT, handler); }
    } restore{previous == SIG_ERR ? SIG_DFL : previous};

    CaptureJob job;
    job.base = c.target.base;
    job.basePath = c.target.basePath;
    job.prefix = c.target.prefix;
    job.token = c.token;
    job.caFile = c.transport.caFile;
    job.certFile = c.transport.certFile;
    job.keyFile = c.transport.keyFile;
    job.insecure = c.transport.insecure;
    job.request = c.request;
    job.timeoutSeconds = int(c.transport.totalTimeout.count());
    job.connectTimeoutSeconds = int(c.transport.connectTimeout.count());
    const QString path = qs(args.value("-o", args.value("--output", "")));
    job.keepBody = path == QLatin1String("-");
    if (!job.keepBody) job.outputPath = path;

    if (args.has("--stop")) {
        // Stop a running flight recording early: …/trace/recorder/stop beside the prefix.
        if (c.request.kind != ProfileKind::Recorder)
            throw UsageError("--stop goes with --profile recorder");
        QUrl url = c.target.base;
        const QString prefix =
            c.target.prefix.isEmpty() ? QStringLiteral("/debug/pprof") : c.target.prefix;
        url.setPath(QDir::cleanPath(prefix + QStringLiteral("/../trace/recorder/stop")));
        const FetchOptions o = c.optionsFor(url);
        const FetchResult r = fetchUrl(o);
        const HttpOutcome outcome = toOutcome(o, r);
        const HttpVerdict v = judgeResponse(outcome, std::nullopt, {}, c.token);
        if (!v.ok()) {
            std::cerr << "embers: " << str(errorLine(outcome, v, c.token)) << "\n";
            return int(v.category);
        }
        if (r.status != 200) {
            std::cerr << "embers: capture " << str(url.toString()) << ": " << r.status << " "
                      << str(QString::fromUtf8(r.body).trimmed().left(200))
                      << ": is a recording running?\n";
            return int(ErrorCategory::NotWhatWasAsked);
        }
        std::cout << str(QString::fromUtf8(r.body).trimmed()) << "\n";
        return 0;
    }

    Countdown countdown(c.request);
    bool probing = false;
    const CaptureResult result = runCaptureJob(job, [&](const CaptureStatus& s) {
        probing = s.phase == CaptureStatus::Probing;
        if (!probing) countdown.update(s.received, s.elapsedSeconds);
        return g_interrupted == 0;
    });
    countdown.clear();
    if (c.target.prefix.isEmpty() && !result.prefix.isEmpty())
        std::cerr << "embers: used the pprof prefix " << str(result.prefix) << "\n";
    if (result.cancelled) return c.fail(kExitCancelled, QStringLiteral("cancelled"));
    if (!result.ok()) {
        std::cerr << "embers: " << str(redact(result.message, c.token)) << "\n";
        return result.writeFailed ? kExitUsage : int(result.category);
    }
    if (job.keepBody) {
        std::cout.write(result.body.constData(), std::streamsize(result.body.size()));
        std::cout.flush();
        return int(ErrorCategory::Ok);
    }
    std::cout << str(QDir::toNativeSeparators(result.path)) << "\n";
    return int(ErrorCategory::Ok);
}

}  // namespace

int verbCapture(int argc, char** argv, int first) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Embers"));
    QCoreApplication::setOrganizationName(QStringLiteral("Embers"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EMBERS_VERSION));
    return runGuarded([&] {
        const CliArgs args(argc, argv, first, captureOptionSpec());
        return runCapture(args);
    });
}

}  // namespace embers::app
