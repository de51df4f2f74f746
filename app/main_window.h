// The Embers window: one tab per open profile, menus, recent files, drag and
// drop, remembered layout.
#pragma once

#include <QMainWindow>
#include <memory>

class QMenu;
class QStackedWidget;
class QTabWidget;
class QDockWidget;
class QListWidget;

namespace embers::capture {
class SecretStore;
struct Target;
}  // namespace embers::capture

namespace embers::app {

class LiveView;
class LocalDemo;
class TargetsPanel;

class ProfileTab;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // A tab per file; the last one opened is shown unless `show` is off.
    void openFiles(const QStringList& paths, bool show = true);
    // The tab already showing this file, else a new one.
    void showOrOpen(const QString& path);
    ProfileTab* currentTab() const;
    QTabWidget* tabs() const { return tabs_; }
    TargetsPanel* targetsPanel() const { return targets_; }

    // Starts embers-demo and lists it as "Local demo", the first target (the GUI does this
    // on start unless Capture > Start the Local Demo is off).
    void startLocalDemo();
    // A Live tab charting the target's metrics; capture buttons there capture from it.
    LiveView* openLive(const capture::Target& target, const QString& token);

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
    std::unique_ptr<capture::SecretStore> secrets_;
    TargetsPanel* targets_;
    QDockWidget* targetsDock_;
    LocalDemo* localDemo_ = nullptr;
};

}  // namespace embers::app
