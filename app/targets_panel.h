// The Targets panel: the nodes to capture from (the local demo first), a button per profile
// kind with progress, countdown and cancel, and the history of captures. A capture opens in
// the viewer when it is done.
#pragma once

#include <QDateTime>
#include <QFuture>
#include <QWidget>
#include <atomic>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "client/capture_job.h"
#include "client/oauth2.h"
#include "client/targets.h"

class QCheckBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace embers::app {

class TargetsPanel : public QWidget {
    Q_OBJECT
public:
    // `secrets` holds literal tokens; the panel does not own it.
    TargetsPanel(capture::SecretStore* secrets, QWidget* parent = nullptr);
    ~TargetsPanel() override;

    // Adds (or replaces, by id) a target and stores its literal token.
    void addTarget(const capture::Target& target, const QString& literalToken,
                   const QString& oauthSecret = {}, const QString& oauthPassword = {});
    const QList<capture::Target>& targets() const { return targets_; }
    void selectTarget(const QString& id);
    void selectTargets(const QStringList& ids);

    // Starts a capture from the selected targets (all at once when several are selected;
    // their merged profile then opens); false when one is running or none is selected. Warnings
    // about the token are asked about unless confirm is off (tests).
    bool startCapture(capture::ProfileKind kind);
    // Starts a capture from the target with this id alone, whatever is selected (a Live
    // tab's node). Returns an empty string when it started, else why not (the target was
    // removed, another capture is running, the token cannot be read). `confirm` off: token
    // warnings are not asked about (a trigger's capture; nobody may be there to answer).
    // What happens to a capture once saved: shown (captured), or, for a Live tab's capture
    // which its chart marks, opened without switching to it or only kept (capturedAside).
    enum class Afterwards { Show, OpenAside, KeepAside };
    QString startCaptureOn(capture::ProfileKind kind, const QString& targetId, bool confirm,
                           Afterwards afterwards = Afterwards::Show);
    void cancelCapture();
    bool capturing() const { return running_ != nullptr; }
    void setConfirmWarnings(bool on) { confirmWarnings_ = on; }
    void setSeconds(int seconds);
    QString statusText() const;
    QStringList history() const;

    // Opens the add dialog filled from pasted text (a cURL command, header, HAR path).
    void pasteTarget(const QString& text);
    // Reads the selected node's pprof index in the background and shows what it offers.
    void checkSelected();
    // Asks for the selected target's live charts (liveRequested).
    void liveSelected();
    // A provider of the target's current token, callable from any thread: an OAuth2
    // target's (renewed when it expires), or a token file or variable read again at each
    // call; empty for a literal token.
    std::function<QString(QString* error)> tokenProviderFor(const capture::Target& target);

signals:
    void captured(const QString& path);  // a profile to open
    // A capture started with Afterwards::OpenAside (`open`) or KeepAside is saved.
    void capturedAside(const QString& path, bool open);
    // One target's capture saved (each target of a batch its own): from which target,
    // which kind ("cpu", "heap"…), where, when it started and how many seconds it lasted.
    void captureSaved(const QString& targetId, const QString& kind, const QString& path,
                      const QDateTime& started, int seconds);
    void captureFailed(const QString& message);
    void busyChanged(bool busy);
    void checked(const QString& prefix, const QStringList& offers);  // "heap 12", …
    // "Live" on a target: chart its metrics (token resolved; empty when none, or when it
    // comes from OAuth2: tokenProviderFor then gives it).
    void liveRequested(const capture::Target& target, const QString& token);
    // A target was edited (same id; token resolved as for liveRequested, empty with
    // `error` set when it cannot be read) or removed.
    void targetChanged(const capture::Target& target, const QString& token, const QString& error);
    void targetRemoved(const QString& id);

private:
    void rebuildList();
    void saveTargets();
    void addDialog(const QString& pasted = {});
    void editSelected();
    capture::CaptureJob jobFor(const capture::Target& t, const QString& token);
    void removeSelected();
    const capture::Target* selected() const;
    void onProgress(const capture::CaptureStatus& status);
    QList<const capture::Target*> selectedTargets() const;
    // Starts a capture from `chosen`; empty when it started, else why not.
    QString startCaptureFrom(capture::ProfileKind kind, const QList<const capture::Target*>& chosen,
                             bool confirm, Afterwards afterwards = Afterwards::Show);
    // The token a Live view sends (empty for OAuth2, which tokenProviderFor gives).
    QString liveToken(const capture::Target& target, QString* error);
    void onBatchFinished();
    QString mergeCaptures(const QStringList& paths, QString* error);
    void addHistory(const QString& path);
    void setBusy(bool busy);

    capture::SecretStore* secrets_;
    QList<capture::Target> targets_;
    QListWidget* list_;
    QToolButton* check_;
    QToolButton* live_;
    QToolButton* edit_;
    QToolButton* remove_;
    QSpinBox* seconds_;
    QCheckBox* gc_;
    QList<QPushButton*> kindButtons_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    QLabel* status_;
    QListWidget* history_;
    bool confirmWarnings_ = true;
    std::shared_ptr<std::atomic<bool>> running_;
    QList<QFuture<capture::CaptureResult>> futures_;
    // One OAuth2 session per target, so that its token is reused until it expires.
    std::map<QString, std::shared_ptr<capture::OAuth2Session>> oauth_;
    std::vector<std::pair<QString, capture::CaptureResult>> batch_;  // (target, result)
    int pending_ = 0;  // the running capture's cancel flag
    capture::ProfileKind runningKind_ = capture::ProfileKind::Cpu;
    Afterwards runningAfterwards_ = Afterwards::Show;
};

}  // namespace embers::app
