// Callers and callees of the selected function (pprof's peek): two tables
// with each edge's weight and its share of the function's cum, under a header
// line with the function's own flat and cum. Large profiles are analysed on a
// worker; a result for a function no longer selected is dropped.
#pragma once

#include <QAbstractTableModel>
#include <QPointer>
#include <QWidget>
#include <cstdint>
#include <vector>

#include "top_table_model.h"

class QLabel;
class QTableView;

namespace embers::widgets {

class ProfileSession;
struct CallersOutcome;  // a worker's result

// The callers (or callees) of one function.
class PeekTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Weight, Share, TotalPercent, Name };

    struct Edge {
        QString name;  // printable name at functions granularity
        int64_t weight = 0;
    };

    explicit PeekTableModel(QObject* parent = nullptr);

    // `functionCum` is what Share divides by; `f` formats (its total is the
    // report total).
    void setEdges(std::vector<Edge> edges, int64_t functionCum, const ValueFormatter& f);
    void clear() { setEdges({}, 0, {}); }
    const std::vector<Edge>& edges() const { return edges_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<Edge> edges_;
    int64_t functionCum_ = 0;
    ValueFormatter formatter_;
};

class CallersView : public QWidget {
    Q_OBJECT
public:
    explicit CallersView(ProfileSession* session, QWidget* parent = nullptr);
    ~CallersView() override;

    PeekTableModel* callersModel() const { return callers_; }
    PeekTableModel* calleesModel() const { return callees_; }
    QTableView* callersTable() const { return callersTable_; }
    QTableView* calleesTable() const { return calleesTable_; }
    // The header line ("name — flat X (p%), cum Y (q%)").
    QString headerText() const;
    // The function shown (or being computed); empty if none.
    QString function() const { return function_; }

    // Profiles with more sample frames than this are analysed on a worker
    // (default 200,000). 0: always on a worker.
    void setAsyncThreshold(size_t frames) { asyncThreshold_ = frames; }

public slots:
    // Shows the callers and callees of `name` (a printable name at functions
    // granularity) in the session's current result, without selecting it.
    void showFunction(const QString& name);

signals:
    // The tables now show `name` (emitted after a synchronous or a worker
    // computation).
    void peekReady(const QString& name);

private:
    void refresh();
    void apply(const CallersOutcome& out);

    QPointer<ProfileSession> session_;
    PeekTableModel* callers_ = nullptr;
    PeekTableModel* callees_ = nullptr;
    QTableView* callersTable_ = nullptr;
    QTableView* calleesTable_ = nullptr;
    QLabel* header_ = nullptr;
    QString function_;
    quint64 generation_ = 0;
    size_t asyncThreshold_ = 200000;
    core::ProfilePtr shownProfile_;  // what the last peek was computed on
    size_t shownSampleIndex_ = 0;
};

}  // namespace embers::widgets
