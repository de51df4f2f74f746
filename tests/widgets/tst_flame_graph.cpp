// The flame graph: layout (widths, merging of narrow frames, zoom), the
// widget's zoom/back/search/selection and its exports, and the session
// behind it on real sample profiles.
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolTip>
#include <QtTest>

#include "../core/test_profiles.h"
#include "core/filter.h"
#include "core/flame_layout.h"
#include "core/flame_render.h"
#include "widgets/flame_graph_view.h"
#include "widgets/flame_graph_widget.h"
#include "widgets/profile_session.h"

using namespace embers::core;
using namespace embers::widgets;
using embers::test::addStack;
using embers::test::cpuBuilder;

namespace {

std::shared_ptr<const CallTree> treeOf(const ProfilePtr& p) {
    AnalysisOptions o;
    o.sampleIndex = 1;
    return std::make_shared<const CallTree>(computeCallTree(*p, o));
}

// main 100: a 60 (leaf 60), b 40 (c 40).
ProfilePtr simple() {
    auto b = cpuBuilder();
    addStack(b, {{"main"}, {"a"}}, {1, 60});
    addStack(b, {{"main"}, {"b"}, {"c"}}, {1, 40});
    return b.build();
}

const FlameFrame* find(const FlameLayout& l, const CallTree& t, const std::string& name) {
    for (const auto& f : l.frames)
        if (!f.merged && f.tree != 0 && t.nodes[t.tree[f.tree].node].name == name) return &f;
    return nullptr;
}

QString samplePath(const char* name) {
    return QString::fromLocal8Bit(qgetenv("EMBERS_SAMPLES")) + "/" + name;
}

}  // namespace

class TestFlameGraph : public QObject {
    Q_OBJECT
private slots:
    void layoutWidthsFollowTotals() {
        const auto t = treeOf(simple());
        FlameLayoutOptions o;
        o.width = 1000;
        const FlameLayout l = layoutFlame(*t, o);
        QCOMPARE(l.rootValue, int64_t(100));
        QCOMPARE(l.depth, 3u);  // root, main, a|b, c
        const FlameFrame* a = find(l, *t, "a");
        const FlameFrame* b = find(l, *t, "b");
        const FlameFrame* c = find(l, *t, "c");
        QVERIFY(a && b && c);
        QCOMPARE(a->width, 600.0);
        QCOMPARE(a->x, 0.0);
        QCOMPARE(b->x, 600.0);
        QCOMPARE(c->x, 600.0);
        QCOMPARE(c->depth, 3u);
    }

    void narrowFramesMerge() {
        auto b = cpuBuilder();
        addStack(b, {{"main"}, {"big"}}, {1, 100000});
        for (int i = 0; i < 500; ++i)
            addStack(b, {{"main"}, {"tiny" + std::to_string(i)}}, {1, 10});
        const auto t = treeOf(b.build());
        FlameLayoutOptions o;
        o.width = 1000;  // each tiny frame is ~0.095 px
        const FlameLayout l = layoutFlame(*t, o);
        int merged = 0, tiny = 0;
        for (const auto& f : l.frames) {
            if (f.merged) {
                ++merged;
                QCOMPARE(f.merged, 500u);
                QCOMPARE(f.value, int64_t(5000));
            } else if (f.tree && t->nodes[t->tree[f.tree].node].name.starts_with("tiny")) {
                ++tiny;
            }
        }
        QCOMPARE(merged, 1);
        QCOMPARE(tiny, 0);
        QVERIFY(l.frames.size() < 10);
    }

    void zoomRootFillsWidthAndKeepsAncestors() {
        const auto t = treeOf(simple());
        uint32_t bIndex = 0;
        for (uint32_t i = 0; i < t->tree.size(); ++i)
            if (i && t->nodes[t->tree[i].node].name == "b") bIndex = i;
        FlameLayoutOptions o;
        o.width = 800;
        o.zoomRoot = bIndex;
        const FlameLayout l = layoutFlame(*t, o);
        QCOMPARE(l.ancestors.size(), size_t(2));  // root, main
        QCOMPARE(l.frames.front().tree, bIndex);
        QCOMPARE(l.frames.front().width, 800.0);
        QVERIFY(find(l, *t, "c"));
        QVERIFY(!find(l, *t, "a"));
    }

    void packagesForColours() {
        QCOMPARE(packageOf("net/http.(*conn).serve"), std::string("net/http"));
        QCOMPARE(packageOf("main.work"), std::string("main"));
        QCOMPARE(packageOf("github.com/a/b.(*T).M"), std::string("github.com/a/b"));
        QCOMPARE(packageOf("std::vector<int>::push_back"), std::string("std"));
        const Rgb x = flameColor("main.a"), y = flameColor("main.a");
        QCOMPARE(x.r, y.r);  // stable
    }

    void svgHasEveryVisibleFrame() {
        const auto t = treeOf(simple());
        FlameSvgOptions o;
        o.title = "t & <x>";
        const std::string svg = renderFlameSvg(*t, o);
        QVERIFY(svg.starts_with("<?xml"));
        QVERIFY(svg.find("t &amp; &lt;x&gt;") != std::string::npos);
        for (const char* name : {">main (", ">a (", ">b (", ">c ("})
            QVERIFY2(svg.find(name) != std::string::npos, name);
    }

    void widgetZoomBackAndBreadcrumb() {
        FlameGraphWidget w;
        w.resize(1000, 400);
        w.setTree(treeOf(simple()));
        QSignalSpy clicked(&w, &FlameGraphWidget::functionClicked);
        // Row 2 holds a (x 0..600) and b (600..1000) in icicle orientation.
        const int y = 2 * w.rowHeight() + w.rowHeight() / 2;
        QTest::mouseClick(&w, Qt::LeftButton, {}, QPoint(800, y));
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).toString(), QString("b"));
        QCOMPARE(w.breadcrumb(), QStringList({"all", "main", "b"}));
        QTest::keyClick(&w, Qt::Key_Escape);
        QCOMPARE(w.breadcrumb(), QStringList({"all"}));
        QCOMPARE(w.zoomRoot(), 0u);
        QVERIFY(!w.back());
    }

    // The tooltip names the frame's source file and line, read from the profile when first
    // shown (the view does not prepare them while opening).
    void tooltipReadsSourcesFromTheProfile() {
        auto b = cpuBuilder();
        addStack(b, {{"main", "cmd/app.go", 10}, {"a", "pkg/a.go", 42}}, {1, 60});
        addStack(b, {{"main", "cmd/app.go", 12}, {"b", "pkg/b.go", 7}}, {1, 40});
        const ProfilePtr p = b.build();
        FlameGraphWidget w;
        w.resize(1000, 400);
        w.setProfile(p);
        w.setTree(treeOf(p));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QPoint at(300, 2 * w.rowHeight() + w.rowHeight() / 2);  // a, in row 2
        QHelpEvent help(QEvent::ToolTip, at, w.mapToGlobal(at));
        QApplication::sendEvent(&w, &help);
        QVERIFY2(QToolTip::text().contains(QStringLiteral("pkg/a.go:42")),
                 qPrintable(QToolTip::text()));
        QVERIFY(QToolTip::text().contains(QStringLiteral("<b>a</b>")));
    }

    void ctrlWheelZoomsAroundCursor() {
        FlameGraphWidget w;
        w.resize(1000, 400);
        w.setTree(treeOf(simple()));
        QSignalSpy zoom(&w, &FlameGraphWidget::zoomChanged);
        QWheelEvent ev(QPointF(900, 10), w.mapToGlobal(QPointF(900, 10)), {}, QPoint(0, 240),
                       Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&w, &ev);
        QCOMPARE(zoom.count(), 1);
        QVERIFY(w.back());  // undoes the horizontal zoom first
        QCOMPARE(zoom.count(), 2);
    }

    void searchShareCountsNestedMatchesOnce() {
        auto b = cpuBuilder();
        addStack(b, {{"main"}, {"work"}, {"work2"}}, {1, 30});
        addStack(b, {{"main"}, {"other"}}, {1, 70});
        FlameGraphWidget w;
        w.resize(800, 300);
        w.setTree(treeOf(b.build()));
        QSignalSpy spy(&w, &FlameGraphWidget::searchChanged);
        QVERIFY(w.setSearch("^work"));
        QCOMPARE(w.matchCount(), 2);
        QCOMPARE(w.matchShare(), 0.30);  // work2 lies under work: not counted again
        QCOMPARE(spy.count(), 1);
        QVERIFY(!w.setSearch("work("));
    }

    // After a focus filter the other functions stay in the profile's tables with no
    // samples: a search counts only the matching functions in the graph.
    void searchCountsOnlyFunctionsInTheGraph() {
        auto b = cpuBuilder();
        addStack(b, {{"main"}, {"alpha"}, {"mix"}}, {1, 60});
        addStack(b, {{"main"}, {"beta"}, {"remix"}}, {1, 40});
        FilterOptions f;
        f.focus = "alpha";
        const ProfilePtr focused = applyFilters(b.build(), f);
        FlameGraphWidget w;
        w.resize(800, 300);
        AnalysisOptions o;
        o.sampleIndex = 1;
        o.total = 100;  // of the profile before the filter, as the session gives it
        w.setTree(std::make_shared<const CallTree>(computeCallTree(*focused, o)));
        QVERIFY(w.setSearch("mix"));
        QCOMPARE(w.matchCount(), 1);  // mix; not remix, focused away
        QCOMPARE(w.matchShare(), 0.60);
    }

    // A tree that leaves out small subtrees (as the session's does on huge profiles) still
    // reports the share of every matching sample once it has the profile.
    void searchShareCountsPrunedSubtrees() {
        auto b = cpuBuilder();
        addStack(b, {{"main"}, {"big"}, {"leaf"}}, {1, 900});
        for (int i = 0; i < 50; ++i)  // 50 small stacks of 2 each: 10 % in all
            addStack(b, {{"main"}, {"small" + std::to_string(i)}, {"leaf"}}, {1, 2});
        const ProfilePtr p = b.build();
        AnalysisOptions o;
        o.sampleIndex = 1;
        auto pruned = std::make_shared<const CallTree>(
            computeCallTree(*p, o, TreeDirection::TopDown, {}, 0.01));
        QVERIFY(pruned->tree[pruned->children(0)[0]].prunedCount > 0);  // main's small callees

        FlameGraphWidget fromTree, fromSamples;
        fromTree.setTree(pruned);
        fromSamples.setProfile(p);
        fromSamples.setTree(pruned);
        QVERIFY(fromTree.setSearch("^leaf$"));
        QVERIFY(fromSamples.setSearch("^leaf$"));
        QCOMPARE(fromTree.matchShare(), 0.90);  // only what the tree holds
        QCOMPARE(fromSamples.matchShare(), 1.0);
        QVERIFY(fromSamples.setSearch("^small(1|2)$"));  // pruned frames only
        QCOMPARE(fromSamples.matchShare(), 4.0 / 1000.0);
        QVERIFY(fromSamples.setSearch("^(main|leaf)$"));  // one sample counted once
        QCOMPARE(fromSamples.matchShare(), 1.0);
    }

    void sessionOpensRealProfileAndExports() {
        ProfileSession session;
        QSignalSpy ready(&session, &ProfileSession::analysisReady);
        FlameGraphView view(&session);
        view.resize(1200, 700);
        session.open(samplePath("cpu.pb.gz"));
        QVERIFY(ready.wait(20000));
        const auto r = session.result();
        QVERIFY(r && r->tree && r->table);
        QCOMPARE(r->table->sampleType, std::string("cpu"));
        QVERIFY(r->tree->tree.size() > 10);
        QVERIFY(view.graph()->tree());
        QTemporaryDir dir;
        QCOMPARE(view.exportTo(dir.filePath("f.svg")), QString());
        QCOMPARE(view.exportTo(dir.filePath("f.png"), 900), QString());
        QFile svg(dir.filePath("f.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("main.hotLoop"));
        QImage png(dir.filePath("f.png"));
        QCOMPARE(png.width(), 900);
        QVERIFY(png.height() > 100);
    }

    void sessionSwitchesSampleTypeAndDiffs() {
        ProfileSession session;
        QSignalSpy ready(&session, &ProfileSession::analysisReady);
        session.open(samplePath("heap.pb.gz"));
        QVERIFY(ready.wait(20000));
        ViewOptions o = session.options();
        o.sampleIndex = 1;  // alloc_space
        session.setOptions(o);
        QVERIFY(ready.wait(20000));
        QCOMPARE(session.result()->table->sampleType, std::string("alloc_space"));

        ProfileSession cpu;
        FlameGraphView view(&cpu);
        QSignalSpy cpuReady(&cpu, &ProfileSession::analysisReady);
        cpu.open(samplePath("cpu.pb.gz"));
        QVERIFY(cpuReady.wait(20000));
        ViewOptions d = cpu.options();
        d.diffBasePath = samplePath("cpu2.pb.gz");
        cpu.setOptions(d);
        QVERIFY(cpuReady.wait(20000));
        QVERIFY(cpu.result()->isDiff());
        QVERIFY(cpu.result()->tree->tree[0].negative < 0);
        // Exported, the diff says it is one: its base in the title, signed changes in the
        // frames' tooltips (a frame that shrank reads -1.21s, not 1.21s).
        QTemporaryDir dir;
        QCOMPARE(view.exportTo(dir.filePath("diff.svg")), QString());
        QFile svg(dir.filePath("diff.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(svg.readAll());
        QVERIFY2(text.contains(QStringLiteral("cpu.pb.gz (cpu) − base cpu2.pb.gz")),
                 qPrintable(text.left(600)));
        QVERIFY(text.contains(QRegularExpression(
            QStringLiteral("<title>[^<]+ \\(-[0-9.]+m?s, -[0-9.]+%\\)</title>"))));
        QVERIFY(text.contains(QRegularExpression(
            QStringLiteral("<title>[^<]+ \\(\\+[0-9.]+m?s, \\+[0-9.]+%\\)</title>"))));
    }

    void sessionReportsBadFile() {
        ProfileSession session;
        QSignalSpy failed(&session, &ProfileSession::failed);
        const QString bad =
            QString::fromLocal8Bit(qgetenv("EMBERS_TEST_DATA")) + "/html_page.pb.gz";
        session.open(bad);
        QVERIFY(failed.wait(20000));
        const QString message = failed.at(0).at(0).toString();
        QVERIFY2(message.startsWith(bad) && message.contains("HTML"), qPrintable(message));
    }

    void staleAnalysisIsDropped() {
        ProfileSession session;
        QSignalSpy ready(&session, &ProfileSession::analysisReady);
        session.open(samplePath("heap.pb.gz"));
        QVERIFY(ready.wait(20000));
        ViewOptions a = session.options(), b = session.options();
        a.sampleIndex = 0;
        b.sampleIndex = 3;
        session.setOptions(a);
        session.setOptions(b);  // supersedes a before it finishes
        QVERIFY(ready.wait(20000));
        QTest::qWait(200);
        QCOMPARE(session.result()->table->sampleType, std::string("inuse_space"));
        QCOMPARE(ready.count(), 2);
    }
};

QTEST_MAIN(TestFlameGraph)
#include "tst_flame_graph.moc"
