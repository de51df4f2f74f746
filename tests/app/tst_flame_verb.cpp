// `embers flame` renders without a display, as a process: SVG with the profile's frames,
// PNG of the asked width. (It was once left out of the verb table and opened the GUI.)
#include <QFile>
#include <QImage>
#include <QProcess>
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
};

QTEST_MAIN(TstFlameVerb)
#include "tst_flame_verb.moc"
