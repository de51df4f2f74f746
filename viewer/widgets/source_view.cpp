#include "source_view.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cstdlib>
#include <map>
#include <set>
#include <unordered_map>

#include "core/errors.h"
#include "core/nodes.h"
#include "core/source_annotation.h"
#include "profile_session.h"

namespace embers::widgets {

namespace {

const QString kMappingGroup = QStringLiteral("sourceMappings/");

int64_t absValue(int64_t v) {
    return v < 0 ? -v : v;
}

QSet<QString>& askedFolders() {
    static QSet<QString> asked;
    return asked;
}

// The folder part of a file as the profile names it ("." for a bare name).
QString folderOf(const QString& file) {
    const qsizetype slash = file.lastIndexOf(QLatin1Char('/'));
    if (slash < 0) return QStringLiteral(".");
    if (slash == 0) return QStringLiteral("/");
    return file.left(slash);
}

// Where a remembered mapping puts `file`: the mapping of its folder or of the
// nearest parent folder that has one. Empty when none applies.
QString mappedLocation(const QString& file, bool* mappingExists) {
    const QSettings settings;
    QString dir = file;
    while (true) {
        const qsizetype slash = dir.lastIndexOf(QLatin1Char('/'));
        if (slash <= 0) break;
        dir.truncate(slash);
        const QString local = settings.value(kMappingGroup + dir).toString();
        if (!local.isEmpty()) {
            *mappingExists = true;
            return QDir(local).filePath(file.mid(dir.size() + 1));
        }
    }
    if (!file.contains(QLatin1Char('/'))) {
        const QString local = settings.value(kMappingGroup + QStringLiteral(".")).toString();
        if (!local.isEmpty()) {
            *mappingExists = true;
            return QDir(local).filePath(file);
        }
    }
    return {};
}

// Lines as the core splits them: '\n' separated, a trailing '\r' dropped, no
// empty line after a final '\n'; tabs expanded to 4 columns.
std::vector<SourceLinesModel::SourceLine> splitLines(const std::string& text) {
    std::vector<SourceLinesModel::SourceLine> lines;
    std::string_view rest = text;
    while (!rest.empty()) {
        const size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        QString s = QString::fromUtf8(line.data(), static_cast<qsizetype>(line.size()));
        if (s.contains(QLatin1Char('\t'))) {
            QString expanded;
            for (QChar c : s) {
                if (c == QLatin1Char('\t'))
                    expanded += QString(4 - expanded.size() % 4, QLatin1Char(' '));
                else
                    expanded += c;
            }
            s = expanded;
        }
        lines.push_back({s, 0, 0});
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
    }
    return lines;
}

}  // namespace

struct SourceOutcome {
    enum Status { Ok, NoData, NoSourceInfo, NotFound, Failed };
    quint64 generation = 0;
    QString function;
    Status status = NoData;
    QString message;      // the core's reason (not found, bad pattern)
    QString file;         // as the profile names it
    QString originalDir;  // its folder
    QString localPath;    // where it was read
    bool mappingTried = false;
    std::vector<SourceLinesModel::SourceLine> lines;
    int64_t flat = 0;
    int64_t cum = 0;
    int first = 0;
    int last = 0;
    int hottest = 0;
    ValueFormatter formatter;
};

namespace {

SourceOutcome annotate(const core::Profile& p, const core::AnalysisOptions& o, const QString& name,
                       int64_t total, bool isDiff, const std::string& workingDir) {
    SourceOutcome out;
    out.function = name;
    const std::string fn = name.toStdString();

    // 1. Which file holds the function, and can it be read?
    core::SourceOptions so;
    so.workingDir = workingDir;
    auto texts = std::make_shared<std::map<std::string, std::string>>();
    so.readFile = [texts](const std::string& path) {
        core::SourceText t = core::readSourceFile(path);
        if (t.found) (*texts)[path] = t.contents;
        return t;
    };
    const core::SourceAnnotation a = core::annotateSource(p, o, "^" + quoteMeta(fn) + "$", so);
    auto rank = [](const core::AnnotatedFunction& f) {
        return !f.hasSourceInfo ? 0 : f.sourceError.empty() ? 2 : 1;
    };
    const core::AnnotatedFunction* best = nullptr;
    for (const auto& f : a.functions) {
        if (!best || rank(f) > rank(*best) ||
            (rank(f) == rank(*best) && absValue(f.cum) > absValue(best->cum)))
            best = &f;
    }
    if (!best) return out;  // NoData
    out.flat = best->flat;
    out.cum = best->cum;
    if (!best->hasSourceInfo) {
        out.status = SourceOutcome::NoSourceInfo;
        return out;
    }
    out.file = QString::fromStdString(best->file);
    std::string contents;
    if (best->sourceError.empty()) {
        contents = (*texts)[best->resolvedPath];
        out.localPath = QString::fromStdString(best->resolvedPath);
    } else {
        const QString mapped = mappedLocation(out.file, &out.mappingTried);
        core::SourceText t;
        if (!mapped.isEmpty()) t = core::readSourceFile(mapped.toStdString());
        if (!t.found) {
            out.status = SourceOutcome::NotFound;
            out.message = QString::fromStdString(t.error.empty() ? best->sourceError : t.error);
            out.originalDir = folderOf(out.file);
            return out;
        }
        contents = std::move(t.contents);
        out.localPath = mapped;
    }

    // 2. The values of every function in that file, so that the whole file
    // shows its numbers. The file's text is already known: every read gets it.
    std::set<std::string> names{fn};
    {
        std::unordered_map<uint32_t, bool> inFile;
        for (const core::Function& f : p.functions()) {
            if (f.filename == core::kEmptyString || f.name == core::kEmptyString) continue;
            auto it = inFile.find(core::idx(f.filename));
            if (it == inFile.end()) {
                const std::string raw(p.str(f.filename));
                const bool same = core::cleanPath(core::trimSourcePath(raw, "", {})) == best->file;
                it = inFile.emplace(core::idx(f.filename), same).first;
            }
            if (it->second) names.emplace(p.str(f.name));
        }
    }
    std::string pattern = "^(?:";
    for (auto it = names.begin(); it != names.end(); ++it) {
        if (it != names.begin()) pattern += '|';
        pattern += quoteMeta(*it);
    }
    pattern += ")$";
    so.readFile = [contents](const std::string&) { return core::SourceText{true, contents, {}}; };
    core::SourceAnnotation all;
    try {
        all = core::annotateSource(p, o, pattern, so);
    } catch (const core::UsageError&) {
        // Too many functions for one pattern (a generated file): the
        // selected function's lines alone.
        all = core::annotateSource(p, o, "^" + quoteMeta(fn) + "$", so);
    }

    out.lines = splitLines(contents);
    const auto count = static_cast<int64_t>(out.lines.size());
    bool seenFunction = false;
    int64_t hotCum = -1, hotFlat = -1, minValue = 0;
    auto noteMin = [&minValue](int64_t v) {
        v = absValue(v);
        if (v > 0 && (minValue == 0 || v < minValue)) minValue = v;
    };
    for (const core::AnnotatedFunction& f : all.functions) {
        if (f.file != best->file) continue;
        const bool selected = f.name == fn;
        if (selected) {
            if (!seenFunction) out.flat = out.cum = 0;
            seenFunction = true;
            out.flat += f.flat;
            out.cum += f.cum;
        }
        for (const core::AnnotatedLine& l : f.lines) {
            if (l.line < 1 || l.line > count) continue;
            auto& line = out.lines[size_t(l.line - 1)];
            line.flat += l.flat;
            line.cum += l.cum;
            noteMin(l.flat);
            noteMin(l.cum);
            if (!selected) continue;
            const int n = static_cast<int>(l.line);
            if (out.first == 0 || n < out.first) out.first = n;
            if (l.flat != 0 || l.cum != 0) out.last = std::max(out.last, n);
            if (absValue(l.cum) > hotCum ||
                (absValue(l.cum) == hotCum && absValue(l.flat) > hotFlat)) {
                hotCum = absValue(l.cum);
                hotFlat = absValue(l.flat);
                out.hottest = n;
            }
        }
    }
    if (out.last == 0) out.last = out.first;
    out.formatter = ValueFormatter(a.unit, minValue, total, isDiff);
    out.status = SourceOutcome::Ok;
    return out;
}

}  // namespace

// --- SourceLinesModel ---

SourceLinesModel::SourceLinesModel(QObject* parent)
    : QAbstractTableModel(parent),
      fixed_(QFontDatabase::systemFont(QFontDatabase::FixedFont)),
      fixedBold_() {
    fixed_.setStyleHint(QFont::Monospace);
    fixed_.setFixedPitch(true);
    fixedBold_ = fixed_;
    fixedBold_.setBold(true);
}

void SourceLinesModel::setLines(std::vector<SourceLine> lines, const ValueFormatter& f,
                                int functionFirst, int functionLast) {
    beginResetModel();
    lines_ = std::move(lines);
    formatter_ = f;
    functionFirst_ = functionFirst;
    functionLast_ = functionLast;
    maxCum_ = 0;
    for (const SourceLine& l : lines_) maxCum_ = std::max(maxCum_, absValue(l.cum));
    endResetModel();
}

int SourceLinesModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(lines_.size());
}

int SourceLinesModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : Source + 1;
}

QVariant SourceLinesModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SourceLine& l = lines_[size_t(index.row())];
    const int lineNumber = index.row() + 1;
    const auto column = static_cast<Column>(index.column());
    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case Flat:
                    return l.flat ? formatter_.value(l.flat) : QString();
                case Cum:
                    return l.cum ? formatter_.value(l.cum) : QString();
                case Heat:
                    return {};
                case Line:
                    return lineNumber;
                case Source:
                    return l.text;
            }
            return {};
        case RawValueRole:
        case SortRole:
            switch (column) {
                case Flat:
                    return qlonglong(role == SortRole ? absValue(l.flat) : l.flat);
                case Cum:
                case Heat:
                    return qlonglong(role == SortRole ? absValue(l.cum) : l.cum);
                case Line:
                    return lineNumber;
                case Source:
                    return l.text;
            }
            return {};
        case HeatRole:
            if (maxCum_ == 0) return 0.0;
            return static_cast<double>(l.cum) / static_cast<double>(maxCum_);
        case Qt::ToolTipRole:
            if (l.flat == 0 && l.cum == 0) return {};
            return tr("Line %1: flat %2 (%3), cum %4 (%5)")
                .arg(lineNumber)
                .arg(formatter_.value(l.flat), formatter_.percent(l.flat), formatter_.value(l.cum),
                     formatter_.percent(l.cum));
        case Qt::FontRole:
            if (column == Line)
                return lineNumber >= functionFirst_ && lineNumber <= functionLast_ ? fixedBold_
                                                                                   : fixed_;
            if (column == Source) return fixed_;
            return {};
        case Qt::TextAlignmentRole:
            if (column == Source) return int(Qt::AlignLeft | Qt::AlignVCenter);
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
    }
}

QVariant SourceLinesModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section > Source)
        return QAbstractTableModel::headerData(section, orientation, role);
    const auto column = static_cast<Column>(section);
    if (role == Qt::DisplayRole) {
        switch (column) {
            case Flat:
                return tr("Flat");
            case Cum:
                return tr("Cum");
            case Heat:
                return tr("Heat");
            case Line:
                return tr("Line");
            case Source:
                return tr("Source");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (column) {
            case Flat:
                return tr("Value on this line itself");
            case Cum:
                return tr("Value on this line and in what it calls");
            case Heat:
                return tr("Cum relative to the hottest line");
            default:
                return {};
        }
    } else if (role == Qt::TextAlignmentRole) {
        if (column == Source) return int(Qt::AlignLeft | Qt::AlignVCenter);
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

// --- HeatBarDelegate ---

void HeatBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                            const QModelIndex& index) const {
    QStyledItemDelegate::paint(painter, option, index);  // background, selection
    const double heat = index.data(HeatRole).toDouble();
    if (heat == 0.0) return;
    const double fraction = std::min(1.0, std::abs(heat));
    QRect bar = option.rect.adjusted(2, 3, -2, -3);
    bar.setWidth(std::max(1, static_cast<int>(bar.width() * fraction + 0.5)));
    // Warmer and more opaque as the line gets hotter.
    QColor color =
        heat < 0 ? QColor(0x2e, 0x9a, 0x45) : QColor::fromHsvF(0.08 * (1.0 - fraction), 0.85, 0.95);
    color.setAlphaF(0.45 + 0.55 * fraction);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->fillRect(bar, color);
    painter->restore();
}

QSize HeatBarDelegate::sizeHint(const QStyleOptionViewItem& option,
                                const QModelIndex& index) const {
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setWidth(std::max(s.width(), 60));
    return s;
}

// --- SourceView ---

SourceView::SourceView(ProfileSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    model_ = new SourceLinesModel(this);
    header_ = new QLabel(this);
    header_->setTextFormat(Qt::PlainText);
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = header_->font();
    bold.setBold(true);
    header_->setFont(bold);
    path_ = new QLabel(this);
    path_->setTextFormat(Qt::PlainText);
    path_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    errorPanel_ = new QWidget(this);
    error_ = new QLabel(errorPanel_);
    error_->setTextFormat(Qt::PlainText);
    error_->setWordWrap(true);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    locate_ = new QPushButton(tr("Locate Folder…"), errorPanel_);
    locate_->setToolTip(tr("Choose the local folder that holds this source file"));
    auto* errorLayout = new QHBoxLayout(errorPanel_);
    errorLayout->setContentsMargins(0, 0, 0, 0);
    errorLayout->addWidget(error_, 1);
    errorLayout->addWidget(locate_, 0, Qt::AlignTop);
    errorPanel_->hide();

    table_ = new QTableView(this);
    table_->setModel(model_);
    table_->setItemDelegateForColumn(SourceLinesModel::Heat, new HeatBarDelegate(table_));
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setShowGrid(false);
    table_->setWordWrap(false);
    table_->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    const QFontMetrics fixed(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    table_->verticalHeader()->setDefaultSectionSize(
        std::max(fixed.height(), table_->fontMetrics().height()) + 4);
    table_->horizontalHeader()->setHighlightSections(false);
    table_->horizontalHeader()->setStretchLastSection(false);
    const int numberWidth =
        table_->fontMetrics().horizontalAdvance(QStringLiteral("0000.00ms")) + 16;
    table_->setColumnWidth(SourceLinesModel::Flat, numberWidth);
    table_->setColumnWidth(SourceLinesModel::Cum, numberWidth);
    table_->setColumnWidth(SourceLinesModel::Heat, 70);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(header_);
    layout->addWidget(path_);
    layout->addWidget(errorPanel_);
    layout->addWidget(table_, 1);
    setFocusProxy(table_);

    connect(locate_, &QPushButton::clicked, this, &SourceView::locateFolder);
    if (session_) {
        connect(session_, &ProfileSession::functionSelected, this, [this](const QString& name) {
            // Follow the selection while shown; catch up when shown again.
            if (isVisible())
                showFunction(name);
            else
                pending_ = name;
        });
        connect(session_, &ProfileSession::analysisReady, this, [this] {
            const auto result = session_->result();
            // A new granularity alone changes nothing here.
            if (function_.isEmpty() || !result ||
                (result->profile == shownProfile_ &&
                 result->analysis.sampleIndex == shownSampleIndex_))
                return;
            if (isVisible())
                refresh();
            else
                stale_ = true;
        });
    }
    header_->setText(tr("Double-click a function in the top table to see its source."));
    path_->hide();
    if (session_) pending_ = session_->selectedFunction();
}

SourceView::~SourceView() = default;

void SourceView::forgetAskedFolders() {
    askedFolders().clear();
}

QString SourceView::headerText() const {
    return header_->text();
}

QString SourceView::errorText() const {
    return errorPanel_->isHidden() ? QString() : error_->text();
}

void SourceView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!pending_.isEmpty() && pending_ != function_) {
        showFunction(pending_);
    } else if (stale_) {
        refresh();
    } else if (jumpPending_) {
        QTimer::singleShot(0, this, &SourceView::jumpToHottest);
    }
    pending_.clear();
}

void SourceView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitSourceColumn();
}

void SourceView::fitSourceColumn() {
    // As wide as the longest line, and at least to the right edge.
    int others = 0;
    for (int c = 0; c < SourceLinesModel::Source; ++c) others += table_->columnWidth(c);
    table_->setColumnWidth(SourceLinesModel::Source,
                           std::max(sourceWidth_, table_->viewport()->width() - others));
}

void SourceView::showFunction(const QString& name) {
    function_ = name;
    pending_.clear();
    refresh();
}

void SourceView::refresh() {
    stale_ = false;
    const quint64 gen = ++generation_;
    const auto result = session_ ? session_->result() : nullptr;
    if (function_.isEmpty() || !result || !result->profile) {
        model_->clear();
        header_->setText(function_.isEmpty()
                             ? tr("Double-click a function in the top table to see its source.")
                             : tr("%1 — waiting for the analysis…").arg(function_));
        path_->hide();
        errorPanel_->hide();
        return;
    }
    header_->setText(tr("%1 — reading the source…").arg(function_));
    const core::ProfilePtr profile = result->profile;
    const core::AnalysisOptions options = result->analysis;
    shownProfile_ = profile;
    shownSampleIndex_ = options.sampleIndex;
    const int64_t total = result->table ? result->table->total : 0;
    const bool isDiff = result->isDiff();
    const QString name = function_;
    const std::string workingDir = QDir::currentPath().toStdString();
    auto* watcher = new QFutureWatcher<SourceOutcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        const SourceOutcome out = watcher->result();
        watcher->deleteLater();
        if (out.generation == generation_) apply(out);
    });
    watcher->setFuture(QtConcurrent::run([profile, options, name, total, isDiff, workingDir, gen] {
        SourceOutcome out;
        try {
            out = annotate(*profile, options, name, total, isDiff, workingDir);
        } catch (const std::bad_alloc&) {
            out.status = SourceOutcome::Failed;
            out.message = SourceView::tr("Not enough memory to annotate the source.");
        } catch (const std::exception& e) {
            out.status = SourceOutcome::Failed;
            out.message = QString::fromStdString(e.what());
        }
        out.generation = gen;
        out.function = name;
        return out;
    }));
}

void SourceView::showError(const QString& text, bool canLocate) {
    model_->clear();
    hottestLine_ = 0;
    jumpPending_ = false;
    error_->setText(text);
    locate_->setVisible(canLocate);
    errorPanel_->show();
}

void SourceView::apply(const SourceOutcome& out) {
    file_ = out.file;
    localPath_ = out.localPath;
    originalDir_ = out.originalDir;
    header_->setText(out.function);
    path_->setVisible(!out.file.isEmpty());
    path_->setText(out.localPath.isEmpty() || out.localPath == out.file
                       ? out.file
                       : tr("%1 (read from %2)").arg(out.file, out.localPath));
    switch (out.status) {
        case SourceOutcome::Ok: {
            errorPanel_->hide();
            model_->setLines(out.lines, out.formatter, out.first, out.last);
            const ValueFormatter& f = out.formatter;
            header_->setText(tr("%1 — flat %2 (%3), cum %4 (%5)")
                                 .arg(out.function, f.value(out.flat), f.percent(out.flat),
                                      f.value(out.cum), f.percent(out.cum)));
            // The source column as wide as the longest line.
            const QFontMetrics fm(QFontDatabase::systemFont(QFontDatabase::FixedFont));
            int longest = 0;
            for (const auto& l : out.lines)
                if (l.text.size() > longest) longest = static_cast<int>(l.text.size());
            sourceWidth_ = fm.horizontalAdvance(QLatin1Char('M')) * (longest + 2) + 16;
            table_->setColumnWidth(SourceLinesModel::Line,
                                   fm.horizontalAdvance(QString::number(out.lines.size())) + 20);
            fitSourceColumn();
            hottestLine_ = out.hottest;
            jumpToHottest();
            break;
        }
        case SourceOutcome::NoData:
            showError(tr("%1 has no samples in the profile as it is shown.").arg(out.function),
                      false);
            break;
        case SourceOutcome::NoSourceInfo:
            showError(tr("The profile has no source file information for %1.").arg(out.function),
                      false);
            break;
        case SourceOutcome::NotFound:
            showError(tr("Could not read the source file %1 (%2). Locate its folder to see it.")
                          .arg(out.file, out.message),
                      true);
            // Ask once per folder; a remembered mapping that no longer fits
            // is left to the Locate button.
            if (!out.mappingTried && !askedFolders().contains(out.originalDir)) {
                askedFolders().insert(out.originalDir);
                if (askForFolder(out.originalDir, out.file)) {
                    refresh();
                    return;
                }
            }
            break;
        case SourceOutcome::Failed:
            showError(tr("Could not annotate %1: %2").arg(out.function, out.message), false);
            break;
    }
    emit sourceReady(out.function);
}

bool SourceView::askForFolder(const QString& originalDir, const QString& file) {
    QString local;
    if (chooser_) {
        local = chooser_(originalDir, file);
    } else {
        local = QFileDialog::getExistingDirectory(
            this, tr("Locate the Folder of %1").arg(QFileInfo(file).fileName()), QDir::homePath());
    }
    if (local.isEmpty()) return false;
    QSettings().setValue(kMappingGroup + originalDir, QDir::cleanPath(local));
    return true;
}

void SourceView::locateFolder() {
    if (file_.isEmpty() || originalDir_.isEmpty()) return;
    askedFolders().insert(originalDir_);
    if (askForFolder(originalDir_, file_)) refresh();
}

void SourceView::jumpToHottest() {
    if (hottestLine_ <= 0 || hottestLine_ > model_->rowCount()) return;
    const QModelIndex index = model_->index(hottestLine_ - 1, SourceLinesModel::Line);
    table_->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    table_->scrollTo(index, QAbstractItemView::PositionAtCenter);
    // Scrolling needs a laid-out viewport; repeat once shown.
    jumpPending_ = !isVisible();
}

}  // namespace embers::widgets
