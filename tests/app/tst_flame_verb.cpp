// `embers flame` renders without a display, as a process: SVG with the profile's frames,
// PNG of the asked width. (It was once left out of the verb table and opened the GUI.)
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

class TstFlameVerb : public QObject {
    Q_OBJECT

    static int run(const QStringList& args) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("EMBERS_BIN"), args);
        if (!p.waitForFinished(60000)) return -1;
        return p.exitCode();
    }

private slots:
    void svgAndPngWithoutDisplay() {
        QTemporaryDir dir;
        const QString cpu = qEnvironmentVariable("EMBERS_SAMPLES") + QStringLiteral("/cpu.pb.gz");
        const QString svg = dir.filePath(QStringLiteral("cpu.svg"));
        QCOMPARE(run({"flame", cpu, "-o", svg}), 0);
        QFile f(svg);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.startsWith("<?xml"));
        QVERIFY(text.contains("main.mix"));
        const QString png = dir.filePath(QStringLiteral("cpu.png"));
        QCOMPARE(run({"flame", cpu, "-o", png, "--width", "640"}), 0);
        const QImage img(png);
        QCOMPARE(img.width(), 640);
        QVERIFY(img.height() > 100);
        // A bad file: a one-line error and exit 2, not a window.
        QCOMPARE(run({"flame", svg, "-o", dir.filePath(QStringLiteral("x.svg"))}), 2);
    }

    // With --focus the shares stay shares of the whole profile (as pprof and `embers top`
    // give them), and the title says what was filtered.
    void focusedSharesAreOfTheWholeProfile() {
        QTemporaryDir dir;
        const QString cpu = qEnvironmentVariable("EMBERS_SAMPLES") + QStringLiteral("/cpu.pb.gz");
        const auto root = [&](const QStringList& extra, QString* title) {
            const QString out = dir.filePath(QStringLiteral("f.svg"));
            if (run(QStringList{"flame", cpu, "-o", out} + extra) != 0) return QStringList();
            QFile f(out);
            if (!f.open(QIODevice::ReadOnly)) return QStringList();
            const QString text = QString::fromUtf8(f.readAll());
            const auto m = QRegularExpression(QStringLiteral("<title>all \\(([0-9.]+)(m?s), "
                                                             "([0-9.]+)%\\)</title>"))
                               .match(text);
            *title = QRegularExpression(QStringLiteral("font-size=\"14\">([^<]*)</text>"))
                         .match(text)
                         .captured(1);
            return m.hasMatch() ? m.capturedTexts().mid(1) : QStringList();
        };
        const auto seconds = [](const QStringList& m) {
            return m[0].toDouble() * (m[1] == QLatin1String("ms") ? 1e-3 : 1.0);
        };
        QString title;
        const QStringList whole = root({}, &title);
        QVERIFY(!whole.isEmpty());
        QCOMPARE(whole[2], QStringLiteral("100"));
        const QStringList focused = root({"--focus", "hotLoop"}, &title);
        QVERIFY(!focused.isEmpty());
        QVERIFY2(title.endsWith(QStringLiteral("focus=hotLoop")), qPrintable(title));
        const double expected = 100.0 * seconds(focused) / seconds(whole);
        QVERIFY2(expected < 99 && std::abs(focused[2].toDouble() - expected) < 0.6,
                 qPrintable(QStringLiteral("%1% for %2 of %3")
                                .arg(focused[2])
                                .arg(seconds(focused))
                                .arg(seconds(whole))));
    }
};

QTEST_MAIN(TstFlameVerb)
#include "tst_flame_verb.moc"
