#include "theme.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

namespace embers::widgets {

namespace {

struct StartupLook {
    bool captured = false;
    QString styleName;
    QPalette palette;
};

StartupLook& startupLook() {
    static StartupLook look;
    return look;
}

QPalette darkPalette() {
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(225, 225, 225);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(40, 40, 43));
    p.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(140, 140, 140));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 90, 90));
    p.setColor(QPalette::Light, QColor(70, 70, 74));
    p.setColor(QPalette::Midlight, QColor(60, 60, 64));
    p.setColor(QPalette::Mid, QColor(35, 35, 38));
    p.setColor(QPalette::Dark, QColor(25, 25, 27));
    p.setColor(QPalette::Shadow, QColor(10, 10, 10));
    p.setColor(QPalette::Highlight, QColor(42, 110, 190));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(100, 160, 240));
    p.setColor(QPalette::LinkVisited, QColor(170, 130, 230));
    const QColor disabled(120, 120, 120);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

}  // namespace

Theme themeFromName(const QString& name) {
    if (name == QLatin1String("light")) return Theme::Light;
    if (name == QLatin1String("dark")) return Theme::Dark;
    return Theme::System;
}

QString themeName(Theme theme) {
    switch (theme) {
        case Theme::Light:
            return QStringLiteral("light");
        case Theme::Dark:
            return QStringLiteral("dark");
        case Theme::System:
            break;
    }
    return QStringLiteral("system");
}

void applyTheme(Theme theme) {
    StartupLook& look = startupLook();
    if (!look.captured) {
        look.captured = true;
        look.styleName = QApplication::style() ? QApplication::style()->name() : QString();
        look.palette = QApplication::palette();
    }
    if (theme == Theme::System) {
        if (!look.styleName.isEmpty()) QApplication::setStyle(look.styleName);
        QApplication::setPalette(look.palette);
        return;
    }
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(theme == Theme::Dark ? darkPalette()
                                                  : QApplication::style()->standardPalette());
}

bool isDark(const QPalette& palette) {
    return palette.color(QPalette::Window).lightness() <
           palette.color(QPalette::WindowText).lightness();
}

ViewColors viewColors(const QPalette& palette) {
    ViewColors c;
    if (isDark(palette)) {
        c.neutralFrame = QColor(78, 78, 82);
        c.mergedFrame = QColor(64, 64, 68);
        c.neutralText = QColor(230, 230, 230);
        c.bannerBack = QColor(74, 26, 24);
        c.bannerText = QColor(255, 205, 200);
        c.bannerBorder = QColor(120, 45, 40);
    } else {
        c.neutralFrame = QColor(222, 222, 222);
        c.mergedFrame = QColor(205, 205, 205);
        c.neutralText = QColor(20, 20, 20);
        c.bannerBack = QColor(0xfd, 0xec, 0xea);
        c.bannerText = QColor(0x61, 0x1a, 0x15);
        c.bannerBorder = QColor(0xf5, 0xc6, 0xcb);
    }
    return c;
}

}  // namespace embers::widgets
