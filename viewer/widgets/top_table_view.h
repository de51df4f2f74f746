// The top table view: a filter box, the granularity chooser and the sortable
// table of a session's flat table. Selecting a row selects its function in
// the session; a selection made elsewhere selects and shows its row here.
#pragma once

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace embers::widgets {

class ProfileSession;
class TopTableModel;
class TopTableProxyModel;

class TopTableView : public QWidget {
    Q_OBJECT
public:
    explicit TopTableView(ProfileSession* session, QWidget* parent = nullptr);

    ProfileSession* session() const { return session_; }
    TopTableModel* model() const { return model_; }
    TopTableProxyModel* proxyModel() const { return proxy_; }
    QTableView* tableView() const { return table_; }
    QLineEdit* filterEdit() const { return filter_; }
    QComboBox* granularityBox() const { return granularity_; }

    QString filterText() const;
    bool filterIsRegex() const;
    // The function of the current row; empty if none.
    QString currentFunction() const;

    // Writes the rows as shown (filtered and sorted) as CSV with raw integer
    // values: name,file,line,flat,flat_percent,sum_percent,cum,cum_percent.
    // The file is replaced atomically. On failure returns false and sets
    // *error to a sentence naming the file.
    bool exportCsv(const QString& path, QString* error = nullptr) const;

public slots:
    // Filters the rows by name: a case-insensitive substring, or a regular
    // expression when `regex` is set.
    void setFilter(const QString& text, bool regex);
    void setFilterText(const QString& text);
    void setFilterIsRegex(bool regex);
    // Moves the keyboard focus to the filter box and selects its text.
    void focusFilter();
    // Asks for a file name and exports; reports a failure in a message box.
    void exportCsvInteractive();

signals:
    // A row was double-clicked (or "Show source" chosen): the function name.
    void openSource(const QString& functionName);

private:
    void onAnalysisReady();
    void onFunctionSelected(const QString& name);
    void scrollToRow(const QModelIndex& index);
    void onCurrentRowChanged();
    void onGranularityChosen(int index);
    void applyFilter();
    void updateStatus();
    void showContextMenu(const QPoint& pos);

    QPointer<ProfileSession> session_;
    TopTableModel* model_ = nullptr;
    TopTableProxyModel* proxy_ = nullptr;
    QTableView* table_ = nullptr;
    QLineEdit* filter_ = nullptr;
    QCheckBox* regex_ = nullptr;
    QComboBox* granularity_ = nullptr;
    QLabel* status_ = nullptr;
    bool syncing_ = false;  // the current row moves on the session's (or the model's) behalf
    bool sizedForDiff_ = false;
    bool columnsSized_ = false;
};

}  // namespace embers::widgets
