#include "live_view.h"

#include <qcustomplot.h>
#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QSaveFile>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <limits>

#include "client/http_errors.h"
#include "client/http_fetch.h"
#include "client/metrics_fetch.h"

namespace embers::app {

using namespace embers::capture;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

double nowSeconds() {
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

QString timeText(double seconds) {
    return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(seconds * 1000)))
        .toString(QStringLiteral("HH:mm:ss"));
}

}  // namespace

LiveView::LiveView(QWidget* parent)
    : QWidget(parent), cancel_(std::make_shared<std::atomic<bool>>(false)) {
    window_ = new QComboBox(this);
    window_->addItem(tr("1 min"), 60);
    window_->addItem(tr("5 min"), 300);
    window_->addItem(tr("30 min"), 1800);
    window_->addItem(tr("all"), 0);
    window_->setCurrentIndex(1);
    pause_ = new QPushButton(tr("Pause"), this);
    captureCpu_ = new QPushButton(tr("Capture CPU"), this);
    captureHeap_ = new QPushButton(tr("Capture heap"), this);
    statusLabel_ = new QLabel(this);
    statusLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    plot_ = new QCustomPlot(this);
    plot_->setMinimumHeight(320);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Window:"), this));
    controls->addWidget(window_);
    controls->addWidget(pause_);
    controls->addStretch(1);
    controls->addWidget(captureCpu_);
    controls->addWidget(captureHeap_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(statusLabel_);
    layout->addWidget(plot_, 1);

    connect(window_, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
    connect(pause_, &QPushButton::clicked, this, [this] { setPaused(!paused_); });
    connect(captureCpu_, &QPushButton::clicked, this,
            [this] { emit captureRequested(QStringLiteral("cpu")); });
    connect(captureHeap_, &QPushButton::clicked, this,
            [this] { emit captureRequested(QStringLiteral("heap")); });
    connect(&timer_, &QTimer::timeout, this, &LiveView::poll);
    connect(plot_, &QCustomPlot::mouseMove, this, &LiveView::onMouseMove);

    const auto addChart = [this](const QString& title, const QString& unit,
                                 const QStringList& candidates, bool rate, double scale) {
        Chart c;
        c.title = title;
        c.unit = unit;
        c.candidates = candidates;
        c.rate = rate;
        c.scale = scale;
        charts_.push_back(c);
    };
    // Heap in use: Go's runtime (Prometheus or expvar), then the Embers agent.
    addChart(tr("heap in use"), QStringLiteral("MiB"),
             {QStringLiteral("go_memstats_heap_inuse_bytes"),
              QStringLiteral("go_memstats_heap_alloc_bytes"), QStringLiteral("memstats.HeapInuse"),
              QStringLiteral("memstats.HeapAlloc"), QStringLiteral("embers_heap_inuse_bytes")},
             false, 1 / kMiB);
    addChart(tr("goroutines / threads"), QString(),
             {QStringLiteral("go_goroutines"), QStringLiteral("go_threads"),
              QStringLiteral("process_threads"), QStringLiteral("process.threads")},
             false, 1);
    addChart(tr("CPU usage"), QStringLiteral("cores"),
             {QStringLiteral("process_cpu_seconds_total"), QStringLiteral("process.cpu_seconds")},
             true, 1);
    addChart(tr("resident memory"), QStringLiteral("MiB"),
             {QStringLiteral("process_resident_memory_bytes"),
              QStringLiteral("process.resident_memory_bytes")},
             false, 1 / kMiB);

    plot_->plotLayout()->clear();
    auto* margins = new QCPMarginGroup(plot_);
    QSharedPointer<QCPAxisTickerDateTime> ticker(new QCPAxisTickerDateTime);
    ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
    static const QColor colors[] = {QColor(0xd9, 0x5f, 0x02), QColor(0x1b, 0x9e, 0x77),
                                    QColor(0x75, 0x70, 0xb3), QColor(0xe7, 0x29, 0x8a)};
    for (size_t i = 0; i < charts_.size(); ++i) {
        Chart& c = charts_[i];
        c.rect = new QCPAxisRect(plot_);
        plot_->plotLayout()->addElement(int(i), 0, c.rect);
        c.rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
        QCPAxis* x = c.rect->axis(QCPAxis::atBottom);
        QCPAxis* y = c.rect->axis(QCPAxis::atLeft);
        x->setTicker(ticker);
        y->setLabel(c.unit.isEmpty() ? c.title : QStringLiteral("%1, %2").arg(c.title, c.unit));
        c.graph = plot_->addGraph(x, y);
        c.graph->setPen(QPen(colors[i % 4], 1.5));
        c.graph->setName(c.title);
    }
    redraw();
}

LiveView::~LiveView() {
    cancel_->store(true);
}

void LiveView::setSource(const QUrl& metricsUrl, const QString& token, const QString& caFile,
                         bool insecure) {
    url_ = metricsUrl;
    token_ = token;
    caFile_ = caFile;
    insecure_ = insecure;
    cancel_->store(true);
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    ++generation_;
    inFlight_ = false;
    series_.clear();
    fallbacks_.clear();
    everOk_ = false;
    for (Chart& c : charts_) c.metric.clear();
    redraw();
}

void LiveView::setInterval(int ms) {
    intervalMs_ = qMax(50, ms);
    if (timer_.isActive()) timer_.start(intervalMs_);
}

void LiveView::start() {
    if (url_.isEmpty()) return;
    timer_.start(intervalMs_);
    poll();
}

void LiveView::stop() {
    timer_.stop();
    cancel_->store(true);
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    ++generation_;
    inFlight_ = false;
}

void LiveView::setPaused(bool paused) {
    paused_ = paused;
    pause_->setText(paused ? tr("Resume") : tr("Pause"));
}

int LiveView::pointCount(const QString& metric) const {
    const auto it = series_.find(metric);
    return it == series_.end() ? 0 : int(it->second.size());
}

QStringList LiveView::metricNames() const {
    QStringList names;
    for (const Chart& c : charts_)
        if (!c.metric.isEmpty()) names << c.metric;
    return names;
}

MetricSeries LiveView::series(const QString& metric) const {
    const auto it = series_.find(metric);
    return it == series_.end() ? MetricSeries(1) : it->second;
}

QString LiveView::statusText() const {
    return status_;
}

void LiveView::setStatus(const QString& text) {
    const QString safe = redact(text, token_);
    if (safe == status_) return;
    status_ = safe;
    statusLabel_->setText(safe);
    emit statusChanged(safe);
}

void LiveView::poll() {
    if (paused_ || inFlight_ || url_.isEmpty()) return;
    inFlight_ = true;
    FetchOptions o;
    o.url = url_;
    o.token = token_;
    o.caFile = caFile_;
    o.insecure = insecure_;
    o.connectTimeout = std::chrono::seconds(5);
    o.totalTimeout = std::chrono::seconds(qMax(10, intervalMs_ / 1000 * 2));
    o.maxBodyBytes = qint64(64) << 20;
    const auto cancel = cancel_;
    o.progress = [cancel](qint64, double) { return !cancel->load(); };
    const QString token = token_;
    const quint64 generation = generation_;

    auto* watcher = new QFutureWatcher<Poll>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        const Poll p = watcher->result();
        watcher->deleteLater();
        if (generation != generation_) return;  // an older source, or stopped since
        inFlight_ = false;
        onPolled(p);
    });
    watcher->setFuture(QtConcurrent::run([o, token]() {
        Poll p = pollMetrics(o);
        if (!p.ok && !p.cancelled)
            p.message = (p.answered ? QStringLiteral("no metrics: %1, retrying")
                                    : QStringLiteral("node not answering: %1, retrying"))
                            .arg(p.message);
        p.message = redact(p.message.simplified(), token);
        return p;
    }));
}

void LiveView::onPolled(const Poll& p) {
    if (paused_) return;  // answered after the pause: not shown
    if (!p.ok && p.answered && !everOk_ && !fallbacks_.isEmpty()) {
        url_ = fallbacks_.takeFirst();  // e.g. /debug/vars after /metrics
        setStatus(tr("Trying %1…").arg(url_.toString(QUrl::RemoveUserInfo)));
        QTimer::singleShot(0, this, &LiveView::poll);
        return;
    }
    if (p.ok) everOk_ = true;
    if (!p.ok) {
        for (auto& [name, s] : series_) s.appendGap(p.time);
        setStatus(p.message);
        redraw();
        return;
    }
    for (Chart& c : charts_) {
        if (c.metric.isEmpty()) {
            for (const QString& name : c.candidates)
                if (p.snapshot.value(name)) {
                    c.metric = name;
                    if (c.rect) {
                        QString label = c.title;
                        if (c.title == tr("goroutines / threads"))
                            label = name == QLatin1String("go_goroutines") ? tr("goroutines")
                                                                           : tr("threads");
                        c.rect->axis(QCPAxis::atLeft)
                            ->setLabel(c.unit.isEmpty()
                                           ? label
                                           : QStringLiteral("%1, %2").arg(label, c.unit));
                    }
                    break;
                }
            if (c.metric.isEmpty()) continue;
        }
        auto it = series_.find(c.metric);
        if (it == series_.end()) it = series_.emplace(c.metric, MetricSeries()).first;
        const auto v = p.snapshot.value(c.metric);
        if (v && std::isfinite(*v))
            it->second.append(p.time, *v);
        else
            it->second.appendGap(p.time);
    }
    setStatus(tr("Watching %1 (%2)")
                  .arg(url_.toString(QUrl::RemoveUserInfo), metricsSourceName(p.snapshot.source)));
    redraw();
}

double LiveView::windowSeconds() const {
    return window_->currentData().toDouble();
}

MetricSeries LiveView::shownSeries(const Chart& c) const {
    const auto it = series_.find(c.metric);
    if (c.metric.isEmpty() || it == series_.end()) return MetricSeries(1);
    return c.rate ? ratesOf(it->second) : it->second;
}

QString LiveView::formatValue(const Chart& c, double shown) const {
    if (std::isnan(shown)) return tr("no answer");
    if (c.unit == QLatin1String("MiB")) return QStringLiteral("%1 MiB").arg(shown, 0, 'f', 2);
    if (c.unit == QLatin1String("cores")) return tr("%1 cores").arg(shown, 0, 'f', 3);
    return QString::number(qint64(std::llround(shown)));
}

void LiveView::redraw() {
    double last = 0;
    double first = std::numeric_limits<double>::infinity();
    for (const auto& [name, s] : series_)
        if (!s.isEmpty()) {
            last = std::max(last, s.last().time);
            first = std::min(first, s.at(0).time);
        }
    if (last == 0) last = nowSeconds();
    const double window = windowSeconds();
    double lower = window > 0 ? last - window : first;
    if (!std::isfinite(lower) || lower >= last) lower = last - 60;
    const QCPRange keyRange(lower, last);

    for (Chart& c : charts_) {
        const MetricSeries s = shownSeries(c);
        QVector<double> keys, values;
        keys.reserve(s.size());
        values.reserve(s.size());
        for (qsizetype i = 0; i < s.size(); ++i) {
            const MetricPoint pt = s.at(i);
            if (pt.time < lower) continue;
            keys << pt.time;
            values << (pt.isGap() ? std::numeric_limits<double>::quiet_NaN() : pt.value * c.scale);
        }
        c.graph->setData(keys, values, true);
        c.rect->axis(QCPAxis::atBottom)->setRange(keyRange);
        bool found = false;
        QCPRange r = c.graph->getValueRange(found, QCP::sdBoth, keyRange);
        if (!found) r = QCPRange(0, 1);
        const double pad = r.size() > 0 ? r.size() * 0.1 : std::max(1.0, std::abs(r.lower) * 0.1);
        c.rect->axis(QCPAxis::atLeft)->setRange(r.lower - pad, r.upper + pad);
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LiveView::addCaptureMarker(const QDateTime& when, const QString& path) {
    const double t = double(when.toMSecsSinceEpoch()) / 1000.0;
    markers_.push_back({t, path});
    for (Chart& c : charts_) {
        auto* line = new QCPItemStraightLine(plot_);
        line->setClipAxisRect(c.rect);
        line->setClipToAxisRect(true);
        line->setPen(QPen(QColor(0x66, 0x66, 0x66), 1, Qt::DashLine));
        for (QCPItemPosition* p : {line->point1, line->point2})
            p->setAxes(c.rect->axis(QCPAxis::atBottom), c.rect->axis(QCPAxis::atLeft));
        line->point1->setCoords(t, 0);
        line->point2->setCoords(t, 1);
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LiveView::onMouseMove(QMouseEvent* event) {
    const QPointF pos = event->position();
    QCPAxisRect* rect = plot_->axisRectAt(pos);
    const Chart* chart = nullptr;
    for (const Chart& c : charts_)
        if (c.rect == rect) chart = &c;
    if (!chart || chart->graph->data()->isEmpty()) {
        QToolTip::hideText();
        return;
    }
    QCPAxis* x = rect->axis(QCPAxis::atBottom);
    const double key = x->pixelToCoord(pos.x());
    const auto data = chart->graph->data();
    auto it = data->findBegin(key, false);  // the first point at or after key
    if (it == data->constEnd()) {
        --it;
    } else if (it != data->constBegin()) {
        const auto before = it - 1;
        if (key - before->key < it->key - key) it = before;
    }
    QString text =
        QStringLiteral("%1 %2: %3")
            .arg(timeText(it->key), chart->metric.isEmpty() ? chart->title : chart->metric,
                 formatValue(*chart, it->value));
    if (chart->rate) text += tr(" (rate)");
    for (const Marker& m : markers_)
        if (std::abs(x->coordToPixel(m.time) - pos.x()) <= 4)
            text += tr("\ncapture at %1: %2").arg(timeText(m.time), m.path);
    QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
}

bool LiveView::exportPng(const QString& path) {
    plot_->replot(QCustomPlot::rpImmediateRefresh);
    return plot_->savePng(path, std::max(plot_->width(), 800), std::max(plot_->height(), 600));
}

bool LiveView::exportCsv(const QString& path) const {
    std::vector<const Chart*> columns;
    for (const Chart& c : charts_)
        if (!c.metric.isEmpty()) columns.push_back(&c);
    std::map<double, QStringList> rows;
    QStringList header{QStringLiteral("time")};
    for (size_t col = 0; col < columns.size(); ++col) {
        const Chart& c = *columns[col];
        header << (c.rate ? QStringLiteral("rate(%1)").arg(c.metric) : c.metric);
        const MetricSeries s = shownSeries(c);
        for (qsizetype i = 0; i < s.size(); ++i) {
            const MetricPoint pt = s.at(i);
            QStringList& row = rows[pt.time];
            while (row.size() < qsizetype(columns.size())) row << QString();
            if (!pt.isGap()) row[qsizetype(col)] = QString::number(pt.value, 'g', 15);
        }
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
    QByteArray out = header.join(QLatin1Char(',')).toUtf8() + '\n';
    for (const auto& [time, values] : rows) {
        const QString when =
            QDateTime::fromMSecsSinceEpoch(qint64(std::llround(time * 1000)), Qt::UTC)
                .toString(Qt::ISODateWithMs);
        out += (QStringList{when} + values).join(QLatin1Char(',')).toUtf8() + '\n';
    }
    file.write(out);
    return file.commit();
}

}  // namespace embers::app
