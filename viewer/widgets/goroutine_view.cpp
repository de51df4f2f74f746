#include "goroutine_view.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFont>
#include <QFutureWatcher>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPalette>
#include <QSet>
#include <QShowEvent>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

#include "core/decode.h"
#include "core/errors.h"
#include "core/filter.h"
#include "core/regex.h"
#include "profile_session.h"

namespace embers::widgets {

using core::GoroutineFrame;
using core::GoroutineGroup;
using core::GoroutineGroups;
using core::GroupChange;

namespace {

constexpr int kMaxTooltipFrames = 40;
constexpr int kMaxTooltipIds = 20;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QString baseName(const std::string& path) {
    const size_t slash = path.find_last_of("/\\");
    return qs(slash == std::string::npos ? path : path.substr(slash + 1));
}

QString fileLine(const GoroutineFrame& f, bool fullPath) {
    if (f.file.empty()) return {};
    QString s = fullPath ? qs(f.file) : baseName(f.file);
    if (f.line > 0) s += QLatin1Char(':') + QString::number(f.line);
    return s;
}

QString functionText(const GoroutineFrame& f) {
    if (!f.function.empty()) return qs(f.function);
    if (f.file.empty()) return QStringLiteral("0x") + QString::number(f.address, 16);
    return QStringLiteral("?");
}

// "function  file:line", as the frame rows show it.
QString frameText(const GoroutineFrame& f, bool fullPath) {
    const QString where = fileLine(f, fullPath);
    return where.isEmpty() ? functionText(f) : functionText(f) + QStringLiteral("  ") + where;
}

QString statesText(const GoroutineGroup& g) {
    if (g.states.size() == 1) return qs(g.states[0].first);
    QStringList parts;
    for (const auto& [state, count] : g.states)
        parts << QStringLiteral("%1 ×%2").arg(qs(state)).arg(count);
    return parts.join(QStringLiteral(", "));
}

QString labelsText(const GoroutineGroup& g) {
    QStringList parts;
    for (const core::GroupLabel& l : g.sharedLabels) parts << qs(l.text());
    QStringList sets;  // the labels that differ among the members, with their counts
    for (const auto& [set, count] : g.labelSets)
        sets << QStringLiteral("%1 ×%2").arg(qs(set)).arg(count);
    if (!sets.isEmpty()) parts << sets.join(QStringLiteral("; "));
    return parts.join(QStringLiteral(", "));
}

// ASCII case-insensitive substring search; `needle` is lower case already.
bool containsFolded(std::string_view hay, std::string_view needle) {
    if (needle.empty()) return true;
    auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
        const auto ua = static_cast<unsigned char>(a);
        return static_cast<char>(ua < 0x80 ? std::tolower(ua) : ua) == b;
    });
    return it != hay.end();
}

std::string fileLineKey(const GoroutineFrame& f) {
    std::string s = f.file;
    if (f.line > 0) s += ":" + std::to_string(f.line);
    return s;
}

QColor growthColor() {
    return QColor(0xd3, 0x2f, 0x2f);
}
QColor shrinkColor() {
    return QColor(0x2e, 0x9d, 0x46);
}

}  // namespace

// ---------------------------------------------------------------------------
// GoroutineGroupModel

GoroutineGroupModel::GoroutineGroupModel(QObject* parent) : QAbstractItemModel(parent) {
    columns_ = {Column::Count, Column::States, Column::Wait, Column::TopFrame, Column::Labels};
}

GoroutineGroupModel::~GoroutineGroupModel() = default;

void GoroutineGroupModel::setGroups(std::shared_ptr<const GoroutineGroups> current,
                                    std::shared_ptr<const GoroutineGroups> baseline) {
    beginResetModel();
    const bool wasComparing = baseline_ != nullptr;
    const bool first = !current_ && entries_.empty();
    current_ = std::move(current);
    baseline_ = std::move(baseline);
    if (baseline_ && !current_) current_ = std::make_shared<const GoroutineGroups>();
    entries_.clear();
    if (baseline_) {
        for (const core::GroupDelta& d : core::compareGroups(*baseline_, *current_)) {
            Entry e;
            e.group = d.after >= 0 ? &current_->groups[size_t(d.after)]
                                   : &baseline_->groups[size_t(d.before)];
            e.count = d.afterCount;
            e.baseCount = d.beforeCount;
            e.change = d.change;
            entries_.push_back(e);
        }
        columns_ = {Column::Count, Column::Change,   Column::Baseline, Column::States,
                    Column::Wait,  Column::TopFrame, Column::Labels};
    } else {
        if (current_) {
            for (const GoroutineGroup& g : current_->groups) {
                Entry e;
                e.group = &g;
                e.count = g.count;
                entries_.push_back(e);
            }
        }
        columns_ = {Column::Count, Column::States, Column::Wait, Column::TopFrame, Column::Labels};
    }
    if (first || wasComparing != (baseline_ != nullptr)) {
        // A new mode starts with its natural order: count, or size of change.
        sortColumn_ = columnOf(baseline_ ? Column::Change : Column::Count);
        sortOrder_ = Qt::DescendingOrder;
    }
    for (Entry& e : entries_)
        e.highlighted =
            !highlight_.empty() &&
            std::any_of(e.group->frames.begin(), e.group->frames.end(),
                        [&](const GoroutineFrame& f) { return f.function == highlight_; });
    applyFilter();
    endResetModel();
}

bool GoroutineGroupModel::setFilter(const QString& pattern, bool regex, QString* error) {
    if (error) error->clear();
    std::optional<core::Regex> re;
    if (regex && !pattern.isEmpty()) {
        try {
            re.emplace(pattern.toStdString(), tr("The filter").toStdString());
        } catch (const core::UsageError& e) {
            if (error) *error = QString::fromStdString(e.what());
            re.reset();
        }
    }
    const bool ok = !regex || pattern.isEmpty() || re.has_value();
    beginResetModel();
    filter_ = pattern;
    filterRegex_ = regex;  // an invalid expression filters nothing (applyFilter)
    applyFilter();
    endResetModel();
    return ok;
}

void GoroutineGroupModel::applyFilter() {
    rows_.clear();
    std::optional<core::Regex> re;
    std::string needle;
    if (!filter_.isEmpty()) {
        if (filterRegex_) {
            try {
                re.emplace(filter_.toStdString(), "the filter");
            } catch (const core::UsageError&) {
            }
        } else {
            needle = filter_.toLower().toStdString();
        }
    }
    const bool filtering = re.has_value() || !needle.empty();
    for (size_t i = 0; i < entries_.size(); ++i) {
        bool keep = !filtering;
        for (const GoroutineFrame& f : entries_[i].group->frames) {
            if (keep) break;
            const std::string where = fileLineKey(f);
            keep = re ? re->search(f.function) || (!where.empty() && re->search(where))
                      : containsFolded(f.function, needle) || containsFolded(where, needle);
        }
        if (keep) rows_.push_back(int(i));
    }
    sortRows();
    rebuildRowIndex();
}

void GoroutineGroupModel::rebuildRowIndex() {
    rowOf_.assign(entries_.size(), -1);
    for (size_t r = 0; r < rows_.size(); ++r) rowOf_[size_t(rows_[r])] = int(r);
}

QVariant GoroutineGroupModel::sortKey(const Entry& e, Column column) const {
    const GoroutineGroup& g = *e.group;
    switch (column) {
        case Column::Count:
            return qint64(e.count);
        case Column::Change:
            return qint64(std::abs(e.count - e.baseCount));
        case Column::Baseline:
            return qint64(e.baseCount);
        case Column::States:
            return statesText(g);
        case Column::Wait:
            return qint64(g.hasWait() ? g.maxWait : -1);
        case Column::TopFrame:
            return g.top() ? frameText(*g.top(), false) : QString();
        case Column::Labels:
            return labelsText(g);
    }
    return {};
}

void GoroutineGroupModel::sortRows() {
    std::sort(rows_.begin(), rows_.end());  // ties keep the core's order
    if (sortColumn_ < 0 || sortColumn_ >= int(columns_.size())) return;
    const Column column = columns_[size_t(sortColumn_)];
    const bool descending = sortOrder_ == Qt::DescendingOrder;
    std::vector<QVariant> keys(entries_.size());
    for (const int r : rows_) keys[size_t(r)] = sortKey(entries_[size_t(r)], column);
    auto less = [&](int a, int b) {
        const QVariant& ka = keys[size_t(a)];
        const QVariant& kb = keys[size_t(b)];
        if (ka.typeId() == QMetaType::QString)
            return ka.toString().compare(kb.toString(), Qt::CaseInsensitive) < 0;
        if (column == Column::Change && ka.toLongLong() == kb.toLongLong()) {
            // Same size of change: growth before shrinkage.
            const Entry& ea = entries_[size_t(a)];
            const Entry& eb = entries_[size_t(b)];
            return ea.count - ea.baseCount < eb.count - eb.baseCount;
        }
        if (column == Column::Wait && ka.toLongLong() == kb.toLongLong())
            return entries_[size_t(a)].group->minWait < entries_[size_t(b)].group->minWait;
        return ka.toLongLong() < kb.toLongLong();
    };
    std::stable_sort(rows_.begin(), rows_.end(),
                     [&](int a, int b) { return descending ? less(b, a) : less(a, b); });
}

void GoroutineGroupModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= int(columns_.size())) return;
    if (column == sortColumn_ && order == sortOrder_) return;
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    // Top-level persistent indexes move with their entry; frame rows keep
    // their row and internal id (the entry), so they stay valid as they are.
    const QModelIndexList persistent = persistentIndexList();
    std::vector<int> entryOf;
    entryOf.reserve(size_t(persistent.size()));
    for (const QModelIndex& i : persistent)
        entryOf.push_back(
            i.internalId() == 0 && i.row() < int(rows_.size()) ? rows_[size_t(i.row())] : -1);
    sortColumn_ = column;
    sortOrder_ = order;
    sortRows();
    rebuildRowIndex();
    QModelIndexList from, to;
    for (qsizetype k = 0; k < persistent.size(); ++k) {
        if (entryOf[size_t(k)] < 0) continue;
        from << persistent[k];
        to << createIndex(rowOf_[size_t(entryOf[size_t(k)])], persistent[k].column(), quintptr(0));
    }
    changePersistentIndexList(from, to);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void GoroutineGroupModel::setHighlightedFunction(const QString& function) {
    const std::string f = function.toStdString();
    if (f == highlight_) return;
    highlight_ = f;
    for (Entry& e : entries_)
        e.highlighted =
            !highlight_.empty() &&
            std::any_of(e.group->frames.begin(), e.group->frames.end(),
                        [&](const GoroutineFrame& fr) { return fr.function == highlight_; });
    if (rows_.empty()) return;
    const QList<int> roles{Qt::FontRole};
    emit dataChanged(index(0, 0), index(int(rows_.size()) - 1, columnCount() - 1), roles);
    for (size_t r = 0; r < rows_.size(); ++r) {
        const int frames = int(entries_[size_t(rows_[r])].group->frames.size());
        if (frames == 0) continue;
        const QModelIndex parent = index(int(r), 0);
        emit dataChanged(index(0, 0, parent), index(frames - 1, columnCount() - 1, parent), roles);
    }
}

GoroutineGroupModel::Column GoroutineGroupModel::columnKind(int column) const {
    return columns_[size_t(std::clamp(column, 0, int(columns_.size()) - 1))];
}

int GoroutineGroupModel::columnOf(Column kind) const {
    const auto it = std::find(columns_.begin(), columns_.end(), kind);
    return it == columns_.end() ? -1 : int(it - columns_.begin());
}

qint64 GoroutineGroupModel::visibleTotal() const {
    qint64 sum = 0;
    for (const int r : rows_) sum += entries_[size_t(r)].count;
    return sum;
}

qint64 GoroutineGroupModel::visibleBaselineTotal() const {
    qint64 sum = 0;
    for (const int r : rows_) sum += entries_[size_t(r)].baseCount;
    return sum;
}

QModelIndex GoroutineGroupModel::index(int row, int column, const QModelIndex& parent) const {
    if (!hasIndex(row, column, parent)) return {};
    if (!parent.isValid()) return createIndex(row, column, quintptr(0));
    // Frame rows carry their entry (plus one) as the internal id.
    return createIndex(row, column, quintptr(rows_[size_t(parent.row())]) + 1);
}

QModelIndex GoroutineGroupModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == 0) return {};
    const size_t entry = size_t(child.internalId() - 1);
    if (entry >= rowOf_.size() || rowOf_[entry] < 0) return {};
    return createIndex(rowOf_[entry], 0, quintptr(0));
}

int GoroutineGroupModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid()) return int(rows_.size());
    if (parent.column() != 0 || parent.internalId() != 0) return 0;
    return int(entries_[size_t(rows_[size_t(parent.row())])].group->frames.size());
}

int GoroutineGroupModel::columnCount(const QModelIndex&) const {
    return int(columns_.size());
}

Qt::ItemFlags GoroutineGroupModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.internalId() != 0) f |= Qt::ItemNeverHasChildren;
    return f;
}

QVariant GoroutineGroupModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= int(columns_.size())) return {};
    const Column c = columns_[size_t(section)];
    if (role == Qt::DisplayRole) {
        switch (c) {
            case Column::Count:
                return tr("Count");
            case Column::Change:
                return tr("Change");
            case Column::Baseline:
                return tr("Baseline");
            case Column::States:
                return tr("States");
            case Column::Wait:
                return tr("Wait");
            case Column::TopFrame:
                return tr("Top frame");
            case Column::Labels:
                return tr("Labels");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (c) {
            case Column::Count:
                return tr("Goroutines with this stack");
            case Column::Change:
                return tr("Change against the baseline");
            case Column::Baseline:
                return tr("Goroutines with this stack in the baseline");
            case Column::States:
                return tr("What the goroutines are doing (goroutine?debug=2 dumps)");
            case Column::Wait:
                return tr("How long they have been blocked; Go reports waits of a minute or more");
            case Column::TopFrame:
                return tr("The innermost frame outside the Go runtime");
            case Column::Labels:
                return tr("Labels every goroutine of the group carries");
        }
    } else if (role == Qt::TextAlignmentRole) {
        if (c == Column::Count || c == Column::Change || c == Column::Baseline)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

const GoroutineFrame* GoroutineGroupModel::frameAt(const QModelIndex& index) const {
    if (!index.isValid() || index.internalId() == 0) return nullptr;
    const size_t entry = size_t(index.internalId() - 1);
    if (entry >= entries_.size()) return nullptr;
    const auto& frames = entries_[entry].group->frames;
    return size_t(index.row()) < frames.size() ? &frames[size_t(index.row())] : nullptr;
}

QVariant GoroutineGroupModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    if (index.internalId() == 0) {
        if (size_t(index.row()) >= rows_.size()) return {};
        return groupData(entries_[size_t(rows_[size_t(index.row())])], columnKind(index.column()),
                         role);
    }
    const size_t entry = size_t(index.internalId() - 1);
    if (entry >= entries_.size()) return {};
    if (index.column() != 0 && role != FunctionRole && role != IsFrameRole &&
        role != Qt::ToolTipRole && role != Qt::FontRole && role != Qt::ForegroundRole)
        return {};
    return frameData(entries_[entry], index.row(), role);
}

QVariant GoroutineGroupModel::groupData(const Entry& e, Column column, int role) const {
    const GoroutineGroup& g = *e.group;
    const int64_t delta = e.count - e.baseCount;
    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case Column::Count:
                    return QString::number(e.count);
                case Column::Change:
                    switch (e.change) {
                        case GroupChange::New:
                            return tr("new (+%1)").arg(delta);
                        case GroupChange::Gone:
                            return tr("gone (%1)").arg(delta);
                        case GroupChange::Grew:
                            return QStringLiteral("+%1").arg(delta);
                        case GroupChange::Shrank:
                            return QString::number(delta);
                        case GroupChange::Unchanged:
                            return QStringLiteral("0");
                    }
                    return {};
                case Column::Baseline:
                    return QString::number(e.baseCount);
                case Column::States:
                    return statesText(g);
                case Column::Wait: {
                    if (!g.hasWait()) return QString();
                    // Go leaves out waits under a minute.
                    const bool partial = g.waitKnown < e.count;
                    if (partial) return tr("<1–%1 min").arg(g.maxWait);
                    if (g.minWait == g.maxWait) return tr("%1 min").arg(g.maxWait);
                    return tr("%1–%2 min").arg(g.minWait).arg(g.maxWait);
                }
                case Column::TopFrame:
                    return g.top() ? frameText(*g.top(), false) : QString();
                case Column::Labels:
                    return labelsText(g);
            }
            return {};
        case Qt::TextAlignmentRole:
            if (column == Column::Count || column == Column::Change || column == Column::Baseline)
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        case Qt::ForegroundRole:
            if (column == Column::Change) {
                if (e.change == GroupChange::Grew || e.change == GroupChange::New)
                    return growthColor();
                if (e.change == GroupChange::Shrank || e.change == GroupChange::Gone)
                    return shrinkColor();
            }
            if (e.change == GroupChange::Gone)
                return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
            return {};
        case Qt::FontRole:
            if (e.highlighted || e.change == GroupChange::Gone) {
                QFont f;
                f.setBold(e.highlighted);
                f.setItalic(e.change == GroupChange::Gone);
                return f;
            }
            return {};
        case Qt::ToolTipRole: {
            QStringList lines;
            lines << tr("Count: %1").arg(e.count);
            if (isComparing())
                lines << tr("Baseline: %1 (%2)")
                             .arg(e.baseCount)
                             .arg(delta > 0 ? QStringLiteral("+%1").arg(delta)
                                            : QString::number(delta));
            for (const auto& [state, count] : g.states)
                lines << tr("%1: %2").arg(qs(state)).arg(count);
            if (g.hasWait())
                lines << tr("Waiting %1–%2 min (%3 of %4 report a wait)")
                             .arg(g.minWait)
                             .arg(g.maxWait)
                             .arg(g.waitKnown)
                             .arg(g.count);
            if (!g.goroutineIds.empty()) {
                QStringList ids;
                for (size_t i = 0; i < g.goroutineIds.size() && i < size_t(kMaxTooltipIds); ++i)
                    ids << QString::number(g.goroutineIds[i]);
                if (g.goroutineIds.size() > size_t(kMaxTooltipIds)) ids << QStringLiteral("…");
                lines << tr("Goroutines: %1").arg(ids.join(QStringLiteral(", ")));
            }
            for (const core::GroupLabel& l : g.sharedLabels) lines << qs(l.text());
            for (const auto& [set, count] : g.labelSets)
                lines << QStringLiteral("%1: %2").arg(qs(set)).arg(count);
            lines << QString();
            for (size_t i = 0; i < g.frames.size() && i < size_t(kMaxTooltipFrames); ++i)
                lines << frameText(g.frames[i], true);
            if (g.frames.size() > size_t(kMaxTooltipFrames)) lines << QStringLiteral("…");
            return QStringLiteral("<pre>%1</pre>")
                .arg(lines.join(QLatin1Char('\n')).toHtmlEscaped());
        }
        case FunctionRole:
            return g.top() ? qs(g.top()->function) : QString();
        case IsFrameRole:
            return false;
        case CountRole:
            return qint64(e.count);
        case BaselineCountRole:
            return qint64(e.baseCount);
        case DeltaRole:
            return qint64(delta);
        case ChangeRole:
            return int(e.change);
        case KeyRole:
            return qs(g.key);
        case SortRole:
            return sortKey(e, column);
        default:
            return {};
    }
}

QVariant GoroutineGroupModel::frameData(const Entry& e, int frame, int role) const {
    const GoroutineGroup& g = *e.group;
    if (frame < 0 || size_t(frame) >= g.frames.size()) return {};
    const GoroutineFrame& f = g.frames[size_t(frame)];
    switch (role) {
        case Qt::DisplayRole:
            return frameText(f, true);
        case Qt::ToolTipRole: {
            const QString where = fileLine(f, true);
            return where.isEmpty() ? functionText(f) : functionText(f) + QLatin1Char('\n') + where;
        }
        case Qt::ForegroundRole:
            // Runtime internals above the interesting frame are muted.
            if (size_t(frame) < g.topFrame)
                return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
            return {};
        case Qt::FontRole:
            if (!highlight_.empty() && f.function == highlight_) {
                QFont font;
                font.setBold(true);
                return font;
            }
            return {};
        case FunctionRole:
            return qs(f.function);
        case IsFrameRole:
            return true;
        case CountRole:
            return qint64(e.count);
        case KeyRole:
            return qs(g.key);
        case SortRole:
            return frame;
        default:
            return {};
    }
}

// ---------------------------------------------------------------------------
// GoroutineView

namespace {

struct GroupOutcome {
    std::shared_ptr<const GoroutineGroups> current;
    std::shared_ptr<const GoroutineGroups> baseline;
    QString error;
};

struct BaselineOutcome {
    core::ProfilePtr profile;
    QString error;
};

// The baseline's sample type matching the current one by name, else its default.
int matchingSampleIndex(const core::Profile& current, size_t index, const core::Profile& base) {
    if (index < current.valueCount()) {
        const std::string name = current.sampleTypeName(index);
        for (size_t i = 0; i < base.valueCount(); ++i)
            if (base.sampleTypeName(i) == name) return int(i);
    }
    return -1;
}

}  // namespace

GoroutineView::GoroutineView(ProfileSession* session, QWidget* parent)
    : QWidget(parent), session_(session), model_(new GoroutineGroupModel(this)) {
    filterEdit_ = new QLineEdit(this);
    filterEdit_->setPlaceholderText(tr("Filter stacks by function or file:line"));
    filterEdit_->setClearButtonEnabled(true);
    regexBox_ = new QCheckBox(tr("Regex"), this);
    regexBox_->setToolTip(tr("Match the filter as a regular expression (RE2 syntax)"));
    compareButton_ = new QToolButton(this);
    compareButton_->setText(tr("Compare groups…"));
    compareButton_->setToolTip(tr("Compare the groups with another goroutine profile or dump"));
    clearCompareButton_ = new QToolButton(this);
    clearCompareButton_->setText(tr("Stop comparing groups"));
    clearCompareButton_->setVisible(false);
    summary_ = new QLabel(this);
    summary_->setMinimumWidth(60);  // cut (whole text in the tooltip) rather than squeeze
    message_ = new QLabel(this);
    message_->setWordWrap(true);
    message_->setVisible(false);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    tree_ = new QTreeView(this);
    tree_->setModel(model_);
    tree_->setUniformRowHeights(true);
    tree_->setAlternatingRowColors(true);
    tree_->setSelectionBehavior(QAbstractItemView::SelectRows);
    tree_->setSelectionMode(QAbstractItemView::SingleSelection);
    tree_->setSortingEnabled(true);
    tree_->header()->setSortIndicator(model_->sortColumn(), model_->sortOrder());
    tree_->header()->setStretchLastSection(true);
    tree_->setAllColumnsShowFocus(true);

    auto* top = new QHBoxLayout;
    top->addWidget(filterEdit_, 1);
    top->addWidget(regexBox_);
    top->addWidget(summary_);
    top->addWidget(compareButton_);
    top->addWidget(clearCompareButton_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(message_);
    layout->addWidget(tree_, 1);

    connect(filterEdit_, &QLineEdit::textChanged, this, &GoroutineView::applyFilterFromUi);
    connect(regexBox_, &QCheckBox::toggled, this, &GoroutineView::applyFilterFromUi);
    connect(compareButton_, &QToolButton::clicked, this, &GoroutineView::chooseBaseline);
    connect(clearCompareButton_, &QToolButton::clicked, this, &GoroutineView::clearBaseline);
    connect(tree_, &QTreeView::expanded, this, &GoroutineView::spanFrameRows);
    connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current); });
    connect(model_, &QAbstractItemModel::modelReset, this, &GoroutineView::updateSummary);

    if (session_) {
        connect(session_, &ProfileSession::analysisReady, this, &GoroutineView::onAnalysisReady);
        connect(session_, &ProfileSession::functionSelected, model_,
                &GoroutineGroupModel::setHighlightedFunction);
        model_->setHighlightedFunction(session_->selectedFunction());
        if (session_->result()) onAnalysisReady();
    }
    updateSummary();
}

GoroutineView::~GoroutineView() = default;

void GoroutineView::onAnalysisReady() {
    const auto result = session_ ? session_->result() : nullptr;
    if (isVisible() || baseline_ || !result || !result->profile ||
        core::isGoroutineProfile(*result->profile)) {
        refresh();
    } else {
        dirty_ = true;  // grouped when shown
    }
}

void GoroutineView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (dirty_) refresh();
}

void GoroutineView::refresh() {
    dirty_ = false;
    const quint64 gen = ++generation_;
    const auto result = session_ ? session_->result() : nullptr;
    if (!result || !result->profile) {
        groupError_.clear();
        model_->setGroups(nullptr);
        showMessage({});
        emit groupsReady();
        return;
    }
    const core::ProfilePtr profile = result->profile;
    const size_t sampleIndex = result->analysis.sampleIndex;
    const bool isDiff = result->isDiff();
    const core::ProfilePtr baseline = baseline_;
    const core::FilterOptions filters = result->options.filters;

    auto* watcher = new QFutureWatcher<GroupOutcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, gen] {
        const GroupOutcome out = watcher->result();
        watcher->deleteLater();
        if (gen != generation_) return;
        // Keep the groups the user opened across the regrouping.
        QSet<QString> expanded;
        for (int r = 0; r < model_->rowCount(); ++r) {
            const QModelIndex i = model_->index(r, 0);
            if (tree_->isExpanded(i))
                expanded.insert(i.data(GoroutineGroupModel::KeyRole).toString());
        }
        const int oldColumns = model_->columnCount();
        groupError_ = out.error;
        model_->setGroups(out.current, out.baseline);
        if (model_->columnCount() != oldColumns ||
            tree_->header()->sortIndicatorSection() != model_->sortColumn() ||
            tree_->header()->sortIndicatorOrder() != model_->sortOrder())
            tree_->header()->setSortIndicator(model_->sortColumn(), model_->sortOrder());
        const bool states = out.current && out.current->hasStates;
        const bool waits =
            (out.current && out.current->hasWaits) || (out.baseline && out.baseline->hasWaits);
        // Hidden columns are per section: reveal all, then hide what is empty.
        for (int c = 0; c < model_->columnCount(); ++c) tree_->setColumnHidden(c, false);
        tree_->setColumnHidden(model_->columnOf(GoroutineGroupModel::Column::States),
                               !states && !(out.baseline && out.baseline->hasStates));
        tree_->setColumnHidden(model_->columnOf(GoroutineGroupModel::Column::Wait), !waits);
        // Room for the function names: fit the columns before the last to their contents,
        // up to half the view each (of a typical view while this one is still hidden and
        // has no width of its own).
        const int room = std::max(tree_->width(), 700) / 2;
        for (int c = 0; c + 1 < model_->columnCount(); ++c) {
            if (tree_->isColumnHidden(c)) continue;
            tree_->resizeColumnToContents(c);
            tree_->setColumnWidth(c, std::min(tree_->columnWidth(c), room));
        }
        for (int r = 0; r < model_->rowCount() && !expanded.isEmpty(); ++r) {
            const QModelIndex i = model_->index(r, 0);
            if (expanded.contains(i.data(GoroutineGroupModel::KeyRole).toString()))
                tree_->expand(i);
        }
        showMessage(out.error);
        updateSummary();
        emit groupsReady();
    });
    watcher->setFuture(QtConcurrent::run([profile, sampleIndex, isDiff, baseline, filters] {
        GroupOutcome out;
        try {
            core::GroupOptions o;
            o.sampleIndex = sampleIndex < profile->valueCount() ? int(sampleIndex) : -1;
            o.side = isDiff ? core::DiffSide::Current : core::DiffSide::All;
            out.current =
                std::make_shared<const GoroutineGroups>(core::groupGoroutines(*profile, o));
            if (baseline) {
                const core::ProfilePtr base =
                    filters.empty() ? baseline : core::applyFilters(baseline, filters);
                core::GroupOptions bo;
                bo.sampleIndex = matchingSampleIndex(*profile, sampleIndex, *base);
                out.baseline =
                    std::make_shared<const GoroutineGroups>(core::groupGoroutines(*base, bo));
            } else if (isDiff) {
                o.side = core::DiffSide::Base;
                out.baseline =
                    std::make_shared<const GoroutineGroups>(core::groupGoroutines(*profile, o));
            }
        } catch (const std::bad_alloc&) {
            out.error = GoroutineView::tr("Not enough memory to group the goroutines.");
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    }));
}

void GoroutineView::setBaseline(core::ProfilePtr baseline, const QString& name) {
    ++baselineGeneration_;  // a baseline still loading is superseded
    const bool was = baseline_ != nullptr;
    baseline_ = std::move(baseline);
    baselineName_ = baseline_ ? name : QString();
    clearCompareButton_->setVisible(baseline_ != nullptr);
    refresh();
    if (was || baseline_) emit baselineChanged(baseline_ != nullptr);
}

void GoroutineView::clearBaseline() {
    setBaseline(nullptr);
}

void GoroutineView::openBaseline(const QString& path) {
    const quint64 gen = ++baselineGeneration_;
    showMessage(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    auto* watcher = new QFutureWatcher<BaselineOutcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, gen, path] {
        const BaselineOutcome out = watcher->result();
        watcher->deleteLater();
        if (gen != baselineGeneration_) return;
        if (!out.profile) {
            showMessage(out.error);
            emit baselineFailed(out.error);
            return;
        }
        showMessage({});
        setBaseline(out.profile, QFileInfo(path).fileName());
    });
    watcher->setFuture(QtConcurrent::run([path]() -> BaselineOutcome {
        try {
            return {core::readProfileFile(path.toStdString()), {}};
        } catch (const std::bad_alloc&) {
            return {nullptr, path + GoroutineView::tr(": not enough memory to open this profile")};
        } catch (const std::exception& e) {
            return {nullptr, QString::fromStdString(e.what())};
        }
    }));
}

void GoroutineView::chooseBaseline() {
    QString dir;
    if (session_ && !session_->path().isEmpty()) dir = QFileInfo(session_->path()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Compare the groups with another dump"), dir,
        tr("Goroutine profiles and dumps (*.pb.gz *.pb *.prof *.txt *.gz);;All files (*)"));
    if (!path.isEmpty()) openBaseline(path);
}

void GoroutineView::setFilter(const QString& text, bool regex) {
    // Through the widgets, so that they show what is applied.
    const QSignalBlocker blockEdit(filterEdit_), blockBox(regexBox_);
    filterEdit_->setText(text);
    regexBox_->setChecked(regex);
    applyFilterFromUi();
}

void GoroutineView::applyFilterFromUi() {
    QString error;
    const bool ok = model_->setFilter(filterEdit_->text(), regexBox_->isChecked(), &error);
    filterEdit_->setToolTip(ok ? QString() : error);
    showMessage(ok ? groupError_ : error);
    updateSummary();
}

void GoroutineView::spanFrameRows(const QModelIndex& group) {
    if (!group.isValid() || group.parent().isValid()) return;
    const int n = model_->rowCount(group);
    for (int r = 0; r < n; ++r) tree_->setFirstColumnSpanned(r, group, true);
}

void GoroutineView::onCurrentChanged(const QModelIndex& current) {
    if (!session_ || !current.isValid()) return;
    if (!current.data(GoroutineGroupModel::IsFrameRole).toBool()) return;
    const QString function = current.data(GoroutineGroupModel::FunctionRole).toString();
    if (!function.isEmpty()) session_->selectFunction(function);
}

void GoroutineView::showMessage(const QString& message) {
    message_->setText(
        message.isEmpty()
            ? QString()
            : QStringLiteral("<span style='color:#d32f2f'>%1</span>").arg(message.toHtmlEscaped()));
    message_->setVisible(!message.isEmpty());
}

QString GoroutineView::summaryText() const {
    const auto groups = model_->groups();
    if (!groups) return {};
    QString what = tr("goroutines");
    if (session_ && session_->result() && session_->result()->profile) {
        const auto& p = *session_->result()->profile;
        if (groups->sampleIndex < p.valueCount()) {
            const std::string type = p.sampleTypeName(groups->sampleIndex);
            if (type == "threadcreate")
                what = tr("threads");
            else if (type != "goroutine" && type != "goroutines")
                what = QString::fromStdString(type);
        }
    }
    const int shown = model_->visibleGroups();
    const int all = model_->entryCount();
    const qint64 total = model_->visibleTotal();
    QString text = shown == all
                       ? tr("%1 groups · %2 %3").arg(all).arg(total).arg(what)
                       : tr("%1 of %2 groups · %3 %4").arg(shown).arg(all).arg(total).arg(what);
    if (model_->isComparing()) {
        const qint64 base = model_->visibleBaselineTotal();
        const qint64 delta = total - base;
        const QString name = baselineName_.isEmpty() ? tr("the baseline") : baselineName_;
        text += tr(" · vs %1: %2 → %3 (%4)")
                    .arg(name)
                    .arg(base)
                    .arg(total)
                    .arg(delta > 0 ? QStringLiteral("+%1").arg(delta) : QString::number(delta));
    }
    return text;
}

void GoroutineView::updateSummary() {
    summary_->setText(summaryText());
    summary_->setToolTip(summary_->text());
}

}  // namespace embers::widgets
