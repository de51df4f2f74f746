// Light and dark appearance: the user's choice (follow the system, or force light or dark)
// and the few colours the custom-painted views derive from the current palette.
#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

namespace embers::widgets {

enum class Theme { System, Light, Dark };

// "system", "light", "dark" <-> Theme; unknown names give System.
Theme themeFromName(const QString& name);
QString themeName(Theme theme);

// Applies the theme to the running QApplication. System restores the palette the
// platform gave at startup; Light and Dark use the Fusion style with a matching palette.
void applyTheme(Theme theme);

// True when the palette's window background is dark (text is lighter than the base).
bool isDark(const QPalette& palette);

// Colours for custom painting that stay readable on both palettes.
struct ViewColors {
    QColor neutralFrame;  // "all" root and zoom ancestors in the flame graph
    QColor mergedFrame;   // frames merged below one pixel
    QColor neutralText;   // text on neutral frames
    QColor bannerBack;    // error banner
    QColor bannerText;
    QColor bannerBorder;
};
ViewColors viewColors(const QPalette& palette);

}  // namespace embers::widgets
