#include "top_table_model.h"

#include <QColor>
#include <cstdlib>

#include "core/units.h"

namespace embers::widgets {

namespace {

// Growth and shrinkage in a diff, readable on light and dark backgrounds.
const QColor kGrowth(0xd0, 0x3b, 0x30);
const QColor kShrink(0x2e, 0x9a, 0x45);

int64_t absValue(int64_t v) {
    return v < 0 ? -v : v;
}

}  // namespace

ValueFormatter::ValueFormatter(std::string sampleUnit, int64_t minValue, int64_t total,
                               bool showSign)
    : sampleUnit_(std::move(sampleUnit)),
      outputUnit_(core::chooseOutputUnit(minValue, total, sampleUnit_)),
      total_(total),
      showSign_(showSign) {}

QString ValueFormatter::value(int64_t v) const {
    QString s = QString::fromStdString(core::scaledLabel(v, sampleUnit_, outputUnit_));
    if (showSign_ && v > 0) s.prepend(QLatin1Char('+'));
    return s;
}

QString ValueFormatter::percentOf(int64_t v, int64_t whole) const {
    QString s = QString::fromStdString(core::percentage(v, whole)).trimmed();
    if (whole != 0 && v != 0) {
        // percentage() shows magnitudes; the sign is ours to add.
        const bool negative = (v < 0) != (whole < 0);
        if (negative)
            s.prepend(QLatin1Char('-'));
        else if (showSign_)
            s.prepend(QLatin1Char('+'));
    }
    return s;
}

std::string quoteMeta(std::string_view text) {
    static constexpr std::string_view special = R"(\.+*?()|[]{}^$)";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (special.find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

QString functionNameOf(const core::NodeInfo& n, core::Granularity g) {
    if (g == core::Granularity::Files) return {};
    if (n.file.empty() && n.line == 0) return QString::fromStdString(n.printableName());
    core::NodeInfo f = n;
    f.file.clear();
    f.line = 0;
    return QString::fromStdString(f.printableName());
}

// --- TopTableModel ---

TopTableModel::TopTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TopTableModel::setTable(std::shared_ptr<const core::FlatTable> table,
                             core::Granularity granularity, bool isDiff) {
    beginResetModel();
    table_ = std::move(table);
    granularity_ = granularity;
    names_.clear();
    functionNames_.clear();
    files_.clear();
    sums_.clear();
    byFunction_.clear();
    formatter_ = {};
    if (table_) {
        const auto& rows = table_->rows;
        names_.reserve(static_cast<qsizetype>(rows.size()));
        functionNames_.reserve(static_cast<qsizetype>(rows.size()));
        sums_.reserve(rows.size());
        int64_t minValue = 0, sum = 0;
        for (size_t i = 0; i < rows.size(); ++i) {
            const core::FlatRow& r = rows[i];
            const core::NodeInfo& n = table_->nodes[r.node];
            // pprof's selectOutputUnit: the smallest non-zero flat (or cum).
            int64_t v = absValue(r.flat);
            if (v == 0) v = absValue(r.cum);
            if (v > 0 && (minValue == 0 || v < minValue)) minValue = v;
            sum += r.flat;
            sums_.push_back(sum);
            const QString function = functionNameOf(n, granularity_);
            functionNames_.append(function);
            if (!function.isEmpty()) byFunction_[function].append(static_cast<int>(i));
            if (granularity_ == core::Granularity::Lines) {
                names_.append(function);
                files_.append(QString::fromStdString(n.file));
            } else {
                names_.append(QString::fromStdString(n.printableName()));
            }
        }
        formatter_ = ValueFormatter(table_->unit, minValue, table_->total, isDiff);
    }
    endResetModel();
}

int TopTableModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() || !table_) return 0;
    return static_cast<int>(table_->rows.size());
}

int TopTableModel::columnCount(const QModelIndex& parent) const {
    if (parent.isValid()) return 0;
    return granularity_ == core::Granularity::Lines ? Line + 1 : Name + 1;
}

QVariant TopTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int r = index.row();
    const core::FlatRow& fr = row(r);
    const int64_t total = table_->total;
    const auto column = static_cast<Column>(index.column());

    auto rawValue = [&]() -> QVariant {
        switch (column) {
            case Flat:
                return qlonglong(fr.flat);
            case FlatPercent:
                return ValueFormatter::ratio(fr.flat, total);
            case SumPercent:
                return ValueFormatter::ratio(sums_[size_t(r)], total);
            case Cum:
                return qlonglong(fr.cum);
            case CumPercent:
                return ValueFormatter::ratio(fr.cum, total);
            case Name:
                return names_[r];
            case File:
                return files_.value(r);
            case Line:
                return qlonglong(node(r).line);
        }
        return {};
    };

    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case Flat:
                    return formatter_.value(fr.flat);
                case FlatPercent:
                    return formatter_.percent(fr.flat);
                case SumPercent:
                    return formatter_.percent(sums_[size_t(r)]);
                case Cum:
                    return formatter_.value(fr.cum);
                case CumPercent:
                    return formatter_.percent(fr.cum);
                case Name:
                    return names_[r];
                case File:
                    return files_.value(r);
                case Line:
                    return qlonglong(node(r).line);
            }
            return {};
        case RawValueRole:
            return rawValue();
        case SortRole:
            switch (column) {
                case Flat:
                    return qlonglong(absValue(fr.flat));
                case FlatPercent:
                    return qlonglong(absValue(fr.flat));
                case SumPercent:
                    return qlonglong(absValue(sums_[size_t(r)]));
                case Cum:
                    return qlonglong(absValue(fr.cum));
                case CumPercent:
                    return qlonglong(absValue(fr.cum));
                default:
                    return rawValue();
            }
        case FunctionNameRole:
            return functionNames_[r];
        case Qt::ToolTipRole:
            return QString::fromStdString(node(r).printableName());
        case Qt::TextAlignmentRole:
            if (column == Name || column == File) return int(Qt::AlignLeft | Qt::AlignVCenter);
            return int(Qt::AlignRight | Qt::AlignVCenter);
        case Qt::ForegroundRole: {
            if (!isDiff() || column >= Name) return {};
            const int64_t v = column == Cum || column == CumPercent ? fr.cum
                              : column == SumPercent                ? sums_[size_t(r)]
                                                                    : fr.flat;
            if (v > 0) return kGrowth;
            if (v < 0) return kShrink;
            return {};
        }
        default:
            return {};
    }
}

QVariant TopTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    const auto column = static_cast<Column>(section);
    if (role == Qt::DisplayRole) {
        switch (column) {
            case Flat:
                return tr("Flat");
            case FlatPercent:
                return tr("Flat%");
            case SumPercent:
                return tr("Sum%");
            case Cum:
                return tr("Cum");
            case CumPercent:
                return tr("Cum%");
            case Name:
                return granularity_ == core::Granularity::Files ? tr("File") : tr("Name");
            case File:
                return tr("File");
            case Line:
                return tr("Line");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (column) {
            case Flat:
                return tr("Value in the function itself");
            case FlatPercent:
                return tr("Flat as a share of the total");
            case SumPercent:
                return tr("Running sum of flat down to this row, as a share of the total");
            case Cum:
                return tr("Value in the function and everything it calls");
            case CumPercent:
                return tr("Cum as a share of the total");
            default:
                return {};
        }
    } else if (role == Qt::TextAlignmentRole) {
        if (column == Name || column == File) return int(Qt::AlignLeft | Qt::AlignVCenter);
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

// --- TopTableProxyModel ---

TopTableProxyModel::TopTableProxyModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(SortRole);
    setFilterKeyColumn(TopTableModel::Name);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    connect(this, &QAbstractItemModel::modelReset, this, [this] { markSumsDirty(false); });
    connect(this, &QAbstractItemModel::layoutChanged, this, [this] { markSumsDirty(true); });
    connect(this, &QAbstractItemModel::rowsInserted, this, [this] { markSumsDirty(true); });
    connect(this, &QAbstractItemModel::rowsRemoved, this, [this] { markSumsDirty(true); });
    connect(this, &QAbstractItemModel::rowsMoved, this, [this] { markSumsDirty(true); });
}

void TopTableProxyModel::markSumsDirty(bool announce) {
    sumsDirty_ = true;
    // Every row's running sum may have changed; views repaint them.
    if (announce && rowCount() > 0 && columnCount() > TopTableModel::SumPercent)
        emit dataChanged(index(0, TopTableModel::SumPercent),
                         index(rowCount() - 1, TopTableModel::SumPercent));
}

void TopTableProxyModel::rebuildSums() const {
    sumsDirty_ = false;
    const int n = rowCount();
    sums_.assign(static_cast<size_t>(n), 0);
    int64_t sum = 0;
    for (int r = 0; r < n; ++r) {
        const QModelIndex src = mapToSource(index(r, TopTableModel::Flat));
        sum += sourceModel()->data(src, RawValueRole).toLongLong();
        sums_[size_t(r)] = sum;
    }
}

int64_t TopTableProxyModel::runningSum(int row) const {
    if (sumsDirty_ || sums_.size() != size_t(rowCount())) rebuildSums();
    return row >= 0 && size_t(row) < sums_.size() ? sums_[size_t(row)] : 0;
}

QVariant TopTableProxyModel::data(const QModelIndex& index, int role) const {
    if (index.isValid() && index.column() == TopTableModel::SumPercent &&
        (role == Qt::DisplayRole || role == RawValueRole || role == Qt::ForegroundRole)) {
        const auto* model = qobject_cast<const TopTableModel*>(sourceModel());
        if (model && model->table()) {
            const int64_t sum = runningSum(index.row());
            const ValueFormatter& f = model->formatter();
            if (role == Qt::DisplayRole) return f.percent(sum);
            if (role == RawValueRole) return ValueFormatter::ratio(sum, f.total());
            if (!f.showSign() || sum == 0) return {};
            return sum > 0 ? kGrowth : kShrink;
        }
    }
    return QSortFilterProxyModel::data(index, role);
}

}  // namespace embers::widgets
