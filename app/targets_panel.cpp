#include "targets_panel.h"

#include <algorithm>

#include <QCheckBox>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "client/jwt.h"
#include "client/pprof_index.h"
#include "core/decode.h"
#include "core/encode.h"
#include "core/merge.h"
#include "target_dialog.h"

namespace embers::app {

using namespace embers::capture;

namespace {

constexpr int kMaxHistory = 50;

struct KindButton {
    ProfileKind kind;
    const char* label;
    const char* tip;
};

const KindButton kButtons[] = {
    {ProfileKind::Cpu, QT_TRANSLATE_NOOP("TargetsPanel", "CPU"),
     QT_TRANSLATE_NOOP("TargetsPanel", "CPU profile over the seconds set above")},
    {ProfileKind::Heap, QT_TRANSLATE_NOOP("TargetsPanel", "Heap"),
     QT_TRANSLATE_NOOP("TargetsPanel", "Memory in use and allocated (sampled)")},
    {ProfileKind::Allocs, QT_TRANSLATE_NOOP("TargetsPanel", "Allocs"),
     QT_TRANSLATE_NOOP("TargetsPanel", "All allocations since the start")},
    {ProfileKind::Goroutine, QT_TRANSLATE_NOOP("TargetsPanel", "Goroutines"),
     QT_TRANSLATE_NOOP("TargetsPanel", "Stacks of all goroutines (threads, for C++)")},
    {ProfileKind::Block, QT_TRANSLATE_NOOP("TargetsPanel", "Block"),
     QT_TRANSLATE_NOOP("TargetsPanel", "Where goroutines blocked")},
    {ProfileKind::Mutex, QT_TRANSLATE_NOOP("TargetsPanel", "Mutex"),
     QT_TRANSLATE_NOOP("TargetsPanel", "Holders of contended mutexes")},
    {ProfileKind::ThreadCreate, QT_TRANSLATE_NOOP("TargetsPanel", "Threads"),
     QT_TRANSLATE_NOOP("TargetsPanel", "Where OS threads were created")},
    {ProfileKind::Trace, QT_TRANSLATE_NOOP("TargetsPanel", "Trace"),
     QT_TRANSLATE_NOOP("TargetsPanel",
                       "Execution trace over the seconds set above (a file "
                       "for go tool trace)")},
};

}  // namespace

TargetsPanel::TargetsPanel(SecretStore* secrets, QWidget* parent)
    : QWidget(parent), secrets_(secrets) {
    auto* add = new QToolButton;
    add->setText(tr("Add…"));
    add->setToolTip(tr("Add a target: a node's URL and its token"));
    auto* paste = new QToolButton;
    paste->setText(tr("Paste"));
    paste->setToolTip(
        tr("Create a target from the clipboard: a DevTools \"Copy as cURL\", an "
           "Authorization header or a HAR file path"));
    check_ = new QToolButton;
    check_->setText(tr("Check"));
    check_->setToolTip(
        tr("Read the node's pprof index: is it reachable with this token, and "
           "what does it offer"));
    live_ = new QToolButton;
    live_->setText(tr("Live"));
    live_->setToolTip(tr("Live charts of the node's metrics (/metrics or /debug/vars)"));
    edit_ = new QToolButton;
    edit_->setText(tr("Edit…"));
    remove_ = new QToolButton;
    remove_->setText(tr("Remove"));
    auto* tools = new QHBoxLayout;
    tools->setContentsMargins(0, 0, 0, 0);
    for (QToolButton* b : {add, paste, check_, live_, edit_, remove_}) tools->addWidget(b);
    tools->addStretch(1);

    list_ = new QListWidget;
    list_->setMinimumHeight(90);
    list_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    list_->setToolTip(
        tr("Select several targets (Ctrl+click) to capture from all at once: "
           "their merged profile opens"));

    seconds_ = new QSpinBox;
    seconds_->setRange(1, 1800);
    seconds_->setSuffix(tr(" s"));
    seconds_->setToolTip(tr("How long CPU profiles and traces record"));
    seconds_->setValue(QSettings().value(QStringLiteral("capture/seconds"), 30).toInt());
    gc_ = new QCheckBox(tr("GC before heap"));
    gc_->setToolTip(tr("Ask the node to run a garbage collection before the heap profile"));
    auto* options = new QHBoxLayout;
    options->addWidget(new QLabel(tr("Record:")));
    options->addWidget(seconds_);
    options->addStretch(1);
    options->addWidget(gc_);

    auto* grid = new QGridLayout;
    int i = 0;
    for (const KindButton& k : kButtons) {
        auto* b = new QPushButton(tr(k.label));
        b->setToolTip(tr(k.tip));
        connect(b, &QPushButton::clicked, this, [this, kind = k.kind] { startCapture(kind); });
        grid->addWidget(b, i / 4, i % 4);
        kindButtons_ << b;
        ++i;
    }

    progress_ = new QProgressBar;
    progress_->setTextVisible(true);
    progress_->hide();
    cancel_ = new QPushButton(tr("Cancel"));
    cancel_->hide();
    auto* busy = new QHBoxLayout;
    busy->addWidget(progress_, 1);
    busy->addWidget(cancel_);
    status_ = new QLabel;
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    history_ = new QListWidget;
    history_->setToolTip(tr("Double-click to open a capture"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(new QLabel(tr("<b>Targets</b>")));
    layout->addLayout(tools);
    layout->addWidget(list_, 2);
    layout->addLayout(options);
    layout->addLayout(grid);
    layout->addLayout(busy);
    layout->addWidget(status_);
    layout->addWidget(new QLabel(tr("<b>Captures</b>")));
    layout->addWidget(history_, 3);

    connect(add, &QToolButton::clicked, this, [this] { addDialog(); });
    connect(paste, &QToolButton::clicked, this, [this] {
        // The clipboard, if it has text; else an empty dialog to paste into.
        addDialog(QGuiApplication::clipboard() ? QGuiApplication::clipboard()->text() : QString());
    });
    connect(edit_, &QToolButton::clicked, this, &TargetsPanel::editSelected);
    connect(check_, &QToolButton::clicked, this, &TargetsPanel::checkSelected);
    connect(live_, &QToolButton::clicked, this, &TargetsPanel::liveSelected);
    connect(remove_, &QToolButton::clicked, this, &TargetsPanel::removeSelected);
    connect(list_, &QListWidget::itemDoubleClicked, this, &TargetsPanel::editSelected);
    connect(list_, &QListWidget::currentRowChanged, this, [this] {
        const Target* t = selected();
        edit_->setEnabled(t && !t->localDemo);
        check_->setEnabled(t != nullptr);
        live_->setEnabled(t != nullptr);
        remove_->setEnabled(t && !t->localDemo);
        for (QPushButton* b : kindButtons_) b->setEnabled(t && !running_);
    });
    connect(cancel_, &QPushButton::clicked, this, &TargetsPanel::cancelCapture);
    connect(seconds_, &QSpinBox::valueChanged, this,
            [](int v) { QSettings().setValue(QStringLiteral("capture/seconds"), v); });
    connect(history_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        const QString path = item->data(Qt::UserRole).toString();
        if (QFileInfo::exists(path))
            emit captured(path);
        else
            status_->setText(tr("%1 is gone (moved or deleted).").arg(path));
    });

    QSettings settings;
    for (const Target& t : loadTargets(settings)) targets_ << t;
    for (const QString& path : settings.value(QStringLiteral("capture/history")).toStringList()) {
        auto* item = new QListWidgetItem(QFileInfo(path).fileName());
        item->setData(Qt::UserRole, path);
        item->setToolTip(path);
        history_->addItem(item);
    }
    rebuildList();
}

TargetsPanel::~TargetsPanel() {
    cancelCapture();
    for (QFuture<CaptureResult>& f : futures_) f.waitForFinished();  // within a second
}

void TargetsPanel::rebuildList() {
    const Target* before = selected();
    const QString keep = before ? before->id : QString();
    list_->clear();
    for (const Target& t : targets_) {
        auto* item = new QListWidgetItem(QStringLiteral("%1\n%2").arg(t.name, t.displayUrl()));
        item->setData(Qt::UserRole, t.id);
        item->setToolTip(t.insecure ? tr("%1 — certificate not verified").arg(t.displayUrl())
                                    : t.displayUrl());
        list_->addItem(item);
    }
    if (!keep.isEmpty()) selectTarget(keep);
    if (list_->currentRow() < 0 && list_->count() > 0) list_->setCurrentRow(0);
    emit list_->currentRowChanged(list_->currentRow());
}

void TargetsPanel::saveTargets() {
    QSettings settings;
    capture::saveTargets(settings, targets_);
}

void TargetsPanel::addTarget(const Target& target, const QString& literalToken,
                             const QString& oauthSecret, const QString& oauthPassword) {
    oauth_.erase(target.id);  // settings may have changed: a new session
    if (target.usesOAuth2()) {
        secrets_->write(target.oauthSecretKey(), oauthSecret);
        secrets_->write(target.oauthPasswordKey(), oauthPassword);
    }
    bool replaced = false;
    for (Target& t : targets_) {
        if (t.id == target.id) {
            t = target;
            replaced = true;
        }
    }
    if (!replaced) {
        if (target.localDemo)
            targets_.prepend(target);  // the local demo comes first
        else
            targets_ << target;
    }
    if (target.tokenKind == TokenRef::Literal && !target.usesOAuth2()) {
        if (literalToken.isEmpty())
            secrets_->remove(target.id);
        else
            secrets_->write(target.id, literalToken);
    }
    saveTargets();
    rebuildList();
    selectTarget(target.id);
    if (replaced) {
        QString error;
        const QString token = liveToken(target, &error);
        emit targetChanged(target, token, error);
    }
}

void TargetsPanel::selectTarget(const QString& id) {
    for (int r = 0; r < list_->count(); ++r)
        if (list_->item(r)->data(Qt::UserRole).toString() == id) list_->setCurrentRow(r);
}

void TargetsPanel::selectTargets(const QStringList& ids) {
    list_->clearSelection();
    for (int r = 0; r < list_->count(); ++r)
        if (ids.contains(list_->item(r)->data(Qt::UserRole).toString()))
            list_->item(r)->setSelected(true);
}

const Target* TargetsPanel::selected() const {
    const int row = list_->currentRow();
    if (row < 0) return nullptr;
    const QString id = list_->item(row)->data(Qt::UserRole).toString();
    for (const Target& t : targets_)
        if (t.id == id) return &t;
    return nullptr;
}

void TargetsPanel::pasteTarget(const QString& text) {
    addDialog(text);
}

void TargetsPanel::addDialog(const QString& pasted) {
    TargetDialog dialog(Target{}, QString(), this);
    if (!pasted.trimmed().isEmpty()) dialog.takeInput(pasted);
    if (dialog.exec() != QDialog::Accepted) return;
    addTarget(dialog.target(), dialog.literalToken(), dialog.oauthClientSecret(),
              dialog.oauthPassword());
    status_->setText(tr("Token kept in %1.").arg(secrets_->where()));
}

void TargetsPanel::editSelected() {
    const Target* t = selected();
    if (!t || t->localDemo) return;
    TargetDialog dialog(*t, secrets_->read(t->id), this, secrets_->read(t->oauthSecretKey()),
                        secrets_->read(t->oauthPasswordKey()));
    if (dialog.exec() != QDialog::Accepted) return;
    addTarget(dialog.target(), dialog.literalToken(), dialog.oauthClientSecret(),
              dialog.oauthPassword());
}

void TargetsPanel::removeSelected() {
    const Target* t = selected();
    if (!t || t->localDemo) return;
    const QString id = t->id;
    if (QMessageBox::question(this, tr("Remove target"),
                              tr("Remove %1 and forget its token?").arg(t->name)) !=
        QMessageBox::Yes)
        return;
    secrets_->remove(id);
    secrets_->remove(t->oauthSecretKey());
    secrets_->remove(t->oauthPasswordKey());
    oauth_.erase(id);
    targets_.erase(std::remove_if(targets_.begin(), targets_.end(),
                                  [&](const Target& x) { return x.id == id; }),
                   targets_.end());
    saveTargets();
    rebuildList();
    emit targetRemoved(id);
}

CaptureJob TargetsPanel::jobFor(const Target& t, const QString& token) {
    CaptureJob job;
    job.base = t.baseUrl;
    job.basePath = splitPprofUrl(t.baseUrl.toString()).basePath;
    job.prefix = t.prefix;
    job.token = token;
    job.caFile = t.caFile;
    job.certFile = t.certFile;
    job.keyFile = t.keyFile;
    job.insecure = t.insecure;
    job.targetName = t.name;
    if (t.usesOAuth2()) {
        // The token comes from the endpoint, on the worker, renewed when it expires.
        std::shared_ptr<OAuth2Session>& session = oauth_[t.id];
        if (!session) {
            OAuth2Config c;
            c.tokenUrl = QUrl(t.oauthTokenUrl);
            c.clientId = t.oauthClientId;
            c.clientSecret = secrets_->read(t.oauthSecretKey());
            c.username = t.oauthUsername;
            c.password = secrets_->read(t.oauthPasswordKey());
            c.scope = t.oauthScope;
            c.caFile = t.caFile;
            c.insecure = t.insecure;
            session = std::make_shared<OAuth2Session>(c);
        }
        job.tokenProvider = [session](QString* error) { return session->token(error); };
    }
    return job;
}

void TargetsPanel::checkSelected() {
    const Target* t = selected();
    if (!t) return;
    QString error;
    const QString token = tokenFor(*t, *secrets_, &error);
    if (!error.isEmpty()) {
        status_->setText(error);
        return;
    }
    const CaptureJob job = jobFor(*t, token);
    const QString name = t->name;
    status_->setText(tr("Reading the pprof index of %1…").arg(name));
    auto* watcher = new QFutureWatcher<ProbeResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, name] {
        const ProbeResult r = watcher->result();
        watcher->deleteLater();
        if (!r.ok()) {
            status_->setText(r.message);
            return;
        }
        QStringList offers;
        for (const PprofIndexEntry& e : r.index.profiles)
            offers << (e.count ? QStringLiteral("%1 %2").arg(e.name).arg(*e.count) : e.name);
        status_->setText(tr("%1 answers at %2/ and offers: %3.")
                             .arg(name, r.prefix, offers.join(QStringLiteral(", "))));
        emit checked(r.prefix, offers);
    });
    watcher->setFuture(QtConcurrent::run([job] { return probeTarget(job); }));
}

void TargetsPanel::liveSelected() {
    const Target* t = selected();
    if (!t) return;
    QString error;
    const QString token = liveToken(*t, &error);
    if (!error.isEmpty()) {
        status_->setText(error);
        return;
    }
    emit liveRequested(*t, token);
}

QString TargetsPanel::liveToken(const Target& t, QString* error) {
    // An OAuth2 token is asked for by the Live view at each poll (tokenProviderFor), off the
    // GUI thread; other tokens are resolved here.
    return t.usesOAuth2() ? QString() : tokenFor(t, *secrets_, error);
}

std::function<QString(QString*)> TargetsPanel::tokenProviderFor(const Target& t) {
    if (t.usesOAuth2()) return jobFor(t, QString()).tokenProvider;  // the target's session
    if (t.tokenKind == TokenRef::Literal) return {};
    // A file or variable is read again at every poll: a token file that is replaced on
    // disk (a Kubernetes projected service-account token) is picked up as it changes.
    return [ref = t.tokenRef()](QString* error) { return resolveToken(ref, error); };
}

void TargetsPanel::setSeconds(int seconds) {
    seconds_->setValue(seconds);
}

QString TargetsPanel::statusText() const {
    return status_->text();
}

QStringList TargetsPanel::history() const {
    QStringList out;
    for (int r = 0; r < history_->count(); ++r)
        out << history_->item(r)->data(Qt::UserRole).toString();
    return out;
}

QList<const Target*> TargetsPanel::selectedTargets() const {
    QList<const Target*> out;
    for (const QListWidgetItem* item : list_->selectedItems())
        for (const Target& t : targets_)
            if (t.id == item->data(Qt::UserRole).toString()) out << &t;
    if (out.isEmpty())
        if (const Target* t = selected()) out << t;
    return out;
}

bool TargetsPanel::startCapture(ProfileKind kind) {
    const QList<const Target*> chosen = selectedTargets();
    if (chosen.isEmpty()) return false;
    return startCaptureFrom(kind, chosen, confirmWarnings_).isEmpty();
}

QString TargetsPanel::startCaptureOn(ProfileKind kind, const QString& targetId, bool confirm,
                                     Afterwards afterwards) {
    for (const Target& t : targets_)
        if (t.id == targetId)
            return startCaptureFrom(kind, {&t}, confirm && confirmWarnings_, afterwards);
    return tr("the target is no longer in the Capture panel; add it again to capture from it");
}

QString TargetsPanel::startCaptureFrom(ProfileKind kind, const QList<const Target*>& chosen,
                                       bool confirm, Afterwards afterwards) {
    if (running_) return tr("another capture is running; try again when it is done");

    // Work out every token first: one that cannot be read stops the whole capture.
    QList<CaptureJob> jobs;
    QStringList warnings;
    for (const Target* t : chosen) {
        QString error;
        const QString token = tokenFor(*t, *secrets_, &error);
        if (!error.isEmpty()) {
            status_->setText(QStringLiteral("%1: %2").arg(t->name, error));
            emit captureFailed(status_->text());
            return status_->text();
        }
        if (const auto jwt = decodeJwt(token))
            for (const QString& w : captureWarnings(*jwt, QDateTime::currentDateTimeUtc()))
                warnings << QStringLiteral("%1: %2").arg(t->name, w);
        CaptureJob job = jobFor(*t, token);
        job.request.kind = kind;
        if (isTimed(kind)) job.request.seconds = seconds_->value();
        job.request.gc = kind == ProfileKind::Heap && gc_->isChecked();
        jobs << job;
    }
    if (!warnings.isEmpty() && confirm &&
        QMessageBox::warning(this, tr("Capture with this token?"),
                             warnings.join(QStringLiteral("\n")) + tr("\n\nCapture anyway?"),
                             QMessageBox::Yes | QMessageBox::No) != QMessageBox::Yes)
        return tr("not confirmed");

    auto flag = std::make_shared<std::atomic<bool>>(false);
    running_ = flag;
    runningKind_ = kind;
    runningAfterwards_ = afterwards;
    batch_.clear();
    pending_ = int(jobs.size());
    setBusy(true);
    status_->setText(
        jobs.size() == 1
            ? tr("Capturing %1 from %2…").arg(profileKindInfo(kind).name, jobs.front().targetName)
            : tr("Capturing %1 from %n targets at once…", "", int(jobs.size()))
                  .arg(profileKindInfo(kind).name));
    futures_.clear();
    const QDateTime started = QDateTime::currentDateTime();
    for (int i = 0; i < jobs.size(); ++i) {
        const CaptureJob job = jobs[i];
        const QString targetId = chosen[i]->id;
        const bool reportProgress = i == 0;  // one bar: the first target's
        auto* watcher = new QFutureWatcher<CaptureResult>(this);
        connect(watcher, &QFutureWatcherBase::finished, this,
                [this, watcher, targetId, job, started] {
                    const CaptureResult r = watcher->result();
                    watcher->deleteLater();
                    if (r.ok())
                        emit captureSaved(targetId, profileKindInfo(job.request.kind).name, r.path,
                                          started, job.request.seconds.value_or(0));
                    // Remember a prefix that had to be found, so the next capture goes straight
                    // there.
                    for (Target& t : targets_)
                        if (t.id == targetId && t.prefix.isEmpty() && !r.prefix.isEmpty()) {
                            t.prefix = r.prefix;
                            saveTargets();
                            rebuildList();
                        }
                    batch_.push_back({job.targetName, r});
                    if (--pending_ == 0) onBatchFinished();
                });
        QFuture<CaptureResult> future = QtConcurrent::run([this, job, flag, reportProgress]() {
            return runCaptureJob(job, [this, flag, reportProgress](const CaptureStatus& s) {
                if (reportProgress)
                    QMetaObject::invokeMethod(
                        this, [this, s] { onProgress(s); }, Qt::QueuedConnection);
                return !flag->load();
            });
        });
        futures_ << future;
        watcher->setFuture(future);
    }
    return {};
}

void TargetsPanel::cancelCapture() {
    if (running_) running_->store(true);
}

void TargetsPanel::onProgress(const CaptureStatus& s) {
    if (!running_) return;
    if (s.phase == CaptureStatus::Recording && s.recordSeconds > 0) {
        const int left = std::max(0, int(s.recordSeconds - s.elapsedSeconds + 0.5));
        progress_->setRange(0, s.recordSeconds * 10);
        progress_->setValue(std::min(s.recordSeconds * 10, int(s.elapsedSeconds * 10)));
        progress_->setFormat(tr("%1: %2 s left").arg(profileKindInfo(runningKind_).name).arg(left));
    } else {
        progress_->setRange(0, 0);  // busy
        progress_->setFormat(s.phase == CaptureStatus::Probing
                                 ? tr("Looking for the pprof prefix…")
                                 : tr("Receiving: %1 KiB").arg(s.received / 1024));
    }
}

void TargetsPanel::onBatchFinished() {
    running_.reset();
    setBusy(false);
    QStringList failures, saved;
    bool cancelled = false;
    for (const auto& [name, r] : batch_) {
        if (r.cancelled) {
            cancelled = true;
        } else if (!r.ok()) {
            failures << (batch_.size() > 1 ? QStringLiteral("%1: %2").arg(name, r.message)
                                           : r.message);
        } else {
            saved << r.path;
            addHistory(r.path);
        }
    }
    if (cancelled && saved.isEmpty()) {
        status_->setText(tr("Cancelled."));
        return;
    }
    if (!failures.isEmpty()) {
        status_->setText(failures.join(QStringLiteral("\n")));
        emit captureFailed(failures.join(QStringLiteral("; ")));
        if (saved.isEmpty()) return;
    }
    if (runningKind_ == ProfileKind::Trace) {
        status_->setText(
            tr("Saved %1 (open traces with go tool trace).").arg(saved.join(QStringLiteral(", "))));
        return;
    }
    if (saved.size() == 1) {
        if (failures.isEmpty()) status_->setText(tr("Saved %1.").arg(saved.front()));
        if (runningAfterwards_ == Afterwards::Show)
            emit captured(saved.front());
        else
            emit capturedAside(saved.front(), runningAfterwards_ == Afterwards::OpenAside);
        return;
    }
    // Several nodes: open their merged profile; each one stays in the history.
    QString error;
    const QString merged = mergeCaptures(saved, &error);
    if (merged.isEmpty()) {
        status_->setText(
            tr("Saved %n captures; merging them failed: %1", "", int(saved.size())).arg(error));
        for (const QString& path : saved) emit captured(path);
        return;
    }
    addHistory(merged);
    if (failures.isEmpty())
        status_->setText(
            tr("Saved %n captures and their merge %1.", "", int(saved.size())).arg(merged));
    emit captured(merged);
}

QString TargetsPanel::mergeCaptures(const QStringList& paths, QString* error) {
    try {
        std::vector<core::ProfilePtr> profiles;
        std::vector<std::string> names;
        for (const QString& path : paths) {
            profiles.push_back(core::readProfileFile(path.toStdString(), {}));
            names.push_back(QFileInfo(path).fileName().toStdString());
        }
        const core::ProfilePtr merged = core::merge(profiles, names);
        const QString folder = QFileInfo(paths.front()).absolutePath();
        const QString stamp =
            QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-ddTHH-mm-ss"));
        QString path = QDir(folder).filePath(QStringLiteral("merged-%1-targets_%2_%3.pb.gz")
                                                 .arg(paths.size())
                                                 .arg(profileKindInfo(runningKind_).name, stamp));
        core::writeFileAtomically(path.toStdString(), core::encodeProfile(*merged));
        return path;
    } catch (const std::exception& e) {
        *error = QString::fromUtf8(e.what());
        return {};
    }
}

void TargetsPanel::addHistory(const QString& path) {
    auto* item = new QListWidgetItem(QFileInfo(path).fileName());
    item->setData(Qt::UserRole, path);
    item->setToolTip(path);
    history_->insertItem(0, item);
    while (history_->count() > kMaxHistory) delete history_->takeItem(history_->count() - 1);
    QSettings().setValue(QStringLiteral("capture/history"), history());
}

void TargetsPanel::setBusy(bool busy) {
    progress_->setVisible(busy);
    cancel_->setVisible(busy);
    if (busy) {
        progress_->setRange(0, 0);
        progress_->setFormat(QString());
    }
    for (QPushButton* b : kindButtons_) b->setEnabled(!busy && selected());
    emit busyChanged(busy);
}

}  // namespace embers::app
