#include "profile_session.h"

#include <future>

#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

#include "core/decode.h"
#include "core/errors.h"
#include "core/merge.h"

namespace embers::widgets {

namespace {
// Subtrees below a millionth of the samples are left out of the flame graph's tree: at
// 1920 pixels they are 0.002 px wide, visible only after zooming 500 times.
constexpr double kFlameMinShare = 1e-6;
}  // namespace

using namespace embers::core;

namespace {

struct LoadOutcome {
    ProfilePtr profile;
    QString error;  // empty on success; "cancelled" when cancelled
};

struct AnalysisOutcome {
    std::shared_ptr<AnalysisResult> result;
    ProfilePtr diffBase;
    QString error;
};

}  // namespace

ProfileSession::ProfileSession(QObject* parent) : QObject(parent) {}

ProfileSession::~ProfileSession() {
    // Workers only touch `this` through queued progress calls; stop them first.
    if (cancelFlag_) *cancelFlag_ = true;
    QThreadPool::globalInstance()->waitForDone();
}

QString ProfileSession::displayName() const {
    if (!displayName_.isEmpty()) return displayName_;
    return QFileInfo(path_).fileName();
}

void ProfileSession::setBusy(bool busy, const QString& what) {
    busy_ = busy;
    emit busyChanged(busy, what);
}

void ProfileSession::cancel() {
    if (cancelFlag_) *cancelFlag_ = true;
}

void ProfileSession::open(const QString& path) {
    cancel();
    path_ = path;
    const quint64 gen = ++generation_;
    auto flag = cancelFlag_ = std::make_shared<std::atomic<bool>>(false);
    setBusy(true, tr("Opening %1…").arg(QFileInfo(path).fileName()));
    auto* watcher = new QFutureWatcher<LoadOutcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, gen] {
        const LoadOutcome out = watcher->result();
        watcher->deleteLater();
        if (gen != generation_) return;
        setBusy(false, {});
        if (!out.profile) {
            if (out.error != QLatin1String("cancelled")) emit failed(out.error);
            return;
        }
        raw_ = out.profile;
        emit loaded();
        startAnalysis();
    });
    watcher->setFuture(QtConcurrent::run([this, path, flag]() -> LoadOutcome {
        DecodeOptions o;
        o.progress = [this, flag](double f) {
            QMetaObject::invokeMethod(
                this, [this, f] { emit progress(f); }, Qt::QueuedConnection);
            return !flag->load();
        };
        try {
            return {readProfileFile(path.toStdString(), o), {}};
        } catch (const Cancelled&) {
            return {nullptr, QStringLiteral("cancelled")};
        } catch (const std::bad_alloc&) {
            return {nullptr, path + tr(": not enough memory to open this profile")};
        } catch (const std::exception& e) {
            return {nullptr, QString::fromStdString(e.what())};
        }
    }));
}

void ProfileSession::openProfile(ProfilePtr profile, const QString& displayName) {
    cancel();
    ++generation_;
    raw_ = std::move(profile);
    displayName_ = displayName;
    emit loaded();
    startAnalysis();
}

void ProfileSession::setOptions(const ViewOptions& options) {
    if (options == options_ && result_) return;
    options_ = options;
    if (raw_) startAnalysis();
}

void ProfileSession::startAnalysis() {
    cancel();
    const quint64 gen = ++generation_;
    auto flag = cancelFlag_ = std::make_shared<std::atomic<bool>>(false);
    setBusy(true, tr("Analysing…"));
    const ProfilePtr raw = raw_;
    const ViewOptions options = options_;
    const ProfilePtr cachedBase = options.diffBasePath == diffBaseLoaded_ ? diffBase_ : nullptr;
    const QString name = path_.isEmpty() ? displayName_ : path_;
    auto* watcher = new QFutureWatcher<AnalysisOutcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, gen, options] {
        const AnalysisOutcome out = watcher->result();
        watcher->deleteLater();
        if (out.diffBase) {
            diffBase_ = out.diffBase;
            diffBaseLoaded_ = options.diffBasePath;
        }
        if (gen != generation_) return;
        setBusy(false, {});
        if (!out.result) {
            if (out.error != QLatin1String("cancelled")) emit failed(out.error);
            return;
        }
        out.result->generation = gen;
        result_ = out.result;
        emit analysisReady();
    });
    watcher->setFuture(QtConcurrent::run([this, raw, options, cachedBase, flag, name]() {
        AnalysisOutcome out;
        auto keepGoing = [this, flag](double f) {
            QMetaObject::invokeMethod(
                this, [this, f] { emit progress(f); }, Qt::QueuedConnection);
            return !flag->load();
        };
        try {
            auto r = std::make_shared<AnalysisResult>();
            r->options = options;
            ProfilePtr p = raw;
            if (!options.diffBasePath.isEmpty()) {
                ProfilePtr base = cachedBase;
                if (!base) {
                    DecodeOptions o;
                    o.progress = [flag](double) { return !flag->load(); };
                    base = readProfileFile(options.diffBasePath.toStdString(), o);
                    out.diffBase = base;
                }
                p = diffAgainstBase(p, base, name.toStdString(),
                                    options.diffBasePath.toStdString());
            }
            r->analysis.sampleIndex =
                options.sampleIndex < 0 || size_t(options.sampleIndex) >= p->valueCount()
                    ? p->defaultSampleIndex()
                    : size_t(options.sampleIndex);
            r->analysis.nodes.granularity = options.granularity;
            r->analysis.total = computeTotal(*p, r->analysis.sampleIndex);
            p = applyFilters(p, options.filters, &r->warnings);
            if (flag->load()) throw Cancelled("cancelled");
            r->profile = p;
            if (r->analysis.nodes.granularity == Granularity::Functions) {
                // The table and the flame graph's tree have the same nodes: one pass.
                auto table = std::make_shared<FlatTable>();
                r->tree = std::make_shared<const CallTree>(
                    computeCallTreeAndFlatTable(*p, r->analysis, table.get(),
                                                TreeDirection::TopDown, keepGoing, kFlameMinShare));
                r->table = std::move(table);
                out.result = r;
                return out;
            }
            // The flame graph's tree and the table are independent: build them side by side.
            AnalysisOptions treeOptions = r->analysis;
            treeOptions.nodes.granularity = Granularity::Functions;
            auto tree = std::async(std::launch::async, [p, treeOptions, keepGoing] {
                return std::make_shared<const CallTree>(computeCallTree(
                    *p, treeOptions, TreeDirection::TopDown, keepGoing, kFlameMinShare));
            });
            try {
                r->table = std::make_shared<const FlatTable>(computeFlatTable(*p, r->analysis));
            } catch (...) {
                flag->store(true);  // stop the tree as well, then report this failure
                tree.wait();
                throw;
            }
            r->tree = tree.get();
            out.result = r;
        } catch (const Cancelled&) {
            out.error = QStringLiteral("cancelled");
        } catch (const std::bad_alloc&) {
            out.error = tr("Not enough memory to analyse this profile.");
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    }));
}

void ProfileSession::selectFunction(const QString& name) {
    if (name == selected_) return;
    selected_ = name;
    emit functionSelected(name);
}

}  // namespace embers::widgets
