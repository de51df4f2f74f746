// A real window on a real X server (run under xvfb-run by ctest): open Go profiles the way a
// user does, let them paint, and save what the screen shows as PNGs for people to look at.
// The checks make sure the screenshots show a painted profile, not an empty window.
#include <QApplication>
#include <QDir>
#include <QImage>
#include <QPixmap>
#include <QPushButton>
#include <QScreen>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "live_view.h"
#include "local_demo.h"
#include "main_window.h"
#include "profile_tab.h"
#include "target_dialog.h"
#include "targets_panel.h"
#include "widgets/flame_graph_view.h"
#include "widgets/flame_graph_widget.h"
#include "widgets/profile_session.h"
#include "widgets/theme.h"

using namespace embers;

namespace {

QString sample(const char* name) {
    return QDir(qEnvironmentVariable("EMBERS_SAMPLES")).filePath(QString::fromLatin1(name));
}

app::ProfileTab* lastTab(app::MainWindow& w) {
    app::ProfileTab* last = nullptr;
    for (QTabWidget* t : w.findChildren<QTabWidget*>())
        if (t->count() > 0 && qobject_cast<app::ProfileTab*>(t->widget(0)))
            last = qobject_cast<app::ProfileTab*>(t->widget(t->count() - 1));
    return last;
}

int distinctColours(const QImage& img) {
    QSet<QRgb> seen;
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3) seen.insert(img.pixel(x, y));
    return int(seen.size());
}

}  // namespace

class TstScreenshot : public QObject {
    Q_OBJECT
    QString outDir_;

    // Grabs the whole X screen, saves it, and returns it.
    QImage shoot(const QString& name) {
        QTest::qWait(300);  // let the compositor-free Xvfb settle after the last repaint
        const QImage img = QGuiApplication::primaryScreen()->grabWindow(0).toImage();
        const QString path = QDir(outDir_).filePath(name);
        if (!img.save(path)) qWarning("could not write %s", qPrintable(path));
        qInfo("screenshot: %s", qPrintable(path));
        return img;
    }

private slots:
    void initTestCase() {
        if (QGuiApplication::platformName() != QLatin1String("xcb"))
            QSKIP("needs a real X server (ctest runs this under xvfb-run)");
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("EmbersTest"));
        QApplication::setApplicationName(QStringLiteral("tst_screenshot"));
        QSettings().clear();  // no history or targets of earlier runs in the pictures
        outDir_ = qEnvironmentVariable("EMBERS_SCREENSHOT_DIR",
                                       QDir::temp().filePath(QStringLiteral("embers-shots")));
        QVERIFY(QDir().mkpath(outDir_));
    }

    void cpuProfileInBothThemes() {
        app::MainWindow w;
        w.setGeometry(0, 0, 1600, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openFiles({sample("cpu.pb.gz")});
        app::ProfileTab* tab = lastTab(w);
        QVERIFY(QTest::qWaitFor(
            [tab] { return tab->session()->result() && !tab->session()->busy(); }, 20000));
        widgets::FlameGraphWidget* g = tab->flameView()->graph();
        QVERIFY(g->isVisible());
        QVERIFY(g->currentLayout().frames.size() > 10);

        for (widgets::Theme theme : {widgets::Theme::Light, widgets::Theme::Dark}) {
            widgets::applyTheme(theme);
            const QImage shot = shoot(QStringLiteral("cpu-%1.png").arg(widgets::themeName(theme)));
            QCOMPARE(shot.size(), QSize(1600, 1000));
            // The flame graph area on screen: many colours (frames), not one flat fill.
            const QPoint topLeft = g->mapToGlobal(QPoint(0, 0));
            const QRect area =
                QRect(topLeft, g->visibleRegion().boundingRect().size()).intersected(shot.rect());
            QVERIFY(area.width() > 300 && area.height() > 200);
            QVERIFY2(distinctColours(shot.copy(area)) > 15,
                     "the flame graph area of the screenshot is nearly uniform");
            // The window background follows the theme.
            const QColor bg = shot.pixelColor(topLeft.x() - 1 > 0 ? 2 : 2, shot.height() - 3);
            if (theme == widgets::Theme::Dark)
                QVERIFY2(bg.lightness() < 128, qPrintable(bg.name()));
            else
                QVERIFY2(bg.lightness() >= 128, qPrintable(bg.name()));
        }
        widgets::applyTheme(widgets::Theme::System);
    }

    // The capture panel after capturing from the local demo (the agent in embers-demo).
    void captureFromLocalDemo() {
        if (app::LocalDemo::findProgram().isEmpty()) QSKIP("embers-demo is not built");
        QTemporaryDir captures;
        qputenv("EMBERS_CAPTURE_DIR", captures.path().toUtf8());
        app::MainWindow w;
        w.setGeometry(0, 0, 1600, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.startLocalDemo();
        app::TargetsPanel* panel = w.targetsPanel();
        QVERIFY(QTest::qWaitFor([panel] { return !panel->targets().isEmpty(); }, 20000));
        panel->setConfirmWarnings(false);
        QSignalSpy captured(panel, &app::TargetsPanel::captured);
        QVERIFY(panel->startCapture(capture::ProfileKind::Heap));
        QVERIFY(QTest::qWaitFor([&] { return !captured.isEmpty(); }, 30000));
        app::ProfileTab* tab = lastTab(w);
        QVERIFY(tab);
        QVERIFY(QTest::qWaitFor(
            [tab] { return tab->session()->result() && !tab->session()->busy(); }, 20000));
        QVERIFY(distinctColours(shoot(QStringLiteral("capture-heap.png"))) > 15);

        // Live charts of the same target for a few seconds.
        panel->liveSelected();
        auto* live = qobject_cast<app::LiveView*>(w.tabs()->currentWidget());
        QVERIFY(live);
        live->setInterval(250);
        QVERIFY(QTest::qWaitFor(
            [live] {
                return live->pointCount(QStringLiteral("process_resident_memory_bytes")) >= 12;
            },
            20000));
        // A heap capture from the chart: it opens, and the Live tab gets its marker.
        QSignalSpy aside(panel, &app::TargetsPanel::capturedAside);
        QVERIFY(live->requestCapture(QStringLiteral("heap")));
        QVERIFY(QTest::qWaitFor([&] { return !aside.isEmpty(); }, 30000));
        QCOMPARE(live->markerCount(), 1);
        w.tabs()->setCurrentWidget(live);
        QTest::qWait(1500);  // a few more points after the marker, and the rates drawn
        QVERIFY(QTest::qWaitFor(
            [live] { return !live->statusText().contains(QStringLiteral("rates appear")); },
            15000));
        QTest::qWait(2000);  // a few seconds of rates
        QVERIFY(distinctColours(shoot(QStringLiteral("live.png"))) > 10);

        // The two dialogs of the Live view, as they open.
        for (const auto& [button, name] :
             {std::pair{QStringLiteral("Add Metric…"), QStringLiteral("live-add-metric.png")},
              std::pair{QStringLiteral("Trigger…"), QStringLiteral("live-trigger.png")}}) {
            QPushButton* b = nullptr;
            for (QPushButton* candidate : live->findChildren<QPushButton*>())
                if (candidate->text() == button) b = candidate;
            QVERIFY2(b, qPrintable(button));
            bool shown = false;
            QTimer::singleShot(800, this, [&, name = name] {
                QWidget* dialog = QApplication::activeModalWidget();
                shown = dialog != nullptr;
                shoot(name);
                if (dialog) dialog->close();
            });
            b->click();  // runs the dialog until the timer closes it
            QVERIFY2(shown, qPrintable(name));
        }
    }

    // The target dialog as it opens from a pasted DevTools cURL command.
    void targetDialogFromPastedCurl() {
        app::TargetDialog dialog(capture::Target{}, QString());
        dialog.takeInput(QStringLiteral(
            "curl 'https://node.example:8443/__/debug/pprof/heap' -H 'accept: */*' -H "
            "'authorization: Bearer "
            "eyJhbGciOiJIUzI1NiJ9."
            "eyJzdWIiOiJhbGljZSIsInJvbGVzIjpbInZpZXdlciJdLCJleHAiOjE3MDAwMDAwMDB9"
            ".c2ln'"));
        dialog.move(40, 40);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(distinctColours(shoot(QStringLiteral("target-dialog.png"))) > 5);
    }

    void goroutineDumpAndDiff() {
        app::MainWindow w;
        w.setGeometry(0, 0, 1600, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openFiles({sample("goroutine.debug2.txt")});
        app::ProfileTab* tab = lastTab(w);
        QVERIFY(QTest::qWaitFor(
            [tab] { return tab->session()->result() && !tab->session()->busy(); }, 20000));
        QTabWidget* views = nullptr;
        for (QTabWidget* t : tab->findChildren<QTabWidget*>()) views = t;
        QVERIFY(views);
        for (int i = 0; i < views->count(); ++i)
            if (views->tabText(i).remove('&').startsWith(QStringLiteral("Goroutines")))
                views->setCurrentIndex(i);
        QVERIFY(distinctColours(shoot(QStringLiteral("goroutines.png"))) > 10);

        w.openFiles({sample("cpu.pb.gz")});
        app::ProfileTab* cpu = lastTab(w);
        QVERIFY(QTest::qWaitFor(
            [cpu] { return cpu->session()->result() && !cpu->session()->busy(); }, 20000));
        const auto before = cpu->session()->result();
        cpu->compareWith(sample("cpu2.pb.gz"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return cpu->session()->result() != before && !cpu->session()->busy() &&
                       cpu->session()->result()->isDiff();
            },
            20000));
        QVERIFY(distinctColours(shoot(QStringLiteral("cpu-diff.png"))) > 10);
    }
};

QTEST_MAIN(TstScreenshot)
#include "tst_screenshot.moc"
