// The goroutines view: groups of a debug=2 dump, a debug=1 dump and a proto
// goroutine profile shown through a ProfileSession; the model under
// QAbstractItemModelTester; filtering, sorting, selection linking and the
// comparison with a baseline (set directly, opened from a file, and from the
// session's diff base).
#include <QAbstractItemModelTester>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

#include "core/decode.h"
#include "core/profile_builder.h"
#include "widgets/goroutine_view.h"
#include "widgets/profile_session.h"

using namespace embers;
using widgets::GoroutineGroupModel;
using widgets::GoroutineView;
using widgets::ProfileSession;
using Column = GoroutineGroupModel::Column;

namespace {

// Three goroutines in the same chan receive (waits 1, 5, 7 minutes), one in a
// select, and the running main goroutine.
const char* const kDump =
    "goroutine 1 [running]:\n"
    "main.main()\n"
    "\t/src/main.go:10 +0x1d\n"
    "\n"
    "goroutine 17 [chan receive, 1 minutes]:\n"
    "main.consume(0xc000010000)\n"
    "\t/src/main.go:42 +0x2e\n"
    "main.worker(...)\n"
    "\t/src/main.go:30\n"
    "created by main.main in goroutine 1\n"
    "\t/src/main.go:12 +0x5f\n"
    "\n"
    "goroutine 18 [chan receive, 5 minutes]:\n"
    "main.consume(0xc000010080)\n"
    "\t/src/main.go:42 +0x2e\n"
    "main.worker(...)\n"
    "\t/src/main.go:30\n"
    "created by main.main in goroutine 1\n"
    "\t/src/main.go:12 +0x5f\n"
    "\n"
    "goroutine 19 [chan receive, 7 minutes]:\n"
    "main.consume(0xc000010100)\n"
    "\t/src/main.go:42 +0x2e\n"
    "main.worker(...)\n"
    "\t/src/main.go:30\n"
    "created by main.main in goroutine 1\n"
    "\t/src/main.go:12 +0x5f\n"
    "\n"
    "goroutine 20 [select]:\n"
    "main.poll()\n"
    "\t/src/poll.go:60 +0x11\n";

// The baseline: one consumer, the same poller, and two goroutines since gone.
const char* const kBaselineDump =
    "goroutine 17 [chan receive, 2 minutes]:\n"
    "main.consume(0xc000010000)\n"
    "\t/src/main.go:42 +0x2e\n"
    "main.worker(...)\n"
    "\t/src/main.go:30\n"
    "\n"
    "goroutine 20 [select]:\n"
    "main.poll()\n"
    "\t/src/poll.go:60 +0x11\n"
    "\n"
    "goroutine 30 [IO wait]:\n"
    "main.gone()\n"
    "\t/src/gone.go:5\n"
    "\n"
    "goroutine 31 [IO wait]:\n"
    "main.gone()\n"
    "\t/src/gone.go:5\n";

const char* const kDebug1 =
    "goroutine profile: total 9\n"
    "3 @ 0x1 0x2\n"
    "# labels: {\"worker\":\"alpha\"}\n"
    "#\t0x4a1f6e\tmain.wait+0x2e\t/src/main.go:42\n"
    "#\t0x4a1f00\tmain.run+0x10\t/src/main.go:20\n"
    "\n"
    "2 @ 0x1 0x2\n"
    "# labels: {\"worker\":\"beta\"}\n"
    "#\t0x4a1f6e\tmain.wait+0x2e\t/src/main.go:42\n"
    "#\t0x4a1f00\tmain.run+0x10\t/src/main.go:20\n"
    "\n"
    "4 @ 0x3\n"
    "#\t0x4a2000\tmain.serve+0x10\t/src/srv.go:9\n"
    "\n";

core::ProfilePtr protoGoroutines() {
    core::ProfileBuilder b;
    b.addSampleType("goroutine", "count");
    b.data().periodType = b.data().sampleTypes[0];
    b.data().period = 1;
    auto loc = [&](const char* func, const char* file, int64_t line, uint64_t address) {
        const core::Line l{b.function(func, file), line, 0};
        return b.location({&l, 1}, core::kNoMapping, address);
    };
    const core::LocId gopark = loc("runtime.gopark", "/go/src/runtime/proc.go", 363, 0x10);
    const core::LocId recv = loc("runtime.chanrecv1", "/go/src/runtime/chan.go", 442, 0x20);
    const core::LocId wait = loc("main.wait", "/src/main.go", 42, 0x30);
    const core::LocId run = loc("main.run", "/src/main.go", 20, 0x40);
    const core::LocId sema = loc("sync.runtime_Semacquire", "/go/src/runtime/sema.go", 62, 0x50);
    const int64_t seven = 7, two = 2;
    const core::LocId s1[] = {gopark, recv, wait, run};
    const core::Label l1[] = {b.stringLabel("worker", "alpha")};
    b.addSample(s1, {&seven, 1}, l1);
    const core::LocId s2[] = {gopark, sema, run};
    b.addSample(s2, {&two, 1});
    return b.build();
}

core::ProfilePtr cpuProfile() {
    core::ProfileBuilder b;
    b.addSampleType("samples", "count");
    b.addSampleType("cpu", "nanoseconds");
    const core::Line l{b.function("main.spin", "/src/cpu.go"), 7, 0};
    const core::LocId loc = b.location({&l, 1});
    const int64_t v[] = {3, 30};
    b.addSample({&loc, 1}, v);
    return b.build();
}

QString cell(const QAbstractItemModel& m, int row, int column, const QModelIndex& parent = {}) {
    return m.index(row, column, parent).data().toString();
}

// The top-level row whose top frame starts with `function`; -1 if none.
int rowOf(const GoroutineGroupModel& m, const QString& function) {
    for (int r = 0; r < m.rowCount(); ++r)
        if (m.index(r, 0).data(GoroutineGroupModel::FunctionRole).toString() == function) return r;
    return -1;
}

struct Fixture {
    ProfileSession session;
    GoroutineView view{&session};
    GoroutineGroupModel& model = *view.model();
    QAbstractItemModelTester tester{view.model(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal};

    // Opens `profile` and waits until the view shows it.
    bool open(core::ProfilePtr profile, const QString& name) {
        QSignalSpy ready(&view, &GoroutineView::groupsReady);
        session.openProfile(std::move(profile), name);
        return ready.wait(10000) || ready.count() > 0;
    }
};

}  // namespace

class TestGoroutines : public QObject {
    Q_OBJECT
private slots:
    void debug2Groups() {
        Fixture f;
        QVERIFY(f.open(core::decodeProfile(kDump), QStringLiteral("dump.txt")));
        const GoroutineGroupModel& m = f.model;
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.columnCount(), 5);
        QCOMPARE(m.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Count"));
        // Sorted by count: the three consumers first.
        QCOMPARE(cell(m, 0, m.columnOf(Column::Count)), QStringLiteral("3"));
        QCOMPARE(cell(m, 0, m.columnOf(Column::States)), QStringLiteral("chan receive"));
        QCOMPARE(cell(m, 0, m.columnOf(Column::Wait)), QStringLiteral("1–7 min"));
        QCOMPARE(cell(m, 0, m.columnOf(Column::TopFrame)),
                 QStringLiteral("main.consume  main.go:42"));
        QCOMPARE(cell(m, 0, m.columnOf(Column::Labels)), QStringLiteral("created by=main.main"));
        QCOMPARE(m.index(0, 0).data(GoroutineGroupModel::CountRole).toLongLong(), 3);
        QVERIFY(
            m.index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("17, 18, 19")));
        QCOMPARE(cell(m, 1, 0), QStringLiteral("1"));
        QCOMPARE(cell(m, 2, 0), QStringLiteral("1"));
        QVERIFY(cell(m, 1, m.columnOf(Column::Wait)).isEmpty());

        // Expandable to the frames, innermost first.
        const QModelIndex group = m.index(0, 0);
        QCOMPARE(m.rowCount(group), 2);
        QCOMPARE(cell(m, 0, 0, group), QStringLiteral("main.consume  /src/main.go:42"));
        QCOMPARE(cell(m, 1, 0, group), QStringLiteral("main.worker  /src/main.go:30"));
        QVERIFY(m.index(1, 0, group).data(GoroutineGroupModel::IsFrameRole).toBool());
        QCOMPARE(m.index(1, 0, group).parent(), group);
        QVERIFY(f.view.summaryText().contains(QStringLiteral("3 groups")));
        QVERIFY(f.view.summaryText().contains(QStringLiteral("5 goroutines")));
    }

    void debug1AndProtoCounts() {
        {
            Fixture f;
            QVERIFY(f.open(core::decodeProfile(kDebug1), QStringLiteral("debug1.txt")));
            QCOMPARE(f.model.rowCount(), 2);
            QCOMPARE(cell(f.model, 0, 0), QStringLiteral("5"));  // alpha 3 + beta 2
            QCOMPARE(cell(f.model, 1, 0), QStringLiteral("4"));
            QVERIFY(f.view.treeView()->isColumnHidden(f.model.columnOf(Column::States)));
            QVERIFY(f.view.treeView()->isColumnHidden(f.model.columnOf(Column::Wait)));
            // Compare mode shows its own columns in those places.
            QSignalSpy ready(&f.view, &GoroutineView::groupsReady);
            f.view.setBaseline(core::decodeProfile(kDebug1));
            QVERIFY(ready.wait(10000));
            QVERIFY(!f.view.treeView()->isColumnHidden(f.model.columnOf(Column::Change)));
            QVERIFY(!f.view.treeView()->isColumnHidden(f.model.columnOf(Column::Baseline)));
            QVERIFY(f.view.treeView()->isColumnHidden(f.model.columnOf(Column::Wait)));
            QVERIFY(f.view.summaryText().contains(QStringLiteral("the baseline")));
        }
        {
            Fixture f;
            QVERIFY(f.open(protoGoroutines(), QStringLiteral("goroutine.pb.gz")));
            QCOMPARE(f.model.rowCount(), 2);
            QCOMPARE(cell(f.model, 0, 0), QStringLiteral("7"));
            // The top frame skips runtime internals.
            QCOMPARE(cell(f.model, 0, f.model.columnOf(Column::TopFrame)),
                     QStringLiteral("main.wait  main.go:42"));
            QCOMPARE(cell(f.model, 0, f.model.columnOf(Column::Labels)),
                     QStringLiteral("worker=alpha"));
            QCOMPARE(f.model.rowCount(f.model.index(0, 0)), 4);
            QCOMPARE(cell(f.model, 1, 0), QStringLiteral("2"));
            QCOMPARE(cell(f.model, 1, f.model.columnOf(Column::TopFrame)),
                     QStringLiteral("sync.runtime_Semacquire  sema.go:62"));
        }
    }

    void filter() {
        Fixture f;
        QVERIFY(f.open(core::decodeProfile(kDump), QStringLiteral("dump.txt")));
        f.view.setFilter(QStringLiteral("POLL"));  // case-insensitive substring
        QCOMPARE(f.model.rowCount(), 1);
        QCOMPARE(cell(f.model, 0, f.model.columnOf(Column::TopFrame)),
                 QStringLiteral("main.poll  poll.go:60"));
        QVERIFY(f.view.summaryText().contains(QStringLiteral("1 of 3 groups")));
        f.view.setFilter(QStringLiteral("main.go:30"));  // file:line of an inner frame
        QCOMPARE(f.model.rowCount(), 1);
        QCOMPARE(cell(f.model, 0, 0), QStringLiteral("3"));
        f.view.setFilter(QStringLiteral("^main\\.(poll|main)$"), true);
        QCOMPARE(f.model.rowCount(), 2);
        f.view.setFilter(QStringLiteral("poll\\.go:\\d+$"), true);
        QCOMPARE(f.model.rowCount(), 1);
        // A bad expression keeps everything and says why.
        f.view.setFilter(QStringLiteral("main.(poll"), true);
        QCOMPARE(f.model.rowCount(), 3);
        QVERIFY(f.view.filterEdit()->toolTip().contains(QStringLiteral("regular expression")));
        f.view.setFilter(QStringLiteral("nothing-matches"));
        QCOMPARE(f.model.rowCount(), 0);
        // Through the line edit, as a user types.
        f.view.filterEdit()->setText(QStringLiteral("consume"));
        QCOMPARE(f.model.rowCount(), 1);
        f.view.filterEdit()->clear();
        QCOMPARE(f.model.rowCount(), 3);
    }

    void sorting() {
        Fixture f;
        QVERIFY(f.open(core::decodeProfile(kDump), QStringLiteral("dump.txt")));
        QTreeView* tree = f.view.treeView();
        const QModelIndex consumers = f.model.index(0, 0);
        tree->expand(consumers);
        const QPersistentModelIndex frame = f.model.index(1, 0, consumers);
        const QPersistentModelIndex group(consumers);
        tree->sortByColumn(f.model.columnOf(Column::TopFrame), Qt::AscendingOrder);
        QCOMPARE(cell(f.model, 0, f.model.columnOf(Column::TopFrame)),
                 QStringLiteral("main.consume  main.go:42"));
        QCOMPARE(cell(f.model, 1, f.model.columnOf(Column::TopFrame)),
                 QStringLiteral("main.main  main.go:10"));
        QCOMPARE(cell(f.model, 2, f.model.columnOf(Column::TopFrame)),
                 QStringLiteral("main.poll  poll.go:60"));
        tree->sortByColumn(f.model.columnOf(Column::Count), Qt::AscendingOrder);
        QCOMPARE(cell(f.model, 2, 0), QStringLiteral("3"));
        // Persistent indexes follow their rows; frames keep the stack's order.
        QCOMPARE(group.row(), 2);
        QCOMPARE(frame.parent(), QModelIndex(group));
        QCOMPARE(frame.data().toString(), QStringLiteral("main.worker  /src/main.go:30"));
        QVERIFY(tree->isExpanded(group));
        tree->sortByColumn(f.model.columnOf(Column::Wait), Qt::DescendingOrder);
        QCOMPARE(cell(f.model, 0, f.model.columnOf(Column::Wait)), QStringLiteral("1–7 min"));
        tree->sortByColumn(f.model.columnOf(Column::Count), Qt::DescendingOrder);
        QCOMPARE(cell(f.model, 0, 0), QStringLiteral("3"));
    }

    void selectionLinksTheViews() {
        Fixture f;
        QVERIFY(f.open(core::decodeProfile(kDump), QStringLiteral("dump.txt")));
        QSignalSpy selected(&f.session, &ProfileSession::functionSelected);
        QTreeView* tree = f.view.treeView();
        const QModelIndex group = f.model.index(0, 0);
        tree->expand(group);
        QVERIFY(tree->isFirstColumnSpanned(1, group));
        tree->setCurrentIndex(f.model.index(1, 0, group));
        QCOMPARE(f.session.selectedFunction(), QStringLiteral("main.worker"));
        QCOMPARE(selected.count(), 1);
        // Selecting a group row does not change the selected function.
        tree->setCurrentIndex(f.model.index(1, 0));
        QCOMPARE(f.session.selectedFunction(), QStringLiteral("main.worker"));

        // A function selected elsewhere is shown in bold.
        f.session.selectFunction(QStringLiteral("main.poll"));
        const int poll = rowOf(f.model, QStringLiteral("main.poll"));
        QVERIFY(poll >= 0);
        QVERIFY(f.model.index(poll, 0).data(Qt::FontRole).value<QFont>().bold());
        QVERIFY(!f.model.index(0, 0).data(Qt::FontRole).value<QFont>().bold());
        QVERIFY(
            f.model.index(0, 0, f.model.index(poll, 0)).data(Qt::FontRole).value<QFont>().bold());
    }

    void compareWithBaseline() {
        Fixture f;
        QVERIFY(f.open(core::decodeProfile(kDump), QStringLiteral("dump.txt")));
        QSignalSpy ready(&f.view, &GoroutineView::groupsReady);
        QSignalSpy changed(&f.view, &GoroutineView::baselineChanged);
        f.view.setBaseline(core::decodeProfile(kBaselineDump), QStringLiteral("before.txt"));
        QVERIFY(ready.wait(10000));
        QCOMPARE(changed.count(), 1);
        QVERIFY(changed.at(0).at(0).toBool());
        const GoroutineGroupModel& m = f.model;
        QVERIFY(m.isComparing());
        QCOMPARE(m.columnCount(), 7);
        const int change = m.columnOf(Column::Change);
        const int base = m.columnOf(Column::Baseline);
        QCOMPARE(m.headerData(change, Qt::Horizontal).toString(), QStringLiteral("Change"));
        QCOMPARE(m.rowCount(), 4);
        // Sorted by the size of the change, growth first.
        QCOMPARE(cell(m, 0, m.columnOf(Column::TopFrame)),
                 QStringLiteral("main.consume  main.go:42"));
        QCOMPARE(cell(m, 0, change), QStringLiteral("+2"));
        QCOMPARE(cell(m, 0, base), QStringLiteral("1"));
        QCOMPARE(cell(m, 0, 0), QStringLiteral("3"));
        QCOMPARE(m.index(0, 0).data(GoroutineGroupModel::ChangeRole).toInt(),
                 int(core::GroupChange::Grew));
        QCOMPARE(cell(m, 1, m.columnOf(Column::TopFrame)), QStringLiteral("main.gone  gone.go:5"));
        QCOMPARE(cell(m, 1, change), QStringLiteral("gone (-2)"));
        QCOMPARE(cell(m, 1, 0), QStringLiteral("0"));
        QCOMPARE(m.rowCount(m.index(1, 0)), 1);  // a gone group still shows its stack
        QCOMPARE(cell(m, 2, m.columnOf(Column::TopFrame)), QStringLiteral("main.main  main.go:10"));
        QCOMPARE(cell(m, 2, change), QStringLiteral("new (+1)"));
        QCOMPARE(cell(m, 3, change), QStringLiteral("0"));
        // Growth and shrinkage in different colours; no colour when unchanged.
        const QVariant grewColour = m.index(0, change).data(Qt::ForegroundRole);
        const QVariant goneColour = m.index(1, change).data(Qt::ForegroundRole);
        QVERIFY(grewColour.value<QColor>().isValid());
        QVERIFY(goneColour.value<QColor>().isValid());
        QVERIFY(grewColour.value<QColor>() != goneColour.value<QColor>());
        QCOMPARE(m.index(2, change).data(Qt::ForegroundRole), grewColour);  // new
        QVERIFY(!m.index(3, change).data(Qt::ForegroundRole).isValid());
        QVERIFY(f.view.summaryText().contains(QStringLiteral("before.txt: 4 → 5 (+1)")));

        // Shrinkage: the other way round.
        f.view.setFilter(QStringLiteral("consume"));
        QCOMPARE(m.rowCount(), 1);
        f.view.setFilter({});
        f.view.setBaseline(core::decodeProfile(kDump), QStringLiteral("same.txt"));
        QVERIFY(ready.wait(10000));
        for (int r = 0; r < m.rowCount(); ++r) QCOMPARE(cell(m, r, change), QStringLiteral("0"));

        f.view.clearBaseline();
        QVERIFY(ready.wait(10000));
        QVERIFY(!m.isComparing());
        QVERIFY(!f.view.isComparing());
        QCOMPARE(m.columnCount(), 5);
        QCOMPARE(m.sortColumn(), m.columnOf(Column::Count));
        QCOMPARE(cell(m, 0, 0), QStringLiteral("3"));
        QCOMPARE(changed.count(), 3);
        QVERIFY(!changed.last().at(0).toBool());
    }

    void compareGrewAndShrank() {
        Fixture f;
        QVERIFY(f.open(core::decodeProfile(kBaselineDump), QStringLiteral("now.txt")));
        QSignalSpy ready(&f.view, &GoroutineView::groupsReady);
        f.view.setBaseline(core::decodeProfile(kDump), QStringLiteral("before.txt"));
        QVERIFY(ready.wait(10000));
        const int change = f.model.columnOf(Column::Change);
        QCOMPARE(cell(f.model, 0, change), QStringLiteral("new (+2)"));   // main.gone
        QCOMPARE(cell(f.model, 1, change), QStringLiteral("-2"));         // consumers 3 -> 1
        QCOMPARE(cell(f.model, 2, change), QStringLiteral("gone (-1)"));  // main.main
        QCOMPARE(cell(f.model, 3, change), QStringLiteral("0"));
        QCOMPARE(f.model.index(1, 0).data(GoroutineGroupModel::DeltaRole).toLongLong(), -2);
    }

    void openBaselineFromFile() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("before.txt"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(kBaselineDump);
        }
        Fixture f;
        QVERIFY(f.open(core::decodeProfile(kDump), QStringLiteral("dump.txt")));
        QSignalSpy changed(&f.view, &GoroutineView::baselineChanged);
        QSignalSpy ready(&f.view, &GoroutineView::groupsReady);
        f.view.openBaseline(path);
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() > 0, 10000);
        QVERIFY(f.view.isComparing());
        QCOMPARE(f.view.baselineName(), QStringLiteral("before.txt"));
        QCOMPARE(f.model.rowCount(), 4);

        QSignalSpy failed(&f.view, &GoroutineView::baselineFailed);
        f.view.openBaseline(dir.filePath(QStringLiteral("missing.txt")));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("missing.txt")));
        QVERIFY(f.view.isComparing());  // the previous baseline stays
    }

    void sessionDiffBase() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("base.txt"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(kBaselineDump);
        }
        Fixture f;
        QVERIFY(f.open(core::decodeProfile(kDump), QStringLiteral("dump.txt")));
        QSignalSpy ready(&f.view, &GoroutineView::groupsReady);
        widgets::ViewOptions o = f.session.options();
        o.diffBasePath = path;
        f.session.setOptions(o);
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() > 0 && f.model.isComparing(), 10000);
        QCOMPARE(f.model.rowCount(), 4);
        QCOMPARE(cell(f.model, 0, f.model.columnOf(Column::Change)), QStringLiteral("+2"));
        QCOMPARE(cell(f.model, 0, 0), QStringLiteral("3"));
    }

    void groupsOtherProfilesWhenShown() {
        Fixture f;
        QSignalSpy ready(&f.view, &GoroutineView::groupsReady);
        QSignalSpy analysed(&f.session, &ProfileSession::analysisReady);
        f.session.openProfile(cpuProfile(), QStringLiteral("cpu.pb.gz"));
        QVERIFY(analysed.wait(10000));
        QCoreApplication::processEvents();
        QCOMPARE(ready.count(), 0);  // not a goroutine profile, not visible: no work
        f.view.show();
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() > 0, 10000);
        QCOMPARE(f.model.rowCount(), 1);
        QCOMPARE(cell(f.model, 0, 0), QStringLiteral("30"));  // the default type, cpu
        QVERIFY(f.view.summaryText().contains(QStringLiteral("cpu")));
    }

    // The model alone, through every kind of change, under the tester.
    void modelUnderTester() {
        GoroutineGroupModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(m.rowCount(), 0);
        auto now = std::make_shared<const core::GoroutineGroups>(
            core::groupGoroutines(*core::decodeProfile(kDump)));
        auto before = std::make_shared<const core::GoroutineGroups>(
            core::groupGoroutines(*core::decodeProfile(kBaselineDump)));
        m.setGroups(now);
        QCOMPARE(m.rowCount(), 3);
        for (int c = 0; c < m.columnCount(); ++c) {
            m.sort(c, Qt::AscendingOrder);
            m.sort(c, Qt::DescendingOrder);
        }
        m.setHighlightedFunction(QStringLiteral("main.worker"));
        QVERIFY(m.index(rowOf(m, QStringLiteral("main.consume")), 0)
                    .data(Qt::FontRole)
                    .value<QFont>()
                    .bold());
        m.setFilter(QStringLiteral("main"), false);
        m.setFilter(QStringLiteral("["), true);
        m.setGroups(now, before);
        QCOMPARE(m.rowCount(), 4);
        for (int c = 0; c < m.columnCount(); ++c) m.sort(c, Qt::AscendingOrder);
        m.setFilter(QStringLiteral("gone"), false);
        QCOMPARE(m.rowCount(), 1);
        m.setHighlightedFunction({});
        m.setGroups(nullptr, before);  // everything gone; the filter still applies
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.index(0, m.columnOf(Column::Change)).data().toString(),
                 QStringLiteral("gone (-2)"));
        m.setFilter({}, false);
        QCOMPARE(m.rowCount(), 3);
        m.setGroups(nullptr);
        QCOMPARE(m.rowCount(), 0);
        QVERIFY(!m.index(0, 0).isValid());
    }
};

QTEST_MAIN(TestGoroutines)
#include "tst_goroutines.moc"
