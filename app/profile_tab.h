// One open profile: its toolbar (sample type, filters, compare), progress
// with cancel, an error banner, and the linked views.
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTabWidget;
class QToolButton;

namespace embers::widgets {
class FlameGraphView;
class ProfileSession;
}  // namespace embers::widgets

namespace embers::app {

class ProfileTab : public QWidget {
    Q_OBJECT
public:
    explicit ProfileTab(QWidget* parent = nullptr);

    void open(const QString& path);
    widgets::ProfileSession* session() const { return session_; }
    widgets::FlameGraphView* flameView() const { return flame_; }
    QString title() const;

    // Diff against a base profile; empty clears the diff.
    void compareWith(const QString& basePath);
    void focusSearch();
    QString exportFlameGraph(const QString& path);
    QString exportTable(const QString& path);

signals:
    void titleChanged();
    void failedToOpen(const QString& message);

private:
    void applyOptions();
    void onLoaded();
    void onAnalysisReady();
    void onBusyChanged(bool busy, const QString& what);
    void showError(const QString& message);
    QWidget* buildToolbar();
    void styleBanner();

protected:
    void changeEvent(QEvent* e) override;
    void showEvent(QShowEvent* e) override;

private:
    widgets::ProfileSession* session_;
    widgets::FlameGraphView* flame_;
    QWidget* table_ = nullptr;
    QSplitter* split_ = nullptr;
    QWidget* toolbar_ = nullptr;
    bool splitSized_ = false;
    QTabWidget* views_;
    QComboBox* sampleType_;
    QLineEdit* focus_;
    QLineEdit* ignore_;
    QLineEdit* hide_;
    QLineEdit* show_;
    QLineEdit* tagFocus_;
    QLineEdit* tagIgnore_;
    QToolButton* compare_;
    QLabel* diffLabel_;
    QWidget* busyBar_;
    QLabel* busyText_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    QLabel* banner_ = nullptr;
    bool everLoaded_ = false;
};

}  // namespace embers::app
