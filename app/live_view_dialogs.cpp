// The Live view's dialogs and menus: adding a metric by name, the capture trigger, the
// chart's context menu and export; and remembering the metrics added to a node's charts.
#include <qcustomplot.h>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "client/profile_kinds.h"
#include "live_view.h"

namespace embers::app {

using namespace embers::capture;

namespace {

const QChar kSep(0x1f);  // between the fields of a remembered line

QString customKey(const QString& key) {
    return QStringLiteral("live/custom/%1").arg(key);
}

}  // namespace

void LiveView::setSettingsKey(const QString& key) {
    settingsKey_ = key;
    loadCustom();
}

void LiveView::saveCustom() const {
    if (settingsKey_.isEmpty()) return;
    QStringList saved;
    for (const Chart& c : charts_)
        for (const Line& l : c.lines)
            if (l.spec.custom)
                saved << QStringList{c.title, l.spec.candidates.value(0),
                                     l.spec.rate ? QStringLiteral("rate") : QString(),
                                     QString::number(l.spec.scale, 'g', 17), l.spec.unit}
                             .join(kSep);
    QSettings().setValue(customKey(settingsKey_), saved);
}

void LiveView::loadCustom() {
    if (settingsKey_.isEmpty()) return;
    const QStringList saved = QSettings().value(customKey(settingsKey_)).toStringList();
    for (const QString& entry : saved) {
        const QStringList f = entry.split(kSep);
        if (f.size() != 5 || f[1].isEmpty()) continue;  // written by another version
        LiveLineSpec spec;
        spec.label = f[1];
        spec.candidates = {f[1]};
        spec.rate = f[2] == QLatin1String("rate");
        bool ok = false;
        spec.scale = f[3].toDouble(&ok);
        if (!ok) spec.scale = 1;
        spec.unit = f[4];
        spec.custom = true;
        auto chart = std::find_if(charts_.begin(), charts_.end(), [&](const Chart& c) {
            return !f[0].isEmpty() && c.title == f[0];
        });
        if (chart == charts_.end()) {  // a chart of its own, named after its first metric
            Chart c;
            c.title = f[0].isEmpty() ? f[1] : f[0];
            c.custom = true;
            charts_.push_back(std::move(c));
            chart = charts_.end() - 1;
        }
        chart->lines.push_back({spec, QString(), nullptr});
    }
    rebuildPlot();
}

void LiveView::addMetricDialog(const QString& chart) {
    if (last_.samples.isEmpty()) {
        QMessageBox::information(this, tr("Add metric"),
                                 tr("No answer from the node yet: its metrics are listed once it "
                                    "answers."));
        return;
    }
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Add a metric to the charts"));
    auto* filter = new QLineEdit(&dialog);
    filter->setPlaceholderText(tr("Filter by name, e.g. go_memstats or fds"));
    filter->setClearButtonEnabled(true);
    auto* list = new QTreeWidget(&dialog);
    list->setRootIsDecorated(false);
    list->setHeaderLabels({tr("Metric"), tr("Type"), tr("Now")});
    list->setAlternatingRowColors(true);
    for (const MetricSample& s : last_.samples) {
        const LiveLineSpec spec = lineForMetric(s);
        const QString now =
            formatShownValue(s.value * spec.scale,
                             spec.rate ? spec.unit.section(QLatin1Char('/'), 0, 0) : spec.unit);
        auto* item = new QTreeWidgetItem(
            list, {s.name,
                   s.isCounter() ? tr("%1 (charted as a rate)").arg(metricTypeName(s.type))
                                 : metricTypeName(s.type),
                   now});
        item->setData(0, Qt::UserRole, s.name);
        item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
        if (!s.family.isEmpty() && s.family != s.name)
            item->setToolTip(0, tr("of the family %1").arg(s.family));
    }
    list->resizeColumnToContents(0);
    list->resizeColumnToContents(1);
    list->setCurrentItem(list->topLevelItem(0));
    auto* where = new QComboBox(&dialog);
    where->addItem(tr("A new chart of its own"), QString());
    for (const QString& title : chartTitles()) where->addItem(title, title);
    if (const int i = where->findData(chart); i >= 0) where->setCurrentIndex(i);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Add"));
    auto* form = new QFormLayout;
    form->addRow(tr("Chart on:"), where);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(filter);
    layout->addWidget(list, 1);
    layout->addLayout(form);
    layout->addWidget(buttons);
    dialog.resize(640, 480);

    connect(filter, &QLineEdit::textChanged, &dialog, [list](const QString& text) {
        QTreeWidgetItem* first = nullptr;
        for (int i = 0; i < list->topLevelItemCount(); ++i) {
            QTreeWidgetItem* item = list->topLevelItem(i);
            item->setHidden(!item->text(0).contains(text, Qt::CaseInsensitive));
            if (!first && !item->isHidden()) first = item;
        }
        if (list->currentItem() && list->currentItem()->isHidden()) list->setCurrentItem(first);
    });
    connect(list, &QTreeWidget::itemDoubleClicked, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted || !list->currentItem() ||
        list->currentItem()->isHidden())
        return;
    addMetric(list->currentItem()->data(0, Qt::UserRole).toString(),
              where->currentData().toString());
}

void LiveView::triggerDialog() {
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Capture when a metric crosses a threshold"));
    auto* metric = new QComboBox(&dialog);
    for (const Chart& c : charts_)
        for (const Line& l : c.lines) {
            if (l.metric.isEmpty() || metric->findData(l.metric) >= 0) continue;
            metric->addItem(
                l.spec.label == l.metric
                    ? l.metric
                    : QStringLiteral("%1: %2 (%3)").arg(c.title, l.spec.label, l.metric),
                l.metric);
        }
    if (metric->count() == 0) {
        QMessageBox::information(this, tr("Trigger"),
                                 tr("Nothing is charted yet: the trigger watches a charted "
                                    "metric once the node answers."));
        return;
    }
    auto* direction = new QComboBox(&dialog);
    direction->addItem(tr("above the threshold"));
    direction->addItem(tr("below the threshold"));
    auto* threshold = new QDoubleSpinBox(&dialog);
    threshold->setRange(-1e15, 1e15);
    threshold->setDecimals(3);
    auto* kind = new QComboBox(&dialog);
    kind->addItem(tr("a CPU profile"), QStringLiteral("cpu"));
    kind->addItem(tr("a heap profile"), QStringLiteral("heap"));
    auto* cooldown = new QSpinBox(&dialog);
    cooldown->setRange(1, 24 * 60);
    cooldown->setSuffix(tr(" min"));
    cooldown->setValue(10);
    const auto fill = [this, metric, threshold] {
        const Line* l = lineFor(metric->currentData().toString());
        threshold->setSuffix(l && !l->spec.unit.isEmpty() ? QLatin1Char(' ') + l->spec.unit
                                                          : QString());
        const auto now = lastShown(metric->currentData().toString());
        threshold->setValue(now ? *now * 1.5 : 0);  // a start: half as much again as now
    };
    connect(metric, &QComboBox::currentIndexChanged, &dialog, fill);
    fill();
    if (trigger_) {  // show what is armed
        metric->setCurrentIndex(std::max(0, metric->findData(trigger_->metric)));
        direction->setCurrentIndex(
            trigger_->trigger.direction == ThresholdTrigger::Direction::Above ? 0 : 1);
        threshold->setValue(trigger_->trigger.threshold);
        kind->setCurrentIndex(std::max(0, kind->findData(trigger_->kind)));
        cooldown->setValue(int(trigger_->trigger.cooldownSeconds / 60));
    }
    auto* form = new QFormLayout;
    form->addRow(tr("When:"), metric);
    form->addRow(tr("When it is:"), direction);
    form->addRow(tr("Threshold:"), threshold);
    form->addRow(tr("Capture:"), kind);
    form->addRow(tr("At most once every:"), cooldown);
    auto* note = new QLabel(tr("Checked at every poll, from the moment it is armed (a value "
                               "already beyond the threshold captures at once). The capture is "
                               "taken from this node and kept with the others; it is marked on "
                               "the charts, and a click on the mark opens it."),
                            &dialog);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Arm"));
    QPushButton* disarm = nullptr;
    if (trigger_) disarm = buttons->addButton(tr("Disarm"), QDialogButtonBox::DestructiveRole);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    bool disarmed = false;
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (disarm)
        connect(disarm, &QPushButton::clicked, &dialog, [&] {
            disarmed = true;
            dialog.reject();
        });
    const int result = dialog.exec();
    if (disarmed) {
        disarmTrigger();
        return;
    }
    if (result != QDialog::Accepted) return;
    ThresholdTrigger t;
    t.direction = direction->currentIndex() == 0 ? ThresholdTrigger::Direction::Above
                                                 : ThresholdTrigger::Direction::Below;
    t.threshold = threshold->value();
    t.cooldownSeconds = cooldown->value() * 60.0;
    if (trigger_) disarmTrigger();
    armTrigger(metric->currentData().toString(), t, kind->currentData().toString());
}

void LiveView::chartMenu(const QPointF& pos, const QPoint& global) {
    QCPAxisRect* rect = plot_->axisRectAt(pos);
    const Chart* chart = nullptr;
    for (const Chart& c : charts_)
        if (c.rect && c.rect == rect) chart = &c;
    QMenu menu(this);
    if (chart) {
        const QString title = chart->custom ? QString() : chart->title;
        menu.addAction(tr("Add a Metric to This Chart…"), this,
                       [this, title] { addMetricDialog(title); });
        for (const Line& l : chart->lines)
            if (l.spec.custom) {
                const QString name = l.spec.candidates.value(0);
                menu.addAction(tr("Remove %1").arg(name), this,
                               [this, name] { removeMetric(name); });
            }
        menu.addSeparator();
    }
    menu.addAction(tr("Save Charts as PNG…"), this, [this] { exportTo(true); });
    menu.addAction(tr("Save Series as CSV…"), this, [this] { exportTo(false); });
    menu.exec(global);
}

void LiveView::exportMenu() {
    QMenu menu(this);
    menu.addAction(tr("Charts as PNG…"), this, [this] { exportTo(true); });
    menu.addAction(tr("Series as CSV…"), this, [this] { exportTo(false); });
    menu.exec(export_->mapToGlobal(QPoint(0, export_->height())));
}

void LiveView::exportTo(bool asPng) {
    QSettings settings;
    const QString dir =
        settings.value(QStringLiteral("live/exportDir"), QDir::homePath()).toString();
    const QString stamp =
        QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-ddTHH-mm-ss"));
    const QString path = QFileDialog::getSaveFileName(
        this, asPng ? tr("Save the charts") : tr("Save the series"),
        QDir(dir).filePath(
            QStringLiteral("live-%1%2.%3")
                .arg(nodeName_.isEmpty() ? QString() : sanitizeFileNamePart(nodeName_) + u'-',
                     stamp, asPng ? "png" : "csv")),
        asPng ? tr("PNG images (*.png)") : tr("CSV files (*.csv)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("live/exportDir"), QFileInfo(path).absolutePath());
    if (!(asPng ? exportPng(path) : exportCsv(path)))
        QMessageBox::warning(this, tr("Export failed"),
                             tr("Could not write %1: check that the folder exists and is "
                                "writable, then export again.")
                                 .arg(QDir::toNativeSeparators(path)));
}

}  // namespace embers::app
