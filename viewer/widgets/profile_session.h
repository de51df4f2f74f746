// One open profile in the viewer: decoding and analysis run on a worker
// thread; results come back to the GUI thread as immutable values. A result
// computed for options the user has since changed is dropped (generation
// number). Every view of a tab shares one session, and with it the selected
// function.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

#include "core/call_tree.h"
#include "core/filter.h"
#include "core/flat_table.h"
#include "core/profile.h"

namespace embers::widgets {

struct ViewOptions {
    int sampleIndex = -1;  // -1: the profile's default
    core::Granularity granularity = core::Granularity::Functions;
    core::FilterOptions filters;
    QString diffBasePath;  // empty: no diff
    bool operator==(const ViewOptions& o) const {
        return sampleIndex == o.sampleIndex && granularity == o.granularity &&
               filters.focus == o.filters.focus && filters.ignore == o.filters.ignore &&
               filters.hide == o.filters.hide && filters.show == o.filters.show &&
               filters.tagFocus == o.filters.tagFocus && filters.tagIgnore == o.filters.tagIgnore &&
               diffBasePath == o.diffBasePath;
    }
};

// What the views draw. Shared, immutable.
struct AnalysisResult {
    quint64 generation = 0;
    ViewOptions options;
    core::AnalysisOptions analysis;                // resolved sample index etc.
    core::ProfilePtr profile;                      // after diff and filters
    std::shared_ptr<const core::FlatTable> table;  // functions granularity unless asked
    std::shared_ptr<const core::CallTree> tree;    // top-down, functions granularity
    std::vector<std::string> warnings;             // e.g. "--focus matched no samples"
    bool isDiff() const { return !options.diffBasePath.isEmpty(); }
};

class ProfileSession : public QObject {
    Q_OBJECT
public:
    explicit ProfileSession(QObject* parent = nullptr);
    ~ProfileSession() override;

    // Starts decoding `path` on a worker. loaded() or failed() follows.
    void open(const QString& path);
    // Adopts an already decoded profile (tests, captures).
    void openProfile(core::ProfilePtr profile, const QString& displayName);
    // Re-analyses with new options; analysisReady() follows.
    void setOptions(const ViewOptions& options);
    // Cancels the running decode or analysis.
    void cancel();

    QString path() const { return path_; }
    QString displayName() const;
    core::ProfilePtr rawProfile() const { return raw_; }
    const ViewOptions& options() const { return options_; }
    // The latest result; null until the first analysis finishes.
    std::shared_ptr<const AnalysisResult> result() const { return result_; }
    bool busy() const { return busy_; }

    // The function selected in any view (its node's printable name at
    // functions granularity); views follow it.
    QString selectedFunction() const { return selected_; }
    void selectFunction(const QString& name);

signals:
    void busyChanged(bool busy, const QString& what);
    void progress(double fraction);  // 0..1, from any thread (queued)
    void loaded();
    void failed(const QString& message);  // one line, names the file
    void analysisReady();
    void functionSelected(const QString& name);

private:
    void startAnalysis();
    void setBusy(bool busy, const QString& what);

    QString path_;
    QString displayName_;
    core::ProfilePtr raw_;
    core::ProfilePtr diffBase_;
    QString diffBaseLoaded_;
    ViewOptions options_;
    std::shared_ptr<const AnalysisResult> result_;
    quint64 generation_ = 0;
    std::shared_ptr<std::atomic<bool>> cancelFlag_;
    bool busy_ = false;
    QString selected_;
};

}  // namespace embers::widgets
