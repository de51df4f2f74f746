// The goroutines view: a goroutine profile or text dump grouped by identical
// stack (what goroutine?debug=1 shows), with counts, states, wait ranges and
// shared labels; each group expands to its frames. "Compare with…" matches the
// groups against a baseline dump and shows which grew, shrank, appeared or went.
#pragma once

#include <QAbstractItemModel>
#include <QPointer>
#include <QWidget>
#include <memory>
#include <string>
#include <vector>

#include "core/goroutine_groups.h"
#include "core/profile.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QToolButton;
class QTreeView;

namespace embers::widgets {

class ProfileSession;

// Groups as top-level rows; each has its stack frames (innermost first) as
// children, whose text ("function  file:line") is in column 0. Sorting and
// filtering happen in the model (sort() and setFilter()).
class GoroutineGroupModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum class Column { Count, Change, Baseline, States, Wait, TopFrame, Labels };
    enum Role {
        FunctionRole = Qt::UserRole + 1,  // QString: the frame's function; a group's top frame
        IsFrameRole,                      // bool
        CountRole,                        // qint64: count (a group's, or its count now)
        BaselineCountRole,                // qint64: count in the baseline (compare mode)
        DeltaRole,                        // qint64: count - baseline count
        ChangeRole,                       // int: core::GroupChange (compare mode)
        KeyRole,                          // QString: the group's stack identity
        SortRole,                         // what sort() orders a column by
    };

    explicit GoroutineGroupModel(QObject* parent = nullptr);
    ~GoroutineGroupModel() override;

    // Shows `current`; with a baseline, the comparison of the two (compare
    // mode adds the Change and Baseline columns). Either may be null.
    void setGroups(std::shared_ptr<const core::GoroutineGroups> current,
                   std::shared_ptr<const core::GoroutineGroups> baseline = {});
    std::shared_ptr<const core::GoroutineGroups> groups() const { return current_; }
    std::shared_ptr<const core::GoroutineGroups> baselineGroups() const { return baseline_; }
    bool isComparing() const { return baseline_ != nullptr; }

    // Keeps the groups with a frame whose function or "file:line" contains
    // `pattern` (case-insensitive), or matches it as an RE2 regular expression.
    // An invalid expression keeps every group and returns false with `error`.
    bool setFilter(const QString& pattern, bool regex, QString* error = nullptr);
    QString filterPattern() const { return filter_; }

    // Frames of this function (and the groups holding one) are shown in bold.
    void setHighlightedFunction(const QString& function);

    Column columnKind(int column) const;
    int columnOf(Column kind) const;  // -1 when not shown in this mode
    int sortColumn() const { return sortColumn_; }
    Qt::SortOrder sortOrder() const { return sortOrder_; }

    int entryCount() const { return int(entries_.size()); }  // groups (both sides when comparing)
    qint64 visibleTotal() const;                             // the shown groups' count now
    int visibleGroups() const { return int(rows_.size()); }
    qint64 visibleBaselineTotal() const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

private:
    struct Entry {
        const core::GoroutineGroup* group = nullptr;  // the current one; the baseline's when gone
        int64_t count = 0;
        int64_t baseCount = 0;
        core::GroupChange change = core::GroupChange::Unchanged;
        bool highlighted = false;
    };
    const core::GoroutineFrame* frameAt(const QModelIndex& index) const;
    QVariant groupData(const Entry& e, Column column, int role) const;
    QVariant frameData(const Entry& e, int frame, int role) const;
    QVariant sortKey(const Entry& e, Column column) const;
    void sortRows();
    void rebuildRowIndex();
    void applyFilter();

    std::shared_ptr<const core::GoroutineGroups> current_;
    std::shared_ptr<const core::GoroutineGroups> baseline_;
    std::vector<Entry> entries_;
    std::vector<int> rows_;   // shown entries, in order
    std::vector<int> rowOf_;  // entry -> row, -1 when filtered out
    std::vector<Column> columns_;
    QString filter_;
    bool filterRegex_ = false;
    std::string highlight_;
    int sortColumn_ = 0;
    Qt::SortOrder sortOrder_ = Qt::DescendingOrder;
};

// The widget: filter box, "Compare with…", summary, and the tree. It follows
// the session: each analysis result is grouped on a worker thread (right away
// for goroutine profiles, otherwise once the view is shown).
class GoroutineView : public QWidget {
    Q_OBJECT
public:
    explicit GoroutineView(ProfileSession* session, QWidget* parent = nullptr);
    ~GoroutineView() override;

    ProfileSession* session() const { return session_; }
    GoroutineGroupModel* model() const { return model_; }
    QTreeView* treeView() const { return tree_; }
    QLineEdit* filterEdit() const { return filterEdit_; }
    core::ProfilePtr baseline() const { return baseline_; }
    QString baselineName() const { return baselineName_; }
    bool isComparing() const { return model_->isComparing(); }
    QString summaryText() const;

public slots:
    // Compare mode against `baseline` (the session's filters apply to it as
    // well); null leaves compare mode. groupsReady() follows.
    void setBaseline(core::ProfilePtr baseline, const QString& name = {});
    void clearBaseline();
    // Decodes `path` on a worker, then setBaseline(); baselineFailed() on error.
    void openBaseline(const QString& path);
    // Asks for a file, then openBaseline().
    void chooseBaseline();
    void setFilter(const QString& text, bool regex = false);
    // Regroups the session's latest result.
    void refresh();

signals:
    void groupsReady();                    // the model shows the latest result (and baseline)
    void baselineChanged(bool comparing);  // compare mode entered or left
    void baselineFailed(const QString& message);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void onAnalysisReady();
    void onCurrentChanged(const QModelIndex& current);
    void applyFilterFromUi();
    void spanFrameRows(const QModelIndex& group);
    void updateSummary();
    void showMessage(const QString& message);

    QPointer<ProfileSession> session_;
    GoroutineGroupModel* model_;
    QTreeView* tree_;
    QLineEdit* filterEdit_;
    QCheckBox* regexBox_;
    QToolButton* compareButton_;
    QToolButton* clearCompareButton_;
    QLabel* summary_;
    QLabel* message_;
    core::ProfilePtr baseline_;
    QString baselineName_;
    quint64 generation_ = 0;
    quint64 baselineGeneration_ = 0;
    bool dirty_ = false;
    QString groupError_;
};

}  // namespace embers::widgets
