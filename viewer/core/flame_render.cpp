#include "flame_render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "units.h"

namespace embers::core {

namespace {

uint32_t fnv1a(const std::string& s) {
    uint32_t h = 2166136261u;
    for (unsigned char c : s) h = (h ^ c) * 16777619u;
    return h;
}

Rgb hsl(double h, double s, double l) {
    auto f = [&](double n) {
        const double k = std::fmod(n + h / 30.0, 12.0);
        const double a = s * std::min(l, 1 - l);
        return l - a * std::max(-1.0, std::min({k - 3, 9 - k, 1.0}));
    };
    return {uint8_t(std::lround(f(0) * 255)), uint8_t(std::lround(f(8) * 255)),
            uint8_t(std::lround(f(4) * 255))};
}

std::string xmlEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace

Rgb flameColor(const std::string& functionName) {
    // Hue and saturation from the package, so code of one package stays one
    // colour family across profiles; lightness from the function, so that
    // neighbouring frames of the same package are told apart.
    const uint32_t h = fnv1a(packageOf(functionName));
    const uint32_t f = fnv1a(functionName);
    const double hue = double(h % 50);                      // red .. yellow-orange
    const double sat = 0.62 + double((h >> 8) % 25) / 100;  // 0.62 .. 0.86
    const double light = 0.56 + double(f % 17) / 100;       // 0.56 .. 0.72
    return hsl(hue, sat, light);
}

Rgb diffColor(const CallTreeNode& n) {
    const double base = double(-n.negative);
    const double current = double(n.total) + base;
    const double denom = std::max(current, base);
    const double r = denom == 0 ? 0 : (current - base) / denom;  // -1 .. 1
    const double strength = std::min(1.0, std::fabs(r));
    if (strength < 0.02) return {200, 200, 200};
    return r > 0 ? hsl(0, 0.35 + 0.5 * strength, 0.80 - 0.25 * strength)
                 : hsl(120, 0.30 + 0.45 * strength, 0.80 - 0.25 * strength);
}

std::string renderFlameSvg(const CallTree& tree, const FlameSvgOptions& o) {
    FlameLayoutOptions lo;
    lo.width = o.width;
    lo.minPixels = 0.5;
    const FlameLayout l = layoutFlame(tree, lo);
    const bool diff = !tree.tree.empty() && tree.tree[0].negative != 0;
    const int rows = int(l.depth) + 1;
    const int top = 28;
    const int height = top + rows * o.rowHeight + 8;
    std::string svg;
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                  "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Verdana, sans-serif\" "
                  "font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
                  o.width, height, o.width, height);
    svg += buf;
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%d\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">", o.width / 2);
    svg += buf + xmlEscape(o.title) + "</text>\n";
    const double charWidth = 6.4;
    for (const FlameFrame& f : l.frames) {
        const CallTreeNode& n = tree.tree[f.tree];
        const int row = int(f.depth);
        const double y =
            o.flameOrientation ? top + (rows - 1 - row) * o.rowHeight : top + row * o.rowHeight;
        std::string name;
        Rgb c;
        if (f.tree == 0 && f.merged == 0) {
            name = "all";
            c = {230, 230, 230};
        } else if (f.merged) {
            name = std::to_string(f.merged) + " small frames";
            c = {210, 210, 210};
        } else {
            name = tree.nodes[n.node].printableName();
            c = diff ? diffColor(n) : flameColor(name);
        }
        // Of the report's total (the profile before filters, as pprof and the table say);
        // in a diff, the signed change (a frame is drawn as wide as its change, either way).
        const int64_t shown = diff && !f.merged ? n.total : f.value;
        std::string share = percentage(shown, tree.total != 0 ? tree.total : l.rootValue);
        share.erase(0, share.find_first_not_of(' '));
        std::string amount = scaledLabel(shown, tree.unit, "minimum");
        amount.erase(0, amount.find_first_not_of(' '));
        if (diff && shown != 0) {
            const char* sign = shown > 0 ? "+" : "-";
            if (amount.front() != '-') amount.insert(0, sign);
            share.insert(0, sign);
        }
        std::string tip = name + " (" + amount + ", " + share + ")";
        while (!tip.empty() && tip.find("( ") != std::string::npos)
            tip.erase(tip.find("( ") + 1, 1);
        std::snprintf(buf, sizeof buf,
                      "<g><title>%s</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                      "height=\"%d\" fill=\"rgb(%d,%d,%d)\" stroke=\"#ffffff\" "
                      "stroke-width=\"0.5\"/>",
                      xmlEscape(tip).c_str(), f.x, y, std::max(f.width, 0.1), o.rowHeight - 1, c.r,
                      c.g, c.b);
        svg += buf;
        const int fit = int((f.width - 6) / charWidth);
        if (fit >= 3) {
            std::string label = name;
            if (int(label.size()) > fit) label = label.substr(0, size_t(fit - 2)) + "..";
            std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\">", f.x + 3,
                          y + o.rowHeight - 5);
            svg += buf + xmlEscape(label) + "</text>";
        }
        svg += "</g>\n";
    }
    svg += "</svg>\n";
    return svg;
}

}  // namespace embers::core
