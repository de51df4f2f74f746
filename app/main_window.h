// The Embers window: one tab per open profile, menus, recent files, drag and
// drop, remembered layout.
#pragma once

#include <QMainWindow>

class QMenu;
class QStackedWidget;
class QTabWidget;
class QListWidget;

namespace embers::app {

class ProfileTab;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    void openFiles(const QStringList& paths);
    ProfileTab* currentTab() const;
    QTabWidget* tabs() const { return tabs_; }

protected:
    void closeEvent(QCloseEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    void buildMenus();
    void openDialog();
    void compareDialog();
    void exportFlame();
    void exportTable();
    void closeTab(int index);
    void updateTitle();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void showShortcuts();
    void showAbout();

    QStackedWidget* stack_;
    QTabWidget* tabs_;
    QWidget* welcome_;
    QListWidget* welcomeRecent_;
    QMenu* recentMenu_;
};

}  // namespace embers::app
