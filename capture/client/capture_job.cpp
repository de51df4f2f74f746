#include "capture_job.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QStandardPaths>
#include <algorithm>

#include "core/encode.h"
#include "core/errors.h"
#include "http_fetch.h"
#include "pprof_index.h"

namespace embers::capture {

namespace {

// Prefix discovery asks small pages: no need for a profile's timeout.
constexpr std::chrono::seconds kProbeTimeout{30};

class Runner {
public:
    Runner(const CaptureJob& job, const std::function<bool(const CaptureStatus&)>& progress)
        : job_(job), progress_(progress) {
        timer_.start();
    }

    ProbeResult probe() {
        ProbeResult out;
        if (!takeToken()) {
            out.category = result_.category;
            out.message = result_.message;
            return out;
        }
        QString prefix = job_.prefix;
        while (prefix.endsWith(u'/')) prefix.chop(1);
        if (prefix.isEmpty() && !discover(&prefix)) {
            out.category = result_.category;
            out.message = result_.message;
            return out;
        }
        out.prefix = prefix;
        const FetchOptions o = options(pprofIndexUrl(job_.base, prefix));
        const FetchResult r = fetchIndex(prefix);
        const HttpOutcome outcome = toOutcome(o, r);
        const HttpVerdict v = judgeResponse(outcome, std::nullopt, {}, job_.token);
        if (!v.ok()) {
            out.category = v.category;
            out.message = errorLine(outcome, v, job_.token);
            return out;
        }
        out.index = parsePprofIndex(r.body);
        if (!out.index.isIndex) {
            out.category = ErrorCategory::NotWhatWasAsked;
            out.message =
                QStringLiteral("%1/ is not a pprof index: %2").arg(prefix, out.index.error);
        }
        return out;
    }

    CaptureResult run() {
        if (!takeToken()) return result_;
        QString prefix = job_.prefix;
        while (prefix.endsWith(u'/')) prefix.chop(1);
        if (prefix.isEmpty() && !discover(&prefix)) return result_;
        result_.prefix = prefix;

        FetchOptions o = options(profileUrl(prefix));
        o.totalTimeout = job_.timeoutSeconds > 0 ? std::chrono::seconds(job_.timeoutSeconds)
                                                 : timeoutFor(job_.request);
        const int record = job_.request.effectiveSeconds();
        o.progress = [this, record](qint64 received, double elapsed) {
            CaptureStatus s;
            s.phase =
                received > 0 || record == 0 ? CaptureStatus::Downloading : CaptureStatus::Recording;
            s.elapsedSeconds = elapsed;
            s.recordSeconds = record;
            s.received = received;
            return report(s);
        };
        const FetchResult r = fetchUrl(o);
        if (r.cancelled) return cancelled();
        const HttpOutcome outcome = toOutcome(o, r);
        QStringList suggestions;
        if (r.ok() && r.status == 404 && !r.goPprof) {
            QStringList others = candidatePrefixes(job_.basePath);
            others.removeAll(prefix);
            for (const QString& p : others)
                if (answersIndex(p)) suggestions << p;
        }
        const HttpVerdict verdict = judgeResponse(outcome, job_.request, suggestions, job_.token);
        if (!verdict.ok()) return fail(verdict.category, errorLine(outcome, verdict, job_.token));
        if (job_.keepBody)
            result_.body = r.body;
        else
            save(r.body);
        return result_;
    }

private:
    bool report(const CaptureStatus& s) { return !progress_ || progress_(s); }

    // The job's token, or the provider's (an OAuth2 endpoint refusing is an Auth failure).
    bool takeToken() {
        if (!job_.tokenProvider) return true;
        QString error;
        job_.token = job_.tokenProvider(&error);
        if (job_.token.isEmpty()) {
            fail(ErrorCategory::Auth,
                 error.isEmpty() ? QStringLiteral("the token provider gave no token") : error);
            return false;
        }
        return true;
    }

    FetchOptions options(const QUrl& url) const {
        FetchOptions o;
        o.url = url;
        o.token = job_.token;
        o.caFile = job_.caFile;
        o.certFile = job_.certFile;
        o.keyFile = job_.keyFile;
        o.insecure = job_.insecure;
        if (job_.connectTimeoutSeconds > 0)
            o.connectTimeout = std::chrono::seconds(job_.connectTimeoutSeconds);
        return o;
    }

    QUrl profileUrl(const QString& prefix) const {
        const QString path = requestPath(job_.request);
        QUrl url = job_.base;
        // "../trace/recorder/run" (the recorder API) is beside the prefix, not under it.
        url.setPath(QDir::cleanPath(prefix + u'/' + path.section(u'?', 0, 0)));
        const QString query = path.section(u'?', 1);
        if (!query.isEmpty()) url.setQuery(query);
        return url;
    }

    FetchResult fetchIndex(const QString& prefix) {
        FetchOptions o = options(pprofIndexUrl(job_.base, prefix));
        o.totalTimeout = std::min(o.totalTimeout, kProbeTimeout);
        o.progress = [this](qint64, double elapsed) {
            CaptureStatus s;
            s.phase = CaptureStatus::Probing;
            s.elapsedSeconds = elapsed;
            return report(s);
        };
        return fetchUrl(o);
    }

    bool answersIndex(const QString& prefix) {
        const FetchResult r = fetchIndex(prefix);
        return r.ok() && r.status == 200 && parsePprofIndex(r.body).isIndex;
    }

    // The first candidate prefix whose index answers.
    bool discover(QString* prefix) {
        const QStringList candidates = candidatePrefixes(job_.basePath);
        std::optional<std::pair<FetchOptions, FetchResult>> refused;
        QString notIndex;
        for (const QString& p : candidates) {
            FetchResult r = fetchIndex(p);
            if (r.cancelled) {
                cancelled();
                return false;
            }
            const FetchOptions o = options(pprofIndexUrl(job_.base, p));
            if (!r.transportError.isEmpty()) {  // the same node for every prefix: stop here
                const HttpOutcome outcome = toOutcome(o, r);
                const HttpVerdict v = judgeResponse(outcome, std::nullopt, {}, job_.token);
                fail(v.category, errorLine(outcome, v, job_.token));
                return false;
            }
            if (r.status == 200) {
                const PprofIndex index = parsePprofIndex(r.body);
                if (index.isIndex) {
                    *prefix = p;
                    return true;
                }
                if (notIndex.isEmpty())
                    notIndex = QStringLiteral("%1/ answers, but not with a pprof index (%2)")
                                   .arg(p, index.error);
            } else if ((r.status == 401 || r.status == 403) && !refused) {
                refused.emplace(o, std::move(r));
            }
        }
        if (refused) {
            const HttpOutcome outcome = toOutcome(refused->first, refused->second);
            const HttpVerdict v = judgeResponse(outcome, std::nullopt, {}, job_.token);
            fail(v.category, errorLine(outcome, v, job_.token));
            return false;
        }
        QStringList tried;
        for (const QString& p : candidates) tried << p + u'/';
        QString message = QStringLiteral("capture %1: found no pprof index at %2")
                              .arg(job_.base.toString(), tried.join(QLatin1String(", ")));
        if (!notIndex.isEmpty()) message += QStringLiteral("; ") + notIndex;
        message += QStringLiteral(": give the full URL with the node's pprof prefix");
        fail(ErrorCategory::NotWhatWasAsked, message);
        return false;
    }

    QString newPath() const {
        QString name = job_.targetName;
        if (name.isEmpty()) {
            name = job_.base.host();
            if (job_.base.port() > 0) name += QStringLiteral("-%1").arg(job_.base.port());
        }
        const QString file = captureFileName(name, job_.request, QDateTime::currentDateTime());
        const QString ext = fileExtension(job_.request);
        const QDir dir(job_.folder.isEmpty() ? capturesFolder() : job_.folder);
        QString path = dir.filePath(file);
        const QString stem = file.endsWith(ext) ? file.left(file.size() - ext.size()) : file;
        for (int n = 2; QFileInfo::exists(path); ++n)
            path = dir.filePath(QStringLiteral("%1-%2%3").arg(stem).arg(n).arg(ext));
        return path;
    }

    void save(const QByteArray& body) {
        QString path = job_.outputPath;
        if (path.isEmpty()) {
            const QString folder = job_.folder.isEmpty() ? capturesFolder() : job_.folder;
            if (!QDir().mkpath(folder)) {
                result_.writeFailed = true;
                fail(ErrorCategory::NotWhatWasAsked,
                     QStringLiteral("cannot create the captures folder %1: set "
                                    "EMBERS_CAPTURE_DIR or choose an output file")
                         .arg(QDir::toNativeSeparators(folder)));
                return;
            }
            path = newPath();
        }
        try {
            core::writeFileAtomically(path.toStdString(),
                                      std::string_view(body.constData(), size_t(body.size())));
        } catch (const core::FormatError& e) {
            result_.writeFailed = true;
            fail(ErrorCategory::NotWhatWasAsked,
                 QStringLiteral("cannot save the capture: %1").arg(QString::fromUtf8(e.what())));
            return;
        }
        result_.path = QFileInfo(path).absoluteFilePath();
    }

    CaptureResult fail(ErrorCategory category, const QString& message) {
        result_.category = category;
        result_.message = redact(message, job_.token);
        return result_;
    }

    CaptureResult cancelled() {
        result_.cancelled = true;
        result_.message = QStringLiteral("cancelled");
        return result_;
    }

    CaptureJob job_;  // a copy: the token may come from the provider
    const std::function<bool(const CaptureStatus&)> progress_;
    QElapsedTimer timer_;
    CaptureResult result_;
};

}  // namespace

CaptureResult runCaptureJob(const CaptureJob& job,
                            const std::function<bool(const CaptureStatus&)>& progress) {
    return Runner(job, progress).run();
}

ProbeResult probeTarget(const CaptureJob& job) {
    return Runner(job, {}).probe();
}

QString capturesFolder() {
    const QString env = qEnvironmentVariable("EMBERS_CAPTURE_DIR");
    if (!env.isEmpty()) return env;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/captures");
}

}  // namespace embers::capture
