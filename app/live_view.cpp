#include "live_view.h"

#include <qcustomplot.h>
#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <set>

#include "client/http_errors.h"
#include "client/http_fetch.h"
#include "client/metrics_fetch.h"

namespace embers::app {

using namespace embers::capture;

namespace {

const char* const kIntervalKey = "live/intervalMs";

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
    window_->setToolTip(tr("How much of the past the charts show"));
    every_ = new QComboBox(this);
    for (const int ms : {500, 1000, 2000, 5000, 10000, 30000})
        every_->addItem(ms < 1000 ? tr("%1 s").arg(ms / 1000.0) : tr("%1 s").arg(ms / 1000), ms);
    every_->setToolTip(tr("How often the node is asked for its metrics"));
    pause_ = new QPushButton(tr("Pause"), this);
    pause_->setToolTip(tr("Stop polling for now; the charts keep what they have"));
    addMetric_ = new QPushButton(tr("Add Metric…"), this);
    addMetric_->setToolTip(tr("Chart any other metric the node exposes, by name"));
    triggerButton_ = new QPushButton(tr("Trigger…"), this);
    triggerButton_->setToolTip(tr("Capture by itself when a metric crosses a threshold"));
    export_ = new QPushButton(tr("Export…"), this);
    export_->setToolTip(tr("Save the charts as PNG or the series as CSV"));
    captureCpu_ = new QPushButton(tr("CPU"), this);
    captureHeap_ = new QPushButton(tr("Heap"), this);
    statusLabel_ = new QLabel(this);
    statusLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusLabel_->setWordWrap(true);
    plot_ = new QCustomPlot;
    plot_->setMinimumHeight(360);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(plot_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Window:"), this));
    controls->addWidget(window_);
    controls->addWidget(new QLabel(tr("Every:"), this));
    controls->addWidget(every_);
    controls->addWidget(pause_);
    controls->addSpacing(12);
    controls->addWidget(addMetric_);
    controls->addWidget(triggerButton_);
    controls->addWidget(export_);
    controls->addStretch(1);
    controls->addWidget(new QLabel(tr("Capture:"), this));
    setCaptureRunning(false);  // and their tooltips
    controls->addWidget(captureCpu_);
    controls->addWidget(captureHeap_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(statusLabel_);
    layout->addWidget(scroll, 1);

    setInterval(QSettings().value(QLatin1String(kIntervalKey), 1000).toInt());
    connect(window_, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
    connect(every_, &QComboBox::activated, this, [this] {
        const int ms = every_->currentData().toInt();
        QSettings().setValue(QLatin1String(kIntervalKey), ms);
        setInterval(ms);
    });
    connect(pause_, &QPushButton::clicked, this, [this] { setPaused(!paused_); });
    auto* space = new QShortcut(QKeySequence(Qt::Key_Space), this);
    space->setContext(Qt::WidgetWithChildrenShortcut);
    connect(space, &QShortcut::activated, this, [this] { setPaused(!paused_); });
    connect(addMetric_, &QPushButton::clicked, this, [this] { addMetricDialog(); });
    connect(triggerButton_, &QPushButton::clicked, this, &LiveView::triggerDialog);
    connect(export_, &QPushButton::clicked, this, &LiveView::exportMenu);
    connect(captureCpu_, &QPushButton::clicked, this,
            [this] { requestCapture(QStringLiteral("cpu")); });
    connect(captureHeap_, &QPushButton::clicked, this,
            [this] { requestCapture(QStringLiteral("heap")); });
    connect(&timer_, &QTimer::timeout, this, &LiveView::poll);
    connect(plot_, &QCustomPlot::mouseMove, this, &LiveView::onMouseMove);
    connect(plot_, &QCustomPlot::mousePress, this, &LiveView::onMousePress);

    for (const LiveChartSpec& spec : defaultLiveCharts()) {
        Chart c;
        c.title = spec.title;
        for (const LiveLineSpec& l : spec.lines) c.lines.push_back({l, QString(), nullptr});
        charts_.push_back(std::move(c));
    }
    rebuildPlot();
}

LiveView::~LiveView() {
    cancel_->store(true);
}

void LiveView::setSource(const QUrl& metricsUrl, const QString& token, const QString& caFile,
                         bool insecure) {
    url_ = metricsUrl;
    sources_ = {metricsUrl};
    missed_ = 0;
    setAuthentication(token, caFile, insecure);
    cancel_->store(true);
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    ++generation_;
    inFlight_ = false;
    series_.clear();
    last_ = MetricSnapshot();
    lastGoodTime_ = 0;
    everOk_ = false;
    for (Chart& c : charts_)
        for (Line& l : c.lines) l.metric.clear();
    rebuildPlot();
}

void LiveView::setAuthentication(const QString& token, const QString& caFile, bool insecure) {
    token_ = token;
    caFile_ = caFile;
    insecure_ = insecure;
}

void LiveView::setFallbackSources(const QList<QUrl>& urls) {
    sources_ = {url_};
    for (const QUrl& u : urls)
        if (!sources_.contains(u)) sources_ << u;
}

void LiveView::setInterval(int ms) {
    intervalMs_ = qMax(50, ms);
    int index = every_->findData(intervalMs_);
    if (index < 0) {  // a value set from code (tests): listed, not remembered
        every_->addItem(tr("%1 s").arg(intervalMs_ / 1000.0), intervalMs_);
        index = every_->count() - 1;
    }
    every_->setCurrentIndex(index);
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

void LiveView::stopWith(const QString& status) {
    stop();
    pause_->setEnabled(false);
    setStatus(status);
}

void LiveView::setCaptureRunning(bool running) {
    for (QPushButton* b : {captureCpu_, captureHeap_}) {
        b->setEnabled(!running);
        b->setToolTip(running ? tr("A capture is running; wait for it to finish")
                      : b == captureCpu_
                          ? tr("Take a CPU profile from this node now; it opens beside this "
                               "tab and is marked on the charts")
                          : tr("Take a heap profile from this node now; it opens beside this "
                               "tab and is marked on the charts"));
    }
}

void LiveView::setPaused(bool paused) {
    if (paused == paused_) return;
    paused_ = paused;
    pause_->setText(paused ? tr("Resume") : tr("Pause"));
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    if (paused) {
        setStatus(tr("Paused; Resume (or Space) polls again"));
    } else {
        // Nothing is known of the paused time: a gap, not a line across it (nor a rate
        // averaged over it).
        for (auto& [name, s] : series_)
            if (!s.isEmpty() && !s.last().isGap()) s.appendGap(std::max(now, s.last().time));
        setStatus(tr("Resumed"));
        poll();
    }
}

int LiveView::pointCount(const QString& metric) const {
    const auto it = series_.find(metric);
    return it == series_.end() ? 0 : int(it->second.size());
}

QStringList LiveView::metricNames() const {
    QStringList names;
    for (const Chart& c : charts_)
        for (const Line& l : c.lines)
            if (!l.metric.isEmpty() && !names.contains(l.metric)) names << l.metric;
    return names;
}

QStringList LiveView::availableMetrics() const {
    QStringList names;
    for (const MetricSample& s : last_.samples) names << s.name;
    return names;
}

QStringList LiveView::chartTitles() const {
    QStringList titles;
    for (const Chart& c : charts_)
        if (chartShown(c)) titles << c.title;
    return titles;
}

MetricSeries LiveView::series(const QString& metric) const {
    const auto it = series_.find(metric);
    return it == series_.end() ? MetricSeries(1) : it->second;
}

std::optional<double> LiveView::lastShown(const QString& metric) const {
    const Line* line = lineFor(metric);
    const auto it = series_.find(metric);
    if (!line || it == series_.end() || it->second.isEmpty()) return std::nullopt;
    const auto points =
        shownPoints(it->second, it->second.last().time, line->spec.rate, line->spec.scale);
    if (points.empty() || points.back().isGap()) return std::nullopt;
    return points.back().value;
}

QString LiveView::statusText() const {
    return status_;
}

const LiveView::Line* LiveView::lineFor(const QString& metric) const {
    for (const Chart& c : charts_)
        for (const Line& l : c.lines)
            if (l.metric == metric) return &l;
    return nullptr;
}

void LiveView::setStatus(const QString& text) {
    pollStatus_ = text;
    showStatus();
}

void LiveView::showStatus() {
    QString text = pollStatus_;
    if (trigger_) {
        text +=
            tr(" · Trigger: capture %1 when %2 is %3, at most every %4 min")
                .arg(trigger_->kind == QLatin1String("cpu") ? tr("CPU") : tr("heap"),
                     trigger_->spec.label == trigger_->metric
                         ? trigger_->metric
                         : QStringLiteral("%1 (%2)").arg(trigger_->spec.label, trigger_->metric),
                     trigger_->trigger.describe(trigger_->spec.unit))
                .arg(trigger_->trigger.cooldownSeconds / 60.0);
        if (!trigger_->note.isEmpty()) text += QStringLiteral("; ") + trigger_->note;
    }
    if (QDateTime::currentMSecsSinceEpoch() < noticeUntilMs_)
        text += QStringLiteral(" · ") + notice_;
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
    o.certFile = certFile_;
    o.keyFile = keyFile_;
    o.insecure = insecure_;
    o.connectTimeout = std::chrono::seconds(5);
    o.totalTimeout = std::chrono::seconds(qMax(10, intervalMs_ / 1000 * 2));
    o.maxBodyBytes = qint64(64) << 20;
    const auto cancel = cancel_;
    o.progress = [cancel](qint64, double) { return !cancel->load(); };
    const QString token = token_;
    const auto provider = tokenProvider_;
    const quint64 generation = generation_;

    auto* watcher = new QFutureWatcher<Poll>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        const Poll p = watcher->result();
        watcher->deleteLater();
        if (generation != generation_) return;  // an older source, or stopped since
        inFlight_ = false;
        onPolled(p);
    });
    watcher->setFuture(QtConcurrent::run([o, token, provider]() mutable {
        if (provider) {
            QString error;
            o.token = provider(&error);
            if (!error.isEmpty()) {
                Poll p;
                p.url = o.url;
                p.time = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
                p.message = QStringLiteral("no token: %1, retrying")
                                .arg(redact(error.simplified(), o.token));
                return p;
            }
        }
        Poll p = pollMetrics(o);
        if (!p.ok && !p.cancelled)
            p.message =
                (p.category == ErrorCategory::Auth ? QStringLiteral("token refused: %1, retrying")
                 : p.answered                      ? QStringLiteral("no metrics: %1, retrying")
                              : QStringLiteral("node not answering: %1, retrying"))
                    .arg(p.message);
        p.message = redact(redact(p.message.simplified(), token), o.token);
        return p;
    }));
}

bool LiveView::resolveLines(const MetricSnapshot& snapshot) {
    bool changed = false;
    for (Chart& c : charts_)
        for (Line& l : c.lines) {
            if (!l.metric.isEmpty()) continue;
            for (const QString& name : l.spec.candidates)
                if (snapshot.value(name)) {
                    l.metric = name;
                    changed = true;
                    break;
                }
        }
    return changed;
}

void LiveView::onPolled(const Poll& p) {
    if (paused_) return;  // answered after the pause: not shown
    const bool elsewhere = metricsElsewhere(p) && !everOk_;
    if (elsewhere && sources_.size() > 1) {
        // Not here (404, or not metrics): the next place, e.g. /debug/vars after /metrics;
        // after a whole round, the next round waits for the next tick.
        const qsizetype at = sources_.indexOf(url_);
        url_ = sources_[(at + 1) % sources_.size()];
        if (++missed_ < sources_.size()) {
            setStatus(tr("Trying %1…").arg(url_.toString(QUrl::RemoveUserInfo)));
            QTimer::singleShot(0, this, &LiveView::poll);
            return;
        }
        missed_ = 0;
    }
    if (!p.ok) {
        for (auto& [name, s] : series_) s.appendGap(p.time);
        QStringList tried;
        if (elsewhere && sources_.size() > 1)
            for (const QUrl& u : sources_) tried << u.path();
        setStatus(tried.isEmpty() ? p.message
                                  : tr("%1 (tried %2)").arg(p.message, tried.join(tr(", "))));
        redraw();
        return;
    }
    const bool first = !everOk_;
    everOk_ = true;
    missed_ = 0;
    last_ = p.snapshot;
    lastGoodTime_ = p.time;
    const bool changed = resolveLines(p.snapshot);
    std::set<QString> charted;
    for (const Chart& c : charts_)
        for (const Line& l : c.lines)
            if (!l.metric.isEmpty()) charted.insert(l.metric);
    for (const QString& metric : charted) {
        auto it = series_.find(metric);
        if (it == series_.end()) it = series_.emplace(metric, MetricSeries()).first;
        const auto v = p.snapshot.value(metric);
        if (v && std::isfinite(*v))
            it->second.append(p.time, *v);
        else
            it->second.appendGap(p.time);
    }
    // Rates wait for a few seconds of readings (after the start, a gap or a pause): said,
    // so that empty rate charts do not look broken.
    bool ratesPending = false;
    for (const Chart& c : charts_)
        for (const Line& l : c.lines)
            ratesPending |= l.spec.rate && !l.metric.isEmpty() && !lastShown(l.metric);
    setStatus(tr("Watching %1 (%2)%3")
                  .arg(url_.toString(QUrl::RemoveUserInfo), metricsSourceName(p.snapshot.source),
                       ratesPending
                           ? tr("; rates appear after %1 s of readings").arg(kRateMinSpanSeconds)
                           : QString()));
    checkTrigger(p.time);
    if (first || changed)
        rebuildPlot();  // legends, and the charts this source has nothing for go away
    else
        redraw();
}

bool LiveView::addMetric(const QString& metric, const QString& chart) {
    const MetricSample* sample = last_.find(metric);
    if (!sample) return false;
    Line line{lineForMetric(*sample), metric, nullptr};
    auto target = std::find_if(charts_.begin(), charts_.end(),
                               [&](const Chart& c) { return c.title == chart; });
    if (chart.isEmpty() || target == charts_.end()) {
        Chart c;
        c.title = metric;
        c.custom = true;
        charts_.push_back(std::move(c));
        target = charts_.end() - 1;
    }
    target->lines.push_back(line);
    auto it = series_.find(metric);
    if (it == series_.end()) {  // starts now; one reading so far
        it = series_.emplace(metric, MetricSeries()).first;
        if (const auto v = last_.value(metric); v && std::isfinite(*v))
            it->second.append(lastGoodTime_, *v);  // when it was read (a rate needs that)
    }
    saveCustom();
    rebuildPlot();
    return true;
}

bool LiveView::removeMetric(const QString& metric) {
    bool removed = false;
    for (auto c = charts_.begin(); c != charts_.end();) {
        auto& lines = c->lines;
        const auto before = lines.size();
        lines.erase(std::remove_if(lines.begin(), lines.end(),
                                   [&](const Line& l) {
                                       return l.spec.custom && l.spec.candidates.value(0) == metric;
                                   }),
                    lines.end());
        removed |= lines.size() != before;
        if (c->custom && lines.empty())
            c = charts_.erase(c);
        else
            ++c;
    }
    if (!removed) return false;
    if (!lineFor(metric)) series_.erase(metric);
    if (trigger_ && !lineFor(trigger_->metric)) disarmTrigger();
    saveCustom();
    rebuildPlot();
    return true;
}

bool LiveView::armTrigger(const QString& metric, const ThresholdTrigger& trigger,
                          const QString& kind) {
    const Line* line = lineFor(metric);
    if (!line) return false;
    Armed armed{metric, line->spec, trigger, kind, QString()};
    // Re-armed on the same metric and kind (a new threshold): the cooldown goes on.
    if (trigger_ && trigger_->metric == metric && trigger_->kind == kind) {
        armed.trigger.lastFired = trigger_->trigger.lastFired;
        armed.note = trigger_->note;
    }
    trigger_ = armed;
    triggerButton_->setText(tr("Trigger: On…"));
    showStatus();
    rebuildPlot();  // draws the threshold (and drops an earlier one)
    return true;
}

void LiveView::disarmTrigger() {
    trigger_.reset();
    triggerButton_->setText(tr("Trigger…"));
    showStatus();
    rebuildPlot();
}

void LiveView::checkTrigger(double time) {
    if (!trigger_) return;
    const auto shown = lastShown(trigger_->metric);
    if (!shown || !trigger_->trigger.due(time, *shown)) return;
    const QString value = formatShownValue(*shown, trigger_->spec.unit);
    if (const QString error = askForCapture(trigger_->kind, true); !error.isEmpty()) {
        // Still due: tried again at the next poll.
        trigger_->note =
            tr("crossed at %1 (%2) but no capture started: %3").arg(timeText(time), value, error);
        showStatus();
        return;
    }
    trigger_->trigger.fired(time);
    ++triggerCount_;
    trigger_->note = tr("last triggered at %1 (%2)").arg(timeText(time), value);
    showStatus();
}

QString LiveView::askForCapture(const QString& kind, bool automatic) {
    emit captureRequested(kind);
    return captureHandler_ ? captureHandler_(kind, automatic) : QString();
}

bool LiveView::requestCapture(const QString& kind, bool automatic) {
    const QString error = askForCapture(kind, automatic);
    if (error.isEmpty()) return true;
    if (!automatic) {  // said for a few polls, not only until the next one
        notice_ = tr("No capture: %1").arg(error);
        noticeUntilMs_ = QDateTime::currentMSecsSinceEpoch() + 8000;
        showStatus();
    }
    return false;
}

}  // namespace embers::app
