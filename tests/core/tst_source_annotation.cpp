// Source annotation (`embers list`) on small profiles with a source file in a
// temporary folder: per-line flat and cum with pprof's rules (recursion counted
// once, inlined frames, the line range), missing sources, and finding files
// through --source-path and --trim-path.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/errors.h"
#include "core/profile_builder.h"
#include "core/source_annotation.h"

using namespace embers::core;

namespace {

// Writes `lines` numbered lines "src line N" to dir/rel, creating folders.
std::string writeSource(const QTemporaryDir& dir, const std::string& rel, int lines) {
    const std::filesystem::path path = std::filesystem::path(dir.path().toStdString()) / rel;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    for (int i = 1; i <= lines; ++i) out << "src line " << i << "\n";
    return path.string();
}

struct Frame {
    FuncId func;
    int64_t line;
};

// A CPU-like profile, one sample type in nanoseconds.
struct Builder {
    ProfileBuilder b;
    Builder() { b.addSampleType("cpu", "nanoseconds"); }
    // A location of frames, innermost (inlined) first.
    LocId loc(std::initializer_list<Frame> frames, MapId m = kNoMapping) {
        std::vector<Line> lines;
        for (const Frame& f : frames) lines.push_back({f.func, f.line, 0});
        return b.location(lines, m);
    }
    void sample(std::initializer_list<LocId> leafFirst, int64_t v) {
        const std::vector<LocId> locs(leafFirst);
        b.addSample(locs, std::span<const int64_t>(&v, 1));
    }
};

AnalysisOptions cpu() {
    return AnalysisOptions{};
}

const AnnotatedFunction* find(const SourceAnnotation& a, const std::string& name,
                              const std::string& file = {}) {
    for (const auto& f : a.functions)
        if (f.name == name && (file.empty() || f.file == file)) return &f;
    return nullptr;
}

// line -> (flat, cum), for lines with a value.
std::map<int64_t, std::pair<int64_t, int64_t>> sampled(const AnnotatedFunction& f) {
    std::map<int64_t, std::pair<int64_t, int64_t>> m;
    for (const auto& l : f.lines)
        if (l.flat != 0 || l.cum != 0) m[l.line] = {l.flat, l.cum};
    return m;
}

using LineValues = std::map<int64_t, std::pair<int64_t, int64_t>>;

}  // namespace

class TestSourceAnnotation : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string calc_;  // absolute path of calc.go (30 lines)

    // work (calc.go, starts at line 5) with samples on lines 8 and 10, helper
    // (no start line) inlined into work at line 9, main in a file that does
    // not exist.
    ProfilePtr workProfile(const std::string& file) {
        Builder t;
        const FuncId work = t.b.function("pkg.work", file, 5);
        const FuncId helper = t.b.function("pkg.helper", file, 0);
        const FuncId main = t.b.function("main.main", "/nowhere/main.go", 1);
        const LocId lmain = t.loc({{main, 3}});
        const LocId l8 = t.loc({{work, 8}});
        const LocId l10 = t.loc({{work, 10}});
        const LocId inl = t.loc({{helper, 20}, {work, 9}});
        t.sample({l8, lmain}, 10);
        t.sample({l8, l10, l10, lmain}, 20);  // work:10 twice in one stack
        t.sample({inl, l10, lmain}, 30);      // helper inlined at work:9
        t.sample({l8, l8, lmain}, 5);         // leaf line also recurs
        return t.b.build();
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        calc_ = writeSource(dir_, "calc.go", 30);
    }

    void perLineFlatAndCum() {
        SourceOptions so;
        so.sourcePaths = {dir_.path().toStdString()};
        const SourceAnnotation a = annotateSource(*workProfile(calc_), cpu(), "pkg\\.work", so);
        QCOMPARE(a.total, int64_t(65));
        QCOMPARE(a.unit, std::string("nanoseconds"));
        QCOMPARE(a.functions.size(), size_t(1));
        const AnnotatedFunction& f = a.functions[0];
        QCOMPARE(f.name, std::string("pkg.work"));
        // The source path's base name occurs in the file's path, so pprof's
        // heuristic shows (and looks up) the rest.
        QCOMPARE(f.file, std::string("calc.go"));
        QVERIFY(f.sourceError.empty());
        QCOMPARE(f.resolvedPath, calc_);
        // Recursion counts once per line: work:10 gets 20 + 30, not 20*2 + 30;
        // work:8 as the leaf twice in one stack adds 5 once.
        const LineValues want{{8, {35, 35}}, {9, {0, 30}}, {10, {0, 50}}};
        QCOMPARE(sampled(f), want);
        // The routine sums its lines, as pprof's ROUTINE line does.
        QCOMPARE(f.flat, int64_t(35));
        QCOMPARE(f.cum, int64_t(115));
    }

    void rangeRunsFromStartLineToFiveAfterLastSample() {
        SourceOptions so;
        const SourceAnnotation a = annotateSource(*workProfile(calc_), cpu(), "work", so);
        const AnnotatedFunction* f = find(a, "pkg.work");
        QVERIFY(f);
        QCOMPARE(f->lines.size(), size_t(11));  // 5..15
        QCOMPARE(f->lines.front().line, int64_t(5));
        QCOMPARE(f->lines.back().line, int64_t(15));
        for (size_t i = 0; i < f->lines.size(); ++i) {
            QCOMPARE(f->lines[i].line, int64_t(5 + i));
            QCOMPARE(f->lines[i].text, "src line " + std::to_string(5 + i));
        }
    }

    void inlinedFunctionGetsItsOwnLines() {
        SourceOptions so;
        const SourceAnnotation a = annotateSource(*workProfile(calc_), cpu(), "helper", so);
        QCOMPARE(a.functions.size(), size_t(1));
        const AnnotatedFunction& f = a.functions[0];
        QCOMPARE(f.name, std::string("pkg.helper"));
        QCOMPARE(f.flat, int64_t(30));
        QCOMPARE(f.cum, int64_t(30));
        QCOMPARE(sampled(f), (LineValues{{20, {30, 30}}}));
        // No start line in the profile: five lines either side.
        QCOMPARE(f.lines.front().line, int64_t(15));
        QCOMPARE(f.lines.back().line, int64_t(25));
    }

    void rangeIsClippedToTheFile() {
        Builder t;
        const FuncId head = t.b.function("pkg.head", calc_, 0);
        const FuncId tail = t.b.function("pkg.tail", calc_, 0);
        t.sample({t.loc({{head, 2}})}, 1);
        t.sample({t.loc({{tail, 28}})}, 1);
        const SourceAnnotation a = annotateSource(*t.b.build(), cpu(), "head|tail", {});
        QCOMPARE(a.functions.size(), size_t(2));
        QCOMPARE(a.functions[0].name, std::string("pkg.head"));  // sorted by name
        QCOMPARE(a.functions[0].lines.front().line, int64_t(1));
        QCOMPARE(a.functions[0].lines.back().line, int64_t(7));
        QCOMPARE(a.functions[1].lines.front().line, int64_t(23));
        QCOMPARE(a.functions[1].lines.back().line, int64_t(30));
    }

    void sameLineInTwoBinariesIsSummed() {
        Builder t;
        Mapping m;
        m.file = t.b.intern("/bin/a");
        const MapId ma = t.b.mapping(m);
        m.file = t.b.intern("/bin/b");
        const MapId mb = t.b.mapping(m);
        const FuncId work = t.b.function("pkg.work", calc_, 5);
        const LocId a8 = t.loc({{work, 8}}, ma);
        const LocId b8 = t.loc({{work, 8}}, mb);
        t.sample({b8, a8}, 7);  // two report nodes for line 8: cum counts each
        const SourceAnnotation a = annotateSource(*t.b.build(), cpu(), "work", {});
        QCOMPARE(a.functions.size(), size_t(1));
        QCOMPARE(sampled(a.functions[0]), (LineValues{{8, {7, 14}}}));
    }

    void oneRoutinePerFile() {
        const std::string other = writeSource(dir_, "other.go", 3);
        Builder t;
        const FuncId inCalc = t.b.function("pkg.dup", calc_, 0);
        const FuncId inOther = t.b.function("pkg.dup", other, 0);
        const FuncId noFile = t.b.function("pkg.nofile", "", 0);
        t.sample({t.loc({{inOther, 2}}), t.loc({{inCalc, 12}})}, 4);
        t.sample({t.loc({{noFile, 7}})}, 6);
        const SourceAnnotation a = annotateSource(*t.b.build(), cpu(), "pkg", {});
        QCOMPARE(a.functions.size(), size_t(3));
        QCOMPARE(a.functions[0].file, calc_);  // sorted by file within a name
        QCOMPARE(a.functions[0].cum, int64_t(4));
        QCOMPARE(a.functions[0].flat, int64_t(0));
        QCOMPARE(a.functions[1].file, other);
        QCOMPARE(a.functions[1].flat, int64_t(4));
        QCOMPARE(a.functions[1].lines.size(), size_t(3));  // the whole short file
        QCOMPARE(a.functions[2].name, std::string("pkg.nofile"));
        QVERIFY(!a.functions[2].hasSourceInfo);
        QVERIFY(a.functions[2].lines.empty());
        QCOMPARE(a.functions[2].flat, int64_t(6));
    }

    void missingSourceIsReportedNotThrown() {
        SourceOptions so;
        so.sourcePaths = {dir_.path().toStdString()};
        const SourceAnnotation a = annotateSource(*workProfile(calc_), cpu(), "main", so);
        QCOMPARE(a.functions.size(), size_t(1));
        const AnnotatedFunction& f = a.functions[0];
        QCOMPARE(f.file, std::string("/nowhere/main.go"));
        QCOMPARE(f.sourceError, std::string("open /nowhere/main.go: no such file or directory"));
        QVERIFY(f.lines.empty());
        QCOMPARE(f.cum, int64_t(65));

        // A relative path that no source directory (or parent) holds.
        const SourceAnnotation r = annotateSource(*workProfile("pkg/gone.go"), cpu(), "work", so);
        QCOMPARE(r.functions.size(), size_t(1));
        QCOMPARE(r.functions[0].sourceError,
                 "could not find file pkg/gone.go on path " + dir_.path().toStdString());
        QCOMPARE(r.functions[0].flat, int64_t(35));
    }

    void trimPathAndSourcePath() {
        const std::string root = dir_.path().toStdString();
        writeSource(dir_, "proj/src/calc.go", 30);
        const ProfilePtr p = workProfile("/remote/build/proj/src/calc.go");
        auto annotate = [&](SourceOptions so) {
            const SourceAnnotation a = annotateSource(*p, cpu(), "work", so);
            return a.functions.at(0);
        };
        {
            // The trim prefix makes the path relative to the source path.
            SourceOptions so;
            so.trimPath = "/remote/build";
            so.sourcePaths = {root};
            const AnnotatedFunction f = annotate(so);
            QCOMPARE(f.file, std::string("proj/src/calc.go"));
            QCOMPARE(f.resolvedPath, root + "/proj/src/calc.go");
            QCOMPARE(f.lines.size(), size_t(11));
        }
        {
            // Without a trim path, pprof cuts up to the source path's base name.
            SourceOptions so;
            so.sourcePaths = {root + "/proj"};
            const AnnotatedFunction f = annotate(so);
            QCOMPARE(f.file, std::string("src/calc.go"));
            QCOMPARE(f.resolvedPath, root + "/proj/src/calc.go");
        }
        {
            // Each source path's parents are searched too, in order.
            SourceOptions so;
            so.trimPath = "/elsewhere:/remote/build/proj/";
            so.sourcePaths = {root + "/none/x", root + "/proj/deeper/still"};
            const AnnotatedFunction f = annotate(so);
            QCOMPARE(f.file, std::string("src/calc.go"));
            QCOMPARE(f.resolvedPath, root + "/proj/src/calc.go");
        }
        {
            // No source path: the working directory, with the same heuristic.
            SourceOptions so;
            so.workingDir = root + "/proj";
            const AnnotatedFunction f = annotate(so);
            QCOMPARE(f.file, std::string("/remote/build/proj/src/calc.go"));
            QCOMPARE(f.resolvedPath, root + "/proj/src/calc.go");
        }
        {
            SourceOptions so;
            so.trimPath = "/remote";
            so.sourcePaths = {root};
            const AnnotatedFunction f = annotate(so);
            QCOMPARE(f.file, std::string("build/proj/src/calc.go"));
            QCOMPARE(f.sourceError, "could not find file build/proj/src/calc.go on path " + root);
        }
    }

    void trimPathRules() {
        QCOMPARE(trimSourcePath("/a/b/proj/x.go", "", splitPathList("/l/proj")),
                 std::string("x.go"));
        QCOMPARE(trimSourcePath("/a/b/proj/x.go", "", splitPathList("/q:/l/proj/")),
                 std::string("x.go"));
        QCOMPARE(trimSourcePath("/a/b/proj/x.go", "/a/b", splitPathList("/l/proj")),
                 std::string("proj/x.go"));
        QCOMPARE(trimSourcePath("/a/b/x.go", "/zz:/a", splitPathList("")), std::string("b/x.go"));
        QCOMPARE(trimSourcePath("/a/b/x.go", "/a/", splitPathList("")), std::string("b/x.go"));
        QCOMPARE(trimSourcePath("/ab/x.go", "/a", splitPathList("")), std::string("/ab/x.go"));
        QCOMPARE(trimSourcePath("/proc/self/cwd/./x.go", "", splitPathList("")),
                 std::string("x.go"));
        QCOMPARE(trimSourcePath("/proc/self/cwd/y/x.go", "", splitPathList("")),
                 std::string("y/x.go"));
    }

    void customReaderIsUsedAndCached() {
        int reads = 0;
        SourceOptions so;
        so.readFile = [&](const std::string& path) {
            ++reads;
            SourceText t;
            if (path == "/virtual/calc.go") {
                t.found = true;
                for (int i = 1; i <= 30; ++i) t.contents += "v" + std::to_string(i) + "\r\n";
            } else {
                t.error = "open " + path + ": no such file or directory";
            }
            return t;
        };
        const SourceAnnotation a =
            annotateSource(*workProfile("/virtual/calc.go"), cpu(), "pkg\\.", so);
        QCOMPARE(a.functions.size(), size_t(2));  // helper and work, same file
        QCOMPARE(reads, 1);
        QCOMPARE(a.functions[1].lines.front().text, std::string("v5"));  // '\r' dropped
    }

    void overlongLineEndsTheFileLikePprof() {
        SourceOptions so;
        so.readFile = [](const std::string&) {
            SourceText t;
            t.found = true;
            t.contents = "one\ntwo\n" + std::string(70000, 'x') + "\nfour\n";
            return t;
        };
        Builder t;
        const FuncId f = t.b.function("f", "/x.go", 0);
        t.sample({t.loc({{f, 2}})}, 1);
        const SourceAnnotation a = annotateSource(*t.b.build(), cpu(), "f", so);
        QCOMPARE(a.functions.at(0).lines.size(), size_t(2));
    }

    void noMatchAndBadRegex() {
        const ProfilePtr p = workProfile(calc_);
        QVERIFY(annotateSource(*p, cpu(), "nothing_like_this", {}).functions.empty());
        QVERIFY_THROWS_EXCEPTION(UsageError, annotateSource(*p, cpu(), "(", {}));
    }

    void zeroValuedFunctionsDoNotMatch() {
        Builder t;
        const FuncId f = t.b.function("pkg.idle", calc_, 0);
        t.sample({t.loc({{f, 4}})}, 0);
        QVERIFY(annotateSource(*t.b.build(), cpu(), "idle", {}).functions.empty());
    }
};

QTEST_GUILESS_MAIN(TestSourceAnnotation)
#include "tst_source_annotation.moc"
