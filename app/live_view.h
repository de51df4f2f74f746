// The Live view: a node's metrics (Prometheus text at /metrics or Go expvar JSON at
// /debug/vars, found by the caller) polled every second or so and charted as they come:
// heap in use, goroutines or threads, CPU usage (a rate of the CPU seconds counter) and
// resident memory. A poll that fails leaves a gap and a status line; polling goes on.
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <QWidget>
#include <atomic>
#include <map>
#include <memory>
#include <vector>

#include "client/metrics_fetch.h"

class QComboBox;
class QCPAxisRect;
class QCPGraph;
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
    // Tried in turn, before the first good answer, when the source answers but not with
    // metrics (a Go service with only expvar has no /metrics).
    void setFallbackSources(const QList<QUrl>& urls) { fallbacks_ = urls; }
    QUrl source() const { return url_; }
    void setInterval(int ms);  // default 1000
    int interval() const { return intervalMs_; }
    void start();
    void stop();
    void setPaused(bool paused);
    bool paused() const { return paused_; }
    bool polling() const { return timer_.isActive(); }

    // The points kept of a metric, as the source names it (gaps included); 0 when unknown.
    int pointCount(const QString& metric) const;
    // The metrics charted, as the source names them.
    QStringList metricNames() const;
    // A copy of one metric's series (empty when unknown).
    capture::MetricSeries series(const QString& metric) const;
    QString statusText() const;

    // A vertical line at `when` on every chart (a capture taken then, saved at `path`).
    void addCaptureMarker(const QDateTime& when, const QString& path);
    int markerCount() const { return int(markers_.size()); }

    bool exportPng(const QString& path);
    // Time (ISO 8601, UTC), then one column per charted metric (counters as rates).
    bool exportCsv(const QString& path) const;

signals:
    void captureRequested(const QString& kind);  // "cpu" or "heap"
    void statusChanged(const QString& status);

private:
    struct Chart {
        QString title;           // "heap in use"
        QString unit;            // "MiB", "cores", ""
        QStringList candidates;  // metric names, the first one present wins
        bool rate = false;       // a counter, shown as its per-second rate
        double scale = 1;        // value × scale is shown
        QString metric;          // the one chosen; empty until a poll has it
        QCPAxisRect* rect = nullptr;
        QCPGraph* graph = nullptr;
    };
    using Poll = capture::MetricsPoll;
    struct Marker {
        double time = 0;
        QString path;
    };

    void poll();
    void onPolled(const Poll& poll);
    void setStatus(const QString& text);
    void redraw();
    void drawMarkers();
    void onMouseMove(QMouseEvent* event);
    double windowSeconds() const;
    // What a chart shows: the metric's points, or their rates.
    capture::MetricSeries shownSeries(const Chart& chart) const;
    QString formatValue(const Chart& chart, double shown) const;

    QUrl url_;
    QList<QUrl> fallbacks_;
    bool everOk_ = false;
    QString token_, caFile_;
    bool insecure_ = false;
    int intervalMs_ = 1000;
    bool paused_ = false;
    bool inFlight_ = false;
    quint64 generation_ = 0;  // results of an older source or run are dropped
    std::shared_ptr<std::atomic<bool>> cancel_;
    QTimer timer_;
    std::map<QString, capture::MetricSeries> series_;
    std::vector<Chart> charts_;
    std::vector<Marker> markers_;
    QString status_;

    QComboBox* window_;
    QPushButton* pause_;
    QPushButton* captureCpu_;
    QPushButton* captureHeap_;
    QLabel* statusLabel_;
    QCustomPlot* plot_;
};

}  // namespace embers::app
