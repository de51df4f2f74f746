// The top table: an item model over a core::FlatTable (flat, flat%, sum%,
// cum, cum%, name, and file/line at lines granularity), values in one output
// unit chosen like pprof's. A proxy sorts it numerically (by absolute value,
// so that a diff's shrinkage sorts with its growth) and keeps sum% running in
// the displayed order.
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QSortFilterProxyModel>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/flat_table.h"
#include "core/nodes.h"

namespace embers::widgets {

// Item data roles shared by the viewer's table models.
enum TableRole {
    // The raw value: qlonglong for values and lines, double for percentages
    // (signed, 0..100), QString for names and files.
    RawValueRole = Qt::UserRole,
    // What the proxies sort by: |value| for numbers, the text for names.
    SortRole,
    // The function a row stands for (its printable name at functions
    // granularity), what ProfileSession::selectFunction takes; empty when
    // the row is not one function (files granularity).
    FunctionNameRole,
    // Source view: the heat of a line, |cum| / |cum of the hottest line|
    // (0..1), negative for a diff's shrinkage.
    HeatRole,
};

// Formats the values of one report in one output unit, as pprof does: the
// unit comes from the smallest non-zero value and the total. With
// `showSign`, positive values get a '+' (diffs).
class ValueFormatter {
public:
    ValueFormatter() = default;
    ValueFormatter(std::string sampleUnit, int64_t minValue, int64_t total, bool showSign);

    QString value(int64_t v) const;
    // v as a share of the report total ("12.34%", "0.012%").
    QString percent(int64_t v) const { return percentOf(v, total_); }
    // v as a share of `whole`.
    QString percentOf(int64_t v, int64_t whole) const;
    static double ratio(int64_t v, int64_t whole) {
        return whole == 0 ? 0.0 : 100.0 * static_cast<double>(v) / static_cast<double>(whole);
    }

    const std::string& sampleUnit() const { return sampleUnit_; }
    const std::string& outputUnit() const { return outputUnit_; }
    int64_t total() const { return total_; }
    bool showSign() const { return showSign_; }

private:
    std::string sampleUnit_;
    std::string outputUnit_;
    int64_t total_ = 0;
    bool showSign_ = false;
};

// Go's regexp.QuoteMeta: `text` as a literal RE2 pattern.
std::string quoteMeta(std::string_view text);

// The printable name of a report node at functions granularity, i.e. the name
// the views select by; empty for a files-granularity node.
QString functionNameOf(const core::NodeInfo& n, core::Granularity g);

class TopTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    // Columns. File and Line exist at lines granularity only; at files
    // granularity the Name column holds the file.
    enum Column { Flat, FlatPercent, SumPercent, Cum, CumPercent, Name, File, Line };

    explicit TopTableModel(QObject* parent = nullptr);

    // Shows `table` (null: empty). `isDiff` shows signs and colours growth
    // red and shrinkage green.
    void setTable(std::shared_ptr<const core::FlatTable> table, core::Granularity granularity,
                  bool isDiff);
    void clear() { setTable(nullptr, core::Granularity::Functions, false); }

    const core::FlatTable* table() const { return table_.get(); }
    core::Granularity granularity() const { return granularity_; }
    bool isDiff() const { return formatter_.showSign(); }
    const ValueFormatter& formatter() const { return formatter_; }

    // The rows (in model order) of the function `name`; empty if none.
    QList<int> rowsOfFunction(const QString& name) const { return byFunction_.value(name); }
    QString functionName(int row) const { return functionNames_.value(row); }
    const core::FlatRow& row(int r) const { return table_->rows[static_cast<size_t>(r)]; }
    const core::NodeInfo& node(int r) const { return table_->nodes[row(r).node]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const core::FlatTable> table_;
    core::Granularity granularity_ = core::Granularity::Functions;
    ValueFormatter formatter_;
    QStringList names_;          // the Name column
    QStringList functionNames_;  // FunctionNameRole
    QStringList files_;          // the File column (lines granularity)
    std::vector<int64_t> sums_;  // running flat sum in model order
    QHash<QString, QList<int>> byFunction_;
};

// Sorts by SortRole, filters on the Name column, and computes the Sum%
// column over the rows in the order they are shown.
class TopTableProxyModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit TopTableProxyModel(QObject* parent = nullptr);

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    // The running flat sum up to and including proxy row `row`.
    int64_t runningSum(int row) const;

private:
    void markSumsDirty(bool announce);
    void rebuildSums() const;

    mutable std::vector<int64_t> sums_;
    mutable bool sumsDirty_ = true;
};

}  // namespace embers::widgets
