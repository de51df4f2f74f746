#include "profile_tab.h"

#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "widgets/callers_view.h"
#include "widgets/flame_graph_view.h"
#include "widgets/goroutine_view.h"
#include "widgets/info_view.h"
#include "widgets/profile_session.h"
#include "widgets/source_view.h"
#include "widgets/theme.h"
#include "widgets/top_table_view.h"

namespace embers::app {

using widgets::ProfileSession;

namespace {

QLineEdit* filterEdit(const QString& placeholder, const QString& tip) {
    auto* e = new QLineEdit;
    e->setPlaceholderText(placeholder);
    e->setToolTip(tip);
    e->setClearButtonEnabled(true);
    e->setMinimumWidth(50);
    return e;
}

}  // namespace

ProfileTab::ProfileTab(QWidget* parent) : QWidget(parent), session_(new ProfileSession(this)) {
    flame_ = new widgets::FlameGraphView(session_);
    views_ = new QTabWidget;
    views_->setDocumentMode(true);
    views_->addTab(flame_, tr("Flame graph"));
    auto* callers = new widgets::CallersView(session_);
    auto* source = new widgets::SourceView(session_);
    views_->addTab(callers, tr("Callers / callees"));
    views_->addTab(source, tr("Source"));
    views_->addTab(new widgets::GoroutineView(session_), tr("Goroutines"));
    views_->addTab(new widgets::InfoView(session_), tr("Info"));
    auto* table = new widgets::TopTableView(session_);
    table_ = table;
    table->filterEdit()->setMinimumWidth(100);
    connect(table, &widgets::TopTableView::openSource, this, [this, source](const QString& name) {
        source->showFunction(name);
        views_->setCurrentWidget(source);
    });
    auto* split = split_ = new QSplitter(Qt::Horizontal);
    split->addWidget(table);
    split->addWidget(views_);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);

    busyBar_ = new QWidget;
    busyText_ = new QLabel;
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->setMaximumHeight(14);
    cancel_ = new QPushButton(tr("Cancel"));
    auto* busyLayout = new QHBoxLayout(busyBar_);
    busyLayout->setContentsMargins(8, 2, 8, 2);
    busyLayout->addWidget(busyText_);
    busyLayout->addWidget(progress_, 1);
    busyLayout->addWidget(cancel_);
    busyBar_->hide();

    banner_ = new QLabel;
    banner_->setWordWrap(true);
    banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    styleBanner();
    banner_->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    toolbar_ = buildToolbar();
    toolbar_->setEnabled(false);  // nothing to choose or filter until a profile is read
    split_->setEnabled(false);    // nor to search or sort
    layout->addWidget(toolbar_);
    layout->addWidget(busyBar_);
    layout->addWidget(banner_);
    layout->addWidget(split, 1);

    connect(cancel_, &QPushButton::clicked, session_, &ProfileSession::cancel);
    connect(session_, &ProfileSession::busyChanged, this, &ProfileTab::onBusyChanged);
    connect(session_, &ProfileSession::progress, this,
            [this](double f) { progress_->setValue(int(f * 1000)); });
    connect(session_, &ProfileSession::loaded, this, &ProfileTab::onLoaded);
    connect(session_, &ProfileSession::analysisReady, this, &ProfileTab::onAnalysisReady);
    connect(session_, &ProfileSession::failed, this, [this](const QString& m) {
        showError(m);
        if (!everLoaded_) emit failedToOpen(m);
    });
}

void ProfileTab::styleBanner() {
    const widgets::ViewColors c = widgets::viewColors(palette());
    banner_->setStyleSheet(
        QStringLiteral("QLabel { background: %1; color: %2; padding: 6px 10px; "
                       "border-bottom: 1px solid %3; }")
            .arg(c.bannerBack.name(), c.bannerText.name(), c.bannerBorder.name()));
}

void ProfileTab::showEvent(QShowEvent* e) {
    QWidget::showEvent(e);
    // The table two fifths, the views three, the first time there is a width to share
    // (the splitter alone would size them by their hints: a narrow table).
    if (!splitSized_ && split_->width() > 0) {
        splitSized_ = true;
        const int w = split_->width();
        split_->setSizes({w * 2 / 5, w - w * 2 / 5});
    }
}

void ProfileTab::changeEvent(QEvent* e) {
    QWidget::changeEvent(e);
    if (e->type() == QEvent::PaletteChange && banner_) styleBanner();
}

QWidget* ProfileTab::buildToolbar() {
    auto* bar = new QWidget;
    bar->setObjectName(QStringLiteral("profileToolbar"));
    sampleType_ = new QComboBox;
    sampleType_->setToolTip(tr("Sample type (e.g. cpu, inuse_space, alloc_objects)"));
    sampleType_->setMinimumContentsLength(8);
    sampleType_->setSizeAdjustPolicy(QComboBox::AdjustToContents);  // "alloc_objects" whole
    focus_ =
        filterEdit(tr("focus"), tr("Keep samples with a frame matching this regex (pprof -focus)"));
    ignore_ = filterEdit(tr("ignore"),
                         tr("Drop samples with a frame matching this regex (pprof -ignore)"));
    hide_ =
        filterEdit(tr("hide"), tr("Remove frames matching this regex from stacks (pprof -hide)"));
    show_ = filterEdit(tr("show"), tr("Keep only frames matching this regex (pprof -show)"));
    tagFocus_ =
        filterEdit(tr("tag focus key=re"),
                   tr("Keep samples whose label matches, e.g. worker=alpha (pprof -tagfocus)"));
    tagIgnore_ = filterEdit(tr("tag ignore key=re"),
                            tr("Drop samples whose label matches (pprof -tagignore)"));
    compare_ = new QToolButton;
    compare_->setText(tr("Compare with…"));
    compare_->setToolTip(tr("Show the difference against a base profile (pprof -diff_base)"));
    diffLabel_ = new QLabel;
    diffLabel_->setMinimumWidth(20);  // cut rather than widen the window

    auto* l = new QHBoxLayout(bar);
    l->setContentsMargins(6, 4, 6, 4);
    l->addWidget(new QLabel(tr("Sample:")));
    l->addWidget(sampleType_);
    l->addSpacing(8);
    for (QLineEdit* e : {focus_, ignore_, hide_, show_, tagFocus_, tagIgnore_}) {
        l->addWidget(e, 1);
        connect(e, &QLineEdit::returnPressed, this, &ProfileTab::applyOptions);
        connect(e, &QLineEdit::textChanged, this, [this, e](const QString& t) {
            if (t.isEmpty()) applyOptions();  // the clear button applies at once
            (void)e;
        });
    }
    l->addSpacing(8);
    l->addWidget(compare_);
    l->addWidget(diffLabel_);
    connect(sampleType_, &QComboBox::currentIndexChanged, this, &ProfileTab::applyOptions);
    connect(compare_, &QToolButton::clicked, this, [this] {
        if (!session_->options().diffBasePath.isEmpty()) {
            compareWith({});
            return;
        }
        const QString base = QFileDialog::getOpenFileName(
            this, tr("Compare with a base profile"), QFileInfo(session_->path()).absolutePath(),
            tr("Profiles (*.pb.gz *.pb *.pprof *.prof *.folded *.txt);;All files (*)"));
        if (!base.isEmpty()) compareWith(base);
    });
    return bar;
}

void ProfileTab::open(const QString& path) {
    session_->open(path);
}

QString ProfileTab::title() const {
    QString t = session_->displayName();
    if (!session_->options().diffBasePath.isEmpty())
        t += QStringLiteral(" − ") + QFileInfo(session_->options().diffBasePath).fileName();
    return t;
}

void ProfileTab::compareWith(const QString& basePath) {
    widgets::ViewOptions o = session_->options();
    o.diffBasePath = basePath;
    session_->setOptions(o);
    compare_->setText(basePath.isEmpty() ? tr("Compare with…") : tr("Stop comparing"));
    diffLabel_->setText(basePath.isEmpty() ? QString()
                                           : tr("base: %1").arg(QFileInfo(basePath).fileName()));
    diffLabel_->setToolTip(basePath.isEmpty() ? QString()
                                              : tr("Differences against %1: red grew, green shrank")
                                                    .arg(QDir::toNativeSeparators(basePath)));
    emit titleChanged();
}

void ProfileTab::focusSearch() {
    views_->setCurrentWidget(flame_);
    flame_->focusSearch();
}

void ProfileTab::applyOptions() {
    widgets::ViewOptions o = session_->options();
    o.sampleIndex = sampleType_->currentIndex();
    o.filters.focus = focus_->text().toStdString();
    o.filters.ignore = ignore_->text().toStdString();
    o.filters.hide = hide_->text().toStdString();
    o.filters.show = show_->text().toStdString();
    o.filters.tagFocus = tagFocus_->text().toStdString();
    o.filters.tagIgnore = tagIgnore_->text().toStdString();
    banner_->hide();
    session_->setOptions(o);
}

void ProfileTab::onLoaded() {
    everLoaded_ = true;
    toolbar_->setEnabled(true);
    split_->setEnabled(true);
    const auto p = session_->rawProfile();
    const QSignalBlocker quiet(sampleType_);  // filling the list is not a user's choice
    sampleType_->clear();
    for (size_t i = 0; i < p->valueCount(); ++i)
        sampleType_->addItem(QString::fromStdString(p->sampleTypeName(i)),
                             QString::fromStdString(p->sampleUnit(i)));
    if (p->valueCount() > 0) sampleType_->setCurrentIndex(int(p->defaultSampleIndex()));
    emit titleChanged();
}

void ProfileTab::onAnalysisReady() {
    const auto r = session_->result();
    if (!r) return;
    if (!r->warnings.empty()) {
        QStringList w;
        for (const auto& s : r->warnings) w << QString::fromStdString(s);
        showError(w.join(QStringLiteral("; ")));
    } else {
        banner_->hide();
    }
}

void ProfileTab::onBusyChanged(bool busy, const QString& what) {
    busyText_->setText(what);
    progress_->setValue(0);
    busyBar_->setVisible(busy);
}

void ProfileTab::showError(const QString& message) {
    // The core words its messages for the command line ("--focus '(' is not…"); here they
    // name the toolbar's fields.
    static const std::pair<const char*, const char*> kFields[] = {
        {"--tagfocus", "The tag focus field:"}, {"--tagignore", "The tag ignore field:"},
        {"--focus", "The focus field:"},        {"--ignore", "The ignore field:"},
        {"--hide", "The hide field:"},          {"--show", "The show field:"}};
    QString text = message;
    for (const auto& [flag, field] : kFields)
        text.replace(QRegularExpression(QStringLiteral("(^|; )%1\\b").arg(QLatin1String(flag))),
                     QStringLiteral("\\1") + tr(field));
    banner_->setText(text);
    banner_->show();
}

QString ProfileTab::exportFlameGraph(const QString& path) {
    return flame_->exportTo(path);
}

QString ProfileTab::exportTable(const QString& path) {
    QString error;
    if (!static_cast<widgets::TopTableView*>(table_)->exportCsv(path, &error)) return error;
    return {};
}

}  // namespace embers::app
