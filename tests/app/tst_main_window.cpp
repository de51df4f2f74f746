// The main window as a user drives it: open real Go profiles into tabs, switch views and
// sample types, a bad file, recent files, the theme. Offscreen platform.
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

#include "main_window.h"
#include "profile_tab.h"
#include "widgets/flame_graph_view.h"
#include "widgets/flame_graph_widget.h"
#include "widgets/goroutine_view.h"
#include "widgets/profile_session.h"
#include "widgets/theme.h"
#include "widgets/top_table_model.h"

using namespace embers;

namespace {

QString sample(const char* name) {
    return QDir(qEnvironmentVariable("EMBERS_SAMPLES")).filePath(QString::fromLatin1(name));
}

QTabWidget* profileTabs(app::MainWindow& w) {
    // The tab widget that holds ProfileTabs (the views inside a tab are QTabWidgets too).
    for (QTabWidget* t : w.findChildren<QTabWidget*>())
        if (t->count() > 0 && qobject_cast<app::ProfileTab*>(t->widget(0))) return t;
    return nullptr;
}

bool waitForAnalysis(app::ProfileTab* tab) {
    return QTest::qWaitFor([tab] { return tab->session()->result() && !tab->session()->busy(); },
                           20000);
}

QAction* findAction(QWidget* w, const QString& text) {
    for (QAction* a : w->findChildren<QAction*>())
        if (a->text().remove('&') == text) return a;
    return nullptr;
}

}  // namespace

class TstMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("EmbersTest"));
        QApplication::setApplicationName(QStringLiteral("tst_main_window"));
        QSettings().clear();
    }

    void opensProfilesIntoTabsWithTitle() {
        app::MainWindow w;
        w.show();
        QCOMPARE(w.windowTitle(), QStringLiteral("Embers"));
        w.openFiles({sample("cpu.pb.gz"), sample("heap.pb.gz")});
        QTabWidget* tabs = profileTabs(w);
        QVERIFY(tabs);
        QCOMPARE(tabs->count(), 2);
        auto* heap = qobject_cast<app::ProfileTab*>(tabs->widget(1));
        QVERIFY(waitForAnalysis(heap));
        QCOMPARE(w.windowTitle(), QStringLiteral("heap.pb.gz — Embers"));
        tabs->setCurrentIndex(0);
        QCOMPARE(w.windowTitle(), QStringLiteral("cpu.pb.gz — Embers"));
        // The flame graph has laid out frames for the real profile.
        auto* cpu = qobject_cast<app::ProfileTab*>(tabs->widget(0));
        QVERIFY(waitForAnalysis(cpu));
        QVERIFY(cpu->flameView()->graph()->currentLayout().frames.size() > 10);
        // Both files are remembered, newest first.
        const QStringList recent = QSettings().value("recentFiles").toStringList();
        QVERIFY(recent.size() >= 2);
        QVERIFY(recent.contains(QFileInfo(sample("cpu.pb.gz")).absoluteFilePath()));
    }

    void switchesSampleTypeAndViews() {
        app::MainWindow w;
        w.show();
        w.openFiles({sample("heap.pb.gz")});
        auto* tab = qobject_cast<app::ProfileTab*>(profileTabs(w)->widget(0));
        QVERIFY(waitForAnalysis(tab));
        QComboBox* types = nullptr;
        for (QComboBox* c : tab->findChildren<QComboBox*>())
            if (c->findText(QStringLiteral("alloc_space")) >= 0) types = c;
        QVERIFY2(types, "no sample type chooser listing alloc_space");
        QCOMPARE(types->currentText(), QStringLiteral("inuse_space"));
        const auto before = tab->session()->result();
        types->setCurrentIndex(types->findText(QStringLiteral("alloc_space")));
        QVERIFY(QTest::qWaitFor(
            [&] { return tab->session()->result() != before && !tab->session()->busy(); }, 20000));
        QCOMPARE(tab->session()->options().sampleIndex,
                 types->findText(QStringLiteral("alloc_space")));
        // The numbers of the new sample type fit their columns (not "536...5kB").
        QTableView* table = tab->findChild<QTableView*>();
        QVERIFY(table);
        for (int c = 0; c < table->model()->columnCount(); ++c)
            if (c != widgets::TopTableModel::Name)
                QVERIFY2(
                    table->columnWidth(c) >=
                        static_cast<QAbstractItemView*>(table)->sizeHintForColumn(c),
                    qPrintable(
                        QStringLiteral("column %1: %2 < %3")
                            .arg(c)
                            .arg(table->columnWidth(c))
                            .arg(static_cast<QAbstractItemView*>(table)->sizeHintForColumn(c))));
        // Every view tab can be shown.
        QTabWidget* views = nullptr;
        for (QTabWidget* t : tab->findChildren<QTabWidget*>()) views = t;
        QVERIFY(views && views->count() >= 4);
        for (int i = 0; i < views->count(); ++i) {
            views->setCurrentIndex(i);
            QVERIFY(views->currentWidget()->isVisible());
        }
    }

    // Ctrl+F from anywhere in the window, the flame graph itself included, goes to the
    // flame graph's search box (one binding: two would make Qt ignore the key).
    void ctrlFFocusesTheSearch() {
        app::MainWindow w;
        w.show();
        w.openFiles({sample("cpu.pb.gz")});
        auto* tab = qobject_cast<app::ProfileTab*>(profileTabs(w)->widget(0));
        QVERIFY(waitForAnalysis(tab));
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QLineEdit* search = nullptr;
        for (QLineEdit* e : tab->flameView()->findChildren<QLineEdit*>())
            if (e->placeholderText().contains(QStringLiteral("Ctrl+F"))) search = e;
        QVERIFY(search);
        for (QWidget* from : {static_cast<QWidget*>(tab->flameView()->graph()),
                              static_cast<QWidget*>(tab->findChild<QTableView*>())}) {
            from->setFocus();
            QVERIFY(from->hasFocus());
            QTest::keyClick(from, Qt::Key_F, Qt::ControlModifier);
            QVERIFY2(search->hasFocus(), from->metaObject()->className());
        }
    }

    // The window never widens itself: not when a profile opens and its tables fill, not
    // when goroutine dumps are compared (nothing inside may need more than a laptop screen).
    void windowKeepsItsSize() {
        app::MainWindow w;
        w.resize(1100, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openFiles({sample("cpu.pb.gz"), sample("heap.pb.gz"), sample("goroutine.debug2.txt")});
        QTabWidget* tabs = profileTabs(w);
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QVERIFY(waitForAnalysis(qobject_cast<app::ProfileTab*>(tabs->widget(i))));
            QTest::qWait(50);
        }
        auto* view = tabs->widget(2)->findChild<widgets::GoroutineView*>();
        QVERIFY(view);
        // Grouped while its tab was hidden: the columns still fit their words ("chan
        // receive"), not the width of a view that had none yet.
        QTreeView* groups = view->treeView();
        for (int c = 0; c + 1 < groups->model()->columnCount(); ++c)
            if (!groups->isColumnHidden(c))
                QVERIFY2(
                    groups->columnWidth(c) >=
                        std::min(static_cast<QAbstractItemView*>(groups)->sizeHintForColumn(c),
                                 350),
                    qPrintable(QStringLiteral("column %1: %2").arg(c).arg(groups->columnWidth(c))));
        QSignalSpy ready(view, &widgets::GoroutineView::groupsReady);
        view->openBaseline(sample("goroutine.debug2.txt"));
        QVERIFY(QTest::qWaitFor([&] { return view->isComparing(); }, 20000));
        QTest::qWait(100);
        QString wide;
        for (QWidget* c : w.findChildren<QWidget*>())
            if (c->isVisible() && c->minimumSizeHint().width() > 200)
                wide +=
                    QStringLiteral("%1 %2 %3 (in %4)\n")
                        .arg(QString::fromLatin1(c->metaObject()->className()), c->objectName())
                        .arg(c->minimumSizeHint().width())
                        .arg(c->parentWidget()
                                 ? QString::fromLatin1(c->parentWidget()->metaObject()->className())
                                 : QString());
        QVERIFY2(w.width() == 1100, qPrintable(QString::number(w.width()) + "\n" + wide));
    }

    void badFileKeepsTheAppUsable() {
        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("broken.pb.gz"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("\x1f\x8b\x08\x00garbage that is not deflate");
        f.close();
        app::MainWindow w;
        w.show();
        w.openFiles({bad});
        auto* tab = qobject_cast<app::ProfileTab*>(profileTabs(w)->widget(0));
        QVERIFY(QTest::qWaitFor([tab] { return !tab->session()->busy(); }, 20000));
        QLabel* banner = nullptr;
        for (QLabel* l : tab->findChildren<QLabel*>())
            if (l->isVisible() && l->text().contains(QStringLiteral("broken.pb.gz"))) banner = l;
        QVERIFY2(banner, "no visible error naming the file");
        // Nothing to choose or filter in a tab that has no profile.
        QVERIFY(!tab->findChild<QWidget*>(QStringLiteral("profileToolbar"))->isEnabled());
        QVERIFY(!tab->flameView()->isEnabled());  // no search in an empty flame graph
        // The window still opens a good profile afterwards.
        w.openFiles({sample("cpu.pb.gz")});
        auto* good = qobject_cast<app::ProfileTab*>(profileTabs(w)->widget(1));
        QVERIFY(waitForAnalysis(good));
        QVERIFY(good->findChild<QWidget*>(QStringLiteral("profileToolbar"))->isEnabled());
        // A bad expression in a field: the banner names the field, not a command-line flag.
        widgets::ViewOptions o = good->session()->options();
        o.filters.focus = std::string(1, '(');  // (not "(": a GCC 12 false warning)
        good->session()->setOptions(o);
        QVERIFY(QTest::qWaitFor([good] { return !good->session()->busy(); }, 20000));
        QLabel* message = nullptr;
        for (QLabel* l : good->findChildren<QLabel*>())
            if (l->isVisible() && l->text().contains(QStringLiteral("regular expression")))
                message = l;
        QVERIFY2(message, "no message about the expression");
        QVERIFY2(message->text().startsWith(QStringLiteral("The focus field: '('")),
                 qPrintable(message->text()));
    }

    void themeMenuSwitchesPaletteAndIsRemembered() {
        app::MainWindow w;
        w.show();
        QAction* dark = findAction(&w, QStringLiteral("Dark"));
        QAction* light = findAction(&w, QStringLiteral("Light"));
        QVERIFY(dark && light);
        dark->trigger();
        QVERIFY(widgets::isDark(QApplication::palette()));
        QCOMPARE(QSettings().value("theme").toString(), QStringLiteral("dark"));
        const widgets::ViewColors darkColors = widgets::viewColors(QApplication::palette());
        light->trigger();
        QVERIFY(!widgets::isDark(QApplication::palette()));
        QCOMPARE(QSettings().value("theme").toString(), QStringLiteral("light"));
        QVERIFY(widgets::viewColors(QApplication::palette()).neutralFrame.lightness() >
                darkColors.neutralFrame.lightness());
        findAction(&w, QStringLiteral("Follow the System"))->trigger();
        QCOMPARE(QSettings().value("theme").toString(), QStringLiteral("system"));
    }

    void flameGraphPaintsWithThePalette() {
        app::MainWindow w;
        w.resize(1200, 800);
        w.show();
        w.openFiles({sample("cpu.pb.gz")});
        auto* tab = qobject_cast<app::ProfileTab*>(profileTabs(w)->widget(0));
        QVERIFY(waitForAnalysis(tab));
        widgets::FlameGraphWidget* g = tab->flameView()->graph();
        for (widgets::Theme t : {widgets::Theme::Light, widgets::Theme::Dark}) {
            widgets::applyTheme(t);
            QCoreApplication::processEvents();
            const QImage img = g->grab().toImage();
            // The "all" root row is drawn in the palette's neutral frame colour.
            const int rootY = g->flameOrientation() ? img.height() - 5 : 5;
            const QColor root = img.pixelColor(img.width() / 2, rootY);
            QCOMPARE(root.name(), widgets::viewColors(g->palette()).neutralFrame.name());
        }
        widgets::applyTheme(widgets::Theme::System);
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_main_window.moc"
