// The capture panel as a user drives it, against the real agent: the local demo starts and
// is listed first, buttons capture heap, goroutine and CPU profiles that open as files,
// a capture can be cancelled, a wrong token gives a one-line 401 without the token, tokens
// stay out of the settings file, and a pasted cURL command fills the target dialog.
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "client/targets.h"
#include "core/decode.h"
#include "local_demo.h"
#include "target_dialog.h"
#include "targets_panel.h"

using namespace embers;
using capture::ProfileKind;

class TstTargetsPanel : public QObject {
    Q_OBJECT
    QTemporaryDir captures_;
    capture::SessionSecrets secrets_;
    app::LocalDemo* demo_ = nullptr;
    capture::Target demoTarget_;
    QString demoToken_;

    // Captures `kind` from the selected target; returns the file or an empty string.
    QString captureOne(app::TargetsPanel& panel, ProfileKind kind, QString* failure = nullptr) {
        QSignalSpy done(&panel, &app::TargetsPanel::captured);
        QSignalSpy failed(&panel, &app::TargetsPanel::captureFailed);
        if (!panel.startCapture(kind)) return {};
        if (!QTest::qWaitFor([&] { return !done.isEmpty() || !failed.isEmpty(); }, 60000))
            return {};
        if (!failed.isEmpty()) {
            if (failure) *failure = failed.front().front().toString();
            return {};
        }
        return done.front().front().toString();
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("EmbersTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_targets_panel"));
        QSettings().clear();
        QVERIFY(captures_.isValid());
        qputenv("EMBERS_CAPTURE_DIR", captures_.path().toUtf8());
        if (app::LocalDemo::findProgram().isEmpty()) QSKIP("embers-demo is not built");
        demo_ = new app::LocalDemo(this);
        QSignalSpy ready(demo_, &app::LocalDemo::ready);
        QSignalSpy failed(demo_, &app::LocalDemo::failed);
        demo_->start();
        QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 20000));
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        demoTarget_ = ready.front().at(0).value<capture::Target>();
        demoToken_ = ready.front().at(1).toString();
        QCOMPARE(demoTarget_.baseUrl.host(), QStringLiteral("127.0.0.1"));
        QVERIFY(demoTarget_.baseUrl.port() > 0);
        QVERIFY(demoToken_.size() >= 32);
    }

    void cleanupTestCase() {
        if (demo_) demo_->stop();
    }

    void localDemoComesFirstAndCapturesOpen() {
        app::TargetsPanel panel(&secrets_);
        capture::Target other;
        other.id = capture::newTargetId();
        other.name = QStringLiteral("elsewhere");
        other.baseUrl = QUrl(QStringLiteral("https://127.0.0.1:9"));
        panel.addTarget(other, QStringLiteral("x"));
        panel.addTarget(demoTarget_, demoToken_);
        QCOMPARE(panel.targets().front().name, demoTarget_.name);
        panel.selectTarget(demoTarget_.id);
        panel.setConfirmWarnings(false);

        const QString heap = captureOne(panel, ProfileKind::Heap);
        QVERIFY2(!heap.isEmpty(), qPrintable(panel.statusText()));
        QVERIFY(heap.startsWith(captures_.path()));
        const auto p = core::readProfileFile(heap.toStdString(), {});
        QCOMPARE(QString::fromStdString(p->sampleTypeName(p->valueCount() - 1)),
                 QStringLiteral("inuse_space"));

        const QString goroutines = captureOne(panel, ProfileKind::Goroutine);
        QVERIFY2(!goroutines.isEmpty(), qPrintable(panel.statusText()));
        QVERIFY(core::readProfileFile(goroutines.toStdString(), {})->sampleCount() > 0);

        panel.setSeconds(1);
        const QString cpu = captureOne(panel, ProfileKind::Cpu);
        QVERIFY2(!cpu.isEmpty(), qPrintable(panel.statusText()));
        QVERIFY(core::readProfileFile(cpu.toStdString(), {})->sampleCount() > 0);
        // Newest first in the history, which is remembered.
        QCOMPARE(panel.history().front(), cpu);
        QCOMPARE(QSettings().value(QStringLiteral("capture/history")).toStringList().front(), cpu);
    }

    // Check reads the index: the prefix is found and what the agent offers is listed.
    void checkListsWhatTheNodeOffers() {
        app::TargetsPanel panel(&secrets_);
        capture::Target t = demoTarget_;
        t.prefix.clear();  // to be found
        panel.addTarget(t, demoToken_);
        QSignalSpy checked(&panel, &app::TargetsPanel::checked);
        panel.checkSelected();
        QVERIFY(QTest::qWaitFor([&] { return !checked.isEmpty(); }, 20000));
        QCOMPARE(checked.front().at(0).toString(), QStringLiteral("/debug/pprof"));
        const QStringList offers = checked.front().at(1).toStringList();
        QVERIFY2(offers.filter(QRegularExpression(QStringLiteral("^heap \\d+$"))).size() == 1,
                 qPrintable(offers.join(u',')));
        QVERIFY(offers.filter(QRegularExpression(QStringLiteral("^goroutine \\d+$"))).size() == 1);
        QVERIFY(panel.statusText().contains(QStringLiteral("offers")));
    }

    void cancelStopsARecordingCpuProfile() {
        app::TargetsPanel panel(&secrets_);
        panel.addTarget(demoTarget_, demoToken_);
        panel.setConfirmWarnings(false);
        panel.setSeconds(30);
        QElapsedTimer t;
        t.start();
        QVERIFY(panel.startCapture(ProfileKind::Cpu));
        QVERIFY(panel.capturing());
        QTest::qWait(500);
        panel.cancelCapture();
        QVERIFY(QTest::qWaitFor([&] { return !panel.capturing(); }, 10000));
        QVERIFY(t.elapsed() < 10000);
        QCOMPARE(panel.statusText(), QStringLiteral("Cancelled."));
    }

    void wrongTokenSaysWhyAndNeverShowsIt() {
        app::TargetsPanel panel(&secrets_);
        capture::Target t = demoTarget_;
        t.id = capture::newTargetId();
        t.localDemo = false;
        t.name = QStringLiteral("demo with a wrong token");
        const QString wrong = QStringLiteral("wrong-token-1234567890abcdef");
        panel.addTarget(t, wrong);
        panel.setConfirmWarnings(false);
        QString failure;
        QVERIFY(captureOne(panel, ProfileKind::Heap, &failure).isEmpty());
        QVERIFY2(failure.contains(QStringLiteral("401")), qPrintable(failure));
        QVERIFY(!failure.contains(wrong));
        QVERIFY(!panel.statusText().contains(wrong));
        // The settings file has the target but not its token.
        QSettings settings;
        settings.sync();
        QFile f(settings.fileName());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("demo with a wrong token"));
        QVERIFY(!text.contains(wrong.toUtf8()));
        QVERIFY(!text.contains(demoToken_.toUtf8()));
    }

    // Two nodes at once (a second embers-demo): both captures saved, their merge opens.
    void severalTargetsAtOnceOpenTheirMerge() {
        app::LocalDemo second;
        QSignalSpy ready(&second, &app::LocalDemo::ready);
        second.start();
        QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty(); }, 20000));
        capture::Target other = ready.front().at(0).value<capture::Target>();
        other.id = capture::newTargetId();
        other.name = QStringLiteral("second demo");
        other.localDemo = false;

        app::TargetsPanel panel(&secrets_);
        panel.setConfirmWarnings(false);
        panel.addTarget(demoTarget_, demoToken_);
        panel.addTarget(other, ready.front().at(1).toString());
        panel.selectTargets({demoTarget_.id, other.id});
        const QString merged = captureOne(panel, ProfileKind::Goroutine);
        QVERIFY2(!merged.isEmpty(), qPrintable(panel.statusText()));
        QVERIFY(QFileInfo(merged).fileName().startsWith(QStringLiteral("merged-2-targets")));
        // The merge holds both: twice the threads of one demo's dump.
        const QStringList history = panel.history();
        QVERIFY(history.size() >= 3);  // earlier tests' captures follow
        QCOMPARE(history.front(), merged);
        auto threads = [](const QString& path) {
            const auto p = core::readProfileFile(path.toStdString(), {});
            int64_t total = 0;
            for (size_t i = 0; i < p->sampleCount(); ++i) total += p->sampleValue(i, 0);
            return total;
        };
        QCOMPARE(threads(merged), threads(history.at(1)) + threads(history.at(2)));
        second.stop();
    }

    // An OAuth2 target: endpoint and client saved, secrets only in the secret store.
    void oauthTargetSecretsStayOutOfSettings() {
        app::TargetsPanel panel(&secrets_);
        capture::Target t;
        t.id = capture::newTargetId();
        t.name = QStringLiteral("behind an IdP");
        t.baseUrl = QUrl(QStringLiteral("https://127.0.0.1:9"));
        t.oauthTokenUrl = QStringLiteral("https://127.0.0.1:9/oauth/token");
        t.oauthClientId = QStringLiteral("cli-client");
        t.oauthUsername = QStringLiteral("ops");
        const QString secret = QStringLiteral("client-secret-q8w7"),
                      password = QStringLiteral("pass-q8w7");
        panel.addTarget(t, QString(), secret, password);
        QCOMPARE(secrets_.read(t.oauthSecretKey()), secret);
        QCOMPARE(secrets_.read(t.oauthPasswordKey()), password);
        QSettings settings;
        settings.sync();
        const auto loaded = capture::loadTargets(settings);
        const auto it = std::find_if(loaded.begin(), loaded.end(),
                                     [&](const capture::Target& x) { return x.id == t.id; });
        QVERIFY(it != loaded.end());
        QCOMPARE(it->oauthTokenUrl, t.oauthTokenUrl);
        QCOMPARE(it->oauthClientId, t.oauthClientId);
        QCOMPARE(it->oauthUsername, t.oauthUsername);
        QFile f(settings.fileName());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(!text.contains(secret.toUtf8()) && !text.contains(password.toUtf8()));
    }

    void pastedCurlFillsTheDialog() {
        const QString token = QStringLiteral("abc.def.ghi-pasted");
        const QString curl = QStringLiteral(
                                 "curl 'https://node.example:8443/__/debug/pprof/heap' \\\n"
                                 "  -H 'accept: */*' \\\n  -H 'authorization: Bearer %1' \\\n"
                                 "  --compressed")
                                 .arg(token);
        app::TargetDialog dialog(capture::Target{}, QString());
        dialog.takeInput(curl);
        QCOMPARE(dialog.literalToken(), token);
        const capture::Target t = dialog.target();
        QCOMPARE(t.baseUrl.host(), QStringLiteral("node.example"));
        QCOMPARE(t.baseUrl.port(), 8443);
        QCOMPARE(t.prefix, QStringLiteral("/__/debug/pprof"));
        // What the dialog shows never includes the token.
        for (QLabel* l : dialog.findChildren<QLabel*>()) QVERIFY(!l->text().contains(token));
    }
};

QTEST_MAIN(TstTargetsPanel)
#include "tst_targets_panel.moc"
