// embers flame: render a flame graph to SVG or PNG without a display.
#include <QApplication>
#include <QFont>
#include <QImage>
#include <QSaveFile>
#include <iostream>

#include "cli_common.h"
#include "core/call_tree.h"
#include "core/encode.h"
#include "core/errors.h"
#include "core/flame_render.h"
#include "verbs.h"
#include "widgets/flame_graph_widget.h"

namespace embers::app {

using namespace embers::core;

int verbFlame(int argc, char** argv, int first) {
    return runGuarded([&] {
        OptionSpec spec = analysisOptionSpec();
        spec.withValue.insert({"-o", "--output", "--width"});
        spec.switches.insert("--flame");
        const CliArgs args(argc, argv, first, spec);
        const auto out = args.value("-o") ? args.value("-o") : args.value("--output");
        if (!out) throw UsageError("flame needs -o OUT.svg or -o OUT.png");
        const bool svg = out->ends_with(".svg");
        if (!svg && !out->ends_with(".png"))
            throw UsageError("flame writes .svg or .png files, not '" + *out + "'");
        const long long width = args.integer("--width", 1600);
        if (width < 100 || width > 20000) throw UsageError("--width must be between 100 and 20000");
        const ProfilePtr loaded = loadProfiles(args.positional(), args);
        AnalysisOptions o = analysisOptions(*loaded, args);
        o.nodes.granularity = Granularity::Functions;
        const ProfilePtr p = applyFilterArgs(loaded, args);
        auto tree = std::make_shared<const CallTree>(computeCallTree(*p, o));
        if (svg) {
            FlameSvgOptions so;
            so.width = int(width);
            so.flameOrientation = args.has("--flame");
            so.title = args.positional().front() + " (" + tree->sampleType + ")";
            so.title += filterOptions(args).describe();
            if (const auto base = args.value("--diff-base")) so.title += " diff-base=" + *base;
            writeFileAtomically(*out, renderFlameSvg(*tree, so));
        } else {
            // Rendering text needs a GUI application; no display is needed.
            if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
                qputenv("QT_QPA_PLATFORM", "offscreen");
            int qargc = 1;
            char* qargv[] = {argv[0], nullptr};
            QApplication app(qargc, qargv);
            widgets::FlameGraphWidget w;
            w.resize(int(width), 600);
            w.setTree(tree);
            w.setFlameOrientation(args.has("--flame"));
            QSaveFile f(QString::fromStdString(*out));
            if (!f.open(QIODevice::WriteOnly) || !w.renderImage(int(width)).save(&f, "PNG") ||
                !f.commit())
                throw FormatError(*out + ": cannot write the file (" +
                                  f.errorString().toStdString() + ")");
        }
        std::cerr << "embers: wrote " << *out << "\n";
        return kExitOk;
    });
}

}  // namespace embers::app
