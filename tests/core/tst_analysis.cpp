// The analysis engine on small profiles whose answers can be worked out by
// hand: flat/cum with recursion, granularities, totals, diff, merge, trees,
// peek.
#include <QtTest>

#include <map>
#include <set>

#include "core/call_tree.h"
#include "core/decode.h"
#include "core/encode.h"
#include "core/errors.h"
#include "core/flat_table.h"
#include "core/merge.h"
#include "core/peek.h"
#include "test_profiles.h"

using namespace embers::core;
using embers::test::addStack;
using embers::test::cpuBuilder;

namespace {

struct Row {
    int64_t flat, cum;
};

std::map<std::string, Row> rowsByName(const FlatTable& t) {
    std::map<std::string, Row> m;
    for (const auto& r : t.rows) m[t.nodes[r.node].printableName()] = {r.flat, r.cum};
    return m;
}

AnalysisOptions cpuOptions(Granularity g = Granularity::Functions) {
    AnalysisOptions o;
    o.sampleIndex = 1;
    o.nodes.granularity = g;
    return o;
}

ProfilePtr recursiveProfile() {
    auto b = cpuBuilder();
    // main -> fib -> fib -> fib (leaf): 30 ns
    addStack(b,
             {{"main", "m.go", 3}, {"fib", "f.go", 10}, {"fib", "f.go", 12}, {"fib", "f.go", 12}},
             {3, 30});
    // main -> work (leaf): 50 ns
    addStack(b, {{"main", "m.go", 4}, {"work", "w.go", 7}}, {5, 50});
    // main -> fib -> work: 20 ns
    addStack(b, {{"main", "m.go", 3}, {"fib", "f.go", 11}, {"work", "w.go", 8}}, {2, 20});
    return b.build();
}

// A profile with enough samples for the call tree's two workers (200,000 or more): short
// random stacks over a few hundred locations, some inlined, some negative values.
ProfilePtr manySamplesProfile() {
    auto b = cpuBuilder();
    std::vector<LocId> locs;
    for (int i = 0; i < 300; ++i) {
        std::vector<Line> lines{{b.function("f" + std::to_string(i % 120), "f.go"), i, 0}};
        if (i % 9 == 0) lines.push_back({b.function("inl" + std::to_string(i % 7), "i.go"), i, 0});
        locs.push_back(b.location(lines, kNoMapping, 0x1000 + uint64_t(i)));
    }
    uint64_t x = 99;
    auto next = [&x](uint64_t n) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        return (x >> 33) % n;
    };
    std::vector<LocId> stack;
    for (int s = 0; s < 210000; ++s) {
        stack.clear();
        const size_t depth = next(12);
        // Skewed: low location indices near the root are common.
        for (size_t d = 0; d < depth; ++d)
            stack.push_back(locs[next(1 + next(locs.size()) * (d + 1) / 12)]);
        const int64_t v = int64_t(next(4)) - (s % 13 == 0 ? 2 : 0);
        const int64_t values[] = {v, v * 1000};
        b.addSample(stack, values);
    }
    return b.build();
}

// The top-down call tree worked out plainly: a trie of the samples' root-first paths,
// pruned, then numbered as computeCallTree documents (a node's children get consecutive
// indices, by report node, when it is visited; the last of them is visited first; child
// lists by |total| then name).
CallTree plainCallTree(const Profile& p, const AnalysisOptions& o, double minShare) {
    const NodeMap nodes(p, o.nodes);
    struct Trie {
        std::map<uint32_t, size_t> kids;
        CallTreeNode n;
        int64_t abs = 0;
    };
    std::vector<Trie> trie(1);
    int64_t absTotal = 0;
    for (size_t s = 0; s < p.sampleCount(); ++s) {
        const int64_t w = p.sampleValue(s, o.sampleIndex);
        if (w == 0) continue;
        absTotal += std::llabs(w);
        size_t at = 0;
        auto add = [&](size_t t) {
            trie[t].n.total += w;
            if (w < 0) trie[t].n.negative += w;
            trie[t].abs += std::llabs(w);
        };
        add(0);
        const auto locs = p.sampleLocations(s);
        for (auto it = locs.rbegin(); it != locs.rend(); ++it) {
            const auto ns = nodes.nodesOf(*it);
            for (auto nit = ns.rbegin(); nit != ns.rend(); ++nit) {
                auto [k, made] = trie[at].kids.try_emplace(*nit, trie.size());
                if (made) {
                    trie.push_back({});
                    trie.back().n.node = *nit;
                }
                at = k->second;
                add(at);
            }
        }
        trie[at].n.self += w;
    }
    const double threshold = minShare * double(absTotal);
    CallTree t;
    t.tree.push_back(trie[0].n);
    std::vector<std::pair<size_t, uint32_t>> stack{{0, 0}};
    while (!stack.empty()) {
        const auto [from, at] = stack.back();
        stack.pop_back();
        std::vector<uint32_t> created;
        std::vector<size_t> kids;
        for (const auto& [node, k] : trie[from].kids) {
            if (double(trie[k].abs) < threshold) {
                ++t.tree[at].prunedCount;
                t.tree[at].prunedTotal += trie[k].n.total;
                t.tree[at].prunedNegative += trie[k].n.negative;
                continue;
            }
            created.push_back(uint32_t(t.tree.size()));
            kids.push_back(k);
            t.tree.push_back(trie[k].n);
            t.tree.back().parent = at;
        }
        for (size_t i = 0; i < kids.size(); ++i) stack.push_back({kids[i], created[i]});
        std::sort(created.begin(), created.end(), [&](uint32_t a, uint32_t b) {
            const int64_t ta = std::llabs(t.tree[a].total), tb = std::llabs(t.tree[b].total);
            if (ta != tb) return ta > tb;
            return nodes.node(t.tree[a].node).printableName() <
                   nodes.node(t.tree[b].node).printableName();
        });
        t.tree[at].firstChild = uint32_t(t.childList.size());
        t.tree[at].childCount = uint32_t(created.size());
        t.childList.insert(t.childList.end(), created.begin(), created.end());
    }
    return t;
}

}  // namespace

class TestAnalysis : public QObject {
    Q_OBJECT
private slots:
    void recursionCountsOnceInCum() {
        const FlatTable t = computeFlatTable(*recursiveProfile(), cpuOptions());
        QCOMPARE(t.total, int64_t(100));
        auto rows = rowsByName(t);
        QCOMPARE(rows["fib"].flat, int64_t(30));
        QCOMPARE(rows["fib"].cum, int64_t(50));  // 30 + 20, not 30*3 + 20
        QCOMPARE(rows["work"].flat, int64_t(70));
        QCOMPARE(rows["work"].cum, int64_t(70));
        QCOMPARE(rows["main"].flat, int64_t(0));
        QCOMPARE(rows["main"].cum, int64_t(100));
        QCOMPARE(t.rows.size(), size_t(3));
    }

    void sortsByFlatThenName() {
        const FlatTable t = computeFlatTable(*recursiveProfile(), cpuOptions());
        QCOMPARE(t.nodes[t.rows[0].node].name, std::string("work"));
        QCOMPARE(t.nodes[t.rows[1].node].name, std::string("fib"));
        QCOMPARE(t.nodes[t.rows[2].node].name, std::string("main"));
        const FlatTable c = computeFlatTable(*recursiveProfile(), cpuOptions(), SortOrder::Cum);
        QCOMPARE(c.nodes[c.rows[0].node].name, std::string("main"));
    }

    void otherSampleType() {
        AnalysisOptions o = cpuOptions();
        o.sampleIndex = 0;
        const FlatTable t = computeFlatTable(*recursiveProfile(), o);
        QCOMPARE(t.total, int64_t(10));
        QCOMPARE(t.sampleType, std::string("samples"));
        QCOMPARE(rowsByName(t)["work"].flat, int64_t(7));
    }

    void filesGranularity() {
        const FlatTable t = computeFlatTable(*recursiveProfile(), cpuOptions(Granularity::Files));
        auto rows = rowsByName(t);
        QCOMPARE(rows["w.go"].flat, int64_t(70));
        QCOMPARE(rows["f.go"].cum, int64_t(50));
        QCOMPARE(rows["m.go"].cum, int64_t(100));
    }

    void linesGranularity() {
        const FlatTable t = computeFlatTable(*recursiveProfile(), cpuOptions(Granularity::Lines));
        auto rows = rowsByName(t);
        QCOMPARE(rows["fib f.go:12"].flat, int64_t(30));
        QCOMPARE(rows["fib f.go:12"].cum, int64_t(30));
        QCOMPARE(rows["fib f.go:10"].cum, int64_t(30));
        QCOMPARE(rows["fib f.go:11"].cum, int64_t(20));
        QCOMPARE(rows["main m.go:3"].cum, int64_t(50));
        QCOMPARE(rows["work w.go:8"].flat, int64_t(20));
    }

    void trimPathAndClean() {
        auto b = cpuBuilder();
        addStack(b, {{"main", "/proc/self/cwd/./src//app/../app/m.go", 1}}, {1, 10});
        addStack(b, {{"lib", "/build/root/lib/l.go", 1}}, {1, 5});
        const ProfilePtr p = b.build();
        AnalysisOptions o = cpuOptions(Granularity::Files);
        o.nodes.trimPath = "/build/root";
        auto rows = rowsByName(computeFlatTable(*p, o));
        QVERIFY(rows.count("src/app/m.go"));
        QVERIFY(rows.count("lib/l.go"));
    }

    void inlinedFramesAreNodes() {
        auto b = cpuBuilder();
        const Line lines[] = {{b.function("inner", "a.go"), 5, 0},
                              {b.function("outer", "a.go"), 9, 0}};
        const LocId l = b.location(lines);
        const int64_t v[] = {1, 10};
        b.addSample({&l, 1}, v);
        auto rows = rowsByName(computeFlatTable(*b.build(), cpuOptions()));
        QCOMPARE(rows["inner"].flat, int64_t(10));
        QCOMPARE(rows["outer"].flat, int64_t(0));
        QCOMPARE(rows["outer"].cum, int64_t(10));
    }

    void diffAgainstBaseSubtracts() {
        auto b1 = cpuBuilder();
        addStack(b1, {{"main"}, {"work"}}, {1, 100});
        addStack(b1, {{"main"}, {"new"}}, {1, 40});
        auto b2 = cpuBuilder();
        addStack(b2, {{"main"}, {"work"}}, {1, 60});
        addStack(b2, {{"main"}, {"gone"}}, {1, 30});
        const ProfilePtr d = diffAgainstBase(b1.build(), b2.build());
        const FlatTable t = computeFlatTable(*d, cpuOptions());
        QCOMPARE(t.total, int64_t(90));  // pprof: the base's total
        auto rows = rowsByName(t);
        QCOMPARE(rows["work"].flat, int64_t(40));
        QCOMPARE(rows["new"].flat, int64_t(40));
        QCOMPARE(rows["gone"].flat, int64_t(-30));
        QCOMPARE(rows["main"].cum, int64_t(50));
        // Sorted by |flat|: gone (30) after work/new (40).
        QCOMPARE(t.nodes[t.rows[2].node].name, std::string("gone"));
    }

    void mergeSumsIdenticalSamples() {
        auto b1 = cpuBuilder();
        addStack(b1, {{"main"}, {"work"}}, {1, 10});
        auto b2 = cpuBuilder();
        addStack(b2, {{"main"}, {"work"}}, {2, 20});
        addStack(b2, {{"main"}, {"other"}}, {0, 0});  // all-zero: dropped
        const ProfilePtr ps[] = {b1.build(), b2.build()};
        const ProfilePtr m = merge(ps);
        QCOMPARE(m->sampleCount(), size_t(1));
        QCOMPARE(m->sampleValue(0, 1), int64_t(30));
    }

    void mergeRefusesDifferentTypes() {
        auto b1 = cpuBuilder();
        addStack(b1, {{"main"}}, {1, 10});
        ProfileBuilder b2;
        b2.addSampleType("inuse_space", "bytes");
        addStack(b2, {{"main"}}, {10});
        const ProfilePtr ps[] = {b1.build(), b2.build()};
        QVERIFY_THROWS_EXCEPTION(UsageError, merge(ps));
    }

    void callTreeTopDown() {
        const CallTree t = computeCallTree(*recursiveProfile(), cpuOptions());
        QCOMPARE(t.tree[0].total, int64_t(100));
        QCOMPARE(t.children(0).size(), size_t(1));
        const uint32_t mainIndex = t.children(0)[0];
        const auto& mainNode = t.tree[mainIndex];
        QCOMPARE(t.nodes[mainNode.node].name, std::string("main"));
        QCOMPARE(mainNode.total, int64_t(100));
        QCOMPARE(t.children(mainIndex).size(), size_t(2));
        // Children sorted by total: work (50) before fib (50)? equal: by name, fib first.
        const auto& first = t.tree[t.children(mainIndex)[0]];
        QCOMPARE(t.nodes[first.node].name, std::string("fib"));
        QCOMPARE(first.total, int64_t(50));
        QCOMPARE(first.self, int64_t(0));
        // Recursion is a chain of distinct tree nodes: fib -> fib -> fib.
        int64_t depth = 0;
        uint32_t cur = t.children(mainIndex)[0];
        while (t.nodes[t.tree[cur].node].name == "fib") {
            ++depth;
            uint32_t next = cur;
            for (uint32_t c : t.children(cur))
                if (t.nodes[t.tree[c].node].name == "fib") next = c;
            if (next == cur) break;
            cur = next;
        }
        QCOMPARE(depth, int64_t(3));
        QCOMPARE(t.tree[cur].self, int64_t(30));
    }

    void callTreeInverted() {
        const CallTree t =
            computeCallTree(*recursiveProfile(), cpuOptions(), TreeDirection::BottomUp);
        std::map<std::string, int64_t> selfByRootChild;
        for (uint32_t c : t.children(0))
            selfByRootChild[t.nodes[t.tree[c].node].name] = t.tree[c].self;
        QCOMPARE(selfByRootChild["work"], int64_t(70));
        QCOMPARE(selfByRootChild["fib"], int64_t(30));
        QVERIFY(!selfByRootChild.count("main"));
    }

    // Pruning by share keeps the big subtrees exact and accounts for what it leaves out.
    void callTreePrunesSmallSubtrees() {
        auto b = cpuBuilder();
        addStack(b, {{"main", "m.go", 1}, {"work", "w.go", 2}}, {1, 900});
        addStack(b, {{"main", "m.go", 1}, {"tiny", "t.go", 3}}, {1, 5});
        addStack(b, {{"main", "m.go", 1}, {"rare", "r.go", 4}, {"leaf", "l.go", 5}}, {1, 3});
        addStack(b, {{"main", "m.go", 1}}, {1, 92});
        const ProfilePtr p = b.build();
        const CallTree full = computeCallTree(*p, cpuOptions());
        const CallTree pruned = computeCallTree(*p, cpuOptions(), TreeDirection::TopDown, {}, 0.01);
        QCOMPARE(pruned.tree[0].total, full.tree[0].total);
        const uint32_t mainIndex = pruned.children(0)[0];
        QCOMPARE(pruned.tree[mainIndex].total, int64_t(1000));
        QCOMPARE(pruned.tree[mainIndex].self, int64_t(92));
        QCOMPARE(pruned.children(mainIndex).size(), size_t(1));  // only work (900) is >= 10
        QCOMPARE(pruned.tree[mainIndex].prunedCount, uint32_t(2));
        QCOMPARE(pruned.tree[mainIndex].prunedTotal, int64_t(8));
        QVERIFY(pruned.tree.size() < full.tree.size());
        QCOMPARE(full.tree[full.children(0)[0]].prunedCount, uint32_t(0));
    }

    // Large profiles are split among workers and their subtrees numbered afterwards: the tree
    // must be the one a single depth-first walk makes, node for node.
    void callTreeOfManySamplesIsExact() {
        const ProfilePtr p = manySamplesProfile();
        QVERIFY(p->sampleCount() >= 200000);
        for (const double share : {0.0, 1e-4}) {
            const CallTree t = computeCallTree(*p, cpuOptions(), TreeDirection::TopDown, {}, share);
            const CallTree want = plainCallTree(*p, cpuOptions(), share);
            QCOMPARE(t.tree.size(), want.tree.size());
            QVERIFY(t.childList == want.childList);
            for (size_t i = 0; i < t.tree.size(); ++i) {
                const CallTreeNode &a = t.tree[i], &b = want.tree[i];
                QVERIFY2(a.node == b.node && a.parent == b.parent && a.self == b.self &&
                             a.total == b.total && a.negative == b.negative &&
                             a.firstChild == b.firstChild && a.childCount == b.childCount &&
                             a.prunedCount == b.prunedCount && a.prunedTotal == b.prunedTotal &&
                             a.prunedNegative == b.prunedNegative,
                         qPrintable(QString("tree node %1 differs").arg(i)));
            }
        }
    }

    // The table made with the tree is the table computeFlatTable makes.
    void callTreeAndFlatTableAtOnce() {
        for (const ProfilePtr& p : {recursiveProfile(), manySamplesProfile()}) {
            FlatTable table;
            const CallTree t = computeCallTreeAndFlatTable(*p, cpuOptions(), &table,
                                                           TreeDirection::TopDown, {}, 1e-4);
            const FlatTable want = computeFlatTable(*p, cpuOptions());
            QCOMPARE(table.total, want.total);
            QCOMPARE(table.rows.size(), want.rows.size());
            for (size_t i = 0; i < want.rows.size(); ++i) {
                QCOMPARE(table.rows[i].node, want.rows[i].node);
                QCOMPARE(table.rows[i].flat, want.rows[i].flat);
                QCOMPARE(table.rows[i].cum, want.rows[i].cum);
            }
            const CallTree alone =
                computeCallTree(*p, cpuOptions(), TreeDirection::TopDown, {}, 1e-4);
            QCOMPARE(t.tree.size(), alone.tree.size());
            QVERIFY(t.childList == alone.childList);
        }
    }

    void peekCallersAndCallees() {
        const PeekResult r = computePeek(*recursiveProfile(), cpuOptions(), "^fib$");
        QCOMPARE(r.entries.size(), size_t(1));
        const auto& e = r.entries[0];
        QCOMPARE(e.cum, int64_t(50));
        QCOMPARE(e.callers.size(), size_t(1));  // main (fib->fib self edges excluded)
        QCOMPARE(r.nodes[e.callers[0].node].name, std::string("main"));
        QCOMPARE(e.callers[0].weight, int64_t(50));
        QCOMPARE(e.callees.size(), size_t(1));
        QCOMPARE(r.nodes[e.callees[0].node].name, std::string("work"));
        QCOMPARE(e.callees[0].weight, int64_t(20));
    }
    void largeProfileMatchesNaiveComputation() {
        // Big enough for the two-worker paths of the decoder and the table.
        auto b = cpuBuilder();
        std::vector<std::string> names;
        for (int i = 0; i < 60; ++i) names.push_back("pkg.f" + std::to_string(i));
        uint64_t rng = 12345;
        auto next = [&rng] { return rng = rng * 6364136223846793005ull + 1442695040888963407ull; };
        std::map<std::string, std::pair<int64_t, int64_t>> expect;  // name -> flat, cum
        std::vector<embers::test::Frame> stack;
        for (int s = 0; s < 250000; ++s) {
            stack.clear();
            const int depth = 1 + int(next() >> 60);
            std::set<std::string> seen;
            for (int d = 0; d < depth; ++d) stack.push_back({names[(next() >> 33) % names.size()]});
            const int64_t w = int64_t(next() >> 54);
            addStack(b, stack, {1, w});
            for (const auto& f : stack)
                if (seen.insert(f.func).second) expect[f.func].second += w;
            expect[stack.back().func].first += w;
        }
        const ProfilePtr decoded = decodeProfile(encodeProfile(*b.build()));
        QCOMPARE(decoded->sampleCount(), size_t(250000));
        const FlatTable t = computeFlatTable(*decoded, cpuOptions());
        size_t nonZero = 0;
        for (const auto& [name, fc] : expect) nonZero += fc.first != 0 || fc.second != 0;
        QCOMPARE(t.rows.size(), nonZero);
        for (const auto& r : t.rows) {
            const auto& e = expect.at(t.nodes[r.node].name);
            QCOMPARE(r.flat, e.first);
            QCOMPARE(r.cum, e.second);
        }
    }
};

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
