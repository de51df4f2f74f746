// The Live view's charts: one axis rect per chart (two columns when there are many), a
// legend in each, a second value axis when a chart mixes units, capture markers that open
// their profile when clicked, the trigger's threshold, hover values, and PNG/CSV export.
#include <qcustomplot.h>
#include <QFileInfo>
#include <QMouseEvent>
#include <QPainter>
#include <QSaveFile>
#include <QToolTip>

#include <cmath>
#include <limits>

#include "core/csv.h"
#include "live_view.h"

namespace embers::app {

using namespace embers::capture;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kMarkerReachPx = 8;
constexpr int kTitleChars = 44;  // longer chart titles and legend labels are shortened

// A long metric name made to fit, keeping what tells series apart: the labels of
// 'http_requests_total{code="500",method="get"}' stay whole and the name gives way
// ("http_requ…{code="500",method="get"}"); without labels, the middle goes.
QString shortened(const QString& text) {
    if (text.size() <= kTitleChars) return text;
    const qsizetype brace = text.indexOf(QLatin1Char('{'));
    if (brace > 0) {
        const QString labels = text.mid(brace);
        if (labels.size() <= kTitleChars - 9)
            return text.left(kTitleChars - 1 - labels.size()) + QStringLiteral("…") + labels;
        return text.left(8) + QStringLiteral("…") + labels.left(kTitleChars - 10) +
               QStringLiteral("…");
    }
    return text.left(kTitleChars / 2 - 1) + QStringLiteral("…") + text.right(kTitleChars / 2 - 1);
}

double nowSeconds() {
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

QString timeText(double seconds) {
    return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(seconds * 1000)))
        .toString(QStringLiteral("HH:mm:ss"));
}

QColor lineColor(int index) {
    static const QColor colors[] = {QColor(0xd9, 0x5f, 0x02), QColor(0x1b, 0x9e, 0x77),
                                    QColor(0x75, 0x70, 0xb3), QColor(0xe7, 0x29, 0x8a),
                                    QColor(0x66, 0xa6, 0x1e), QColor(0xa6, 0x76, 0x1d),
                                    QColor(0x1f, 0x78, 0xb4), QColor(0x66, 0x66, 0x66)};
    return colors[index % 8];
}

// The unit of a chart's first line (left axis) and the first other one (right axis).
std::pair<QString, QString> axisUnits(const std::vector<LiveLineSpec>& lines) {
    QString left, right;
    bool haveLeft = false;
    for (const LiveLineSpec& l : lines) {
        if (!haveLeft) {
            left = l.unit;
            haveLeft = true;
        } else if (l.unit != left && right.isEmpty()) {
            right = l.unit;
        }
    }
    return {left, right};
}

void setMarkerPosition(QCPItemPosition* p, QCPAxisRect* rect, double time, double ratio) {
    p->setAxisRect(rect);
    p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    p->setTypeX(QCPItemPosition::ptPlotCoords);
    p->setTypeY(QCPItemPosition::ptAxisRectRatio);
    p->setCoords(time, ratio);
}

}  // namespace

bool LiveView::chartShown(const Chart& c) const {
    if (c.custom || !everOk_) return true;
    for (const Line& l : c.lines)
        if (!l.metric.isEmpty()) return true;
    return false;  // the source has none of its metrics
}

void LiveView::rebuildPlot() {
    plot_->clearItems();
    plot_->clearGraphs();
    plot_->plotLayout()->clear();
    for (QCPMarginGroup* g : marginGroups_) delete g;  // the rects that used them are gone
    marginGroups_.clear();
    std::vector<Chart*> shown;
    for (Chart& c : charts_) {
        c.rect = nullptr;
        c.legend = nullptr;
        for (Line& l : c.lines) l.graph = nullptr;
        if (chartShown(c)) shown.push_back(&c);
    }
    const int columns = shown.size() > 3 ? 2 : 1;
    for (int col = 0; col < columns; ++col) marginGroups_.push_back(new QCPMarginGroup(plot_));
    if (!wholeTicker_) {
        auto* whole = new QCPAxisTickerFixed;
        whole->setTickStep(1);
        whole->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        wholeTicker_ = QSharedPointer<QCPAxisTicker>(whole);
        plainTicker_ = QSharedPointer<QCPAxisTicker>(new QCPAxisTicker);
    }
    QSharedPointer<QCPAxisTickerDateTime> ticker(new QCPAxisTickerDateTime);
    ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
    ticker->setTickCount(4);
    const QColor text = palette().color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(60);
    plot_->setBackground(palette().color(QPalette::Base));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    QFont bold = font();
    bold.setBold(true);
    int colorIndex = 0;
    for (size_t i = 0; i < shown.size(); ++i) {
        Chart& c = *shown[i];
        // A cell per chart: its legend in a row above it (never over the lines), then the
        // axis rect.
        auto* cell = new QCPLayoutGrid;
        plot_->plotLayout()->addElement(int(i) / columns, int(i) % columns, cell);
        auto* header = new QCPLayoutGrid;
        cell->addElement(0, 0, header);
        c.rect = new QCPAxisRect(plot_);
        cell->addElement(1, 0, c.rect);
        cell->setRowStretchFactor(0, 0.001);
        cell->setRowSpacing(0);
        auto* title = new QCPTextElement(plot_, shortened(c.title), bold);
        title->setTextColor(text);
        title->setMargins(QMargins(8, 4, 12, 0));
        c.legend = new QCPLegend;
        header->addElement(0, 0, title);
        header->addElement(0, 1, c.legend);
        header->addElement(0, 2, new QCPLayoutElement(plot_));  // takes the rest of the row
        header->setColumnStretchFactor(0, 0.001);
        header->setColumnStretchFactor(1, 0.001);
        header->setColumnSpacing(0);
        c.rect->setMarginGroup(QCP::msLeft | QCP::msRight, marginGroups_[i % size_t(columns)]);
        QCPAxis* x = c.rect->axis(QCPAxis::atBottom);
        QCPAxis* y = c.rect->axis(QCPAxis::atLeft);
        QCPAxis* y2 = c.rect->axis(QCPAxis::atRight);
        x->setTicker(ticker);
        for (QCPAxis* a : {x, y, y2}) {  // the palette's colours (dark themes too)
            a->setTickLabelFont(small);
            a->setLabelFont(small);
            a->setBasePen(QPen(text, 1));
            a->setTickPen(QPen(text, 1));
            a->setSubTickPen(QPen(text, 1));
            a->setTickLabelColor(text);
            a->setLabelColor(text);
            a->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        }
        std::vector<LiveLineSpec> specs;
        for (const Line& l : c.lines)
            if (!everOk_ || !l.metric.isEmpty()) specs.push_back(l.spec);
        const auto [leftUnit, rightUnit] = axisUnits(specs);
        y->setLabel(leftUnit);
        y2->setVisible(!rightUnit.isEmpty());
        y2->setLabel(rightUnit);

        c.legend->setLayer(QStringLiteral("legend"));
        c.legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        c.legend->setMargins(QMargins(0, 4, 0, 0));
        c.legend->setColumnSpacing(12);
        c.legend->setFont(small);
        c.legend->setBrush(Qt::NoBrush);
        c.legend->setTextColor(text);
        c.legend->setBorderPen(Qt::NoPen);
        c.legend->setRowSpacing(0);
        for (Line& l : c.lines) {
            const bool right = !rightUnit.isEmpty() && l.spec.unit == rightUnit;
            l.graph = plot_->addGraph(x, right ? y2 : y);
            QPen pen(lineColor(colorIndex++), 1.5);
            if (l.spec.dashed) pen.setStyle(Qt::DashLine);
            l.graph->setPen(pen);
            l.graph->setName(shortened(l.spec.label));
            l.graph->removeFromLegend();
            if (!l.metric.isEmpty()) l.graph->addToLegend(c.legend);
        }
        // Long labels stack one per line rather than widen the chart past its column.
        int labelChars = 0;
        for (const Line& l : c.lines)
            if (!l.metric.isEmpty()) labelChars += int(shortened(l.spec.label).size()) + 6;
        c.legend->setWrap(labelChars + int(c.title.size()) > 60 ? 1 : 0);
        c.legend->setVisible(c.legend->itemCount() > 0);
        c.legend->setMaximumSize(QWIDGETSIZE_MAX, c.legend->itemCount() > 0 ? QWIDGETSIZE_MAX : 0);
    }
    for (int col = 0; col < columns && !shown.empty(); ++col)  // equal, whatever their titles
        plot_->plotLayout()->setColumnStretchFactor(col, 1);
    // Charts keep a readable height; past what the tab shows, the charts scroll.
    const int rows = int((shown.size() + size_t(columns) - 1) / size_t(columns));
    plot_->setMinimumHeight(std::max(360, rows * 190));
    if (shown.empty()) {
        auto* empty = new QCPTextElement(plot_, tr("No charts"));
        empty->setTextColor(text);
        plot_->plotLayout()->addElement(0, 0, empty);
    }
    for (const Marker& m : markers_) drawMarker(m);
    drawThreshold();
    redraw();
}

double LiveView::windowSeconds() const {
    return window_->currentData().toDouble();
}

MetricSeries LiveView::shownSeries(const Line& l) const {
    const auto it = series_.find(l.metric);
    if (l.metric.isEmpty() || it == series_.end()) return MetricSeries(1);
    MetricSeries out(it->second.capacity());
    for (const MetricPoint& p :
         shownPoints(it->second, -std::numeric_limits<double>::infinity(), l.spec.rate, 1))
        out.append(p.time, p.value);
    return out;
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
    if (!std::isfinite(first)) first = last;
    // The window slides once it is full; until then the charts fill from the left, over
    // at least a minute, rather than squeezing the first points against the right edge.
    const double window = windowSeconds();
    const double lower = window > 0 ? std::max(first, last - window) : first;
    const double upper = std::max(last, lower + (window > 0 ? std::min(window, 60.0) : 60.0));
    const QCPRange keyRange(lower, upper);

    for (Chart& c : charts_) {
        if (!c.rect) continue;
        c.rect->axis(QCPAxis::atBottom)->setRange(keyRange);
        for (Line& l : c.lines) {
            QVector<double> keys, values;
            const auto it = series_.find(l.metric);
            // A day of points on a chart a few hundred pixels wide: a lowest and a highest
            // point per pixel draw the same picture.
            const size_t buckets = size_t(std::max(200, c.rect->width()));
            if (!l.metric.isEmpty() && it != series_.end())
                for (const MetricPoint& p : decimateMinMax(
                         shownPoints(it->second, lower, l.spec.rate, l.spec.scale), buckets)) {
                    keys << p.time;
                    values << (p.isGap() ? kNan : p.value);
                }
            l.graph->setData(keys, values, true);
        }
        // Each value axis fits its lines in the window, from zero when all are positive.
        for (QCPAxis* axis : {c.rect->axis(QCPAxis::atLeft), c.rect->axis(QCPAxis::atRight)}) {
            QCPRange range;
            bool any = false;
            // Whole numbers only (goroutines, threads): whole ticks, not 2.5 goroutines.
            bool whole = true;
            for (const Line& l : c.lines)
                if (l.graph->valueAxis() == axis)
                    for (auto d = l.graph->data()->constBegin();
                         whole && d != l.graph->data()->constEnd(); ++d)
                        whole = std::isnan(d->value) || d->value == std::floor(d->value);
            axis->setTicker(whole ? wholeTicker_ : plainTicker_);
            const auto include = [&](const QCPRange& r) {
                range =
                    any ? QCPRange(std::min(range.lower, r.lower), std::max(range.upper, r.upper))
                        : r;
                any = true;
            };
            for (const Line& l : c.lines) {
                if (l.graph->valueAxis() != axis) continue;
                bool found = false;
                const QCPRange r = l.graph->getValueRange(found, QCP::sdBoth, keyRange);
                if (found) include(r);
                // The trigger's threshold stays in sight, so one sees how close the line is.
                if (found && isTriggerLine(l))
                    include(QCPRange(trigger_->trigger.threshold, trigger_->trigger.threshold));
            }
            if (!any) range = QCPRange(0, 1);
            // From zero when nothing is negative: a steady line looks steady, not like noise
            // blown up to the chart's height.
            if (range.lower > 0) range.lower = 0;
            const double pad = range.size() > 0   ? range.size() * 0.1
                               : range.lower != 0 ? std::abs(range.lower) * 0.1
                                                  : 1.0;
            axis->setRange(range.lower == 0 ? 0 : range.lower - pad, range.upper + pad);
        }
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LiveView::addCaptureMarker(const QDateTime& when, const QString& path, const QString& label,
                                int seconds) {
    markers_.push_back(
        {double(when.toMSecsSinceEpoch()) / 1000.0, double(std::max(0, seconds)), path, label});
    drawMarker(markers_.back());
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LiveView::drawMarker(const Marker& m) {
    // Labels of captures taken close together are stepped down rather than drawn over
    // each other ("heapcpu").
    const double close = (windowSeconds() > 0 ? windowSeconds() : 600) * 0.05;
    int stacked = 0;
    for (const Marker& other : markers_) {
        if (&other == &m) break;
        if (std::abs(other.time - m.time) < close) ++stacked;
    }
    const double labelRatio = 0.08 * (stacked % 6);
    const QColor color = palette().color(QPalette::WindowText);
    QColor band = palette().color(QPalette::Highlight);
    band.setAlpha(40);
    for (Chart& c : charts_) {
        if (!c.rect) continue;
        if (m.seconds > 0) {
            auto* rect = new QCPItemRect(plot_);
            rect->setClipAxisRect(c.rect);
            rect->setPen(Qt::NoPen);
            rect->setBrush(band);
            setMarkerPosition(rect->topLeft, c.rect, m.time, 0);
            setMarkerPosition(rect->bottomRight, c.rect, m.time + m.seconds, 1);
        }
        auto* line = new QCPItemLine(plot_);
        line->setClipAxisRect(c.rect);
        QColor lineColor = color;
        lineColor.setAlpha(150);
        line->setPen(QPen(lineColor, 1, Qt::DashLine));
        setMarkerPosition(line->start, c.rect, m.time, 0);
        setMarkerPosition(line->end, c.rect, m.time, 1);
        if (!m.label.isEmpty()) {
            auto* text = new QCPItemText(plot_);
            text->setClipAxisRect(c.rect);
            text->setText(m.label);
            text->setColor(color);
            QFont f = font();
            f.setPointSizeF(f.pointSizeF() * 0.8);
            text->setFont(f);
            text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
            text->setPadding(QMargins(3, 2, 0, 0));
            setMarkerPosition(text->position, c.rect, m.time, labelRatio);
        }
    }
}

void LiveView::drawThreshold() {
    if (!trigger_) return;
    for (Chart& c : charts_) {
        if (!c.rect) continue;
        for (const Line& l : c.lines) {
            if (!isTriggerLine(l) || !l.graph) continue;
            auto* line = new QCPItemStraightLine(plot_);
            line->setClipAxisRect(c.rect);
            line->setPen(QPen(QColor(0xc0, 0x20, 0x20), 1, Qt::DotLine));
            for (QCPItemPosition* p : {line->point1, line->point2})
                p->setAxes(c.rect->axis(QCPAxis::atBottom), l.graph->valueAxis());
            line->point1->setCoords(0, trigger_->trigger.threshold);
            line->point2->setCoords(1, trigger_->trigger.threshold);
            break;
        }
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool LiveView::isTriggerLine(const Line& l) const {
    // The line the trigger watches: its metric shown the same way (a metric may be charted
    // twice, e.g. as a value and as a rate).
    return trigger_ && l.metric == trigger_->metric && l.spec.rate == trigger_->spec.rate &&
           l.spec.scale == trigger_->spec.scale;
}

const LiveView::Marker* LiveView::markerNear(const QPointF& pos) const {
    QCPAxisRect* rect = plot_->axisRectAt(pos);
    if (!rect) return nullptr;
    const QCPAxis* x = rect->axis(QCPAxis::atBottom);
    const Marker* best = nullptr;
    double bestDistance = kMarkerReachPx;
    for (const Marker& m : markers_) {
        const double d = std::abs(x->coordToPixel(m.time) - pos.x());
        if (d <= bestDistance) {
            best = &m;
            bestDistance = d;
        }
    }
    return best;
}

QPointF LiveView::markerPixel(int index) const {
    for (const Chart& c : charts_) {
        if (!c.rect || index < 0 || index >= int(markers_.size())) continue;
        const QRect r = c.rect->rect();
        return {c.rect->axis(QCPAxis::atBottom)->coordToPixel(markers_[size_t(index)].time),
                double(r.center().y())};
    }
    return {};
}

void LiveView::onMousePress(QMouseEvent* event) {
    if (event->button() == Qt::RightButton) {
        chartMenu(event->position(), event->globalPosition().toPoint());
        return;
    }
    if (event->button() != Qt::LeftButton) return;
    if (const Marker* m = markerNear(event->position())) emit captureOpenRequested(m->path);
}

void LiveView::onMouseMove(QMouseEvent* event) {
    const QPointF pos = event->position();
    QCPAxisRect* rect = plot_->axisRectAt(pos);
    const Chart* chart = nullptr;
    for (const Chart& c : charts_)
        if (c.rect && c.rect == rect) chart = &c;
    const Marker* marker = markerNear(pos);
    plot_->setCursor(marker ? Qt::PointingHandCursor : Qt::ArrowCursor);
    if (!chart) {
        QToolTip::hideText();
        return;
    }
    const double key = rect->axis(QCPAxis::atBottom)->pixelToCoord(pos.x());
    QStringList lines;
    for (const Line& l : chart->lines) {
        if (!l.graph || l.graph->data()->isEmpty()) continue;
        const auto data = l.graph->data();
        auto it = data->findBegin(key, false);  // the first point at or after key
        if (it == data->constEnd()) {
            --it;
        } else if (it != data->constBegin()) {
            const auto before = it - 1;
            if (key - before->key < it->key - key) it = before;
        }
        if (lines.isEmpty()) lines << timeText(it->key);
        // The legend's words first; the metric's own name after them when it differs.
        const QString value = formatShownValue(it->value, l.spec.unit);
        lines << (l.spec.label == l.metric
                      ? QStringLiteral("%1: %2").arg(l.metric, value)
                      : QStringLiteral("%1: %2   (%3%4)")
                            .arg(l.spec.label, value, l.spec.rate ? tr("rate of ") : QString(),
                                 l.metric));
    }
    if (marker)
        lines << tr("%1capture at %2: %3 (click to open)")
                     .arg(marker->label.isEmpty() ? QString() : marker->label + QLatin1Char(' '),
                          timeText(marker->time), QFileInfo(marker->path).fileName());
    if (lines.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), lines.join(QLatin1Char('\n')), plot_);
}

bool LiveView::exportPng(const QString& path) {
    plot_->replot(QCustomPlot::rpImmediateRefresh);
    const QPixmap charts =
        plot_->toPixmap(std::max(plot_->width(), 800), std::max(plot_->height(), 600));
    // A title line above the charts: which node, from where, when (a PNG passed around
    // later says what it shows).
    const QFontMetrics metrics(font());
    const int band = metrics.height() + 12;
    QImage image(charts.width(), charts.height() + band, QImage::Format_RGB32);
    image.fill(palette().color(QPalette::Base));
    QPainter painter(&image);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.setFont(font());
    const QString when =
        QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    const QString where = url_.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    painter.drawText(QRect(8, 0, image.width() - 16, band), Qt::AlignVCenter | Qt::AlignLeft,
                     nodeName_.isEmpty()
                         ? QStringLiteral("%1 — %2").arg(where, when)
                         : QStringLiteral("%1 (%2) — %3").arg(nodeName_, where, when));
    painter.drawPixmap(0, band, charts);
    painter.end();
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && image.save(&file, "PNG") && file.commit();
}

bool LiveView::exportCsv(const QString& path) const {
    std::vector<const Line*> columns;
    QStringList seen;
    for (const Chart& c : charts_)
        for (const Line& l : c.lines) {
            const QString key = (l.spec.rate ? QStringLiteral("rate:") : QString()) + l.metric;
            if (l.metric.isEmpty() || seen.contains(key)) continue;
            seen << key;
            columns.push_back(&l);
        }
    std::map<double, QStringList> rows;
    QStringList header{QStringLiteral("time")};
    for (size_t col = 0; col < columns.size(); ++col) {
        const Line& l = *columns[col];
        header << (l.spec.rate ? QStringLiteral("rate(%1)").arg(l.metric) : l.metric);
        header.back() = QString::fromStdString(core::csvField(header.back().toStdString()));
        const MetricSeries s = shownSeries(l);
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
    for (auto& [time, values] : rows) {
        while (values.size() < qsizetype(columns.size())) values << QString();
        const QString when =
            QDateTime::fromMSecsSinceEpoch(qint64(std::llround(time * 1000)), Qt::UTC)
                .toString(Qt::ISODateWithMs);
        out += (QStringList{when} + values).join(QLatin1Char(',')).toUtf8() + '\n';
    }
    file.write(out);
    return file.commit();
}

}  // namespace embers::app
