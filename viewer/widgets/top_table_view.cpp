#include "top_table_view.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

#include "core/csv.h"
#include "profile_session.h"
#include "top_table_model.h"

namespace embers::widgets {

namespace {

QByteArray csvField(const std::string& s) {
    return QByteArray::fromStdString(core::csvField(s));
}

QByteArray csvPercent(double v) {
    return QByteArray::number(v, 'f', 4);
}

}  // namespace

TopTableView::TopTableView(ProfileSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    model_ = new TopTableModel(this);
    proxy_ = new TopTableProxyModel(this);
    proxy_->setSourceModel(model_);

    filter_ = new QLineEdit(this);
    filter_->setPlaceholderText(tr("Filter by name"));
    filter_->setClearButtonEnabled(true);
    filter_->setToolTip(tr("Shows the rows whose name contains this text (case-insensitive)"));
    regex_ = new QCheckBox(tr("Regex"), this);
    regex_->setToolTip(tr("Read the filter as a regular expression"));
    granularity_ = new QComboBox(this);
    granularity_->addItem(tr("Functions"), int(core::Granularity::Functions));
    granularity_->addItem(tr("Files"), int(core::Granularity::Files));
    granularity_->addItem(tr("Lines"), int(core::Granularity::Lines));
    granularity_->setToolTip(tr("What the rows aggregate: functions, source files or lines"));
    status_ = new QLabel(this);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_->setMinimumWidth(40);  // cut by the room there is, never widening the window
    status_->setContentsMargins(4, 0, 4, 2);

    table_ = new QTableView(this);
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(TopTableModel::Flat, Qt::DescendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAlternatingRowColors(true);
    table_->setShowGrid(false);
    table_->setWordWrap(false);
    table_->setTextElideMode(Qt::ElideMiddle);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setHighlightSections(false);
    table_->horizontalHeader()->setSectionsMovable(true);
    table_->setContextMenuPolicy(Qt::CustomContextMenu);

    auto* bar = new QHBoxLayout;
    bar->addWidget(filter_, 1);
    bar->addWidget(regex_);
    bar->addSpacing(6);
    bar->addWidget(granularity_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(table_, 1);
    layout->addWidget(status_);
    setFocusProxy(table_);

    connect(filter_, &QLineEdit::textChanged, this, &TopTableView::applyFilter);
    connect(regex_, &QCheckBox::toggled, this, &TopTableView::applyFilter);
    connect(granularity_, &QComboBox::currentIndexChanged, this,
            &TopTableView::onGranularityChosen);
    // Both: the keyboard moves the current row of a selected row, a mouse press makes a row
    // current before it selects it.
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &TopTableView::onCurrentRowChanged);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TopTableView::onCurrentRowChanged);
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const QString name = index.data(FunctionNameRole).toString();
        if (!name.isEmpty()) emit openSource(name);
    });
    connect(table_, &QWidget::customContextMenuRequested, this, &TopTableView::showContextMenu);
    connect(proxy_, &QAbstractItemModel::rowsInserted, this, &TopTableView::updateStatus);
    connect(proxy_, &QAbstractItemModel::rowsRemoved, this, &TopTableView::updateStatus);
    connect(proxy_, &QAbstractItemModel::modelReset, this, &TopTableView::updateStatus);

    if (session_) {
        connect(session_, &ProfileSession::analysisReady, this, &TopTableView::onAnalysisReady);
        connect(session_, &ProfileSession::functionSelected, this,
                &TopTableView::onFunctionSelected);
        if (session_->result()) onAnalysisReady();
    }
    updateStatus();
}

QString TopTableView::filterText() const {
    return filter_->text();
}

bool TopTableView::filterIsRegex() const {
    return regex_->isChecked();
}

void TopTableView::setFilter(const QString& text, bool regex) {
    const QSignalBlocker block(regex_);
    regex_->setChecked(regex);
    if (filter_->text() != text)
        filter_->setText(text);  // applies it
    else
        applyFilter();
}

void TopTableView::setFilterText(const QString& text) {
    setFilter(text, filterIsRegex());
}

void TopTableView::setFilterIsRegex(bool regex) {
    setFilter(filterText(), regex);
}

void TopTableView::focusFilter() {
    filter_->setFocus(Qt::ShortcutFocusReason);
    filter_->selectAll();
}

void TopTableView::applyFilter() {
    const QString text = filter_->text();
    QString problem;
    // Rows going away move the current row (a view keeps one selected); that
    // is not the user selecting a function.
    syncing_ = true;
    if (regex_->isChecked()) {
        const QRegularExpression re(text, QRegularExpression::CaseInsensitiveOption);
        if (re.isValid()) {
            proxy_->setFilterRegularExpression(re);
        } else {
            problem = tr("Not a valid regular expression: %1").arg(re.errorString());
            proxy_->setFilterFixedString(QString());
        }
    } else {
        proxy_->setFilterFixedString(text);
    }
    syncing_ = false;
    filter_->setStyleSheet(problem.isEmpty() ? QString()
                                             : QStringLiteral("QLineEdit { color: #d03b30; }"));
    filter_->setToolTip(problem.isEmpty()
                            ? tr("Shows the rows whose name contains this text (case-insensitive)")
                            : problem);
    updateStatus();
    // Keep the selected function in view.
    if (session_ && !session_->selectedFunction().isEmpty())
        onFunctionSelected(session_->selectedFunction());
}

void TopTableView::updateStatus() {
    const core::FlatTable* t = model_->table();
    if (!t) {
        status_->clear();
        return;
    }
    status_->setText(tr("%1 of %2 rows, total %3")
                         .arg(proxy_->rowCount())
                         .arg(model_->rowCount())
                         .arg(model_->formatter().value(t->total)));
    status_->setToolTip(status_->text());
}

void TopTableView::onAnalysisReady() {
    if (!session_) return;
    const auto result = session_->result();
    if (!result) return;
    const int oldColumns = model_->columnCount();
    syncing_ = true;
    model_->setTable(result->table, result->options.granularity, result->isDiff());
    {
        const QSignalBlocker block(granularity_);
        granularity_->setCurrentIndex(granularity_->findData(int(result->options.granularity)));
    }
    // Columns come and go with the granularity; keep a sort column that exists.
    auto* header = table_->horizontalHeader();
    if (header->sortIndicatorSection() >= model_->columnCount())
        table_->sortByColumn(TopTableModel::Flat, Qt::DescendingOrder);
    syncing_ = false;
    // Diff values ("+100.42%") are wider: size again when the table switches to or from one.
    if (oldColumns != model_->columnCount() || !columnsSized_ ||
        result->isDiff() != sizedForDiff_) {
        sizedForDiff_ = result->isDiff();
        table_->resizeColumnsToContents();
        // The name gets what the numbers leave (at least 150 px): no scrolling sideways
        // to read which function a row is.
        int numbers = 0;
        for (int c = 0; c < model_->columnCount(); ++c)
            if (c != TopTableModel::Name) numbers += header->sectionSize(c);
        const int room = table_->viewport()->width() > 200 ? table_->viewport()->width() : 600;
        header->resizeSection(
            TopTableModel::Name,
            qBound(150, room - numbers, qMax(header->sectionSize(TopTableModel::Name), 150)));
        header->setStretchLastSection(model_->columnCount() == TopTableModel::Name + 1);
        columnsSized_ = model_->rowCount() > 0;
    } else {
        // Another sample type or filter: the numbers change width ("536.5MB" after "12kB");
        // the name column keeps the width it was given.
        for (int c = 0; c < model_->columnCount(); ++c)
            if (c != TopTableModel::Name) table_->resizeColumnToContents(c);
    }
    updateStatus();
    if (!session_->selectedFunction().isEmpty()) onFunctionSelected(session_->selectedFunction());
}

void TopTableView::scrollToRow(const QModelIndex& index) {
    // Up or down only: the columns stay where the user has them (scrolling to a row's
    // name cell would hide the numbers).
    QScrollBar* sideways = table_->horizontalScrollBar();
    const int x = sideways->value();
    table_->scrollTo(index, QAbstractItemView::EnsureVisible);
    sideways->setValue(x);
}

void TopTableView::onFunctionSelected(const QString& name) {
    if (currentFunction() == name && !name.isEmpty()) {
        scrollToRow(table_->currentIndex());
        return;
    }
    // The first shown row of that function (the hottest line, at lines
    // granularity, in the current order).
    int best = -1;
    for (int sourceRow : model_->rowsOfFunction(name)) {
        const QModelIndex p = proxy_->mapFromSource(model_->index(sourceRow, 0));
        if (p.isValid() && (best < 0 || p.row() < best)) best = p.row();
    }
    syncing_ = true;
    if (best < 0) {
        table_->selectionModel()->clear();
    } else {
        const QModelIndex index = proxy_->index(best, TopTableModel::Name);
        table_->selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        scrollToRow(index);
    }
    syncing_ = false;
}

QString TopTableView::currentFunction() const {
    const QModelIndex current = table_->selectionModel()->currentIndex();
    if (!current.isValid() || !table_->selectionModel()->isRowSelected(current.row(), {}))
        return {};
    return current.data(FunctionNameRole).toString();
}

void TopTableView::onCurrentRowChanged() {
    if (syncing_ || !session_) return;
    const QString name = currentFunction();
    if (!name.isEmpty()) session_->selectFunction(name);
}

void TopTableView::onGranularityChosen(int index) {
    if (!session_ || index < 0) return;
    ViewOptions o = session_->options();
    o.granularity = static_cast<core::Granularity>(granularity_->itemData(index).toInt());
    session_->setOptions(o);
}

void TopTableView::showContextMenu(const QPoint& pos) {
    const QModelIndex index = table_->indexAt(pos);
    QMenu menu(this);
    if (index.isValid()) {
        const QString function = index.data(FunctionNameRole).toString();
        const QString name = proxy_->index(index.row(), TopTableModel::Name).data().toString();
        QAction* source = menu.addAction(tr("Show Source"));
        source->setEnabled(!function.isEmpty());
        connect(source, &QAction::triggered, this, [this, function] { emit openSource(function); });
        menu.addAction(tr("Copy Name"), this, [name] { QApplication::clipboard()->setText(name); });
        menu.addSeparator();
    }
    QAction* exportAction = menu.addAction(tr("Export as CSV…"));
    exportAction->setEnabled(model_->rowCount() > 0);
    connect(exportAction, &QAction::triggered, this, &TopTableView::exportCsvInteractive);
    menu.exec(table_->viewport()->mapToGlobal(pos));
}

bool TopTableView::exportCsv(const QString& path, QString* error) const {
    QSaveFile file(path);
    auto fail = [&](const QString& why) {
        if (error) *error = tr("Could not write %1: %2.").arg(path, why);
        return false;
    };
    if (!file.open(QIODevice::WriteOnly)) return fail(file.errorString());
    QByteArray out = "name,file,line,flat,flat_percent,sum_percent,cum,cum_percent\n";
    if (const core::FlatTable* t = model_->table()) {
        const core::Granularity g = model_->granularity();
        const int64_t total = t->total;
        int64_t sum = 0;
        for (int r = 0; r < proxy_->rowCount(); ++r) {
            const int src = proxy_->mapToSource(proxy_->index(r, 0)).row();
            const core::FlatRow& row = model_->row(src);
            const core::NodeInfo& n = model_->node(src);
            sum += row.flat;
            // The name without the file:line the next columns carry, as
            // `embers top --format csv` writes it.
            const std::string name =
                g == core::Granularity::Files || n.name.empty() ? n.printableName() : n.name;
            out += csvField(name) + ',' + csvField(n.file) + ',' + QByteArray::number(n.line) +
                   ',' + QByteArray::number(qlonglong(row.flat)) + ',' +
                   csvPercent(ValueFormatter::ratio(row.flat, total)) + ',' +
                   csvPercent(ValueFormatter::ratio(sum, total)) + ',' +
                   QByteArray::number(qlonglong(row.cum)) + ',' +
                   csvPercent(ValueFormatter::ratio(row.cum, total)) + '\n';
        }
    }
    if (file.write(out) != out.size()) return fail(file.errorString());
    if (!file.commit()) return fail(file.errorString());
    return true;
}

void TopTableView::exportCsvInteractive() {
    QString suggestion = session_ ? session_->displayName() : QString();
    if (suggestion.isEmpty()) suggestion = QStringLiteral("top");
    suggestion = suggestion.section(QLatin1Char('.'), 0, 0) + QStringLiteral("-top.csv");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Top Table"), suggestion,
                                                      tr("CSV files (*.csv);;All files (*)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportCsv(path, &error)) QMessageBox::warning(this, tr("Export Failed"), error);
}

}  // namespace embers::widgets
