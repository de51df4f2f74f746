// One capture from start to file: find the node's pprof prefix when it is not known, fetch
// the profile with the token, judge the answer, and write it atomically into the captures
// folder (or a given path). What `embers capture` and the GUI's Targets panel both run.
// Blocking: call it from a worker thread; the progress callback cancels.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <functional>

#include "http_errors.h"
#include "pprof_index.h"
#include "profile_kinds.h"

namespace embers::capture {

struct CaptureJob {
    QUrl base;         // scheme://host[:port]
    QString basePath;  // a context path typed before /debug/pprof ("/auth"), may be empty
    QString prefix;    // "/debug/pprof"; empty: try candidatePrefixes(basePath)
    QString token;     // empty: send none
    // Asked for the token on the worker, before anything is fetched (OAuth2), when set;
    // returns it, or an empty string with *error set.
    std::function<QString(QString* error)> tokenProvider;
    QString caFile, certFile, keyFile;
    bool insecure = false;
    CaptureRequest request;
    QString outputPath;             // empty: a new file in `folder`
    QString folder;                 // empty: capturesFolder()
    QString targetName;             // for the file name; empty: host-port
    int timeoutSeconds = 0;         // 0: timeoutFor(request)
    int connectTimeoutSeconds = 0;  // 0: the fetcher's default
    bool keepBody = false;          // return the body in the result instead of saving it
};

struct CaptureStatus {
    enum Phase { Probing, Recording, Downloading } phase = Probing;
    double elapsedSeconds = 0;
    int recordSeconds = 0;  // how long the node records (timed profiles), else 0
    qint64 received = 0;    // body bytes so far
};

struct CaptureResult {
    ErrorCategory category = ErrorCategory::Ok;
    QString message;  // one line when it failed ("capture https://…: 403 forbidden: …")
    QString path;     // the file written
    QString prefix;   // the prefix used (found or given)
    QByteArray body;  // with keepBody
    bool cancelled = false;
    bool writeFailed = false;  // the answer was right but could not be saved
    bool ok() const { return category == ErrorCategory::Ok && !cancelled; }
};

// Runs the capture. `progress` is called now and then; return false to cancel.
CaptureResult runCaptureJob(const CaptureJob& job,
                            const std::function<bool(const CaptureStatus&)>& progress = {});

struct ProbeResult {
    ErrorCategory category = ErrorCategory::Ok;
    QString message;   // one line when the node could not be read
    QString prefix;    // the prefix that answered
    PprofIndex index;  // what the node offers, with counts
    bool ok() const { return category == ErrorCategory::Ok; }
};

// Reads the node's pprof index (finding the prefix when the job has none): what the node
// offers, for "Check" in the Capture panel. The job's request is not used.
ProbeResult probeTarget(const CaptureJob& job);

// $EMBERS_CAPTURE_DIR, else <app data>/captures.
QString capturesFolder();

}  // namespace embers::capture
