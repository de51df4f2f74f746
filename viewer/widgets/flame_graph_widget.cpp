#include "flame_graph_widget.h"

#include "core/search_share.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "core/flame_render.h"
#include "core/search_share.h"
#include "core/units.h"

namespace embers::widgets {

namespace {

// Each function's file and first line, by name, for tooltips.
std::unordered_map<std::string, FunctionSource> functionSources(const core::Profile& p) {
    std::unordered_map<std::string, FunctionSource> out;
    for (const core::Location& l : p.locations()) {
        for (const core::Line& ln : p.lines(l)) {
            if (ln.function == core::kNoFunction) continue;
            const core::Function& f = p.function(ln.function);
            auto [it, inserted] = out.try_emplace(std::string(p.str(f.name)));
            if (inserted) it->second.file = QString::fromUtf8(p.str(f.filename));
            const qint64 line = f.startLine > 0 ? f.startLine : ln.line;
            if (line > 0 && (it->second.line == 0 || line < it->second.line))
                it->second.line = line;
        }
    }
    return out;
}

}  // namespace

using namespace embers::core;

namespace {

QColor toQColor(Rgb c) {
    return QColor(c.r, c.g, c.b);
}

// A frame that does not match the search: its grey value pulled two thirds of the way
// towards the palette's neutral frame colour.
QColor dimmed(const QColor& c, const QColor& neutral) {
    const int g = (c.red() * 30 + c.green() * 59 + c.blue() * 11) / 100;
    const int v = (g + 2 * neutral.lightness()) / 3;
    return QColor(v, v, v);
}

}  // namespace

FlameGraphWidget::FlameGraphWidget(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    rowHeight_ = std::max(18, fontMetrics().height() + 4);
}

void FlameGraphWidget::setTree(std::shared_ptr<const CallTree> tree,
                               std::unordered_map<std::string, FunctionSource> sources) {
    tree_ = std::move(tree);
    sources_ = std::move(sources);
    zoomRoot_ = 0;
    zoomHistory_.clear();
    viewStart_ = 0;
    viewWidth_ = 1;
    hovered_ = -1;
    nodeMatches_.clear();
    matchCount_ = 0;
    matchShare_ = 0;
    searching_ = false;
    setSelectedFunction(selected_);
    relayout();
    emit zoomChanged();
}

void FlameGraphWidget::setFlameOrientation(bool rootAtBottom) {
    rootAtBottom_ = rootAtBottom;
    update();
}

void FlameGraphWidget::zoomTo(uint32_t index) {
    if (!tree_ || index >= tree_->tree.size()) return;
    if (index == zoomRoot_ && viewWidth_ == 1) return;
    zoomHistory_.push_back(zoomRoot_);
    zoomRoot_ = index;
    viewStart_ = 0;
    viewWidth_ = 1;
    relayout();
    emit zoomChanged();
}

bool FlameGraphWidget::back() {
    if (viewWidth_ < 1) {
        viewStart_ = 0;
        viewWidth_ = 1;
        relayout();
        emit zoomChanged();
        return true;
    }
    if (zoomHistory_.empty()) return false;
    zoomRoot_ = zoomHistory_.back();
    zoomHistory_.pop_back();
    relayout();
    emit zoomChanged();
    return true;
}

void FlameGraphWidget::resetZoom() {
    zoomHistory_.clear();
    zoomRoot_ = 0;
    viewStart_ = 0;
    viewWidth_ = 1;
    relayout();
    emit zoomChanged();
}

QStringList FlameGraphWidget::breadcrumb() const {
    QStringList names;
    if (!tree_) return names;
    names << tr("all");
    for (uint32_t a : layout_.ancestors)
        if (a != 0)
            names << QString::fromStdString(tree_->nodes[tree_->tree[a].node].printableName());
    if (zoomRoot_ != 0)
        names << QString::fromStdString(tree_->nodes[tree_->tree[zoomRoot_].node].printableName());
    return names;
}

void FlameGraphWidget::setProfile(core::ProfilePtr profile) {
    if (profile == profile_) return;
    profile_ = std::move(profile);
    nodeMap_.reset();
    sources_.clear();
}

bool FlameGraphWidget::setSearch(const QString& pattern) {
    searching_ = !pattern.isEmpty();
    matchCount_ = 0;
    matchShare_ = 0;
    if (!tree_) return true;
    nodeMatches_.assign(tree_->nodes.size(), 0);
    if (searching_) {
        const QRegularExpression re(pattern, QRegularExpression::CaseInsensitiveOption);
        if (!re.isValid()) {
            searching_ = false;
            update();
            emit searchChanged(-1, 0);
            return false;
        }
        // Counted: the matching functions that are in the graph (filters leave the others
        // in the profile's tables, with no samples).
        // (A tree that left out small subtrees cannot tell: all matching ones count then.)
        bool pruned = false;
        for (const CallTreeNode& n : tree_->tree) pruned |= n.prunedCount > 0;
        std::vector<char> inGraph(tree_->nodes.size(), pruned ? 1 : 0);
        for (size_t t = 1; t < tree_->tree.size(); ++t)
            if (tree_->tree[t].total != 0 || tree_->tree[t].negative != 0)
                inGraph[tree_->tree[t].node] = 1;
        for (size_t i = 0; i < tree_->nodes.size(); ++i) {
            if (re.match(QString::fromStdString(tree_->nodes[i].printableName())).hasMatch()) {
                nodeMatches_[i] = 1;
                matchCount_ += inGraph[i];
            }
        }
        const int64_t total = tree_->total != 0 ? tree_->total : tree_->tree[0].total;
        matchShare_ = total != 0 ? double(matchedValue()) / double(std::llabs(total)) : 0;
    }
    update();
    emit searchChanged(matchCount_, matchShare_);
    return true;
}

int64_t FlameGraphWidget::matchedValue() {
    // A tree with pruned subtrees and no negative values (not a diff): from the samples.
    bool pruned = false;
    for (const CallTreeNode& n : tree_->tree) pruned |= n.prunedCount > 0;
    if (pruned && profile_ && tree_->tree[0].negative == 0) {
        try {
            if (!nodeMap_)
                nodeMap_ = std::make_shared<const core::NodeMap>(*profile_, core::NodeOptions{});
            if (nodeMap_->size() == tree_->nodes.size())
                return core::matchedValue(*profile_, *nodeMap_,
                                          profile_->sampleIndex(tree_->sampleType), nodeMatches_);
        } catch (const std::exception&) {
            // A sample type the profile does not name: the tree's share below.
        }
    }
    // Matched frames with no matched ancestor.
    int64_t sum = 0;
    std::vector<std::pair<uint32_t, bool>> stack{{0, false}};
    while (!stack.empty()) {
        auto [i, under] = stack.back();
        stack.pop_back();
        const CallTreeNode& n = tree_->tree[i];
        const bool hit = i != 0 && nodeMatches_[n.node];
        if (hit && !under) sum += std::llabs(n.total);
        for (uint32_t c : tree_->children(i)) stack.push_back({c, under || hit});
    }
    return sum;
}

void FlameGraphWidget::setSelectedFunction(const QString& name) {
    selected_ = name;
    selectedNode_ = -1;
    if (tree_ && !name.isEmpty()) {
        const std::string s = name.toStdString();
        for (size_t i = 0; i < tree_->nodes.size(); ++i)
            if (tree_->nodes[i].printableName() == s) selectedNode_ = int(i);
    }
    update();
}

int FlameGraphWidget::rows() const {
    if (!tree_) return 1;
    return int(layout_.ancestors.size() + layout_.depth + 1);
}

int FlameGraphWidget::rowOf(const FlameFrame& f) const {
    return int(layout_.ancestors.size() + f.depth);
}

QSize FlameGraphWidget::sizeHint() const {
    return {900, std::max(200, rows() * rowHeight_)};
}

void FlameGraphWidget::relayout() {
    hovered_ = -1;
    looks_.clear();
    if (!tree_) {
        layout_ = {};
    } else {
        FlameLayoutOptions o;
        o.zoomRoot = zoomRoot_;
        o.width = std::max(1, width());
        o.viewStart = viewStart_;
        o.viewWidth = viewWidth_;
        o.minPixels = 1.0;
        layout_ = layoutFlame(*tree_, o);
    }
    setMinimumHeight(rows() * rowHeight_);
    updateGeometry();
    update();
}

QString FlameGraphWidget::nameOf(const FlameFrame& f) const {
    if (f.merged) return tr("%n small frames", "", int(f.merged));
    if (f.tree == 0) return tr("all");
    return QString::fromStdString(tree_->nodes[tree_->tree[f.tree].node].printableName());
}

void FlameGraphWidget::paintFrames(QPainter& p, const FlameLayout& layout, int width, int height,
                                   const ViewColors& colors, std::vector<FrameLook>* cache) const {
    const QFontMetrics fm = p.fontMetrics();
    const bool diff = tree_ && !tree_->tree.empty() && tree_->tree[0].negative != 0;
    const int nAnc = int(layout.ancestors.size());
    auto yOf = [&](int row) {
        return rootAtBottom_ ? height - (row + 1) * rowHeight_ : row * rowHeight_;
    };
    auto drawBox = [&](const QRectF& r, QColor fill, const QString& text, bool outline,
                       bool neutral) {
        p.fillRect(r, fill);
        if (outline) {
            p.setPen(QPen(QColor(30, 30, 30), 2));
            p.drawRect(r.adjusted(1, 1, -1, -1));
        }
        if (r.width() > 24) {
            // Coloured frames are bright on either palette: dark text reads on them.
            p.setPen(neutral ? colors.neutralText : QColor(20, 20, 20));
            p.drawText(r.adjusted(4, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
        }
    };
    // Ancestors of the zoom root: full-width, muted.
    for (int i = 0; i < nAnc; ++i) {
        const uint32_t a = layout.ancestors[size_t(i)];
        const QString name =
            a == 0 ? tr("all")
                   : QString::fromStdString(tree_->nodes[tree_->tree[a].node].printableName());
        drawBox(QRectF(0, yOf(i), width, rowHeight_ - 1), colors.neutralFrame,
                fm.elidedText(name, Qt::ElideRight, width - 6), false, true);
    }
    // What does not change between repaints of one layout: base colour and elided label.
    std::vector<FrameLook> local;
    std::vector<FrameLook>& looks = cache ? *cache : local;
    if (looks.size() != layout.frames.size()) {
        looks.clear();
        looks.reserve(layout.frames.size());
        for (const FlameFrame& f : layout.frames) {
            const CallTreeNode& n = tree_->tree[f.tree];
            FrameLook look;
            if (f.merged) {
                look.fill = colors.mergedFrame;
            } else if (f.tree == 0) {
                look.fill = colors.neutralFrame;
            } else if (diff) {
                look.fill = toQColor(diffColor(n));
            } else {
                look.fill = toQColor(flameColor(tree_->nodes[n.node].printableName()));
            }
            const double w = std::max(1.0, f.width - 1.0);
            if (w > 24) look.label = fm.elidedText(nameOf(f), Qt::ElideRight, int(w) - 6);
            looks.push_back(std::move(look));
        }
    }
    const QRectF clip =
        p.clipBoundingRect().isEmpty() ? QRectF(0, 0, width, height) : p.clipBoundingRect();
    for (size_t i = 0; i < layout.frames.size(); ++i) {
        const FlameFrame& f = layout.frames[i];
        const QRectF r(f.x, yOf(nAnc + int(f.depth)), std::max(1.0, f.width - 1.0), rowHeight_ - 1);
        if (!r.intersects(clip)) continue;
        const CallTreeNode& n = tree_->tree[f.tree];
        QColor fill = looks[i].fill;
        bool neutral = f.merged || f.tree == 0;
        if (searching_ && !f.merged && f.tree != 0) {
            const bool match = nodeMatches_[n.node];
            fill = match ? QColor(225, 80, 225) : dimmed(fill, colors.neutralFrame);
            neutral = neutral || !match;
        }
        if (int(i) == hovered_) fill = fill.lighter(112);
        const bool outline = !f.merged && f.tree != 0 && int(n.node) == selectedNode_;
        drawBox(r, fill, looks[i].label, outline, neutral);
    }
}

void FlameGraphWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (!tree_) {
        p.setPen(palette().text().color());
        p.drawText(rect(), Qt::AlignCenter, tr("No profile"));
        return;
    }
    const ViewColors colors = viewColors(palette());
    if (colors.neutralFrame != lookColors_) {  // palette changed: colours in the cache too
        looks_.clear();
        lookColors_ = colors.neutralFrame;
    }
    paintFrames(p, layout_, width(), height(), colors, &looks_);
}

QImage FlameGraphWidget::renderImage(int width) const {
    FlameLayout layout = layout_;
    if (tree_ && width != this->width()) {
        FlameLayoutOptions o;
        o.zoomRoot = zoomRoot_;
        o.width = width;
        o.viewStart = viewStart_;
        o.viewWidth = viewWidth_;
        layout = layoutFlame(*tree_, o);
    }
    const int h = int(layout.ancestors.size() + layout.depth + 1) * rowHeight_;
    QImage img(width, std::max(h, rowHeight_), QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::white);
    if (!tree_) return img;
    QPainter p(&img);
    p.setFont(font());
    // Exports always use the light look, like the SVG export.
    QPalette light;
    light.setColor(QPalette::Window, Qt::white);
    light.setColor(QPalette::WindowText, Qt::black);
    paintFrames(p, layout, width, img.height(), viewColors(light));
    return img;
}

void FlameGraphWidget::resizeEvent(QResizeEvent*) {
    relayout();
}

const FlameFrame* FlameGraphWidget::frameAt(const QPoint& pos) const {
    if (!tree_) return nullptr;
    int row = rootAtBottom_ ? (height() - pos.y()) / rowHeight_ : pos.y() / rowHeight_;
    const int depth = row - int(layout_.ancestors.size());
    if (depth < 0) return nullptr;
    for (const FlameFrame& f : layout_.frames)
        if (int(f.depth) == depth && pos.x() >= f.x && pos.x() < f.x + std::max(1.0, f.width))
            return &f;
    return nullptr;
}

QString FlameGraphWidget::tooltipFor(const FlameFrame& f) const {
    const CallTreeNode& n = tree_->tree[f.tree];
    const std::string& unit = tree_->unit;
    auto fmt = [&](int64_t v) { return QString::fromStdString(scaledLabel(v, unit, "minimum")); };
    auto pct = [](int64_t v, int64_t total) {
        return QString::fromStdString(percentage(v, total)).trimmed();
    };
    const int64_t total = tree_->total != 0 ? tree_->total : tree_->tree[0].total;
    QString html = QStringLiteral("<b>%1</b><br>").arg(nameOf(f).toHtmlEscaped());
    if (f.merged) {
        html += tr("total %1 (%2 of all)").arg(fmt(f.value), pct(f.value, total));
        return html;
    }
    html += tr("self %1, total %2").arg(fmt(n.self), fmt(n.total)) + "<br>";
    html += tr("%1 of all, %2 of the zoomed frame")
                .arg(pct(n.total, total), pct(n.total, layout_.rootValue));
    if (n.negative != 0)
        html += "<br>" + tr("new %1, base %2").arg(fmt(n.total - n.negative), fmt(-n.negative));
    if (f.tree != 0) {
        if (sources_.empty() && profile_) sources_ = functionSources(*profile_);
        auto it = sources_.find(tree_->nodes[n.node].printableName());
        if (it != sources_.end() && !it->second.file.isEmpty())
            html += "<br><i>" + it->second.file.toHtmlEscaped() +
                    (it->second.line > 0 ? QStringLiteral(":%1").arg(it->second.line) : QString()) +
                    "</i>";
    }
    return html;
}

bool FlameGraphWidget::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        if (const FlameFrame* f = frameAt(he->pos()))
            QToolTip::showText(he->globalPos(), tooltipFor(*f), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(e);
}

void FlameGraphWidget::mouseMoveEvent(QMouseEvent* e) {
    const FlameFrame* f = frameAt(e->position().toPoint());
    const int idx = f ? int(f - layout_.frames.data()) : -1;
    if (idx != hovered_) {
        hovered_ = idx;
        setCursor(f ? Qt::PointingHandCursor : Qt::ArrowCursor);
        update();
    }
}

void FlameGraphWidget::leaveEvent(QEvent*) {
    hovered_ = -1;
    update();
}

void FlameGraphWidget::mousePressEvent(QMouseEvent* e) {
    if (!tree_ || e->button() != Qt::LeftButton) return;
    const QPoint pos = e->position().toPoint();
    const int row = rootAtBottom_ ? (height() - pos.y()) / rowHeight_ : pos.y() / rowHeight_;
    if (row < int(layout_.ancestors.size())) {
        // An ancestor bar: zoom out to it.
        zoomTo(layout_.ancestors[size_t(row)]);
        return;
    }
    const FlameFrame* f = frameAt(pos);
    if (!f) return;
    if (f->merged) {
        // Zoom horizontally onto the merged block.
        const double w = std::max(1.0, double(width()));
        const double start = viewStart_ + viewWidth_ * (f->x / w);
        const double span = std::max(viewWidth_ * (f->width / w), 1e-9);
        viewStart_ = std::clamp(start, 0.0, 1.0);
        viewWidth_ = std::min(span, 1.0 - viewStart_);
        relayout();
        emit zoomChanged();
        return;
    }
    if (f->tree != 0)
        emit functionClicked(
            QString::fromStdString(tree_->nodes[tree_->tree[f->tree].node].printableName()));
    zoomTo(f->tree);
}

void FlameGraphWidget::wheelEvent(QWheelEvent* e) {
    if (!(e->modifiers() & Qt::ControlModifier) || !tree_) {
        e->ignore();  // plain wheel scrolls the surrounding view
        return;
    }
    const double steps = e->angleDelta().y() / 120.0;
    if (steps == 0) return;
    const double factor = std::pow(1.25, steps);
    const double at = std::clamp(e->position().x() / std::max(1, width()), 0.0, 1.0);
    const double pivot = viewStart_ + viewWidth_ * at;
    const double newWidth = std::clamp(viewWidth_ / factor, 1e-6, 1.0);
    viewStart_ = std::clamp(pivot - newWidth * at, 0.0, 1.0 - newWidth);
    viewWidth_ = newWidth;
    relayout();
    emit zoomChanged();
    e->accept();
}

void FlameGraphWidget::keyPressEvent(QKeyEvent* e) {
    if (e->key() == Qt::Key_Escape || e->key() == Qt::Key_Backspace) {
        if (back()) return;
    }
    QWidget::keyPressEvent(e);
}

}  // namespace embers::widgets
