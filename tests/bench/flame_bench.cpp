// GUI benchmark (not a test): on the offscreen platform, opens a profile into the real
// flame graph view at 1920x1080 and measures, in one run:
//   - gunzip: `gzip -dc FILE > /dev/null`, 3 runs, median (the reference);
//   - open: from ProfileSession::open to the first flame graph painted with frames, 3 runs;
//   - repaint: a full repaint of the laid-out flame graph, 60 frames, median and p90.
// Prints one line per figure and the ratio of open to gunzip.
//
//   flame_bench FILE [--runs N] [--frames N]
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "widgets/flame_graph_view.h"
#include "widgets/flame_graph_widget.h"
#include "widgets/profile_session.h"

using namespace embers::widgets;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

double gunzipSeconds(const QString& file) {
    QProcess gz;
    gz.setStandardOutputFile(QProcess::nullDevice());
    QElapsedTimer t;
    t.start();
    gz.start(QStringLiteral("gzip"), {QStringLiteral("-dc"), file});
    if (!gz.waitForFinished(-1) || gz.exitCode() != 0) {
        std::fprintf(stderr, "flame_bench: gzip -dc %s failed\n", qPrintable(file));
        std::exit(1);
    }
    return double(t.nsecsElapsed()) / 1e9;
}

// Opens FILE in a fresh session and view; returns seconds to the first painted flame graph.
// The view is kept in *keep for the repaint measurement.
double openToFirstPaint(const QString& file, std::unique_ptr<ProfileSession>* keepSession,
                        std::unique_ptr<FlameGraphView>* keepView) {
    auto session = std::make_unique<ProfileSession>();
    auto view = std::make_unique<FlameGraphView>(session.get());
    view->resize(1920, 1080);
    view->show();
    QApplication::processEvents();
    bool failed = false;
    QEventLoop loop;
    QObject::connect(session.get(), &ProfileSession::failed, [&](const QString& m) {
        std::fprintf(stderr, "flame_bench: %s\n", qPrintable(m));
        failed = true;
        loop.quit();
    });
    // The view handles analysisReady first (it connected first) and lays out the frames.
    QObject::connect(session.get(), &ProfileSession::analysisReady, &loop, &QEventLoop::quit);
    QElapsedTimer t;
    t.start();
    session->open(file);
    loop.exec();
    FlameGraphWidget* g = view->graph();
    if (!failed) {
        if (g->currentLayout().frames.empty()) {
            std::fprintf(stderr, "flame_bench: no frames laid out\n");
            std::exit(1);
        }
        g->repaint();  // the first paint with frames, synchronously
    }
    const double s = double(t.nsecsElapsed()) / 1e9;
    if (failed) std::exit(1);
    *keepSession = std::move(session);
    *keepView = std::move(view);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: flame_bench FILE [--runs N] [--frames N]\n");
        return 1;
    }
    const QString file = args[1];
    int runs = 3, frames = 60;
    for (int i = 2; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--runs")) runs = std::max(1, args[i + 1].toInt());
        if (args[i] == QLatin1String("--frames")) frames = std::max(1, args[i + 1].toInt());
    }

    std::vector<double> gz, open;
    for (int i = 0; i < runs; ++i) gz.push_back(gunzipSeconds(file));
    std::unique_ptr<ProfileSession> session;
    std::unique_ptr<FlameGraphView> view;
    for (int i = 0; i < runs; ++i) {
        view.reset();
        session.reset();
        open.push_back(openToFirstPaint(file, &session, &view));
    }

    FlameGraphWidget* g = view->graph();
    std::vector<double> paint;
    for (int i = 0; i < frames; ++i) {
        QElapsedTimer t;
        t.start();
        g->repaint();
        paint.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::printf("profile            %s\n", qPrintable(file));
    std::printf("flame widget       %dx%d, %zu frames drawn\n", g->width(), g->height(),
                g->currentLayout().frames.size());
    std::printf("gunzip             %.3f s (median of %d)\n", median(gz), runs);
    std::printf("open to first paint %.3f s (median of %d) = %.2fx gunzip\n", median(open), runs,
                median(open) / median(gz));
    std::printf("repaint            median %.2f ms, p90 %.2f ms (%d frames)\n", median(paint),
                percentile(paint, 0.9), frames);
    return 0;
}
