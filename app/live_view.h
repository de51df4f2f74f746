// The Live view: a node's metrics (Prometheus text at /metrics or Go expvar JSON at
// /debug/vars, found by the caller) polled every second or so and charted as they come:
// heap in use with the next GC target, allocation rate, goroutines and threads, GC cycles
// and pause time, CPU usage and resident memory (capture/client/live_charts), plus any
// metric the user adds by name. A poll that fails leaves a gap and a status line; polling
// goes on. Captures taken from the chart are marked on it and open when clicked; a trigger
// can capture by itself when a line crosses a threshold.
#pragma once

#include <QDateTime>
#include <QList>
#include <QPointF>
#include <QSharedPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <QWidget>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "client/live_charts.h"
#include "client/metrics_fetch.h"

class QComboBox;
class QCPAxisRect;
class QCPGraph;
class QCPLegend;
class QCPAxisTicker;
class QCPMarginGroup;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QPushButton;

namespace embers::app {

class LiveView : public QWidget {
    Q_OBJECT
public:
    explicit LiveView(QWidget* parent = nullptr);
    ~LiveView() override;

    // Where to poll (the URL of /metrics or /debug/vars) and how to authenticate. Forgets
    // the points of the previous source.
    void setSource(const QUrl& metricsUrl, const QString& token, const QString& caFile,
                   bool insecure);
    // New credentials for the same source (the target was edited): the points stay.
    void setAuthentication(const QString& token, const QString& caFile, bool insecure);
    // A token asked for at every poll, on the polling thread (an OAuth2 session renews its
    // token when it expires): used instead of the fixed token when set.
    void setTokenProvider(std::function<QString(QString* error)> provider) {
        tokenProvider_ = std::move(provider);
    }
    // A client certificate and key (PEM) for nodes that ask for one (mTLS).
    void setClientCertificate(const QString& certFile, const QString& keyFile) {
        certFile_ = certFile;
        keyFile_ = keyFile;
    }
    // Other places the metrics may be, tried in turn with the source (round and round)
    // until one answers with metrics: only when a place answers 404 or with something
    // that is not metrics (a Go service with only expvar has no /metrics), never on an
    // error of the token or the network.
    void setFallbackSources(const QList<QUrl>& urls);
    QUrl source() const { return url_; }              // the place polled now
    QList<QUrl> sources() const { return sources_; }  // every place tried
    // The settings group that remembers the metrics added to this node's charts (e.g. the
    // target's id); loads them. Empty: nothing is remembered.
    void setSettingsKey(const QString& key);
    QString settingsKey() const { return settingsKey_; }
    // The node's name, for the names of exported files ("live-node-2026-…png").
    void setNodeName(const QString& name) { nodeName_ = name; }
    void setInterval(int ms);  // default: the last one chosen, else 1000
    int interval() const { return intervalMs_; }
    void start();
    void stop();
    // Stops polling for good and says why in the status line (the target was removed).
    void stopWith(const QString& status);
    void setPaused(bool paused);
    bool paused() const { return paused_; }
    // A capture is running somewhere (one at a time): the capture buttons wait for it.
    void setCaptureRunning(bool running);
    bool polling() const { return timer_.isActive(); }

    // The points kept of a metric, as the source names it (gaps included); 0 when unknown.
    int pointCount(const QString& metric) const;
    // The metrics charted, as the source names them.
    QStringList metricNames() const;
    // Every metric of the last good answer, as the source names them.
    QStringList availableMetrics() const;
    // The titles of the charts shown (charts whose metrics the source lacks are hidden).
    QStringList chartTitles() const;
    // A copy of one metric's series (empty when unknown).
    capture::MetricSeries series(const QString& metric) const;
    // The last shown value of a charted metric (its rate for a counter, in the chart's unit).
    std::optional<double> lastShown(const QString& metric) const;
    QString statusText() const;
    // What a poll brings, as if it had just arrived (benchmarks and tests feed recorded
    // answers through it).
    void ingest(const capture::MetricsPoll& poll) { onPolled(poll); }

    // Charts a metric of the last answer by name: on the chart titled `chart`, or on a new
    // chart of its own when `chart` is empty. False when the source has no such metric.
    bool addMetric(const QString& metric, const QString& chart = {});
    // Removes a metric the user added (and its chart when nothing else is left on it).
    bool removeMetric(const QString& metric);

    // How a capture asked for on the chart is started, e.g. from this node's target:
    // returns an empty string when it started, else why not (another capture is running,
    // the target is gone). `automatic` is true for the trigger's captures (nobody is
    // there to answer a question). Without a handler only captureRequested is emitted.
    void setCaptureHandler(std::function<QString(const QString& kind, bool automatic)> handler) {
        captureHandler_ = std::move(handler);
    }
    // Asks for a capture of `kind` ("cpu" or "heap"): captureRequested, then the handler.
    // False (with the reason in the status line) when the handler could not start it.
    bool requestCapture(const QString& kind, bool automatic = false);

    // Captures `kind` ("cpu" or "heap", through requestCapture) when the charted `metric`
    // crosses the trigger's threshold, at most once per its cooldown. False when the metric
    // is not charted.
    bool armTrigger(const QString& metric, const capture::ThresholdTrigger& trigger,
                    const QString& kind);
    void disarmTrigger();
    bool triggerArmed() const { return trigger_.has_value(); }
    int triggerCount() const { return triggerCount_; }

    // A capture taken at `when` (lasting `seconds`, 0 for a snapshot), saved at `path`: a
    // line on every chart (a band over a timed capture), labelled, that opens it when
    // clicked (captureOpenRequested).
    void addCaptureMarker(const QDateTime& when, const QString& path, const QString& label = {},
                          int seconds = 0);
    int markerCount() const { return int(markers_.size()); }
    // Where marker `index` is drawn on the first chart, in the plot's pixels (tests).
    QPointF markerPixel(int index) const;

    bool exportPng(const QString& path);
    // Time (ISO 8601, UTC), then one column per charted metric (counters as rates).
    bool exportCsv(const QString& path) const;

signals:
    void captureRequested(const QString& kind);  // "cpu" or "heap"
    void captureOpenRequested(const QString& path);
    void statusChanged(const QString& status);

private:
    struct Line {
        capture::LiveLineSpec spec;
        QString metric;  // the candidate chosen; empty until a poll has one
        QCPGraph* graph = nullptr;
    };
    struct Chart {
        QString title;
        bool custom = false;
        std::vector<Line> lines;
        QCPAxisRect* rect = nullptr;
        QCPLegend* legend = nullptr;
    };
    using Poll = capture::MetricsPoll;
    struct Marker {
        double time = 0;
        double seconds = 0;
        QString path, label;
    };
    struct Armed {
        QString metric;
        capture::LiveLineSpec spec;
        capture::ThresholdTrigger trigger;
        QString kind;
        QString note;  // "last triggered at 12:03:04 (1.62 cores)"
    };

    void poll();
    void onPolled(const Poll& poll);
    bool resolveLines(const capture::MetricSnapshot& snapshot);
    void checkTrigger(double time);
    void setStatus(const QString& text);
    void showStatus();
    // live_view_plot.cpp: the charts themselves.
    void rebuildPlot();
    void redraw();
    void drawMarker(const Marker& marker);
    void drawThreshold();
    bool chartShown(const Chart& chart) const;
    const Line* lineFor(const QString& metric) const;
    void onMouseMove(QMouseEvent* event);
    void onMousePress(QMouseEvent* event);
    const Marker* markerNear(const QPointF& pos) const;
    double windowSeconds() const;
    capture::MetricSeries shownSeries(const Line& line) const;
    // live_view_dialogs.cpp
    void addMetricDialog(const QString& chart = {});
    void chartMenu(const QPointF& pos, const QPoint& global);
    void triggerDialog();
    void exportMenu();
    void exportTo(bool png);
    void saveCustom() const;
    void loadCustom();

    bool isTriggerLine(const Line& line) const;
    // captureRequested, then the handler: empty when the capture started, else why not.
    QString askForCapture(const QString& kind, bool automatic);

    QUrl url_;
    QList<QUrl> sources_;  // url_ among them, tried in turn until one has metrics
    int missed_ = 0;       // places in a row that answered without metrics
    bool everOk_ = false;
    double lastGoodTime_ = 0;  // when last_ arrived
    QString token_, caFile_, certFile_, keyFile_;
    std::function<QString(QString* error)> tokenProvider_;
    std::function<QString(const QString&, bool)> captureHandler_;
    QString notice_;  // shown beside the status until noticeUntilMs_
    qint64 noticeUntilMs_ = 0;
    bool insecure_ = false;
    QString settingsKey_, nodeName_;
    int intervalMs_ = 1000;
    bool paused_ = false;
    bool inFlight_ = false;
    quint64 generation_ = 0;  // results of an older source or run are dropped
    std::shared_ptr<std::atomic<bool>> cancel_;
    QTimer timer_;
    std::map<QString, capture::MetricSeries> series_;
    capture::MetricSnapshot last_;  // the last good answer
    std::vector<Chart> charts_;
    std::vector<QCPMarginGroup*> marginGroups_;                // of the current layout
    QSharedPointer<QCPAxisTicker> wholeTicker_, plainTicker_;  // value axes' tick steps
    std::vector<Marker> markers_;
    std::optional<Armed> trigger_;
    int triggerCount_ = 0;
    QString status_, pollStatus_;

    QComboBox* window_;
    QComboBox* every_;
    QPushButton* pause_;
    QPushButton* addMetric_;
    QPushButton* triggerButton_;
    QPushButton* export_;
    QPushButton* captureCpu_;
    QPushButton* captureHeap_;
    QLabel* statusLabel_;
    QCustomPlot* plot_;
};

}  // namespace embers::app
