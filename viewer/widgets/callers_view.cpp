#include "callers_view.h"

#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cstdlib>
#include <map>

#include "core/peek.h"
#include "profile_session.h"

namespace embers::widgets {

namespace {

int64_t absValue(int64_t v) {
    return v < 0 ? -v : v;
}

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent) {
    auto* proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(model);
    proxy->setSortRole(SortRole);
    proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    auto* t = new QTableView(parent);
    t->setModel(proxy);
    t->setSortingEnabled(true);
    t->sortByColumn(PeekTableModel::Weight, Qt::DescendingOrder);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setAlternatingRowColors(true);
    t->setShowGrid(false);
    t->setWordWrap(false);
    t->setTextElideMode(Qt::ElideMiddle);
    t->verticalHeader()->hide();
    t->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
    t->horizontalHeader()->setHighlightSections(false);
    t->horizontalHeader()->setStretchLastSection(true);
    const int numberWidth = t->fontMetrics().horizontalAdvance(QStringLiteral("0000.00ms")) + 16;
    for (int c = 0; c < PeekTableModel::Name; ++c) t->setColumnWidth(c, numberWidth);
    return t;
}

}  // namespace

// --- PeekTableModel ---

PeekTableModel::PeekTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void PeekTableModel::setEdges(std::vector<Edge> edges, int64_t functionCum,
                              const ValueFormatter& f) {
    beginResetModel();
    edges_ = std::move(edges);
    functionCum_ = functionCum;
    formatter_ = f;
    endResetModel();
}

int PeekTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(edges_.size());
}

int PeekTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Name + 1;
}

QVariant PeekTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Edge& e = edges_[size_t(index.row())];
    const auto column = static_cast<Column>(index.column());
    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case Weight:
                    return formatter_.value(e.weight);
                case Share:  // in a diff the function's net change can be near zero: no share
                    return formatter_.showSign() ? QStringLiteral("—")
                                                 : formatter_.percentOf(e.weight, functionCum_);
                case TotalPercent:
                    return formatter_.percent(e.weight);
                case Name:
                    return e.name;
            }
            return {};
        case RawValueRole:
            switch (column) {
                case Weight:
                    return qlonglong(e.weight);
                case Share:
                    if (formatter_.showSign()) return {};
                    return ValueFormatter::ratio(e.weight, functionCum_);
                case TotalPercent:
                    return ValueFormatter::ratio(e.weight, formatter_.total());
                case Name:
                    return e.name;
            }
            return {};
        case SortRole:
            if (column == Name) return e.name;
            return qlonglong(absValue(e.weight));
        case FunctionNameRole:
            return e.name;
        case Qt::ToolTipRole:
            return e.name;
        case Qt::TextAlignmentRole:
            if (column == Name) return int(Qt::AlignLeft | Qt::AlignVCenter);
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
    }
}

QVariant PeekTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section > Name)
        return QAbstractTableModel::headerData(section, orientation, role);
    const auto column = static_cast<Column>(section);
    if (role == Qt::DisplayRole) {
        switch (column) {
            case Weight:
                return tr("Weight");
            case Share:
                return tr("Share");
            case TotalPercent:
                return tr("Total%");
            case Name:
                return tr("Name");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (column) {
            case Weight:
                return tr("Value of the stacks through this call");
            case Share:
                return formatter_.showSign()
                           ? tr("Not shown in a diff: the function's net change can be near zero; "
                                "see Total%")
                           : tr("Weight as a share of the selected function's cum");
            case TotalPercent:
                return tr("Weight as a share of the total");
            case Name:
                return {};
        }
    } else if (role == Qt::TextAlignmentRole) {
        if (column == Name) return int(Qt::AlignLeft | Qt::AlignVCenter);
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

// --- CallersView ---

struct CallersOutcome {
    quint64 generation = 0;
    QString name;
    bool found = false;
    QString error;
    int64_t flat = 0;
    int64_t cum = 0;
    ValueFormatter formatter;
    std::vector<PeekTableModel::Edge> callers;
    std::vector<PeekTableModel::Edge> callees;
};

namespace {

// The peek of one function, merged over the nodes that print as its name.
void computeOutcome(const core::Profile& p, core::AnalysisOptions o, const QString& name,
                    bool isDiff, CallersOutcome& out) {
    o.nodes.granularity = core::Granularity::Functions;
    const core::PeekResult r = core::computePeek(p, o, "^" + quoteMeta(name.toStdString()) + "$");
    std::map<QString, int64_t> callers, callees;
    int64_t minValue = 0;
    auto noteMin = [&minValue](int64_t v) {
        v = absValue(v);
        if (v > 0 && (minValue == 0 || v < minValue)) minValue = v;
    };
    for (const core::PeekEntry& e : r.entries) {
        out.found = true;
        out.flat += e.flat;
        out.cum += e.cum;
        noteMin(e.flat ? e.flat : e.cum);
        for (const auto& c : e.callers)
            callers[QString::fromStdString(r.nodes[c.node].printableName())] += c.weight;
        for (const auto& c : e.callees)
            callees[QString::fromStdString(r.nodes[c.node].printableName())] += c.weight;
    }
    auto toEdges = [&](const std::map<QString, int64_t>& m) {
        std::vector<PeekTableModel::Edge> edges;
        for (const auto& [n, w] : m) {
            noteMin(w);
            edges.push_back({n, w});
        }
        std::stable_sort(edges.begin(), edges.end(), [](const auto& a, const auto& b) {
            return absValue(a.weight) > absValue(b.weight);
        });
        return edges;
    };
    out.callers = toEdges(callers);
    out.callees = toEdges(callees);
    out.formatter = ValueFormatter(r.unit, minValue, r.total, isDiff);
}

}  // namespace

CallersView::CallersView(ProfileSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    callers_ = new PeekTableModel(this);
    callees_ = new PeekTableModel(this);
    header_ = new QLabel(this);
    header_->setTextFormat(Qt::PlainText);
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    header_->setWordWrap(true);
    QFont bold = header_->font();
    bold.setBold(true);
    header_->setFont(bold);

    callersTable_ = makeTable(callers_, this);
    calleesTable_ = makeTable(callees_, this);
    auto section = [this](const QString& title, QTableView* table) {
        auto* w = new QWidget(this);
        auto* l = new QVBoxLayout(w);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(new QLabel(title, w));
        l->addWidget(table, 1);
        return w;
    };
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(section(tr("Callers (who calls it)"), callersTable_));
    splitter->addWidget(section(tr("Callees (what it calls)"), calleesTable_));
    splitter->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(header_);
    layout->addWidget(splitter, 1);

    for (QTableView* t : {callersTable_, calleesTable_}) {
        connect(t, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
            const QString name = index.data(FunctionNameRole).toString();
            if (!name.isEmpty() && session_) session_->selectFunction(name);
        });
    }
    if (session_) {
        connect(session_, &ProfileSession::functionSelected, this, &CallersView::showFunction);
        connect(session_, &ProfileSession::analysisReady, this, [this] {
            // A new granularity alone changes nothing here.
            const auto result = session_->result();
            if (result && result->profile == shownProfile_ &&
                result->analysis.sampleIndex == shownSampleIndex_ && !function_.isEmpty())
                return;
            refresh();
        });
        function_ = session_->selectedFunction();
    }
    refresh();
}

CallersView::~CallersView() = default;

QString CallersView::headerText() const {
    return header_->text();
}

void CallersView::showFunction(const QString& name) {
    function_ = name;
    refresh();
}

void CallersView::refresh() {
    const quint64 gen = ++generation_;
    const auto result = session_ ? session_->result() : nullptr;
    if (function_.isEmpty() || !result || !result->profile) {
        callers_->clear();
        callees_->clear();
        header_->setText(function_.isEmpty()
                             ? tr("Select a function to see its callers and callees.")
                             : tr("%1 — waiting for the analysis…").arg(function_));
        return;
    }
    const core::ProfilePtr profile = result->profile;
    const core::AnalysisOptions options = result->analysis;
    shownProfile_ = profile;
    shownSampleIndex_ = options.sampleIndex;
    const QString name = function_;
    const bool isDiff = result->isDiff();
    auto compute = [profile, options, name, isDiff, gen]() {
        CallersOutcome out;
        out.generation = gen;
        out.name = name;
        try {
            computeOutcome(*profile, options, name, isDiff, out);
        } catch (const std::bad_alloc&) {
            out.error = CallersView::tr("Not enough memory to find the callers.");
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    };
    if (profile->data().sampleLocs.size() <= asyncThreshold_) {
        apply(compute());
        return;
    }
    header_->setText(tr("%1 — finding callers and callees…").arg(name));
    auto* watcher = new QFutureWatcher<CallersOutcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        const CallersOutcome out = watcher->result();
        watcher->deleteLater();
        if (out.generation == generation_) apply(out);
    });
    watcher->setFuture(QtConcurrent::run(compute));
}

void CallersView::apply(const CallersOutcome& out) {
    if (!out.error.isEmpty()) {
        callers_->clear();
        callees_->clear();
        header_->setText(tr("%1 — %2").arg(out.name, out.error));
    } else if (!out.found) {
        callers_->clear();
        callees_->clear();
        header_->setText(tr("%1 — not in the profile as it is shown (filtered out or no samples)")
                             .arg(out.name));
    } else {
        const ValueFormatter& f = out.formatter;
        callers_->setEdges(out.callers, out.cum, f);
        callees_->setEdges(out.callees, out.cum, f);
        header_->setText(tr("%1 — flat %2 (%3), cum %4 (%5)")
                             .arg(out.name, f.value(out.flat), f.percent(out.flat),
                                  f.value(out.cum), f.percent(out.cum)));
    }
    emit peekReady(out.name);
}

}  // namespace embers::widgets
