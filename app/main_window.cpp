#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include "keychain_secrets.h"
#include "live_view.h"
#include "local_demo.h"
#include "profile_tab.h"
#include "targets_panel.h"
#include "widgets/profile_session.h"
#include "widgets/theme.h"

namespace embers::app {

namespace {

// Where an export of the profile at `path` is suggested: beside it, named after it without
// its extensions ("cpu.pb.gz" -> "…/cpu").
QString profileStem(const QString& path) {
    const QFileInfo info(path);
    QString name = info.fileName();
    for (const char* ext :
         {".pb.gz", ".pprof.gz", ".gz", ".pb", ".pprof", ".prof", ".txt", ".folded"})
        if (name.endsWith(QLatin1String(ext), Qt::CaseInsensitive) &&
            name.size() > int(qstrlen(ext))) {
            name.chop(int(qstrlen(ext)));
            break;
        }
    return info.dir().filePath(name);
}

constexpr int kMaxRecent = 10;
const char* kProfileFilter =
    "Profiles (*.pb.gz *.pb *.pprof *.prof *.gz *.folded *.txt);;All files (*)";

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setAcceptDrops(true);
    tabs_ = new QTabWidget;
    tabs_->setTabsClosable(true);
    tabs_->setMovable(true);
    tabs_->setDocumentMode(true);
    connect(tabs_, &QTabWidget::tabCloseRequested, this, &MainWindow::closeTab);
    connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::updateTitle);

    welcome_ = new QWidget;
    auto* wl = new QVBoxLayout(welcome_);
    wl->setContentsMargins(60, 50, 60, 50);
    auto* heading =
        new QLabel(tr("<h2>Embers</h2><p>Open a pprof profile (<tt>.pb.gz</tt>), "
                      "folded stacks or a goroutine dump, or drop files here.</p>"));
    heading->setTextFormat(Qt::RichText);
    auto* openButton = new QPushButton(tr("Open a profile…"));
    openButton->setMaximumWidth(220);
    welcomeRecent_ = new QListWidget;
    welcomeRecent_->setMaximumWidth(700);
    connect(openButton, &QPushButton::clicked, this, &MainWindow::openDialog);
    connect(welcomeRecent_, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { openFiles({item->data(Qt::UserRole).toString()}); });
    wl->addWidget(heading);
    wl->addWidget(openButton);
    wl->addSpacing(20);
    wl->addWidget(new QLabel(tr("Recent profiles:")));
    wl->addWidget(welcomeRecent_, 1);

    stack_ = new QStackedWidget;
    stack_->addWidget(welcome_);
    stack_->addWidget(tabs_);
    setCentralWidget(stack_);

    secrets_ = std::make_unique<KeychainSecrets>();
    targets_ = new TargetsPanel(secrets_.get());
    targetsDock_ = new QDockWidget(tr("Capture"), this);
    targetsDock_->setObjectName(QStringLiteral("targetsDock"));
    targetsDock_->setWidget(targets_);
    targetsDock_->setMinimumWidth(300);
    addDockWidget(Qt::LeftDockWidgetArea, targetsDock_);
    connect(targets_, &TargetsPanel::captured, this, [this](const QString& path) {
        openFiles({path});
        statusBar()->showMessage(tr("Captured %1").arg(path), 8000);
    });
    connect(targets_, &TargetsPanel::capturedAside, this, [this](const QString& path, bool open) {
        if (open) openFiles({path}, false);
        statusBar()->showMessage(
            open ? tr("Captured %1; it opened in a tab beside this one").arg(path)
                 : tr("Captured %1; click its marker on the live chart to open it").arg(path),
            10000);
    });
    connect(targets_, &TargetsPanel::liveRequested, this,
            [this](const capture::Target& t, const QString& token) { openLive(t, token); });
    connect(targets_, &TargetsPanel::captureFailed, this,
            [this](const QString& m) { statusBar()->showMessage(m, 15000); });

    buildMenus();
    statusBar()->showMessage(tr("Ready"), 2000);
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    rebuildRecentMenu();
    updateTitle();
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::openDialog);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("&Compare with…"), QKeySequence(tr("Ctrl+D")), this,
                    &MainWindow::compareDialog);
    file->addSeparator();
    file->addAction(tr("Export Flame Graph…"), QKeySequence(tr("Ctrl+E")), this,
                    &MainWindow::exportFlame);
    file->addAction(tr("Export Top Table as CSV…"), this, &MainWindow::exportTable);
    file->addSeparator();
    file->addAction(tr("Close Tab"), QKeySequence::Close, this,
                    [this] { closeTab(tabs_->currentIndex()); });
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Find in Flame Graph"), QKeySequence::Find, this, [this] {
        if (ProfileTab* t = currentTab()) t->focusSearch();
    });
    view->addAction(tr("Next Tab"), QKeySequence(tr("Ctrl+Tab")), this, [this] {
        if (tabs_->count()) tabs_->setCurrentIndex((tabs_->currentIndex() + 1) % tabs_->count());
    });

    QAction* toggleTargets = targetsDock_->toggleViewAction();
    toggleTargets->setText(tr("&Capture Panel"));
    toggleTargets->setShortcut(QKeySequence(tr("Ctrl+Shift+C")));
    view->addAction(toggleTargets);
    QMenu* theme = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    const widgets::Theme current =
        widgets::themeFromName(QSettings().value(QStringLiteral("theme")).toString());
    const std::pair<widgets::Theme, QString> choices[] = {
        {widgets::Theme::System, tr("Follow the &System")},
        {widgets::Theme::Light, tr("&Light")},
        {widgets::Theme::Dark, tr("&Dark")}};
    for (const auto& [value, label] : choices) {
        QAction* a = theme->addAction(label);
        a->setCheckable(true);
        a->setChecked(value == current);
        a->setData(widgets::themeName(value));
        themes->addAction(a);
        connect(a, &QAction::triggered, this, [value] {
            widgets::applyTheme(value);
            QSettings().setValue(QStringLiteral("theme"), widgets::themeName(value));
        });
    }

    QMenu* capture = menuBar()->addMenu(tr("&Capture"));
    capture->addAction(tr("&Add Target…"), QKeySequence(tr("Ctrl+Shift+N")), this, [this] {
        targetsDock_->show();
        targets_->pasteTarget(QString());
    });
    capture->addAction(tr("&Paste Target (cURL, Header, HAR)"), QKeySequence(tr("Ctrl+Shift+V")),
                       this, [this] {
                           targetsDock_->show();
                           targets_->pasteTarget(QGuiApplication::clipboard()->text());
                       });
    QAction* demo = capture->addAction(tr("Start the &Local Demo on Launch"));
    demo->setCheckable(true);
    demo->setChecked(QSettings().value(QStringLiteral("capture/localDemo"), true).toBool());
    connect(demo, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(QStringLiteral("capture/localDemo"), on);
        if (on) startLocalDemo();
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), QKeySequence::HelpContents, this,
                    &MainWindow::showShortcuts);
    help->addAction(tr("&About Embers"), this, &MainWindow::showAbout);
}

MainWindow::~MainWindow() = default;

void MainWindow::startLocalDemo() {
    if (!localDemo_) {
        localDemo_ = new LocalDemo(this);
        connect(localDemo_, &LocalDemo::ready, this,
                [this](const capture::Target& t, const QString& token) {
                    targets_->addTarget(t, token);
                    statusBar()->showMessage(tr("Local demo serving at %1").arg(t.displayUrl()),
                                             5000);
                });
        connect(localDemo_, &LocalDemo::failed, this,
                [this](const QString& m) { statusBar()->showMessage(m, 10000); });
    }
    localDemo_->start();
}

namespace {

// Where the Live view polls and how it authenticates, from its target. The points charted
// so far stay when only the credentials changed.
void configureLive(LiveView* live, const capture::Target& t, const QString& token,
                   std::function<QString(QString*)> tokenProvider) {
    const QList<QUrl> sources = capture::liveSourceUrls(t);
    if (sources != live->sources()) {
        live->setSource(sources.front(), token, t.caFile, t.insecure);
        live->setFallbackSources(sources.mid(1));
    } else {
        live->setAuthentication(token, t.caFile, t.insecure);
    }
    live->setTokenProvider(std::move(tokenProvider));
    live->setClientCertificate(t.certFile, t.keyFile);
}

}  // namespace

LiveView* MainWindow::openLive(const capture::Target& t, const QString& token) {
    for (int i = 0; i < tabs_->count(); ++i)  // one Live tab per target
        if (auto* open = qobject_cast<LiveView*>(tabs_->widget(i));
            open && open->settingsKey() == t.id) {
            tabs_->setCurrentIndex(i);
            stack_->setCurrentWidget(tabs_);
            return open;
        }
    auto* live = new LiveView;
    configureLive(live, t, token, targets_->tokenProviderFor(t));
    live->setSettingsKey(t.id);
    live->setNodeName(t.name);
    const int index = tabs_->addTab(live, tr("Live — %1").arg(t.name));
    tabs_->setTabToolTip(index, t.displayUrl());
    tabs_->setCurrentIndex(index);
    stack_->setCurrentWidget(tabs_);
    // Capture "CPU"/"Heap" on the chart captures from this target alone (whatever is
    // selected in the panel), and marks the moment.
    const QString id = t.id;
    // The capture opens beside the Live tab, which stays in front; a trigger's is only
    // kept (and marked), so that a trigger firing every few minutes does not pile up tabs.
    live->setCaptureHandler([this, id](const QString& kind, bool automatic) {
        return targets_->startCaptureOn(
            kind == QLatin1String("cpu") ? capture::ProfileKind::Cpu : capture::ProfileKind::Heap,
            id, !automatic,
            automatic ? TargetsPanel::Afterwards::KeepAside : TargetsPanel::Afterwards::OpenAside);
    });
    connect(targets_, &TargetsPanel::busyChanged, live, &LiveView::setCaptureRunning);
    live->setCaptureRunning(targets_->capturing());
    // The target edited: new credentials (and a new place when its address changed);
    // removed: polling stops, the charts stay.
    connect(targets_, &TargetsPanel::targetChanged, live,
            [this, live, id](const capture::Target& changed, const QString& token,
                             const QString& error) {
                if (changed.id != id) return;
                if (!error.isEmpty()) {
                    live->stopWith(tr("Stopped: %1").arg(error));
                    return;
                }
                configureLive(live, changed, token, targets_->tokenProviderFor(changed));
                const int at = tabs_->indexOf(live);
                tabs_->setTabText(at, tr("Live — %1").arg(changed.name));
                live->setNodeName(changed.name);
                tabs_->setTabToolTip(at, changed.displayUrl());
            });
    connect(targets_, &TargetsPanel::targetRemoved, live, [live, id](const QString& removed) {
        if (removed == id)
            live->stopWith(tr("Stopped: the target was removed from the Capture panel"));
    });
    // Only this target's captures are marked; a marker opens its capture when clicked.
    connect(targets_, &TargetsPanel::captureSaved, live,
            [live, id](const QString& targetId, const QString& kind, const QString& path,
                       const QDateTime& started, int seconds) {
                if (targetId == id) live->addCaptureMarker(started, path, kind, seconds);
            });
    connect(live, &LiveView::captureOpenRequested, this, [this](const QString& path) {
        if (QFileInfo::exists(path))
            showOrOpen(path);
        else
            statusBar()->showMessage(tr("%1 is gone (moved or deleted).").arg(path), 10000);
    });
    live->start();
    updateTitle();
    return live;
}

ProfileTab* MainWindow::currentTab() const {
    return qobject_cast<ProfileTab*>(tabs_->currentWidget());
}

void MainWindow::showOrOpen(const QString& path) {
    const QString wanted = QFileInfo(path).absoluteFilePath();
    for (int i = 0; i < tabs_->count(); ++i)
        if (qobject_cast<ProfileTab*>(tabs_->widget(i)) &&
            QFileInfo(tabs_->tabToolTip(i)).absoluteFilePath() == wanted) {
            tabs_->setCurrentIndex(i);
            stack_->setCurrentWidget(tabs_);
            updateTitle();
            return;
        }
    openFiles({path});
}

void MainWindow::openFiles(const QStringList& paths, bool show) {
    for (const QString& path : paths) {
        auto* tab = new ProfileTab;
        const int index = tabs_->addTab(tab, QFileInfo(path).fileName());
        tabs_->setTabToolTip(index, path);
        if (show || tabs_->count() == 1) tabs_->setCurrentIndex(index);
        stack_->setCurrentWidget(tabs_);
        connect(tab, &ProfileTab::titleChanged, this, [this, tab] {
            tabs_->setTabText(tabs_->indexOf(tab), tab->title());
            updateTitle();
        });
        connect(tab, &ProfileTab::failedToOpen, this, [this, path](const QString& m) {
            statusBar()->showMessage(m, 10000);
            (void)path;
        });
        connect(tab->session(), &widgets::ProfileSession::loaded, this,
                [this, path] { addRecent(QFileInfo(path).absoluteFilePath()); });
        tab->open(path);
    }
    updateTitle();
}

void MainWindow::openDialog() {
    QSettings settings;
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open profiles"), settings.value(QStringLiteral("lastDir")).toString(),
        tr(kProfileFilter));
    if (paths.isEmpty()) return;
    settings.setValue(QStringLiteral("lastDir"), QFileInfo(paths.front()).absolutePath());
    openFiles(paths);
}

void MainWindow::compareDialog() {
    ProfileTab* tab = currentTab();
    if (!tab) return;
    const QString base = QFileDialog::getOpenFileName(
        this, tr("Compare with a base profile"), QFileInfo(tab->session()->path()).absolutePath(),
        tr(kProfileFilter));
    if (!base.isEmpty()) tab->compareWith(base);
}

void MainWindow::exportFlame() {
    ProfileTab* tab = currentTab();
    if (!tab) return;
    const QString suggested = profileStem(tab->session()->path()) + ".svg";
    const QString path = QFileDialog::getSaveFileName(this, tr("Export flame graph"), suggested,
                                                      tr("SVG (*.svg);;PNG (*.png)"));
    if (path.isEmpty()) return;
    const QString err = tab->exportFlameGraph(path);
    if (err.isEmpty())
        statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
    else
        QMessageBox::warning(this, tr("Export failed"), err);
}

void MainWindow::exportTable() {
    ProfileTab* tab = currentTab();
    if (!tab) return;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export top table"), profileStem(tab->session()->path()) + "-top.csv",
        tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    const QString err = tab->exportTable(path);
    if (err.isEmpty())
        statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
    else
        QMessageBox::warning(this, tr("Export failed"), err);
}

void MainWindow::closeTab(int index) {
    if (index < 0) return;
    QWidget* w = tabs_->widget(index);
    tabs_->removeTab(index);
    w->deleteLater();
    if (tabs_->count() == 0) stack_->setCurrentWidget(welcome_);
    updateTitle();
}

void MainWindow::updateTitle() {
    ProfileTab* tab = currentTab();
    QString name = tab ? tab->title() : QString();
    if (name.isEmpty() && stack_->currentWidget() == tabs_ && tabs_->count() > 0)
        name = tabs_->tabText(tabs_->currentIndex());  // a Live tab
    setWindowTitle(name.isEmpty() ? tr("Embers") : tr("%1 — Embers").arg(name));
}

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentFiles")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent) recent.removeLast();
    settings.setValue(QStringLiteral("recentFiles"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    const QStringList recent = QSettings().value(QStringLiteral("recentFiles")).toStringList();
    recentMenu_->clear();
    welcomeRecent_->clear();
    for (const QString& path : recent) {
        QAction* a = recentMenu_->addAction(QFileInfo(path).fileName());
        a->setToolTip(path);
        connect(a, &QAction::triggered, this, [this, path] { openFiles({path}); });
        auto* item = new QListWidgetItem(
            QStringLiteral("%1    —    %2").arg(QFileInfo(path).fileName(), path));
        item->setData(Qt::UserRole, path);
        welcomeRecent_->addItem(item);
    }
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::showShortcuts() {
    QMessageBox::information(
        this, tr("Keyboard shortcuts"),
        tr("<table cellpadding=3>"
           "<tr><td><b>Ctrl+O</b></td><td>Open profiles</td></tr>"
           "<tr><td><b>Ctrl+D</b></td><td>Compare with a base profile</td></tr>"
           "<tr><td><b>Ctrl+E</b></td><td>Export the flame graph (SVG or PNG)</td></tr>"
           "<tr><td><b>Ctrl+F</b></td><td>Search the flame graph (regular expression)</td></tr>"
           "<tr><td><b>Click</b></td><td>Zoom into a frame and select its function</td></tr>"
           "<tr><td><b>Esc, Backspace</b></td><td>Back to the previous zoom</td></tr>"
           "<tr><td><b>Ctrl+Wheel</b></td><td>Zoom the flame graph around the cursor</td></tr>"
           "<tr><td><b>Enter</b></td><td>Apply a filter field</td></tr>"
           "<tr><td><b>Ctrl+Tab</b></td><td>Next profile tab</td></tr>"
           "<tr><td><b>Ctrl+Shift+C</b></td><td>Show or hide the capture panel</td></tr>"
           "<tr><td><b>Ctrl+Shift+N</b></td><td>Add a capture target</td></tr>"
           "<tr><td><b>Ctrl+Shift+V</b></td><td>Add a target from a pasted cURL command, "
           "header or HAR path</td></tr>"
           "<tr><td><b>Space</b></td><td>Pause or resume the live charts</td></tr>"
           "<tr><td><b>Click a marker</b></td><td>Open the capture it marks (live charts)</td></tr>"
           "<tr><td><b>Right-click a chart</b></td><td>Add or remove metrics, export</td></tr>"
           "<tr><td><b>Ctrl+W</b></td><td>Close the profile tab</td></tr>"
           "<tr><td><b>Ctrl+Q</b></td><td>Quit</td></tr></table>"));
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About Embers"),
                       tr("<b>Embers %1</b><p>Capture and explore pprof profiles.</p>")
                           .arg(QApplication::applicationVersion()));
}

void MainWindow::closeEvent(QCloseEvent* e) {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    e->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    QStringList paths;
    for (const QUrl& url : e->mimeData()->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    if (!paths.isEmpty()) openFiles(paths);
    e->acceptProposedAction();
}

}  // namespace embers::app
