// The catalogue of profiles a Go net/http/pprof endpoint serves, and how to
// ask for one: the path and query under the prefix, how long to wait, and
// what to call the file the answer is saved in.
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <chrono>
#include <optional>

namespace embers::capture {

// Recorder: the flight-recorder trace API some services add beside pprof
// (PREFIX/../trace/recorder/run?duration=Ns, stopped early by …/recorder/stop).
enum class ProfileKind {
    Cpu,
    Heap,
    Allocs,
    Goroutine,
    Block,
    Mutex,
    ThreadCreate,
    Trace,
    Cmdline,
    Recorder
};

struct ProfileKindInfo {
    ProfileKind kind;
    QString name;         // what users type and files are named with: "cpu", "heap", …
    QString endpoint;     // the handler under the prefix: "profile", "heap", …
    QString description;  // one line for menus and --help
};

// Every kind, in menu order.
const QList<ProfileKindInfo>& profileKinds();
const ProfileKindInfo& profileKindInfo(ProfileKind kind);

// "cpu" or "profile", "heap", "goroutine" or "goroutines", … (case-insensitive).
std::optional<ProfileKind> profileKindFromName(const QString& name);

// CPU and trace record for a duration; the others are snapshots (or deltas
// when a duration is given).
bool isTimed(ProfileKind kind);

// Go's defaults for the timed kinds: 30 s for cpu, 1 s for trace.
int defaultSeconds(ProfileKind kind);

struct CaptureRequest {
    ProfileKind kind = ProfileKind::Cpu;
    // Recording time. CPU and trace: defaultSeconds() when unset. Snapshot
    // kinds: a delta profile over this many seconds when set.
    std::optional<int> seconds;
    int debug = 0;    // 0: gzipped proto; 1, 2: text (goroutine 2: full stack dump)
    bool gc = false;  // heap: run a GC first

    // The seconds the request will take to record, 0 for a snapshot.
    int effectiveSeconds() const;
};

// What Go would reject or ignore about the request, as a one-line message;
// empty when the request is fine.
QString checkRequest(const CaptureRequest& request);

// The path and query under the prefix: "profile?seconds=30", "heap?gc=1",
// "goroutine?debug=2", "trace?seconds=5", "cmdline".
QString requestPath(const CaptureRequest& request);

// ".pb.gz" for protos, ".txt" for debug > 0 and cmdline, ".trace" for traces.
QString fileExtension(const CaptureRequest& request);

// How long to wait for the whole answer, like pprof: seconds × 1.5 plus 30 s
// of slack for timed requests, 60 s otherwise.
std::chrono::seconds timeoutFor(const CaptureRequest& request);

// A file-system-safe name: "node-8443_cpu_2026-11-23T16-20-05.pb.gz".
// `targetName` is sanitised (anything outside [A-Za-z0-9._-] becomes "-").
QString captureFileName(const QString& targetName, const CaptureRequest& request,
                        const QDateTime& when);
QString captureFileName(const QString& targetName, ProfileKind kind, const QDateTime& when);

// The target part of the file name alone: "node:8443" -> "node-8443".
QString sanitizeFileNamePart(const QString& text);

}  // namespace embers::capture
