// Goroutine grouping: debug=2 and debug=1 text dumps and proto goroutine
// profiles grouped by identical stack, with states, wait ranges and shared
// labels; comparing two groupings.
#include <QtTest>

#include <filesystem>

#include "core/decode.h"
#include "core/errors.h"
#include "core/goroutine_groups.h"
#include "core/merge.h"
#include "test_profiles.h"

using namespace embers::core;
using embers::test::addStack;
using embers::test::Frame;

namespace {

// Three goroutines parked in the same chan receive (waits 1, 5 and 7
// minutes), one in a select, and the running main goroutine.
const char* const kDebug2 =
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
    "\t/src/main.go:60 +0x11\n"
    "created by main.main in goroutine 1\n"
    "\t/src/main.go:13 +0x6a\n";

ProfileBuilder goroutineBuilder() {
    ProfileBuilder b;
    b.addSampleType("goroutine", "count");
    b.data().periodType = b.data().sampleTypes[0];
    b.data().period = 1;
    return b;
}

// A goroutine proto profile's stack, leaf first, with explicit addresses.
void addProtoStack(ProfileBuilder& b, std::vector<std::pair<Frame, uint64_t>> leafFirst,
                   int64_t count, std::vector<Label> labels = {}) {
    std::vector<LocId> locs;
    for (const auto& [f, address] : leafFirst) {
        const Line l{b.function(f.func, f.file), f.line, 0};
        locs.push_back(b.location({&l, 1}, kNoMapping, address));
    }
    b.addSample(locs, {&count, 1}, labels);
}

const GoroutineGroup* findTop(const GoroutineGroups& g, const std::string& function) {
    for (const GoroutineGroup& group : g.groups)
        if (group.top() && group.top()->function == function) return &group;
    return nullptr;
}

}  // namespace

class TestGoroutineGroups : public QObject {
    Q_OBJECT
private slots:
    void debug2GroupsBySameStack() {
        const ProfilePtr p = decodeProfile(kDebug2);
        QVERIFY(isGoroutineProfile(*p));
        const GoroutineGroups g = groupGoroutines(*p);
        QCOMPARE(g.total, int64_t(5));
        QCOMPARE(g.groups.size(), size_t(3));
        QVERIFY(g.hasStates);
        QVERIFY(g.hasWaits);

        const GoroutineGroup& chan = g.groups[0];  // sorted by count
        QCOMPARE(chan.count, int64_t(3));
        QCOMPARE(chan.samples, size_t(3));
        QCOMPARE(chan.states.size(), size_t(1));
        QCOMPARE(chan.states[0].first, std::string("chan receive"));
        QCOMPARE(chan.states[0].second, int64_t(3));
        QVERIFY(chan.hasWait());
        QCOMPARE(chan.waitKnown, int64_t(3));
        QCOMPARE(chan.minWait, int64_t(1));
        QCOMPARE(chan.maxWait, int64_t(7));
        QCOMPARE(chan.goroutineIds, (std::vector<int64_t>{17, 18, 19}));
        QCOMPARE(chan.frames.size(), size_t(2));
        QCOMPARE(chan.frames[0], (GoroutineFrame{"main.consume", "/src/main.go", 42, 0}));
        QCOMPARE(chan.frames[1], (GoroutineFrame{"main.worker", "/src/main.go", 30, 0}));
        QCOMPARE(chan.topFrame, size_t(0));
        // Shared: "created by" (same creator); not state, wait or goroutine id.
        QCOMPARE(chan.sharedLabels.size(), size_t(1));
        QCOMPARE(chan.sharedLabels[0].text(), std::string("created by=main.main"));

        const GoroutineGroup* select = findTop(g, "main.poll");
        QVERIFY(select);
        QCOMPARE(select->count, int64_t(1));
        QCOMPARE(select->states[0].first, std::string("select"));
        QVERIFY(!select->hasWait());
        QCOMPARE(select->goroutineIds, (std::vector<int64_t>{20}));

        const GoroutineGroup* running = findTop(g, "main.main");
        QVERIFY(running);
        QCOMPARE(running->states[0].first, std::string("running"));
        QVERIFY(running->sharedLabels.empty());
    }

    void debug2MixedStatesAndPartialWaits() {
        const ProfilePtr p = decodeProfile(
            "goroutine 5 [semacquire, 3 minutes]:\n"
            "main.lock()\n\t/src/m.go:7\n\n"
            "goroutine 6 [semacquire]:\n"
            "main.lock()\n\t/src/m.go:7\n\n"
            "goroutine 7 [sync.Mutex.Lock, 9 minutes]:\n"
            "main.lock()\n\t/src/m.go:7\n\n");
        const GoroutineGroups g = groupGoroutines(*p);
        QCOMPARE(g.groups.size(), size_t(1));
        const GoroutineGroup& group = g.groups[0];
        QCOMPARE(group.count, int64_t(3));
        QCOMPARE(group.states.size(), size_t(2));
        QCOMPARE(group.states[0], (std::pair<std::string, int64_t>{"semacquire", 2}));
        QCOMPARE(group.states[1], (std::pair<std::string, int64_t>{"sync.Mutex.Lock", 1}));
        QCOMPARE(group.waitKnown, int64_t(2));
        QCOMPARE(group.minWait, int64_t(3));
        QCOMPARE(group.maxWait, int64_t(9));
    }

    void debug1Counts() {
        const ProfilePtr p = decodeProfile(
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
            "# labels: {\"pool\":\"io\"}\n"
            "#\t0x4a2000\tmain.serve+0x10\t/src/srv.go:9\n"
            "\n");
        const GoroutineGroups g = groupGoroutines(*p);
        QCOMPARE(g.total, int64_t(9));
        QCOMPARE(g.groups.size(), size_t(2));
        // Same stack, different labels: one group of 5 without shared labels, whose label
        // sets are listed with their counts.
        QCOMPARE(g.groups[0].count, int64_t(5));
        QCOMPARE(g.groups[0].samples, size_t(2));
        QCOMPARE(g.groups[0].top()->function, std::string("main.wait"));
        QVERIFY(g.groups[0].sharedLabels.empty());
        QCOMPARE(g.groups[0].labelSets, (std::vector<std::pair<std::string, int64_t>>{
                                            {"worker=alpha", 3}, {"worker=beta", 2}}));
        QVERIFY(g.groups[1].labelSets.empty());
        QVERIFY(g.groups[0].states.empty());
        QVERIFY(!g.groups[0].hasWait());
        QCOMPARE(g.groups[1].count, int64_t(4));
        QCOMPARE(g.groups[1].sharedLabels.size(), size_t(1));
        QCOMPARE(g.groups[1].sharedLabels[0].text(), std::string("pool=io"));
        QVERIFY(!g.hasStates);
        QVERIFY(!g.hasWaits);
    }

    void protoProfile() {
        auto b = goroutineBuilder();
        const Frame gopark{"runtime.gopark", "/go/src/runtime/proc.go", 363};
        const Frame chanrecv{"runtime.chanrecv1", "/go/src/runtime/chan.go", 442};
        const Frame wait{"main.wait", "/src/main.go", 42};
        const Frame wait43{"main.wait", "/src/main.go", 43};
        const Frame run{"main.run", "/src/main.go", 20};
        // Two PCs that resolve to the same function and line: one stack.
        addProtoStack(b, {{gopark, 0x10}, {chanrecv, 0x20}, {wait, 0x30}, {run, 0x40}}, 4,
                      {b.stringLabel("worker", "alpha"), b.stringLabel("team", "x")});
        addProtoStack(b, {{gopark, 0x10}, {chanrecv, 0x20}, {wait, 0x31}, {run, 0x40}}, 2,
                      {b.stringLabel("worker", "beta"), b.stringLabel("team", "x")});
        // Another line of the same function: a different stack.
        addProtoStack(b, {{gopark, 0x10}, {chanrecv, 0x20}, {wait43, 0x35}, {run, 0x40}}, 5);
        // Only runtime frames: the top frame is the leaf.
        addProtoStack(b, {{gopark, 0x10}, {{"runtime.main", "/go/src/runtime/proc.go", 250}, 0x50}},
                      1);
        const ProfilePtr p = b.build();
        QVERIFY(isGoroutineProfile(*p));
        const GoroutineGroups g = groupGoroutines(*p);
        QCOMPARE(g.total, int64_t(12));
        QCOMPARE(g.groups.size(), size_t(3));
        QCOMPARE(g.groups[0].count, int64_t(6));
        QCOMPARE(g.groups[0].samples, size_t(2));
        QCOMPARE(g.groups[0].frames.size(), size_t(4));
        QCOMPARE(g.groups[0].topFrame, size_t(2));  // past gopark and chanrecv1
        QCOMPARE(g.groups[0].top()->function, std::string("main.wait"));
        QCOMPARE(g.groups[0].top()->line, int64_t(42));
        QCOMPARE(g.groups[0].sharedLabels.size(), size_t(1));
        QCOMPARE(g.groups[0].sharedLabels[0].text(), std::string("team=x"));
        QCOMPARE(g.groups[0].labelSets,  // what differs, without the shared team=x
                 (std::vector<std::pair<std::string, int64_t>>{{"worker=alpha", 4},
                                                               {"worker=beta", 2}}));
        QCOMPARE(g.groups[1].count, int64_t(5));
        QCOMPARE(g.groups[1].top()->line, int64_t(43));
        QCOMPARE(g.groups[2].count, int64_t(1));
        QCOMPARE(g.groups[2].topFrame, size_t(0));
        QCOMPARE(g.groups[2].top()->function, std::string("runtime.gopark"));
        QVERIFY(!g.hasStates);
    }

    void unsymbolizedAndMultiValue() {
        ProfileBuilder b;
        b.addSampleType("samples", "count");
        b.addSampleType("cpu", "nanoseconds");
        QVERIFY(!isGoroutineProfile(*ProfileBuilder(b).build()));
        const LocId a = b.location({}, kNoMapping, 0xabc);
        const LocId c = b.location({}, kNoMapping, 0xdef);
        const int64_t v1[] = {1, 10}, v2[] = {2, 0};
        b.addSample(std::vector<LocId>{a}, v1);
        b.addSample(std::vector<LocId>{c}, v2);
        const ProfilePtr p = b.build();
        const GoroutineGroups byCpu = groupGoroutines(*p);  // default: the last type
        QCOMPARE(byCpu.sampleIndex, size_t(1));
        QCOMPARE(byCpu.groups.size(), size_t(1));  // zero values are skipped
        QCOMPARE(byCpu.groups[0].frames[0].address, uint64_t(0xabc));
        GroupOptions o;
        o.sampleIndex = 0;
        const GoroutineGroups bySamples = groupGoroutines(*p, o);
        QCOMPARE(bySamples.groups.size(), size_t(2));
        QCOMPARE(bySamples.groups[0].frames[0].address, uint64_t(0xdef));
        o.sampleIndex = 2;
        QVERIFY_THROWS_EXCEPTION(UsageError, groupGoroutines(*p, o));
    }

    void compare() {
        auto before = goroutineBuilder();
        addStack(before, {{"main.grow"}}, {2});
        addStack(before, {{"main.shrink"}}, {10});
        addStack(before, {{"main.gone"}}, {3});
        addStack(before, {{"main.same"}}, {4});
        auto after = goroutineBuilder();
        addStack(after, {{"main.grow"}}, {7});
        addStack(after, {{"main.shrink"}}, {9});
        addStack(after, {{"main.new"}}, {6});
        addStack(after, {{"main.same"}}, {4});
        const GoroutineGroups gb = groupGoroutines(*before.build());
        const GoroutineGroups ga = groupGoroutines(*after.build());
        const std::vector<GroupDelta> d = compareGroups(gb, ga);
        QCOMPARE(d.size(), size_t(5));
        auto name = [&](const GroupDelta& x) {
            return x.after >= 0 ? ga.groups[size_t(x.after)].frames[0].function
                                : gb.groups[size_t(x.before)].frames[0].function;
        };
        // Sorted by |delta|: new +6, grow +5, gone -3, shrink -1, same 0.
        QCOMPARE(name(d[0]), std::string("main.new"));
        QCOMPARE(d[0].change, GroupChange::New);
        QCOMPARE(d[0].before, -1);
        QCOMPARE(d[0].delta(), int64_t(6));
        QCOMPARE(name(d[1]), std::string("main.grow"));
        QCOMPARE(d[1].change, GroupChange::Grew);
        QCOMPARE(d[1].beforeCount, int64_t(2));
        QCOMPARE(d[1].afterCount, int64_t(7));
        QCOMPARE(d[1].delta(), int64_t(5));
        QCOMPARE(name(d[2]), std::string("main.gone"));
        QCOMPARE(d[2].change, GroupChange::Gone);
        QCOMPARE(d[2].after, -1);
        QCOMPARE(d[2].delta(), int64_t(-3));
        QCOMPARE(name(d[3]), std::string("main.shrink"));
        QCOMPARE(d[3].change, GroupChange::Shrank);
        QCOMPARE(d[3].delta(), int64_t(-1));
        QCOMPARE(name(d[4]), std::string("main.same"));
        QCOMPARE(d[4].change, GroupChange::Unchanged);
        QCOMPARE(std::string(groupChangeName(d[2].change)), std::string("gone"));

        // Against itself: all unchanged.
        for (const GroupDelta& x : compareGroups(ga, ga))
            QCOMPARE(x.change, GroupChange::Unchanged);
    }

    void compareDebug2Dumps() {
        const ProfilePtr before = decodeProfile(kDebug2);
        const ProfilePtr after = decodeProfile(
            "goroutine 17 [chan receive, 9 minutes]:\n"
            "main.consume(0xc000010000)\n\t/src/main.go:42 +0x2e\n"
            "main.worker(...)\n\t/src/main.go:30\n\n"
            "goroutine 20 [select, 2 minutes]:\n"
            "main.poll()\n\t/src/main.go:60 +0x11\n\n");
        const std::vector<GroupDelta> d =
            compareGroups(groupGoroutines(*before), groupGoroutines(*after));
        QCOMPARE(d.size(), size_t(3));
        QCOMPARE(d[0].change, GroupChange::Shrank);  // chan receive 3 -> 1
        QCOMPARE(d[0].delta(), int64_t(-2));
        QCOMPARE(d[1].change, GroupChange::Gone);       // main.main
        QCOMPARE(d[2].change, GroupChange::Unchanged);  // select 1 -> 1
    }

    void diffProfileSides() {
        auto base = goroutineBuilder();
        addStack(base, {{"main.a"}}, {3});
        addStack(base, {{"main.b"}}, {1});
        auto cur = goroutineBuilder();
        addStack(cur, {{"main.a"}}, {5});
        addStack(cur, {{"main.c"}}, {2});
        const ProfilePtr diff = diffAgainstBase(cur.build(), base.build());
        GroupOptions o;
        o.side = DiffSide::Current;
        const GoroutineGroups after = groupGoroutines(*diff, o);
        o.side = DiffSide::Base;
        const GoroutineGroups before = groupGoroutines(*diff, o);
        QCOMPARE(after.total, int64_t(7));
        QCOMPARE(before.total, int64_t(4));
        QCOMPARE(before.groups[0].count, int64_t(3));
        QVERIFY(before.groups[0].sharedLabels.empty());  // pprof::base is bookkeeping
        const std::vector<GroupDelta> d = compareGroups(before, after);
        QCOMPARE(d.size(), size_t(3));
        QCOMPARE(d[0].change, GroupChange::Grew);
        QCOMPARE(d[1].change, GroupChange::New);
        QCOMPARE(d[2].change, GroupChange::Gone);
    }

    // The dumps tests/gopeer writes, when they are around.
    void realDumps() {
        const std::string dir = "/tmp/gp/";
        if (!std::filesystem::exists(dir + "goroutine.debug1.txt") ||
            !std::filesystem::exists(dir + "goroutine.debug2.txt") ||
            !std::filesystem::exists(dir + "goroutine.pb.gz"))
            QSKIP("no gopeer goroutine dumps in /tmp/gp");
        const GoroutineGroups d1 = groupGoroutines(*readProfileFile(dir + "goroutine.debug1.txt"));
        const GoroutineGroups d2 = groupGoroutines(*readProfileFile(dir + "goroutine.debug2.txt"));
        const GoroutineGroups pb = groupGoroutines(*readProfileFile(dir + "goroutine.pb.gz"));
        QVERIFY(d1.total > 0);
        QCOMPARE(d2.total, d1.total);
        QCOMPARE(pb.total, d1.total);
        QVERIFY(d2.hasStates);
        // The labelled channel waiters (alpha and beta) form one group each time.
        QCOMPARE(d1.groups[0].count, pb.groups[0].count);
        QCOMPARE(d1.groups[0].top()->function, pb.groups[0].top()->function);
        QCOMPARE(d2.groups[0].top()->function, d1.groups[0].top()->function);
    }
};

QTEST_GUILESS_MAIN(TestGoroutineGroups)
#include "tst_goroutine_groups.moc"
