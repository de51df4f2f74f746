// embers watch: poll a node's live metrics (Prometheus text at /metrics, Go
// expvar JSON at /debug/vars, or the agent's) every few seconds and print
// them, one line per poll, as JSON for scripts or as a compact summary. The
// token and TLS options are those of `embers capture`. QtCore only.
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QUrl>

#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "capture_options.h"
#include "cli_args.h"
#include "cli_common.h"
#include "client/http_errors.h"
#include "client/http_fetch.h"
#include "client/metrics_fetch.h"
#include "client/metrics_parse.h"
#include "client/pprof_index.h"
#include "client/targets.h"
#include "client/token_source.h"
#include "core/errors.h"
#include "json_writer.h"
#include "verbs.h"

namespace embers::app {

using namespace embers::capture;
using core::UsageError;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void onInterrupt(int) {
    g_interrupted = 1;
}

OptionSpec watchOptionSpec() {
    OptionSpec spec;
    spec.withValue = {"--interval", "--count", "--format"};
    addTokenAndTlsOptions(&spec);
    return spec;
}

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

std::string str(const QString& s) {
    return s.toStdString();
}

// The shortest text that reads back as the same double.
std::string number(double v) {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec != std::errc()) return "null";
    return std::string(buf, end);
}

QString bytes(double v) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (std::abs(v) >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    return u == 0 ? QStringLiteral("%1 B").arg(qint64(v))
                  : QStringLiteral("%1 %2").arg(v, 0, 'f', 1).arg(QLatin1String(units[u]));
}

using Poll = MetricsPoll;

class Watcher {
public:
    QString token;
    FetchOptions transport;  // token, TLS and timeouts; url set per request
    QList<QUrl> candidates;  // tried in order until one gives metrics

    Poll poll() {
        if (settled_) return fetch(*settled_);
        QStringList tried;
        Poll last;
        for (const QUrl& url : candidates) {
            last = fetch(url);
            if (last.ok) {
                settled_ = url;
                std::cerr << "embers: watching " << str(shown(url)) << " ("
                          << str(metricsSourceName(last.snapshot.source)) << ")\n";
                return last;
            }
            // The node is not answering, refuses the token or fails (5xx): the other paths
            // will not do better.
            if (!metricsElsewhere(last)) return last;
            tried << QStringLiteral("%1 (%2)").arg(url.path(), last.message);
        }
        if (candidates.size() > 1) {
            last.message = QStringLiteral("no metrics at %1: check the URL")
                               .arg(tried.join(QLatin1String(", ")));
            last.url = candidates.front().adjusted(QUrl::RemovePath | QUrl::RemoveQuery);
        }
        return last;
    }

    static QString shown(const QUrl& url) { return url.toString(QUrl::RemoveUserInfo); }

private:
    Poll fetch(const QUrl& url) {
        FetchOptions o = transport;
        o.url = url;
        return pollMetrics(o);
    }

    std::optional<QUrl> settled_;
};

// {"time": 1795455646.123, "values": {"go_goroutines": 34, …}}; values that
// are not finite numbers (NaN, ±Inf) are left out, JSON has no words for them.
std::string jsonLine(const Poll& p) {
    std::string out = "{\"time\": " + number(std::round(p.time * 1000) / 1000) + ", \"values\": {";
    bool first = true;
    for (const MetricSample& s : p.snapshot.samples) {
        if (!std::isfinite(s.value)) continue;
        if (!first) out += ", ";
        first = false;
        out += jsonEscape(str(s.name)) + ": " + number(s.value);
    }
    out += "}}";
    return out;
}

std::optional<double> firstOf(const MetricSnapshot& s, std::initializer_list<const char*> names) {
    for (const char* name : names)
        if (const auto v = s.value(QLatin1String(name)); v && std::isfinite(*v)) return v;
    return std::nullopt;
}

// "17:45:01  heap 12.6 MiB (next GC 17.4 MiB)  goroutines 34  threads 9  gc 4
// cpu 0.31 cores  rss 21.6 MiB  15 metrics": what is there of it, in the Live view's words
// (heap is the heap in use where the source says it, as on the Live view's heap chart).
std::string textLine(const Poll& p, const Poll* previous) {
    const MetricSnapshot& s = p.snapshot;
    QStringList parts;
    parts << QDateTime::fromMSecsSinceEpoch(qint64(p.time * 1000))
                 .toString(QStringLiteral("HH:mm:ss"));
    if (const auto heap =
            firstOf(s, {"go_memstats_heap_inuse_bytes", "go_memstats_heap_alloc_bytes",
                        "memstats.HeapInuse", "memstats.HeapAlloc", "embers_heap_inuse_bytes"})) {
        QString h = QStringLiteral("heap %1").arg(bytes(*heap));
        if (const auto next = firstOf(s, {"go_memstats_next_gc_bytes", "memstats.NextGC"}))
            h += QStringLiteral(" (next GC %1)").arg(bytes(*next));
        parts << h;
    }
    if (const auto g = firstOf(s, {"go_goroutines"}))
        parts << QStringLiteral("goroutines %1").arg(qint64(*g));
    if (const auto t = firstOf(s, {"go_threads", "process_threads", "process.threads"}))
        parts << QStringLiteral("threads %1").arg(qint64(*t));
    if (const auto gc = firstOf(s, {"go_gc_duration_seconds_count", "memstats.NumGC"}))
        parts << QStringLiteral("gc %1").arg(qint64(*gc));
    if (const auto cpu = firstOf(s, {"process_cpu_seconds_total", "process.cpu_seconds"});
        cpu && previous) {
        const auto before =
            firstOf(previous->snapshot, {"process_cpu_seconds_total", "process.cpu_seconds"});
        if (before) {
            if (const auto rate = rateBetween(*before, *cpu, p.time - previous->time))
                parts << QStringLiteral("cpu %1 cores").arg(*rate, 0, 'f', 2);
        }
    }
    if (const auto rss =
            firstOf(s, {"process_resident_memory_bytes", "process.resident_memory_bytes"}))
        parts << QStringLiteral("rss %1").arg(bytes(*rss));
    parts << QStringLiteral("%1 metrics").arg(s.samples.size());
    return str(parts.join(QLatin1String("  ")));
}

// Sleeps until `deadlineMs` on `clock`, in short steps so that Ctrl-C is quick.
void sleepUntil(const QElapsedTimer& clock, qint64 deadlineMs) {
    while (g_interrupted == 0) {
        const qint64 left = deadlineMs - clock.elapsed();
        if (left <= 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(qMin<qint64>(left, 50)));
    }
}

int runWatch(const CliArgs& args) {
    if (args.positional().size() > 1)
        throw UsageError("watch takes one URL (the node, or its metrics URL)");
    QString shownUrl = args.positional().empty() ? QString() : qs(args.positional().front());

    bool ok = true;
    const double interval = qs(args.value("--interval", "1")).toDouble(&ok);
    if (!ok || !(interval >= 0.1) || interval > 86'400)
        throw UsageError("--interval must be a number of seconds, at least 0.1");
    const long long count = args.integer("--count", 0);
    if (count < 0) throw UsageError("--count must be 0 (until Ctrl-C) or more");
    const std::string format = args.value("--format", "text");
    if (format != "text" && format != "json") throw UsageError("--format must be text or json");

    QString host;
    if (!shownUrl.isEmpty()) {
        const QUrl typed(shownUrl);
        host = typed.host();
        if (typed.port() > 0) host += QStringLiteral(":%1").arg(typed.port());
    }
    TokenWorkup workup;
    QString tokenError;
    const std::optional<QString> token = readToken(args, "watch", host, &workup, &tokenError);
    auto fail = [&](int code, const QString& message, const QString& secret) {
        const QString url = shownUrl.isEmpty() ? QStringLiteral("(no URL)") : shownUrl;
        std::cerr << str(redact(QStringLiteral("embers: watch %1: %2").arg(url, message), secret))
                  << "\n";
        return code;
    };
    if (!token) return fail(kExitUsage, tokenError, QString());

    Watcher w;
    w.token = bareToken(*token);
    if (shownUrl.isEmpty()) {
        // The cURL command or HAR named the node.
        if (workup.baseUrl.isEmpty())
            throw UsageError("watch needs a URL: the node, or its metrics URL");
        shownUrl = workup.baseUrl.toString();
    }
    const QUrl url(shownUrl, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QLatin1String("https") && scheme != QLatin1String("http")))
        return fail(kExitUsage,
                    QStringLiteral("not an http(s) URL: give the node (https://node:8443) or its "
                                   "metrics URL (https://node:8443/metrics)"),
                    w.token);
    const QString path = url.path();
    if (path.endsWith(QLatin1String("/metrics")) || path.endsWith(QLatin1String("/debug/vars"))) {
        w.candidates = {url};
    } else {
        // The node, or its pprof URL (…/debug/pprof: the metrics are beside it, as the Live
        // view finds them), or else a metrics URL of its own or a node under a path: that
        // path itself, then the two places under it.
        capture::Target node;
        node.baseUrl = url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment);
        node.prefix = splitPprofUrl(url.toString()).prefix;
        if (!node.prefix.isEmpty() || path.isEmpty() || path == QLatin1String("/")) {
            w.candidates = liveSourceUrls(node);
        } else {
            QString base = path;
            while (base.endsWith(u'/')) base.chop(1);
            w.candidates = {url};
            for (const QString& leaf : {QStringLiteral("/metrics"), QStringLiteral("/debug/vars")})
                w.candidates << node.baseUrl.adjusted(QUrl::RemovePath).resolved(QUrl(base + leaf));
        }
    }

    w.transport.token = w.token;
    w.transport.connectTimeout = std::chrono::seconds(10);
    w.transport.totalTimeout = std::chrono::seconds(qMax(10, int(std::ceil(interval * 2))));
    w.transport.maxBodyBytes = qint64(256) << 20;
    if (const QString missing = readTlsOptions(args, &w.transport); !missing.isEmpty())
        return fail(kExitUsage, missing, w.token);
    w.transport.progress = [](qint64, double) { return g_interrupted == 0; };
    if (w.transport.insecure)
        std::cerr << "embers: warning: --insecure: the node's TLS certificate is not checked\n";

    g_interrupted = 0;
    auto* previousHandler = std::signal(SIGINT, onInterrupt);
    struct RestoreSignal {
        void (*handler)(int);
        ~RestoreSignal() { std::signal(SIGINT, handler); }
    } restore{previousHandler == SIG_ERR ? SIG_DFL : previousHandler};

    QElapsedTimer clock;
    clock.start();
    const qint64 intervalMs = qMax<qint64>(1, qint64(std::llround(interval * 1000)));
    long long successes = 0;
    ErrorCategory lastError = ErrorCategory::Network;
    std::optional<Poll> previous;
    for (long long i = 0; count == 0 || i < count; ++i) {
        if (i > 0) sleepUntil(clock, i * intervalMs);
        if (g_interrupted != 0) break;
        Poll p = w.poll();
        if (p.cancelled || g_interrupted != 0) break;
        if (!p.ok) {
            lastError = p.category;
            const QString where = Watcher::shown(p.url.isEmpty() ? url : p.url);
            std::cerr << str(redact(QStringLiteral("embers: watch %1: %2").arg(where, p.message),
                                    w.token))
                      << "\n";
            continue;
        }
        ++successes;
        const std::string line =
            format == "json" ? jsonLine(p) : textLine(p, previous ? &*previous : nullptr);
        std::cout << line << "\n";
        std::cout.flush();
        previous = std::move(p);
    }
    if (successes > 0) return int(ErrorCategory::Ok);
    if (g_interrupted != 0) return 130;
    return int(lastError);
}

}  // namespace

int verbWatch(int argc, char** argv, int first) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Embers"));
    QCoreApplication::setOrganizationName(QStringLiteral("Embers"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EMBERS_VERSION));
    return runGuarded([&] {
        const CliArgs args(argc, argv, first, watchOptionSpec());
        return runWatch(args);
    });
}

}  // namespace embers::app
