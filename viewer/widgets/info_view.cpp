#include "info_view.h"

#include <QDateTime>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QtConcurrent/QtConcurrentRun>

#include "core/flat_table.h"
#include "core/units.h"
#include "profile_session.h"

namespace embers::widgets {

namespace {

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString hex(uint64_t v) {
    return QStringLiteral("0x") + QString::number(v, 16);
}

QString human(int64_t v, std::string_view unit) {
    return qs(core::scaledLabel(v, unit, "minimum"));
}

std::vector<int64_t> sampleTotals(const core::Profile& p) {
    std::vector<int64_t> totals;
    for (size_t i = 0; i < p.valueCount(); ++i) totals.push_back(core::computeTotal(p, i));
    return totals;
}

QTreeWidgetItem* addItem(QTreeWidgetItem* parent, const QString& label, const QString& value) {
    auto* item = new QTreeWidgetItem(parent, {label, value});
    item->setToolTip(1, value);
    return item;
}

QString granularityName(core::Granularity g) {
    switch (g) {
        case core::Granularity::Functions:
            return InfoView::tr("functions");
        case core::Granularity::Files:
            return InfoView::tr("files");
        case core::Granularity::Lines:
            return InfoView::tr("lines");
    }
    return {};
}

}  // namespace

InfoView::InfoView(ProfileSession* session, QWidget* parent)
    : QTreeWidget(parent), session_(session) {
    setColumnCount(2);
    setHeaderLabels({tr("Property"), tr("Value")});
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setWordWrap(false);
    header()->setStretchLastSection(true);
    setColumnWidth(0, fontMetrics().horizontalAdvance(QStringLiteral("Default sample type")) + 60);
    if (session_) {
        connect(session_, &ProfileSession::loaded, this, &InfoView::refresh);
        connect(session_, &ProfileSession::analysisReady, this, &InfoView::updateCurrentView);
    }
    refresh();
}

QString InfoView::valueOf(const QString& label) const {
    QList<QTreeWidgetItem*> stack;
    for (int i = topLevelItemCount() - 1; i >= 0; --i) stack.append(topLevelItem(i));
    while (!stack.isEmpty()) {
        QTreeWidgetItem* item = stack.takeLast();
        if (item->text(0) == label) return item->text(1);
        for (int i = item->childCount() - 1; i >= 0; --i) stack.append(item->child(i));
    }
    return {};
}

void InfoView::refresh() {
    const quint64 gen = ++generation_;
    const core::ProfilePtr p = session_ ? session_->rawProfile() : nullptr;
    shown_ = p;
    if (!p || p->sampleCount() <= asyncThreshold_) {
        build(p ? sampleTotals(*p) : std::vector<int64_t>{});
        emit infoReady();
        return;
    }
    build({});  // everything but the totals, at once
    auto* watcher = new QFutureWatcher<std::vector<int64_t>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, gen] {
        const std::vector<int64_t> totals = watcher->result();
        watcher->deleteLater();
        if (gen != generation_) return;
        build(totals);
        emit infoReady();
    });
    watcher->setFuture(QtConcurrent::run([p] { return sampleTotals(*p); }));
}

void InfoView::build(const std::vector<int64_t>& totals) {
    clear();
    viewItem_ = nullptr;
    const core::ProfilePtr pp = shown_;
    if (!pp) {
        addItem(invisibleRootItem(), tr("Profile"), tr("none open"));
        return;
    }
    const core::Profile& p = *pp;
    const core::ProfileData& d = p.data();
    QTreeWidgetItem* root = invisibleRootItem();
    const QString path = session_->path();
    addItem(root, tr("File"), path.isEmpty() ? session_->displayName() : path);

    auto* types = addItem(root, tr("Sample types"), QString::number(p.valueCount()));
    for (size_t i = 0; i < p.valueCount(); ++i) {
        const std::string unit = p.sampleUnit(i);
        QString value = qs(unit);
        if (i < totals.size())
            value = tr("%1, total %2").arg(value, human(totals[i], unit));
        else
            value = tr("%1, total being computed…").arg(value);
        if (i == p.defaultSampleIndex()) value += tr(" (default)");
        addItem(types, qs(p.sampleTypeName(i)), value);
    }
    types->setExpanded(true);
    if (!p.sampleTypes().empty())
        addItem(root, tr("Default sample type"), qs(p.sampleTypeName(p.defaultSampleIndex())));

    if (d.period != 0 || d.periodType.type != core::kEmptyString) {
        QString period = human(d.period, p.str(d.periodType.unit));
        const QString type = qs(p.str(d.periodType.type));
        if (!type.isEmpty()) period = tr("%1 of %2").arg(period, type);
        addItem(root, tr("Period"), period);
    } else {
        addItem(root, tr("Period"), tr("not recorded"));
    }
    if (d.timeNanos != 0) {
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(d.timeNanos / 1000000);
        addItem(root, tr("Time"), t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t")));
    } else {
        addItem(root, tr("Time"), tr("not recorded"));
    }
    addItem(root, tr("Duration"),
            d.durationNanos != 0 ? human(d.durationNanos, "nanoseconds") : tr("not recorded"));

    addItem(root, tr("Samples"), QString::number(p.sampleCount()));
    addItem(root, tr("Locations"), QString::number(d.locations.size()));
    addItem(root, tr("Functions"), QString::number(d.functions.size()));
    addItem(root, tr("Strings"), QString::number(d.strings.size()));

    auto* comments = addItem(root, tr("Comments"), QString::number(d.comments.size()));
    for (core::StrId c : d.comments) addItem(comments, QString(), qs(p.str(c)));
    comments->setExpanded(true);

    auto* mappings = addItem(root, tr("Mappings"), QString::number(d.mappings.size()));
    for (const core::Mapping& m : d.mappings) {
        const QString file = qs(p.str(m.file));
        QStringList parts{QStringLiteral("%1–%2").arg(hex(m.start), hex(m.limit)),
                          tr("offset %1").arg(hex(m.offset))};
        if (m.buildId != core::kEmptyString) parts << tr("build id %1").arg(qs(p.str(m.buildId)));
        QStringList has;
        if (m.hasFunctions) has << tr("functions");
        if (m.hasFilenames) has << tr("files");
        if (m.hasLineNumbers) has << tr("lines");
        if (m.hasInlineFrames) has << tr("inline frames");
        if (!has.isEmpty()) parts << tr("symbolized: %1").arg(has.join(QStringLiteral(", ")));
        auto* item =
            addItem(mappings, file.isEmpty() ? tr("(no file)") : QFileInfo(file).fileName(),
                    parts.join(QStringLiteral(", ")));
        item->setToolTip(0, file);
    }
    mappings->setExpanded(d.mappings.size() <= 20);

    if (d.dropFrames != core::kEmptyString)
        addItem(root, tr("Drop frames"), qs(p.str(d.dropFrames)));
    if (d.keepFrames != core::kEmptyString)
        addItem(root, tr("Keep frames"), qs(p.str(d.keepFrames)));
    if (d.docUrl != core::kEmptyString) addItem(root, tr("Documentation"), qs(p.str(d.docUrl)));
    updateCurrentView();
}

void InfoView::updateCurrentView() {
    if (!shown_ && session_ && session_->rawProfile()) {
        refresh();
        return;
    }
    delete viewItem_;
    viewItem_ = nullptr;
    const auto result = session_ ? session_->result() : nullptr;
    if (!result || !result->table || !shown_) return;
    viewItem_ = addItem(invisibleRootItem(), tr("Current view"), QString());
    const core::FlatTable& t = *result->table;
    addItem(viewItem_, tr("Sample type"), qs(t.sampleType));
    addItem(viewItem_, tr("Total"), human(t.total, t.unit));
    addItem(viewItem_, tr("Granularity"), granularityName(result->options.granularity));
    if (result->profile)
        addItem(viewItem_, tr("Samples shown"), QString::number(result->profile->sampleCount()));
    if (result->isDiff()) addItem(viewItem_, tr("Compared with"), result->options.diffBasePath);
    for (const std::string& w : result->warnings) addItem(viewItem_, tr("Warning"), qs(w));
    viewItem_->setExpanded(true);
}

}  // namespace embers::widgets
