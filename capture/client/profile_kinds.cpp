#include "profile_kinds.h"

#include <QRegularExpression>
#include <QStringList>

namespace embers::capture {

const QList<ProfileKindInfo>& profileKinds() {
    static const QList<ProfileKindInfo> kinds = {
        {ProfileKind::Cpu, QStringLiteral("cpu"), QStringLiteral("profile"),
         QStringLiteral("CPU time, sampled 100 times a second for the duration")},
        {ProfileKind::Heap, QStringLiteral("heap"), QStringLiteral("heap"),
         QStringLiteral("live memory and allocations since start, sampled")},
        {ProfileKind::Allocs, QStringLiteral("allocs"), QStringLiteral("allocs"),
         QStringLiteral("all allocations since start, sampled")},
        {ProfileKind::Goroutine, QStringLiteral("goroutine"), QStringLiteral("goroutine"),
         QStringLiteral("stacks of all current goroutines")},
        {ProfileKind::Block, QStringLiteral("block"), QStringLiteral("block"),
         QStringLiteral("where goroutines blocked on synchronization")},
        {ProfileKind::Mutex, QStringLiteral("mutex"), QStringLiteral("mutex"),
         QStringLiteral("holders of contended mutexes")},
        {ProfileKind::ThreadCreate, QStringLiteral("threadcreate"), QStringLiteral("threadcreate"),
         QStringLiteral("stacks that created OS threads")},
        {ProfileKind::Trace, QStringLiteral("trace"), QStringLiteral("trace"),
         QStringLiteral("execution trace for the duration (open with go tool trace)")},
        {ProfileKind::Recorder, QStringLiteral("recorder"), QStringLiteral("../trace/recorder/run"),
         QStringLiteral("flight-recorder trace for the duration, from the trace recorder API "
                        "beside pprof (open with go tool trace)")},
        {ProfileKind::Cmdline, QStringLiteral("cmdline"), QStringLiteral("cmdline"),
         QStringLiteral("the program's command line")},
    };
    return kinds;
}

const ProfileKindInfo& profileKindInfo(ProfileKind kind) {
    for (const auto& info : profileKinds())
        if (info.kind == kind) return info;
    return profileKinds().front();
}

std::optional<ProfileKind> profileKindFromName(const QString& name) {
    const QString n = name.trimmed().toLower();
    for (const auto& info : profileKinds())
        if (n == info.name || n == info.endpoint) return info.kind;
    if (n == QLatin1String("goroutines")) return ProfileKind::Goroutine;
    if (n == QLatin1String("threads")) return ProfileKind::ThreadCreate;
    return std::nullopt;
}

bool isTimed(ProfileKind kind) {
    return kind == ProfileKind::Cpu || kind == ProfileKind::Trace || kind == ProfileKind::Recorder;
}

int defaultSeconds(ProfileKind kind) {
    if (kind == ProfileKind::Cpu) return 30;
    if (kind == ProfileKind::Trace) return 1;
    if (kind == ProfileKind::Recorder) return 5;
    return 0;
}

int CaptureRequest::effectiveSeconds() const {
    if (kind == ProfileKind::Cmdline) return 0;
    if (seconds) return std::max(*seconds, 0);
    return defaultSeconds(kind);
}

QString checkRequest(const CaptureRequest& r) {
    const QString name = profileKindInfo(r.kind).name;
    if (r.seconds && *r.seconds <= 0)
        return QStringLiteral("the duration must be at least 1 second");
    if (r.debug < 0 || r.debug > 2) return QStringLiteral("debug must be 0, 1 or 2");
    if (r.kind == ProfileKind::Cmdline && (r.seconds || r.debug != 0))
        return QStringLiteral("cmdline takes neither a duration nor a debug level");
    if (isTimed(r.kind) && r.debug != 0)
        return QStringLiteral("%1 has no text form: leave debug at 0").arg(name);
    if (!isTimed(r.kind) && r.seconds && r.debug != 0)
        return QStringLiteral(
                   "Go cannot give a %1 delta over seconds as debug text: drop the duration or "
                   "the debug level")
            .arg(name);
    if (r.gc && r.kind != ProfileKind::Heap)
        return QStringLiteral("gc applies to heap profiles only");
    return {};
}

QString requestPath(const CaptureRequest& r) {
    if (r.kind == ProfileKind::Recorder)
        return QStringLiteral("../trace/recorder/run?duration=%1s").arg(r.effectiveSeconds());
    QStringList query;
    if (isTimed(r.kind))
        query << QStringLiteral("seconds=%1").arg(r.effectiveSeconds());
    else if (r.seconds && r.kind != ProfileKind::Cmdline)
        query << QStringLiteral("seconds=%1").arg(*r.seconds);
    if (r.gc && r.kind == ProfileKind::Heap) query << QStringLiteral("gc=1");
    if (r.debug > 0 && !isTimed(r.kind) && r.kind != ProfileKind::Cmdline)
        query << QStringLiteral("debug=%1").arg(r.debug);
    QString path = profileKindInfo(r.kind).endpoint;
    if (!query.isEmpty()) path += u'?' + query.join(u'&');
    return path;
}

QString fileExtension(const CaptureRequest& r) {
    if (r.kind == ProfileKind::Trace || r.kind == ProfileKind::Recorder)
        return QStringLiteral(".trace");
    if (r.kind == ProfileKind::Cmdline) return QStringLiteral(".txt");
    if (r.debug > 0 && r.kind != ProfileKind::Cpu) return QStringLiteral(".txt");
    return QStringLiteral(".pb.gz");
}

std::chrono::seconds timeoutFor(const CaptureRequest& r) {
    const int s = r.effectiveSeconds();
    if (s <= 0) return std::chrono::seconds(60);
    // seconds × 1.5, rounded up, plus slack for the node to write the answer.
    return std::chrono::seconds((qint64(s) * 3 + 1) / 2 + 30);
}

QString sanitizeFileNamePart(const QString& text) {
    static const QRegularExpression scheme(QStringLiteral("^[A-Za-z][A-Za-z0-9+.\\-]*://"));
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._\\-]+"));
    static const QRegularExpression dashes(QStringLiteral("-{2,}"));
    QString s = text.trimmed();
    s.remove(scheme);
    s.replace(unsafe, QStringLiteral("-"));
    s.replace(dashes, QStringLiteral("-"));
    s = s.left(80);
    while (!s.isEmpty() && (s.front() == u'-' || s.front() == u'.')) s.remove(0, 1);
    while (!s.isEmpty() && (s.back() == u'-' || s.back() == u'.')) s.chop(1);
    return s.isEmpty() ? QStringLiteral("target") : s;
}

QString captureFileName(const QString& targetName, const CaptureRequest& request,
                        const QDateTime& when) {
    QString kind = profileKindInfo(request.kind).name;
    if (!isTimed(request.kind) && request.seconds && request.kind != ProfileKind::Cmdline)
        kind += QStringLiteral("-delta");
    const QString time = when.isValid() ? when.toString(QStringLiteral("yyyy-MM-dd'T'HH-mm-ss"))
                                        : QStringLiteral("undated");
    return QStringLiteral("%1_%2_%3%4")
        .arg(sanitizeFileNamePart(targetName), kind, time, fileExtension(request));
}

QString captureFileName(const QString& targetName, ProfileKind kind, const QDateTime& when) {
    CaptureRequest request;
    request.kind = kind;
    return captureFileName(targetName, request, when);
}

}  // namespace embers::capture
