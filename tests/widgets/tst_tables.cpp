// The viewer's tables: top table model and view, callers/callees, source view
// and profile info, on small profiles built in memory.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "../core/test_profiles.h"
#include "core/merge.h"
#include "widgets/callers_view.h"
#include "widgets/info_view.h"
#include "widgets/profile_session.h"
#include "widgets/source_view.h"
#include "widgets/top_table_model.h"
#include "widgets/top_table_view.h"

using namespace embers;
using namespace embers::widgets;
using test::Frame;

namespace {

constexpr int64_t kMs = 1000000;

// main.main -> main.work -> main.hot, main.main -> main.cold; cpu in ms:
// flat hot 70, work 20, cold 10; cum main 100, work 90, hot 70, cold 10.
core::ProfilePtr cpuProfile(const std::string& file = "main.go") {
    auto b = test::cpuBuilder();
    b.data().comments.push_back(b.intern("built by tst_tables"));
    b.data().durationNanos = 2000 * kMs;
    test::addStack(b, {{"main.main", file, 10}, {"main.work", file, 20}, {"main.hot", file, 30}},
                   {3, 30 * kMs});
    test::addStack(b, {{"main.main", file, 10}, {"main.work", file, 21}}, {2, 20 * kMs});
    test::addStack(b, {{"main.main", file, 11}, {"main.cold", "util.go", 5}}, {1, 10 * kMs});
    test::addStack(b, {{"main.main", file, 10}, {"main.work", file, 20}, {"main.hot", file, 31}},
                   {4, 40 * kMs});
    return b.build();
}

// The same program with hot 20, work 40, cold 10 as a base.
core::ProfilePtr baseProfile() {
    auto b = test::cpuBuilder();
    test::addStack(
        b,
        {{"main.main", "main.go", 10}, {"main.work", "main.go", 20}, {"main.hot", "main.go", 30}},
        {2, 20 * kMs});
    test::addStack(b, {{"main.main", "main.go", 10}, {"main.work", "main.go", 21}}, {4, 40 * kMs});
    test::addStack(b, {{"main.main", "main.go", 11}, {"main.cold", "util.go", 5}}, {1, 10 * kMs});
    return b.build();
}

std::shared_ptr<const core::FlatTable> flatTable(
    const core::ProfilePtr& p, core::Granularity g = core::Granularity::Functions) {
    core::AnalysisOptions o;
    o.sampleIndex = p->defaultSampleIndex();
    o.nodes.granularity = g;
    return std::make_shared<const core::FlatTable>(core::computeFlatTable(*p, o));
}

QStringList column(const QAbstractItemModel& m, int c, int role = Qt::DisplayRole) {
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r) out << m.index(r, c).data(role).toString();
    return out;
}

int rowOf(const QAbstractItemModel& m, const QString& name, int c) {
    for (int r = 0; r < m.rowCount(); ++r)
        if (m.index(r, c).data().toString() == name) return r;
    return -1;
}

bool openAndWait(ProfileSession& session, core::ProfilePtr p) {
    QSignalSpy ready(&session, &ProfileSession::analysisReady);
    session.openProfile(std::move(p), QStringLiteral("cpu.pb.gz"));
    return ready.wait(10000);
}

QString writeSource(const QString& path, int lines) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    for (int i = 1; i <= lines; ++i) f.write(QStringLiteral("\tline %1\n").arg(i).toUtf8());
    return path;
}

}  // namespace

class TstTables : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup();

    void topModelValues();
    void topModelSortByCum();
    void topModelDiffSortsByMagnitude();
    void topModelLinesGranularity();
    void filterBox();
    void selectionFollowsSession();
    void granularityComboReanalyses();
    void doubleClickOpensSource();
    void csvExport();
    void callersView();
    void callersViewOnWorkerDropsStale();
    void callersShareInADiff();
    void sourceViewFoundFile();
    void sourceViewAsksOnceForFolder();
    void infoView();
};

void TstTables::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("EmbersTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_tables"));
    QSettings().remove(QStringLiteral("sourceMappings"));
}

void TstTables::cleanup() {
    QSettings().remove(QStringLiteral("sourceMappings"));
    SourceView::forgetAskedFolders();
}

void TstTables::topModelValues() {
    TopTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    TopTableProxyModel proxy;
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::Fatal);
    proxy.setSourceModel(&model);
    model.setTable(flatTable(cpuProfile()), core::Granularity::Functions, false);

    QCOMPARE(model.columnCount(), 6);
    QCOMPARE(model.headerData(TopTableModel::Flat, Qt::Horizontal).toString(),
             QStringLiteral("Flat"));
    QCOMPARE(model.headerData(TopTableModel::Name, Qt::Horizontal).toString(),
             QStringLiteral("Name"));
    QCOMPARE(column(model, TopTableModel::Name),
             (QStringList{"main.hot", "main.work", "main.cold", "main.main"}));
    QCOMPARE(column(model, TopTableModel::Flat), (QStringList{"70ms", "20ms", "10ms", "0"}));
    QCOMPARE(column(model, TopTableModel::FlatPercent),
             (QStringList{"70.00%", "20.00%", "10.00%", "0%"}));
    QCOMPARE(column(model, TopTableModel::SumPercent),
             (QStringList{"70.00%", "90.00%", "100%", "100%"}));
    QCOMPARE(column(model, TopTableModel::Cum), (QStringList{"70ms", "90ms", "10ms", "100ms"}));
    QCOMPARE(column(model, TopTableModel::CumPercent),
             (QStringList{"70.00%", "90.00%", "10.00%", "100%"}));
    // Raw values for sorting and export.
    QCOMPARE(model.index(0, TopTableModel::Flat).data(RawValueRole).toLongLong(), 70 * kMs);
    QCOMPARE(model.index(3, TopTableModel::Cum).data(RawValueRole).toLongLong(), 100 * kMs);
    QCOMPARE(model.index(1, TopTableModel::CumPercent).data(RawValueRole).toDouble(), 90.0);
    QCOMPARE(model.index(1, TopTableModel::Name).data(FunctionNameRole).toString(),
             QStringLiteral("main.work"));
    QCOMPARE(model.rowsOfFunction(QStringLiteral("main.cold")), QList<int>{2});
    // Through the proxy in the default (model) order, sum% is the same.
    QCOMPARE(column(proxy, TopTableModel::SumPercent), column(model, TopTableModel::SumPercent));

    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(proxy.rowCount(), 0);
}

void TstTables::topModelSortByCum() {
    TopTableModel model;
    TopTableProxyModel proxy;
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::Fatal);
    proxy.setSourceModel(&model);
    model.setTable(flatTable(cpuProfile()), core::Granularity::Functions, false);
    proxy.sort(TopTableModel::Cum, Qt::DescendingOrder);
    QCOMPARE(column(proxy, TopTableModel::Name),
             (QStringList{"main.main", "main.work", "main.hot", "main.cold"}));
    // sum% runs down the rows as shown.
    QCOMPARE(column(proxy, TopTableModel::SumPercent),
             (QStringList{"0%", "20.00%", "90.00%", "100%"}));
    QCOMPARE(proxy.index(2, TopTableModel::SumPercent).data(RawValueRole).toDouble(), 90.0);
    proxy.sort(TopTableModel::Cum, Qt::AscendingOrder);
    QCOMPARE(column(proxy, TopTableModel::Name),
             (QStringList{"main.cold", "main.hot", "main.work", "main.main"}));
    QCOMPARE(column(proxy, TopTableModel::SumPercent),
             (QStringList{"10.00%", "80.00%", "100%", "100%"}));
    // Names sort as text, case-insensitively.
    proxy.sort(TopTableModel::Name, Qt::AscendingOrder);
    QCOMPARE(column(proxy, TopTableModel::Name),
             (QStringList{"main.cold", "main.hot", "main.main", "main.work"}));
}

void TstTables::topModelDiffSortsByMagnitude() {
    const core::ProfilePtr diff = core::diffAgainstBase(cpuProfile(), baseProfile());
    TopTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    TopTableProxyModel proxy;
    proxy.setSourceModel(&model);
    model.setTable(flatTable(diff), core::Granularity::Functions, true);
    QVERIFY(model.isDiff());
    // The base total (70ms) is what percentages divide by.
    const int hot = rowOf(model, "main.hot", TopTableModel::Name);
    const int work = rowOf(model, "main.work", TopTableModel::Name);
    const int mainRow = rowOf(model, "main.main", TopTableModel::Name);
    QVERIFY(hot >= 0 && work >= 0 && mainRow >= 0);
    QCOMPARE(model.index(hot, TopTableModel::Flat).data().toString(), QStringLiteral("+50ms"));
    QCOMPARE(model.index(work, TopTableModel::Flat).data().toString(), QStringLiteral("-20ms"));
    QCOMPARE(model.index(work, TopTableModel::FlatPercent).data().toString(),
             QStringLiteral("-28.57%"));
    QCOMPARE(model.index(hot, TopTableModel::FlatPercent).data().toString(),
             QStringLiteral("+71.43%"));
    QCOMPARE(model.index(work, TopTableModel::Cum).data().toString(), QStringLiteral("+30ms"));
    QCOMPARE(model.index(work, TopTableModel::Flat).data(RawValueRole).toLongLong(), -20 * kMs);
    // Growth red, shrinkage green.
    const QColor growth =
        model.index(hot, TopTableModel::Flat).data(Qt::ForegroundRole).value<QColor>();
    const QColor shrink =
        model.index(work, TopTableModel::Flat).data(Qt::ForegroundRole).value<QColor>();
    QVERIFY(growth.red() > growth.green());
    QVERIFY(shrink.green() > shrink.red());
    // By magnitude: -20 sorts between 0 and +50 either way.
    proxy.sort(TopTableModel::Flat, Qt::AscendingOrder);
    QStringList names = column(proxy, TopTableModel::Name);
    QVERIFY(names.indexOf("main.main") < names.indexOf("main.work"));
    QVERIFY(names.indexOf("main.work") < names.indexOf("main.hot"));
    proxy.sort(TopTableModel::Flat, Qt::DescendingOrder);
    names = column(proxy, TopTableModel::Name);
    QCOMPARE(names.first(), QStringLiteral("main.hot"));
    QVERIFY(names.indexOf("main.work") < names.indexOf("main.main"));
}

void TstTables::topModelLinesGranularity() {
    TopTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setTable(flatTable(cpuProfile(), core::Granularity::Lines), core::Granularity::Lines,
                   false);
    QCOMPARE(model.columnCount(), 8);
    QCOMPARE(model.headerData(TopTableModel::File, Qt::Horizontal).toString(),
             QStringLiteral("File"));
    QCOMPARE(model.headerData(TopTableModel::Line, Qt::Horizontal).toString(),
             QStringLiteral("Line"));
    // main.hot at line 31 has the most flat (40ms).
    QCOMPARE(model.index(0, TopTableModel::Name).data().toString(), QStringLiteral("main.hot"));
    QCOMPARE(model.index(0, TopTableModel::File).data().toString(), QStringLiteral("main.go"));
    QCOMPARE(model.index(0, TopTableModel::Line).data().toInt(), 31);
    QCOMPARE(model.index(0, TopTableModel::Flat).data().toString(), QStringLiteral("40ms"));
    QCOMPARE(model.index(0, TopTableModel::Name).data(Qt::ToolTipRole).toString(),
             QStringLiteral("main.hot main.go:31"));
    QCOMPARE(model.rowsOfFunction("main.hot").size(), 2);

    model.setTable(flatTable(cpuProfile(), core::Granularity::Files), core::Granularity::Files,
                   false);
    QCOMPARE(model.columnCount(), 6);
    QCOMPARE(model.headerData(TopTableModel::Name, Qt::Horizontal).toString(),
             QStringLiteral("File"));
    QCOMPARE(column(model, TopTableModel::Name), (QStringList{"main.go", "util.go"}));
    QCOMPARE(model.index(0, 0).data(FunctionNameRole).toString(), QString());
}

void TstTables::filterBox() {
    ProfileSession session;
    QVERIFY(openAndWait(session, cpuProfile()));
    TopTableView view(&session);
    QAbstractItemModelTester tester(view.proxyModel(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(view.proxyModel()->rowCount(), 4);
    view.filterEdit()->setText(QStringLiteral("HOT"));  // substring, any case
    QCOMPARE(column(*view.proxyModel(), TopTableModel::Name), QStringList{"main.hot"});
    view.setFilterText(QStringLiteral("main."));  // a dot is a dot
    QCOMPARE(view.proxyModel()->rowCount(), 4);
    view.setFilterText(QStringLiteral("(hot)"));  // no regex: parentheses are text
    QCOMPARE(view.proxyModel()->rowCount(), 0);
    view.setFilter(QStringLiteral("^MAIN\\.(hot|cold)$"), true);
    QCOMPARE(column(*view.proxyModel(), TopTableModel::Name),
             (QStringList{"main.hot", "main.cold"}));
    // Sum% follows the filtered rows.
    QCOMPARE(column(*view.proxyModel(), TopTableModel::SumPercent),
             (QStringList{"70.00%", "80.00%"}));
    view.setFilterText(QStringLiteral("n.w"));  // a regex now: '.' is any character
    QCOMPARE(column(*view.proxyModel(), TopTableModel::Name), QStringList{"main.work"});
    view.setFilterText(QStringLiteral("(unclosed"));  // invalid: nothing filtered
    QCOMPARE(view.proxyModel()->rowCount(), 4);
    QVERIFY(view.filterEdit()->toolTip().contains(QStringLiteral("regular expression")));
    view.setFilter(QString(), false);
    QCOMPARE(view.proxyModel()->rowCount(), 4);
}

void TstTables::selectionFollowsSession() {
    ProfileSession session;
    QVERIFY(openAndWait(session, cpuProfile()));
    TopTableView view(&session);
    QTableView* table = view.tableView();

    // A row selected here selects its function in the session.
    QSignalSpy selected(&session, &ProfileSession::functionSelected);
    const int work = rowOf(*view.proxyModel(), "main.work", TopTableModel::Name);
    table->selectionModel()->setCurrentIndex(
        view.proxyModel()->index(work, 0),
        QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(session.selectedFunction(), QStringLiteral("main.work"));
    QCOMPARE(selected.count(), 1);

    // A click on a row does the same (Qt makes it current before it selects it).
    view.resize(800, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const int main = rowOf(*view.proxyModel(), "main.main", TopTableModel::Name);
    const QRect cell = table->visualRect(view.proxyModel()->index(main, TopTableModel::Name));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(session.selectedFunction(), QStringLiteral("main.main"));
    QCOMPARE(selected.count(), 2);
    session.selectFunction(QStringLiteral("main.work"));

    // A selection made elsewhere selects the row here, without echoing back.
    table->sortByColumn(TopTableModel::Cum, Qt::DescendingOrder);
    session.selectFunction(QStringLiteral("main.cold"));
    QCOMPARE(selected.count(), 4);
    QCOMPARE(view.currentFunction(), QStringLiteral("main.cold"));
    QCOMPARE(table->currentIndex().row(), 3);
    QVERIFY(table->selectionModel()->isRowSelected(3, {}));

    // Filtered out: no row selected; shown again: selected again.
    view.setFilterText(QStringLiteral("work"));
    QCOMPARE(session.selectedFunction(), QStringLiteral("main.cold"));  // filtering selects nothing
    QCOMPARE(view.currentFunction(), QString());
    view.setFilterText(QString());
    QCOMPARE(view.currentFunction(), QStringLiteral("main.cold"));
    QCOMPARE(session.selectedFunction(), QStringLiteral("main.cold"));

    // Unknown names clear the selection.
    session.selectFunction(QStringLiteral("no.such.function"));
    QCOMPARE(view.currentFunction(), QString());
}

void TstTables::granularityComboReanalyses() {
    ProfileSession session;
    QVERIFY(openAndWait(session, cpuProfile()));
    TopTableView view(&session);
    QAbstractItemModelTester tester(view.proxyModel(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    session.selectFunction(QStringLiteral("main.work"));
    QSignalSpy ready(&session, &ProfileSession::analysisReady);
    view.granularityBox()->setCurrentIndex(
        view.granularityBox()->findData(int(core::Granularity::Lines)));
    QVERIFY(ready.wait(10000));
    QCOMPARE(session.options().granularity, core::Granularity::Lines);
    QCOMPARE(view.model()->granularity(), core::Granularity::Lines);
    QCOMPARE(view.proxyModel()->columnCount(), 8);
    // The selected function's hottest line is selected (work:21 has 20ms flat).
    QCOMPARE(view.currentFunction(), QStringLiteral("main.work"));
    const int row = view.tableView()->currentIndex().row();
    QCOMPARE(view.proxyModel()->index(row, TopTableModel::Line).data().toInt(), 21);

    // Sorted by line, then back to functions: the sort column still exists.
    view.tableView()->sortByColumn(TopTableModel::Line, Qt::AscendingOrder);
    view.granularityBox()->setCurrentIndex(
        view.granularityBox()->findData(int(core::Granularity::Functions)));
    QVERIFY(ready.wait(10000));
    QCOMPARE(view.proxyModel()->columnCount(), 6);
    QVERIFY(view.tableView()->horizontalHeader()->sortIndicatorSection() < 6);
    QCOMPARE(view.proxyModel()->rowCount(), 4);
}

void TstTables::doubleClickOpensSource() {
    ProfileSession session;
    QVERIFY(openAndWait(session, cpuProfile()));
    TopTableView view(&session);
    QSignalSpy open(&view, &TopTableView::openSource);
    const int hot = rowOf(*view.proxyModel(), "main.hot", TopTableModel::Name);
    emit view.tableView()->doubleClicked(view.proxyModel()->index(hot, TopTableModel::Flat));
    QCOMPARE(open.count(), 1);
    QCOMPARE(open.first().first().toString(), QStringLiteral("main.hot"));
}

void TstTables::csvExport() {
    ProfileSession session;
    QVERIFY(openAndWait(session, cpuProfile()));
    TopTableView view(&session);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("top.csv"));
    QString error;
    QVERIFY2(view.exportCsv(path, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()),
             QStringLiteral("name,file,line,flat,flat_percent,sum_percent,cum,cum_percent\n"
                            "main.hot,,0,70000000,70.0000,70.0000,70000000,70.0000\n"
                            "main.work,,0,20000000,20.0000,90.0000,90000000,90.0000\n"
                            "main.cold,,0,10000000,10.0000,100.0000,10000000,10.0000\n"
                            "main.main,,0,0,0.0000,100.0000,100000000,100.0000\n"));
    f.close();

    // What is shown is what is written: filtered and in the displayed order.
    view.setFilter(QStringLiteral("hot|cold"), true);
    view.tableView()->sortByColumn(TopTableModel::Cum, Qt::AscendingOrder);
    QVERIFY(view.exportCsv(path, &error));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()),
             QStringLiteral("name,file,line,flat,flat_percent,sum_percent,cum,cum_percent\n"
                            "main.cold,,0,10000000,10.0000,10.0000,10000000,10.0000\n"
                            "main.hot,,0,70000000,70.0000,80.0000,70000000,70.0000\n"));
    f.close();

    // A folder that does not exist: a sentence naming the file, and no file.
    const QString bad = dir.filePath(QStringLiteral("missing/top.csv"));
    QVERIFY(!view.exportCsv(bad, &error));
    QVERIFY(error.contains(bad));
    QVERIFY(!QFile::exists(bad));
}

// In a diff a caller's weight over the function's net change is no share (it reads
// "+833%" when the function barely changed): the column says so instead.
void TstTables::callersShareInADiff() {
    PeekTableModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const std::vector<PeekTableModel::Edge> edges{{QStringLiteral("main.a"), 50},
                                                  {QStringLiteral("main.b"), -45}};
    m.setEdges(edges, 100, ValueFormatter("count", 1, 1000, false));
    QCOMPARE(m.index(0, PeekTableModel::Share).data().toString(), QStringLiteral("50.00%"));
    m.setEdges(edges, 5, ValueFormatter("count", 1, 1000, true));
    QCOMPARE(m.index(0, PeekTableModel::Share).data().toString(), QStringLiteral("—"));
    QCOMPARE(m.index(1, PeekTableModel::TotalPercent).data().toString(), QStringLiteral("-4.50%"));
}

void TstTables::callersView() {
    ProfileSession session;
    QVERIFY(openAndWait(session, cpuProfile()));
    CallersView view(&session);
    QAbstractItemModelTester callersTester(view.callersModel(),
                                           QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester calleesTester(view.calleesModel(),
                                           QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(view.callersModel()->rowCount(), 0);

    QSignalSpy ready(&view, &CallersView::peekReady);
    session.selectFunction(QStringLiteral("main.work"));
    QCOMPARE(ready.count(), 1);  // small profile: computed at once
    QCOMPARE(view.headerText(),
             QStringLiteral("main.work — flat 20ms (20.00%), cum 90ms (90.00%)"));
    const PeekTableModel* callers = view.callersModel();
    QCOMPARE(callers->rowCount(), 1);
    QCOMPARE(callers->index(0, PeekTableModel::Name).data().toString(),
             QStringLiteral("main.main"));
    QCOMPARE(callers->index(0, PeekTableModel::Weight).data().toString(), QStringLiteral("90ms"));
    QCOMPARE(callers->index(0, PeekTableModel::Share).data().toString(), QStringLiteral("100%"));
    QCOMPARE(callers->index(0, PeekTableModel::TotalPercent).data().toString(),
             QStringLiteral("90.00%"));
    const PeekTableModel* callees = view.calleesModel();
    QCOMPARE(callees->rowCount(), 1);
    QCOMPARE(callees->index(0, PeekTableModel::Name).data().toString(), QStringLiteral("main.hot"));
    QCOMPARE(callees->index(0, PeekTableModel::Weight).data().toString(), QStringLiteral("70ms"));
    QCOMPARE(callees->index(0, PeekTableModel::Share).data().toString(), QStringLiteral("77.78%"));
    QCOMPARE(callees->index(0, PeekTableModel::Weight).data(RawValueRole).toLongLong(), 70 * kMs);

    // main.main: two callees, sorted by weight in the view.
    session.selectFunction(QStringLiteral("main.main"));
    QCOMPARE(view.callersModel()->rowCount(), 0);
    QAbstractItemModel* shown = view.calleesTable()->model();
    QCOMPARE(column(*shown, PeekTableModel::Name), (QStringList{"main.work", "main.cold"}));
    QCOMPARE(column(*shown, PeekTableModel::Share), (QStringList{"90.00%", "10.00%"}));

    // Double-clicking a callee selects it everywhere.
    emit view.calleesTable()->doubleClicked(shown->index(1, PeekTableModel::Weight));
    QCOMPARE(session.selectedFunction(), QStringLiteral("main.cold"));
    QCOMPARE(view.function(), QStringLiteral("main.cold"));
    QCOMPARE(view.callersModel()->rowCount(), 1);

    // Names with regex metacharacters are matched literally.
    session.selectFunction(QStringLiteral("main.(*T).x"));
    QVERIFY(view.headerText().startsWith(QStringLiteral("main.(*T).x — not in the profile")));
    QCOMPARE(view.callersModel()->rowCount(), 0);
}

void TstTables::callersViewOnWorkerDropsStale() {
    ProfileSession session;
    QVERIFY(openAndWait(session, cpuProfile()));
    CallersView view(&session);
    view.setAsyncThreshold(0);
    QSignalSpy ready(&view, &CallersView::peekReady);
    view.showFunction(QStringLiteral("main.work"));
    view.showFunction(QStringLiteral("main.hot"));  // before the first one finishes
    QVERIFY(ready.wait(10000));
    QTest::qWait(100);
    QCOMPARE(ready.count(), 1);
    QCOMPARE(ready.first().first().toString(), QStringLiteral("main.hot"));
    QCOMPARE(view.headerText(), QStringLiteral("main.hot — flat 70ms (70.00%), cum 70ms (70.00%)"));
    QCOMPARE(column(*view.callersModel(), PeekTableModel::Name), QStringList{"main.work"});
    QCOMPARE(view.calleesModel()->rowCount(), 0);
}

void TstTables::sourceViewFoundFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = writeSource(dir.filePath(QStringLiteral("main.go")), 40);
    ProfileSession session;
    QVERIFY(openAndWait(session, cpuProfile(file.toStdString())));
    SourceView view(&session);
    int asked = 0;
    view.setFolderChooser([&](const QString&, const QString&) {
        ++asked;
        return QString();
    });
    QAbstractItemModelTester tester(view.model(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy ready(&view, &SourceView::sourceReady);
    view.showFunction(QStringLiteral("main.hot"));
    QVERIFY(ready.wait(10000));
    QCOMPARE(asked, 0);
    QCOMPARE(view.errorText(), QString());
    QCOMPARE(view.localPath(), file);
    QCOMPARE(view.headerText(), QStringLiteral("main.hot — flat 70ms (70.00%), cum 70ms (70.00%)"));
    const SourceLinesModel* m = view.model();
    QCOMPARE(m->rowCount(), 40);  // the whole file
    QCOMPARE(m->index(30, SourceLinesModel::Source).data().toString(),
             QStringLiteral("    line 31"));
    QCOMPARE(m->index(30, SourceLinesModel::Line).data().toInt(), 31);
    QCOMPARE(m->index(30, SourceLinesModel::Flat).data().toString(), QStringLiteral("40ms"));
    QCOMPARE(m->index(29, SourceLinesModel::Cum).data().toString(), QStringLiteral("30ms"));
    // Other functions of the file count too: main.main's line 10 (90ms) is the
    // hottest line of the file, and scales the heat bars.
    QCOMPARE(m->index(9, SourceLinesModel::Cum).data().toString(), QStringLiteral("90ms"));
    QCOMPARE(m->index(19, SourceLinesModel::Cum).data().toString(), QStringLiteral("70ms"));
    QCOMPARE(m->index(20, SourceLinesModel::Flat).data().toString(), QStringLiteral("20ms"));
    QCOMPARE(m->index(0, SourceLinesModel::Flat).data().toString(), QString());
    QCOMPARE(m->index(9, SourceLinesModel::Heat).data(HeatRole).toDouble(), 1.0);
    QCOMPARE(m->index(30, SourceLinesModel::Heat).data(HeatRole).toDouble(), 40.0 / 90.0);
    QCOMPARE(m->index(0, SourceLinesModel::Heat).data(HeatRole).toDouble(), 0.0);
    QVERIFY(m->index(30, SourceLinesModel::Source).data(Qt::FontRole).value<QFont>().fixedPitch());
    // The view jumped to main.hot's hottest line.
    QCOMPARE(view.hottestLine(), 31);
    QCOMPARE(view.tableView()->currentIndex().row(), 30);

    // It follows the selection while shown.
    view.resize(800, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    session.selectFunction(QStringLiteral("main.work"));
    QVERIFY(ready.wait(10000));
    QCOMPARE(view.function(), QStringLiteral("main.work"));
    QCOMPARE(view.hottestLine(), 20);  // cum 70ms at line 20

    // Paint once with the heat bar delegate.
    QImage image(view.size(), QImage::Format_ARGB32);
    view.render(&image);

    // No samples: said so, no dialog.
    view.showFunction(QStringLiteral("main.nothing"));
    QVERIFY(ready.wait(10000));
    QVERIFY(view.errorText().contains(QStringLiteral("no samples")));
    QCOMPARE(view.model()->rowCount(), 0);
    QCOMPARE(asked, 0);
}

void TstTables::sourceViewAsksOnceForFolder() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeSource(dir.filePath(QStringLiteral("main.go")), 40);
    const QString original = QStringLiteral("/nonexistent/build/src");
    ProfileSession session;
    QVERIFY(
        openAndWait(session, cpuProfile((original + QStringLiteral("/main.go")).toStdString())));
    SourceView view(&session);
    QStringList asked;
    QString answer;
    view.setFolderChooser([&](const QString& originalDir, const QString& file) {
        asked << originalDir + QLatin1Char('|') + file;
        return answer;
    });
    QSignalSpy ready(&view, &SourceView::sourceReady);

    // Not found, and no answer: an error with a Locate button; asked once.
    view.showFunction(QStringLiteral("main.hot"));
    QVERIFY(ready.wait(10000));
    QCOMPARE(asked,
             QStringList{original + QStringLiteral("|") + original + QStringLiteral("/main.go")});
    QVERIFY(view.errorText().contains(QStringLiteral("/nonexistent/build/src/main.go")));
    QCOMPARE(view.model()->rowCount(), 0);
    view.showFunction(QStringLiteral("main.work"));
    QVERIFY(ready.wait(10000));
    QCOMPARE(asked.size(), 1);

    // The Locate button asks again; the answer is remembered and used.
    answer = dir.path();
    view.locateFolder();
    QVERIFY(ready.wait(10000));
    QCOMPARE(asked.size(), 2);
    QCOMPARE(QSettings().value(QStringLiteral("sourceMappings/") + original).toString(),
             QDir::cleanPath(dir.path()));
    QCOMPARE(view.errorText(), QString());
    QCOMPARE(view.localPath(), dir.filePath(QStringLiteral("main.go")));
    QCOMPARE(view.file(), original + QStringLiteral("/main.go"));
    QCOMPARE(view.model()->rowCount(), 40);
    QCOMPARE(view.hottestLine(), 20);

    // Another function of that folder: found through the mapping, not asked.
    view.showFunction(QStringLiteral("main.hot"));
    QVERIFY(ready.wait(10000));
    QCOMPARE(asked.size(), 2);
    QCOMPARE(view.hottestLine(), 31);

    // First time for a folder with an answer ready: asked once, then shown.
    cleanup();
    view.showFunction(QStringLiteral("main.work"));
    QVERIFY(ready.wait(10000));
    QCOMPARE(asked.size(), 3);
    QCOMPARE(view.errorText(), QString());
    QCOMPARE(view.model()->rowCount(), 40);
}

void TstTables::infoView() {
    ProfileSession session;
    QVERIFY(openAndWait(session, cpuProfile()));
    InfoView view(&session);
    QCOMPARE(view.valueOf(QStringLiteral("File")), QStringLiteral("cpu.pb.gz"));
    QCOMPARE(view.valueOf(QStringLiteral("Sample types")), QStringLiteral("2"));
    QCOMPARE(view.valueOf(QStringLiteral("samples")), QStringLiteral("count, total 10"));
    QCOMPARE(view.valueOf(QStringLiteral("cpu")),
             QStringLiteral("nanoseconds, total 100ms (default)"));
    QCOMPARE(view.valueOf(QStringLiteral("Period")), QStringLiteral("10ms of cpu"));
    QCOMPARE(view.valueOf(QStringLiteral("Duration")), QStringLiteral("2s"));
    QCOMPARE(view.valueOf(QStringLiteral("Samples")), QStringLiteral("4"));
    QCOMPARE(view.valueOf(QStringLiteral("Functions")), QStringLiteral("4"));
    QCOMPARE(view.valueOf(QStringLiteral("Comments")), QStringLiteral("1"));
    QCOMPARE(view.valueOf(QString()), QStringLiteral("built by tst_tables"));
    QCOMPARE(view.valueOf(QStringLiteral("Total")), QStringLiteral("100ms"));

    // Totals on a worker.
    view.setAsyncThreshold(0);
    QSignalSpy ready(&view, &InfoView::infoReady);
    view.refresh();
    QVERIFY(view.valueOf(QStringLiteral("cpu")).contains(QStringLiteral("being computed")));
    QVERIFY(ready.wait(10000));
    QCOMPARE(view.valueOf(QStringLiteral("cpu")),
             QStringLiteral("nanoseconds, total 100ms (default)"));
}

QTEST_MAIN(TstTables)
#include "tst_tables.moc"
