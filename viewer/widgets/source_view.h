// The source view: a function's source file with per-line flat and cum (all
// the functions of that file count), a heat bar proportional to the hottest
// line's cum, and the view scrolled to the function's hottest line. The
// numbers come from core::annotateSource (pprof's -list), computed on a
// worker. When the file is not where the profile says, the view asks once
// per folder where it is and remembers the answer in QSettings
// ("sourceMappings/<original folder>" -> local folder).
#pragma once

#include <QAbstractTableModel>
#include <QFont>
#include <QPointer>
#include <QStyledItemDelegate>
#include <QWidget>
#include <functional>
#include <string>
#include <vector>

#include "top_table_model.h"

class QLabel;
class QPushButton;
class QTableView;

namespace embers::widgets {

class ProfileSession;
struct SourceOutcome;  // a worker's result

// The lines of one source file with their values.
class SourceLinesModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Flat, Cum, Heat, Line, Source };

    struct SourceLine {
        QString text;  // tabs expanded
        int64_t flat = 0;
        int64_t cum = 0;
    };

    explicit SourceLinesModel(QObject* parent = nullptr);

    // Line i of `lines` is source line i + 1. [functionFirst, functionLast]
    // (1-based, 0: none) are the selected function's lines, shown in bold.
    void setLines(std::vector<SourceLine> lines, const ValueFormatter& f, int functionFirst,
                  int functionLast);
    void clear() { setLines({}, {}, 0, 0); }
    const std::vector<SourceLine>& lines() const { return lines_; }
    int64_t maxAbsCum() const { return maxCum_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<SourceLine> lines_;
    ValueFormatter formatter_;
    int64_t maxCum_ = 0;
    int functionFirst_ = 0;
    int functionLast_ = 0;
    QFont fixed_;
    QFont fixedBold_;
};

// Paints HeatRole (-1..1) as a bar across the cell: warm for growth (and for
// plain profiles), green for a diff's shrinkage.
class HeatBarDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

class SourceView : public QWidget {
    Q_OBJECT
public:
    // Asked for the local folder that holds the files the profile places in
    // `originalDir` (`file` is the one looked for); returns "" for no answer.
    using FolderChooser = std::function<QString(const QString& originalDir, const QString& file)>;

    explicit SourceView(ProfileSession* session, QWidget* parent = nullptr);
    ~SourceView() override;

    SourceLinesModel* model() const { return model_; }
    QTableView* tableView() const { return table_; }
    // The function shown (or being computed); empty if none.
    QString function() const { return function_; }
    // The file as the profile names it, and the path it was read from.
    QString file() const { return file_; }
    QString localPath() const { return localPath_; }
    // The 1-based line the view jumped to (the function's hottest); 0: none.
    int hottestLine() const { return hottestLine_; }
    // The header line ("name — flat X (p%), cum Y (q%)") and the error shown
    // when the source could not be shown ("" when it is).
    QString headerText() const;
    QString errorText() const;

    // Replaces the folder dialog (tests, or a main window with its own).
    void setFolderChooser(FolderChooser chooser) { chooser_ = std::move(chooser); }
    // The folders already asked about in this process are not asked again;
    // this forgets them.
    static void forgetAskedFolders();

public slots:
    // Shows the source of `name` (a printable name at functions granularity)
    // in the session's current result.
    void showFunction(const QString& name);
    // Asks for the folder of the current file (even if asked before), then
    // retries.
    void locateFolder();

signals:
    // The view shows `name`'s source, or why it cannot.
    void sourceReady(const QString& name);

protected:
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();
    void apply(const SourceOutcome& out);
    void showError(const QString& text, bool canLocate);
    bool askForFolder(const QString& originalDir, const QString& file);
    void jumpToHottest();
    void fitSourceColumn();

    QPointer<ProfileSession> session_;
    SourceLinesModel* model_ = nullptr;
    QTableView* table_ = nullptr;
    QLabel* header_ = nullptr;
    QLabel* path_ = nullptr;
    QWidget* errorPanel_ = nullptr;
    QLabel* error_ = nullptr;
    QPushButton* locate_ = nullptr;
    FolderChooser chooser_;
    QString function_;
    QString pending_;  // selected while hidden
    bool stale_ = false;
    QString file_;
    QString originalDir_;
    QString localPath_;
    int hottestLine_ = 0;
    int sourceWidth_ = 0;  // of the longest line
    bool jumpPending_ = false;
    quint64 generation_ = 0;
    core::ProfilePtr shownProfile_;  // what the last annotation was computed on
    size_t shownSampleIndex_ = 0;
};

}  // namespace embers::widgets
