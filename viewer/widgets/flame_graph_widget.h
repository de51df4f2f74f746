// The flame graph: custom-painted from a CallTree through core::layoutFlame.
// Click a frame to zoom into it, Esc/Backspace to go back, Ctrl+wheel to zoom
// horizontally around the cursor; hover for details; regex search highlights
// matching frames.
#pragma once

#include <QImage>
#include <QRegularExpression>
#include <QWidget>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/call_tree.h"
#include "core/flame_layout.h"
#include "theme.h"

namespace embers::widgets {

struct FunctionSource {
    QString file;
    qint64 line = 0;
};

class FlameGraphWidget : public QWidget {
    Q_OBJECT
public:
    explicit FlameGraphWidget(QWidget* parent = nullptr);

    // A new tree resets the zoom. `sources` maps function names to their
    // file and first line, for tooltips; when empty, they are read from the
    // profile (setProfile) the first time a tooltip needs them.
    void setTree(std::shared_ptr<const core::CallTree> tree,
                 std::unordered_map<std::string, FunctionSource> sources = {});
    const core::CallTree* tree() const { return tree_.get(); }
    // The profile the tree was built from (after filters): a search's share is then read
    // from its samples, so subtrees too small to draw count too. Without it, the share
    // comes from the tree.
    void setProfile(core::ProfilePtr profile);

    void setFlameOrientation(bool rootAtBottom);
    bool flameOrientation() const { return rootAtBottom_; }

    // Zoom into tree node `index` (a click does this); back() returns to the
    // previous zoom. The zoom path is in breadcrumb().
    void zoomTo(uint32_t index);
    bool back();
    void resetZoom();
    uint32_t zoomRoot() const { return zoomRoot_; }
    QStringList breadcrumb() const;  // names from the root to the zoom root

    // Highlights frames whose function matches; returns false for a bad
    // expression. matchShare(): the matches' share of the total (frames under
    // another match are not counted twice).
    bool setSearch(const QString& pattern);
    int matchCount() const { return matchCount_; }
    double matchShare() const { return matchShare_; }

    // Outlines the frames of this function (the selection shared by views).
    void setSelectedFunction(const QString& name);

    // Renders the current view (zoom included) at the given width.
    QImage renderImage(int width) const;
    int rowHeight() const { return rowHeight_; }
    // The frames laid out for the current size and zoom.
    const core::FlameLayout& currentLayout() const { return layout_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return {200, 100}; }

signals:
    void zoomChanged();
    void functionClicked(const QString& name);
    void searchChanged(int matches, double share);

protected:
    void paintEvent(QPaintEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    void leaveEvent(QEvent* e) override;
    bool event(QEvent* e) override;

private:
    void relayout();
    struct FrameLook {
        QColor fill;
        QString label;  // elided to the frame's width; empty when too narrow
    };
    void paintFrames(QPainter& p, const core::FlameLayout& layout, int width, int height,
                     const ViewColors& colors, std::vector<FrameLook>* cache = nullptr) const;
    int rows() const;
    int rowOf(const core::FlameFrame& f) const;
    const core::FlameFrame* frameAt(const QPoint& pos) const;
    QString nameOf(const core::FlameFrame& f) const;
    QString tooltipFor(const core::FlameFrame& f) const;

    std::shared_ptr<const core::CallTree> tree_;
    // Function name → source, given with the tree or read from profile_ at the first tooltip.
    mutable std::unordered_map<std::string, FunctionSource> sources_;
    core::FlameLayout layout_;
    uint32_t zoomRoot_ = 0;
    std::vector<uint32_t> zoomHistory_;
    double viewStart_ = 0, viewWidth_ = 1;  // horizontal zoom inside the zoom root
    bool rootAtBottom_ = false;
    mutable std::vector<FrameLook> looks_;  // for layout_; cleared when it changes
    mutable QColor lookColors_;
    int rowHeight_ = 18;
    int64_t matchedValue();

    core::ProfilePtr profile_;
    std::shared_ptr<const core::NodeMap> nodeMap_;  // of profile_, built at the first search
    std::vector<char> nodeMatches_;                 // per report node
    int matchCount_ = 0;
    double matchShare_ = 0;
    bool searching_ = false;
    QString selected_;
    int selectedNode_ = -1;
    int hovered_ = -1;  // index into layout_.frames
};

}  // namespace embers::widgets
