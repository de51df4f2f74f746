#include "flame_graph_view.h"

#include <QEvent>
#include <QFileInfo>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSaveFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "core/flame_render.h"
#include "flame_graph_widget.h"
#include "profile_session.h"

namespace embers::widgets {

using namespace embers::core;

FlameGraphView::FlameGraphView(ProfileSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    graph_ = new FlameGraphWidget;
    scroll_ = new QScrollArea;
    scroll_->setWidget(graph_);
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::NoFrame);

    back_ = new QToolButton;
    back_->setText(tr("Back"));
    back_->setToolTip(tr("Back to the previous zoom (Esc, Backspace)"));
    back_->setAutoRaise(true);
    breadcrumb_ = new QLabel;
    breadcrumb_->setTextFormat(Qt::RichText);
    breadcrumb_->setTextInteractionFlags(Qt::TextBrowserInteraction);
    breadcrumb_->setMinimumWidth(60);
    breadcrumb_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    orientation_ = new QToolButton;
    orientation_->setCheckable(true);
    orientation_->setAutoRaise(true);
    orientation_->setText(tr("Flame"));
    orientation_->setToolTip(tr("Draw the root at the bottom (flame) instead of the top (icicle)"));
    search_ = new QLineEdit;
    search_->setPlaceholderText(tr("Search functions (regex, Ctrl+F)"));
    search_->setClearButtonEnabled(true);
    search_->setMaximumWidth(320);
    search_->setMinimumWidth(120);
    matches_ = new QLabel;
    matches_->setMinimumWidth(60);  // the full text is its tooltip when cut

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 2);
    bar->addWidget(back_);
    bar->addWidget(breadcrumb_, 2);
    bar->addWidget(search_, 1);
    bar->addWidget(matches_);
    bar->addWidget(orientation_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(scroll_, 1);

    connect(back_, &QToolButton::clicked, graph_, [this] { graph_->back(); });
    connect(orientation_, &QToolButton::toggled, this, [this](bool on) {
        graph_->setFlameOrientation(on);
        if (on) scroll_->verticalScrollBar()->setValue(scroll_->verticalScrollBar()->maximum());
    });
    connect(search_, &QLineEdit::textChanged, graph_, &FlameGraphWidget::setSearch);
    connect(search_, &QLineEdit::returnPressed, graph_, [this] { graph_->setFocus(); });
    connect(graph_, &FlameGraphWidget::searchChanged, this, [this](int n, double share) {
        if (search_->text().isEmpty())
            matches_->clear();
        else if (n < 0)
            matches_->setText(tr("invalid expression"));
        else
            matches_->setText(tr("%n function(s), %1% of total", "", n)
                                  .arg(QString::number(share * 100, 'f', share < 0.1 ? 2 : 1)));
        matches_->setToolTip(matches_->text());
    });
    connect(graph_, &FlameGraphWidget::zoomChanged, this, &FlameGraphView::updateBreadcrumb);
    connect(graph_, &FlameGraphWidget::functionClicked, session_, &ProfileSession::selectFunction);
    connect(session_, &ProfileSession::functionSelected, graph_,
            &FlameGraphWidget::setSelectedFunction);
    breadcrumb_->installEventFilter(this);
    connect(breadcrumb_, &QLabel::linkActivated, this, [this](const QString& link) {
        // Links are the number of levels to go back.
        for (int i = link.toInt(); i > 0; --i) graph_->back();
    });
    connect(session_, &ProfileSession::analysisReady, this, &FlameGraphView::onAnalysisReady);
    updateBreadcrumb();
}

void FlameGraphView::focusSearch() {
    search_->setFocus();
    search_->selectAll();
}

void FlameGraphView::onAnalysisReady() {
    const auto r = session_->result();
    if (!r) return;
    graph_->setProfile(r->profile);
    graph_->setTree(r->tree);  // tooltips find source files in the profile when first asked
    graph_->setSelectedFunction(session_->selectedFunction());
    if (!search_->text().isEmpty()) graph_->setSearch(search_->text());
}

void FlameGraphView::updateBreadcrumb() {
    const QStringList names = graph_->breadcrumb();
    back_->setEnabled(names.size() > 1);
    if (names.isEmpty()) {
        breadcrumb_->clear();
        return;
    }
    // As many of the innermost names as fit, the zoomed frame always: a deep zoom shows
    // "… › parent › frame" rather than a root cut off at the right edge.
    const QFontMetrics plain(breadcrumb_->font());
    QFont boldFont = breadcrumb_->font();
    boldFont.setBold(true);
    const QFontMetrics bold(boldFont);
    const QString sep = QStringLiteral(" › ");
    const int room = std::max(60, breadcrumb_->contentsRect().width() - 4);
    const int ellipsis = plain.horizontalAdvance(QStringLiteral("…") + sep);
    qsizetype first = names.size() - 1;
    int used = bold.horizontalAdvance(names[first]);
    while (first > 0) {
        const int more = plain.horizontalAdvance(names[first - 1] + sep);
        if (used + more + (first - 1 > 0 ? ellipsis : 0) > room) break;
        used += more;
        --first;
    }
    QStringList parts;
    if (first > 0) parts << QStringLiteral("<a href=\"%1\">…</a>").arg(names.size() - first);
    for (qsizetype i = first; i < names.size(); ++i) {
        const qsizetype up = names.size() - 1 - i;
        if (up == 0) {
            const QString shown =
                bold.elidedText(names[i], Qt::ElideLeft, room - (first > 0 ? ellipsis : 0));
            parts << QStringLiteral("<b>%1</b>").arg(shown.toHtmlEscaped());
        } else {
            parts << QStringLiteral("<a href=\"%1\">%2</a>").arg(up).arg(names[i].toHtmlEscaped());
        }
    }
    breadcrumb_->setText(parts.join(sep));
    breadcrumb_->setToolTip(names.join(sep));
}

bool FlameGraphView::eventFilter(QObject* watched, QEvent* event) {
    // The breadcrumb's room changes with the view and with the search's match count beside
    // it: what fits is worked out again.
    if (watched == breadcrumb_ && event->type() == QEvent::Resize) updateBreadcrumb();
    return QWidget::eventFilter(watched, event);
}

QString FlameGraphView::exportTo(const QString& path, int width) const {
    const CallTree* tree = graph_->tree();
    if (!tree) return tr("There is no flame graph to export yet.");
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return tr("%1: cannot write the file (%2)").arg(path, out.errorString());
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        FlameSvgOptions o;
        o.width = width;
        o.flameOrientation = graph_->flameOrientation();
        // What the picture shows: the file, sample type, base of a diff and the filters.
        QString title = session_->displayName() +
                        QStringLiteral(" (%1)").arg(QString::fromStdString(tree->sampleType));
        const ViewOptions& v = session_->options();
        if (!v.diffBasePath.isEmpty())
            title += tr(" − base %1").arg(QFileInfo(v.diffBasePath).fileName());
        o.title = title.toStdString() + v.filters.describe();
        const std::string svg = renderFlameSvg(*tree, o);
        out.write(svg.data(), qint64(svg.size()));
    } else {
        if (!graph_->renderImage(width).save(&out, "PNG"))
            return tr("%1: PNG encoding failed").arg(path);
    }
    if (!out.commit()) return tr("%1: cannot write the file (%2)").arg(path, out.errorString());
    return {};
}

}  // namespace embers::widgets
