// Filters with pprof's semantics: focus/ignore select samples, hide/show edit
// stacks, tag filters look at string labels, drop_frames prunes.
#include <QtTest>

#include <map>

#include "core/errors.h"
#include "core/filter.h"
#include "core/flat_table.h"
#include "test_profiles.h"

using namespace embers::core;
using embers::test::addStack;
using embers::test::cpuBuilder;

namespace {

std::map<std::string, std::pair<int64_t, int64_t>> rows(const ProfilePtr& p) {
    AnalysisOptions o;
    o.sampleIndex = 1;
    const FlatTable t = computeFlatTable(*p, o);
    std::map<std::string, std::pair<int64_t, int64_t>> m;
    for (const auto& r : t.rows) m[t.nodes[r.node].printableName()] = {r.flat, r.cum};
    return m;
}

ProfilePtr profile() {
    auto b = cpuBuilder();
    addStack(b, {{"main.main", "/src/main.go"}, {"main.serve"}, {"net.read", "/go/net/fd.go"}},
             {1, 10}, {b.stringLabel("worker", "alpha")});
    addStack(b,
             {{"main.main", "/src/main.go"}, {"main.compute"}, {"math.sqrt", "/go/math/sqrt.go"}},
             {1, 20}, {b.stringLabel("worker", "beta")});
    addStack(b, {{"main.main", "/src/main.go"}, {"main.compute"}}, {1, 40},
             {b.stringLabel("worker", "alpha"), b.stringLabel("region", "eu")});
    return b.build();
}

FilterOptions with(std::string FilterOptions::*field, std::string value) {
    FilterOptions f;
    f.*field = std::move(value);
    return f;
}

}  // namespace

class TestFilters : public QObject {
    Q_OBJECT
private slots:
    void focusKeepsSamplesThroughMatch() {
        const auto r = rows(applyFilters(profile(), with(&FilterOptions::focus, "compute")));
        QCOMPARE(r.at("main.main").second, int64_t(60));
        QVERIFY(!r.count("net.read"));
    }

    void focusMatchesFileNamesToo() {
        const auto r = rows(applyFilters(profile(), with(&FilterOptions::focus, "net/fd\\.go")));
        QCOMPARE(r.at("main.main").second, int64_t(10));
    }

    void ignoreDropsSamplesThroughMatch() {
        const auto r = rows(applyFilters(profile(), with(&FilterOptions::ignore, "^math\\.")));
        QCOMPARE(r.at("main.main").second, int64_t(50));
        QVERIFY(!r.count("math.sqrt"));
    }

    void hideRemovesFramesKeepsValues() {
        const auto r =
            rows(applyFilters(profile(), with(&FilterOptions::hide, "^main\\.compute$")));
        QVERIFY(!r.count("main.compute"));
        // The sample that ended in main.compute now ends in main.main.
        QCOMPARE(r.at("main.main").first, int64_t(40));
        QCOMPARE(r.at("main.main").second, int64_t(70));
    }

    void showKeepsOnlyMatchingFrames() {
        const auto r = rows(applyFilters(profile(), with(&FilterOptions::show, "^main\\.")));
        QVERIFY(!r.count("math.sqrt"));
        QVERIFY(!r.count("net.read"));
        QCOMPARE(r.at("main.compute").first, int64_t(60));
        QCOMPARE(r.at("main.serve").first, int64_t(10));
    }

    void tagFocusByKey() {
        const auto r =
            rows(applyFilters(profile(), with(&FilterOptions::tagFocus, "worker=alpha")));
        QCOMPARE(r.at("main.main").second, int64_t(50));
        QVERIFY(!r.count("math.sqrt"));
    }

    void tagFocusSeveralValues() {
        const auto r = rows(
            applyFilters(profile(), with(&FilterOptions::tagFocus, "worker=^beta$,^nothing$")));
        QCOMPARE(r.at("main.main").second, int64_t(20));
    }

    void tagFocusWithoutKeyMatchesKeyColonValue() {
        const auto r = rows(applyFilters(profile(), with(&FilterOptions::tagFocus, "region:eu")));
        QCOMPARE(r.at("main.main").second, int64_t(40));
    }

    void tagIgnore() {
        const auto r =
            rows(applyFilters(profile(), with(&FilterOptions::tagIgnore, "worker=alpha")));
        QCOMPARE(r.at("main.main").second, int64_t(20));
    }

    void badRegexIsAUsageError() {
        QVERIFY_THROWS_EXCEPTION(UsageError,
                                 applyFilters(profile(), with(&FilterOptions::focus, "main(")));
    }

    void warnsWhenNothingMatches() {
        std::vector<std::string> warnings;
        const auto p =
            applyFilters(profile(), with(&FilterOptions::focus, "nosuchfunction"), &warnings);
        QCOMPARE(p->sampleCount(), size_t(0));
        QCOMPARE(warnings.size(), size_t(1));
        QVERIFY(warnings[0].find("--focus") != std::string::npos);
    }

    void dropFramesPrunesBelowMatch() {
        auto b = cpuBuilder();
        addStack(b, {{"main"}, {"runtime.mallocgc"}, {"runtime.nextFree"}}, {1, 10});
        b.data().dropFrames = b.intern("runtime\\.malloc.*");
        const auto r = rows(removeUninteresting(b.build()));
        QCOMPARE(r.at("main").first, int64_t(10));
        QVERIFY(!r.count("runtime.mallocgc"));
        QVERIFY(!r.count("runtime.nextFree"));
    }
};

QTEST_GUILESS_MAIN(TestFilters)
#include "tst_filters.moc"
