// Starts the desktop viewer.
#include <QApplication>
#include <QSettings>
#include <QStyleHints>
#include <iostream>

#include "main_window.h"
#include "verbs.h"
#include "widgets/theme.h"

namespace embers::app {

int runGui(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::cerr << "embers: no display found (DISPLAY is not set); run it in a desktop "
                     "session, or use a verb such as 'embers top FILE' (see 'embers help')\n";
        return 1;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Embers"));
    QApplication::setOrganizationName(QStringLiteral("Embers"));
    QApplication::setApplicationVersion(QStringLiteral(EMBERS_VERSION));
    widgets::applyTheme(
        widgets::themeFromName(QSettings().value(QStringLiteral("theme")).toString()));
    MainWindow window;
    QStringList files;
    for (int i = 1; i < argc; ++i) files << QString::fromLocal8Bit(argv[i]);
    window.show();
    if (QSettings().value(QStringLiteral("capture/localDemo"), true).toBool())
        window.startLocalDemo();
    if (!files.isEmpty()) window.openFiles(files);
    return app.exec();
}

}  // namespace embers::app
