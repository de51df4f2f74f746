// Reading and writing profiles: format detection, round trips, text formats,
// and the errors for bad input.
#include <QtTest>

#include <functional>

#include "core/decode.h"
#include "core/encode.h"
#include "core/errors.h"
#include "core/gzip.h"
#include "core/validate.h"
#include "test_profiles.h"

using namespace embers::core;
using embers::test::addStack;
using embers::test::cpuBuilder;

namespace {

// Expects decodeProfile to throw FormatError whose message contains `phrase`.
void expectFormatError(std::string_view bytes, const QString& phrase, DecodeOptions o = {}) {
    try {
        decodeProfile(bytes, o);
        QFAIL(qPrintable("no error, expected one mentioning '" + phrase + "'"));
    } catch (const FormatError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(phrase, Qt::CaseInsensitive), e.what());
    }
}

ProfilePtr sampleProfile() {
    auto b = cpuBuilder();
    Mapping m;
    m.start = 0x400000;
    m.limit = 0x500000;
    m.file = b.intern("/usr/bin/app");
    m.buildId = b.intern("abc123");
    m.hasFunctions = true;
    const MapId map = b.mapping(m);
    // An inlined location: leaf first, caller last.
    const Line inl[] = {{b.function("main.inner", "a.go"), 7, 0},
                        {b.function("main.outer", "a.go"), 20, 0}};
    const LocId l1 = b.location(inl, map, 0x401000);
    const Line root{b.function("main.main", "a.go"), 3, 0};
    const LocId l2 = b.location({&root, 1}, map, 0x402000);
    const LocId stack[] = {l1, l2};
    const int64_t v1[] = {3, 30000000};
    const Label labels[] = {b.stringLabel("worker", "alpha"),
                            b.numericLabel("bytes", 512, "bytes")};
    b.addSample(stack, v1, labels);
    const int64_t v2[] = {1, 10000000};
    b.addSample({stack + 1, 1}, v2);
    b.data().timeNanos = 1700000000000000000;
    b.data().durationNanos = 2000000000;
    b.data().comments.push_back(b.intern("captured by a test"));
    b.data().defaultSampleType = b.intern("cpu");
    return b.build();
}

// A profile large enough for the streaming decoder (over kStreamingMinSize uncompressed):
// deep stacks, inlined lines, string and numeric labels, negative values.
ProfilePtr largeProfile() {
    auto b = cpuBuilder();
    std::vector<LocId> locs;
    for (int i = 0; i < 3000; ++i) {
        const std::string name = "pkg.func" + std::to_string(i);
        std::vector<Line> lines{
            {b.function(name, "f" + std::to_string(i % 40) + ".go"), i % 97, 0}};
        if (i % 7 == 0) lines.push_back({b.function(name + ".caller", "g.go"), i, 0});
        locs.push_back(b.location(lines, kNoMapping, 0x1000 + uint64_t(i)));
    }
    uint64_t x = 12345;
    auto next = [&x](uint64_t n) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        return (x >> 33) % n;
    };
    std::vector<LocId> stack;
    for (int s = 0; s < 30000; ++s) {
        stack.clear();
        const size_t depth = 1 + next(40);
        for (size_t d = 0; d < depth; ++d) stack.push_back(locs[next(locs.size())]);
        std::vector<Label> labels;
        if (s % 3 == 0) labels.push_back(b.stringLabel("worker", "w" + std::to_string(s % 5)));
        if (s % 4 == 0) labels.push_back(b.numericLabel("bytes", int64_t(s) * 977, "bytes"));
        const int64_t count = int64_t(next(5)) - (s % 11 == 0 ? 3 : 0);
        const int64_t values[] = {count, count * 10000000};
        b.addSample(stack, values, labels);
    }
    return b.build();
}

void expectSameData(const ProfileData& a, const ProfileData& b) {
    QVERIFY(a.strings == b.strings);
    QCOMPARE(a.locations.size(), b.locations.size());
    QCOMPARE(a.lines.size(), b.lines.size());
    QCOMPARE(a.functions.size(), b.functions.size());
    QVERIFY(a.locStart == b.locStart);
    QVERIFY(a.sampleLocs == b.sampleLocs);
    QVERIFY(a.values == b.values);
    QVERIFY(a.labelStart == b.labelStart);
    QCOMPARE(a.labels.size(), b.labels.size());
    for (size_t i = 0; i < a.labels.size(); ++i) {
        QCOMPARE(a.labels[i].key, b.labels[i].key);
        QCOMPARE(a.labels[i].str, b.labels[i].str);
        QCOMPARE(a.labels[i].num, b.labels[i].num);
        QCOMPARE(a.labels[i].numUnit, b.labels[i].numUnit);
    }
    QCOMPARE(a.period, b.period);
}

// The message of the FormatError that decoding throws, or "" when none.
std::string errorOf(const std::function<void()>& decode) {
    try {
        decode();
    } catch (const FormatError& e) {
        return e.what();
    }
    return {};
}

}  // namespace

class TestDecode : public QObject {
    Q_OBJECT
private slots:
    void roundTripKeepsEverything() {
        const ProfilePtr p = sampleProfile();
        checkValid(*p);
        const std::string bytes = encodeProfile(*p);
        QVERIFY(isGzip(bytes));
        const ProfilePtr q = decodeProfile(bytes);
        checkValid(*q);
        QCOMPARE(q->sampleCount(), size_t(2));
        QCOMPARE(q->sampleTypeName(1), std::string("cpu"));
        QCOMPARE(q->sampleUnit(1), std::string("nanoseconds"));
        QCOMPARE(q->defaultSampleIndex(), size_t(1));
        QCOMPARE(q->data().timeNanos, p->data().timeNanos);
        QCOMPARE(q->data().durationNanos, int64_t(2000000000));
        QCOMPARE(q->data().period, int64_t(10000000));
        QCOMPARE(std::string(q->str(q->data().comments.at(0))), std::string("captured by a test"));
        const auto locs = q->sampleLocations(0);
        QCOMPARE(locs.size(), size_t(2));
        const auto lines = q->lines(q->location(locs[0]));
        QCOMPARE(lines.size(), size_t(2));
        QCOMPARE(std::string(q->str(q->function(lines[0].function).name)),
                 std::string("main.inner"));
        QCOMPARE(lines[0].line, int64_t(7));
        QCOMPARE(std::string(q->str(q->function(lines[1].function).name)),
                 std::string("main.outer"));
        QCOMPARE(q->location(locs[0]).address, uint64_t(0x401000));
        const Mapping& m = q->mapping(q->location(locs[0]).mapping);
        QCOMPARE(std::string(q->str(m.file)), std::string("/usr/bin/app"));
        QCOMPARE(std::string(q->str(m.buildId)), std::string("abc123"));
        QCOMPARE(q->sampleValue(0, 1), int64_t(30000000));
        const auto labels = q->sampleLabels(0);
        QCOMPARE(labels.size(), size_t(2));
        QCOMPARE(std::string(q->str(labels[0].key)), std::string("worker"));
        QCOMPARE(std::string(q->str(labels[0].str)), std::string("alpha"));
        QCOMPARE(labels[1].num, int64_t(512));
        QVERIFY(labels[1].isNumeric());
    }

    void rawProtoIsReadWithoutGzip() {
        const ProfilePtr p = sampleProfile();
        const std::string raw = encodeProto(*p);
        QVERIFY(!isGzip(raw));
        QCOMPARE(decodeProfile(raw)->sampleCount(), size_t(2));
    }

    void sampleTypeByNameOrIndex() {
        const ProfilePtr p = sampleProfile();
        QCOMPARE(p->sampleIndex("samples"), size_t(0));
        QCOMPARE(p->sampleIndex("1"), size_t(1));
        QVERIFY_THROWS_EXCEPTION(UsageError, p->sampleIndex("inuse_space"));
        QVERIFY_THROWS_EXCEPTION(UsageError, p->sampleIndex("7"));
    }

    void defaultSampleTypeIsLastWhenUnset() {
        auto b = cpuBuilder();
        addStack(b, {{"main"}}, {1, 2});
        QCOMPARE(b.build()->defaultSampleIndex(), size_t(1));
    }

    void foldedStacks() {
        const ProfilePtr p = decodeProfile("main;work;leaf 42\nmain;work 8\n\nmain;other;leaf 1\n");
        QCOMPARE(p->sampleCount(), size_t(3));
        QCOMPARE(p->sampleTypeName(0), std::string("samples"));
        const auto locs = p->sampleLocations(0);
        QCOMPARE(locs.size(), size_t(3));
        auto name = [&](LocId l) {
            return std::string(p->str(p->function(p->lines(p->location(l))[0].function).name));
        };
        QCOMPARE(name(locs[0]), std::string("leaf"));  // leaf first
        QCOMPARE(name(locs[2]), std::string("main"));
        QCOMPARE(p->sampleValue(0, 0), int64_t(42));
        // "leaf" under "work" and under "other" is the same function.
        QCOMPARE(p->functions().size(), size_t(4));
    }

    // A large folded file reports how far it has read, and stops when asked to.
    void foldedStacksReportProgressAndCancel() {
        std::string text;
        for (int i = 0; i < 100000; ++i) text += "main;work;leaf" + std::to_string(i % 50) + " 1\n";
        std::vector<double> seen;
        DecodeOptions o;
        o.progress = [&](double f) {
            seen.push_back(f);
            return true;
        };
        QCOMPARE(decodeProfile(text, o)->sampleCount(), size_t(100000));
        QVERIFY(seen.size() >= 5);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QVERIFY(seen.back() > 0.9 && seen.back() <= 1.0);
        o.progress = [](double f) { return f < 0.5; };
        QVERIFY_THROWS_EXCEPTION(Cancelled, decodeProfile(text, o));
    }

    void foldedStacksWithBadLine() {
        expectFormatError("main;work 4\nthis is not a stack\n", "line 2");
    }

    void goroutineDebug1() {
        const std::string text =
            "goroutine profile: total 3\n"
            "2 @ 0x43a0b6 0x4a1f6f 0x46b181\n"
            "#\t0x4a1f6e\tmain.worker+0x2e\t/src/main.go:42\n"
            "#\t0x46b180\truntime.goexit+0x0\t/go/src/runtime/asm_amd64.s:1594\n"
            "\n"
            "1 @ 0x43a0b6 0x46b181\n"
            "# labels: {\"worker\":\"alpha\"}\n"
            "#\t0x4a1f00\tmain.main+0x10\t/src/main.go:10\n"
            "\n";
        const ProfilePtr p = decodeProfile(text);
        QCOMPARE(p->sampleTypeName(0), std::string("goroutine"));
        QCOMPARE(p->sampleCount(), size_t(2));
        QCOMPARE(p->sampleValue(0, 0), int64_t(2));
        QCOMPARE(p->sampleLocations(0).size(), size_t(2));
        const Line& leaf = p->lines(p->location(p->sampleLocations(0)[0]))[0];
        QCOMPARE(std::string(p->str(p->function(leaf.function).name)), std::string("main.worker"));
        QCOMPARE(leaf.line, int64_t(42));
        QCOMPARE(p->sampleLabels(1).size(), size_t(1));
        QCOMPARE(std::string(p->str(p->sampleLabels(1)[0].str)), std::string("alpha"));
    }

    // A function line without its file:line line (a cut or hand-written dump) is still a
    // frame.
    void goroutineDebug2WithoutFileLines() {
        const ProfilePtr p = decodeProfile(std::string_view(
            "goroutine 1 [running]:\nmain.work(0x1)\nmain.main()\n\tmain.go:10 +0x1d\n"));
        QCOMPARE(p->sampleCount(), size_t(1));
        const auto locs = p->sampleLocations(0);
        QCOMPARE(locs.size(), size_t(2));
        QCOMPARE(std::string(p->str(p->function(p->lines(p->location(locs[0]))[0].function).name)),
                 std::string("main.work"));
    }

    void goroutineDebug2() {
        const std::string text =
            "goroutine 1 [running]:\n"
            "main.main()\n"
            "\t/src/main.go:10 +0x1d\n"
            "\n"
            "goroutine 17 [chan receive, 5 minutes]:\n"
            "main.(*pool).worker(0xc000010000, 0x1)\n"
            "\t/src/main.go:42 +0x2e\n"
            "created by main.main in goroutine 1\n"
            "\t/src/main.go:30 +0x5f\n";
        const ProfilePtr p = decodeProfile(text);
        QCOMPARE(p->sampleCount(), size_t(2));
        const Line& leaf = p->lines(p->location(p->sampleLocations(1)[0]))[0];
        QCOMPARE(std::string(p->str(p->function(leaf.function).name)),
                 std::string("main.(*pool).worker"));
        bool sawState = false, sawWait = false;
        for (const Label& l : p->sampleLabels(1)) {
            if (p->str(l.key) == "state") sawState = p->str(l.str) == "chan receive";
            if (p->str(l.key) == "wait") sawWait = l.num == 5;
        }
        QVERIFY(sawState);
        QVERIFY(sawWait);
    }

    void emptyInput() { expectFormatError("", "empty"); }
    void htmlPage() { expectFormatError("<!DOCTYPE html><html><body>Login</body></html>", "HTML"); }
    void gzippedHtmlPage() { expectFormatError(gzip("  <html><head></head></html>"), "HTML"); }

    void truncatedGzip() {
        const std::string bytes = encodeProfile(*sampleProfile());
        expectFormatError(std::string_view(bytes).substr(0, bytes.size() / 2), "truncated");
    }

    void decompressionCap() {
        const std::string bomb = gzip(std::string(4 << 20, '\0'));
        QVERIFY(bomb.size() < 64 * 1024);
        DecodeOptions o;
        o.maxDecompressedSize = 1 << 20;
        expectFormatError(bomb, "more than 1 MiB", o);
    }

    void parseByteSizes() {
        QCOMPARE(parseByteSize("1GiB"), uint64_t(1) << 30);
        QCOMPARE(parseByteSize("512MiB"), uint64_t(512) << 20);
        QCOMPARE(parseByteSize("64k"), uint64_t(64) << 10);
        QCOMPARE(parseByteSize("1000"), uint64_t(1000));
        QCOMPARE(parseByteSize("lots"), uint64_t(0));
    }

    // Large gzip-compressed profiles are decoded while they are inflated; the result must be
    // the same as decoding the inflated bytes at once.
    void streamingDecodeMatchesWholeDecode() {
        const std::string raw = encodeProto(*largeProfile());
        QVERIFY(raw.size() > kStreamingMinSize);
        const std::string gz = gzip(raw);
        const ProfilePtr whole = decodeProto(raw);
        GunzipStream stream(gz, raw.size() + 1);
        const ProfilePtr streamed = decodeProtoStreaming(stream, gz.size());
        QVERIFY(streamed);  // not handed over to the general decoder
        expectSameData(streamed->data(), whole->data());
        expectSameData(decodeProfile(gz)->data(), whole->data());
        expectSameData(decodeOwnedProfile(std::string(gz))->data(), whole->data());
    }

    // An unusual or broken record makes the streaming decoder hand over to the general one,
    // which reports the problem as it always has.
    void streamingDecodeReportsProblemsLikeWholeDecode() {
        const std::string raw = encodeProto(*largeProfile());
        // A sample with an unknown location, one with the wrong number of values, one with
        // an unknown field, one whose label names a string past the table.
        const std::string extra[] = {
            std::string("\x12\x09\x0a\x03\xff\xff\x7f\x10\x01\x10\x01", 11),
            std::string("\x12\x05\x0a\x01\x01\x10\x01", 7),
            std::string("\x12\x09\x0a\x01\x01\x38\x01\x10\x01\x10\x02", 11),
            std::string("\x12\x0d\x0a\x01\x01\x10\x01\x10\x02\x1a\x04\x08\x80\x80\x40", 15),
        };
        int errors = 0;
        for (const std::string& e : extra) {
            const std::string bad = raw + e;
            const std::string expected = errorOf([&] { decodeProto(bad); });
            errors += !expected.empty();
            const std::string gz = gzip(bad);
            QCOMPARE(errorOf([&] { decodeProfile(gz); }), expected);
            if (expected.empty())
                expectSameData(decodeProfile(gz)->data(), decodeProto(bad)->data());
        }
        QCOMPARE(errors, 3);
        // Concatenated gzip members decode like the whole.
        const std::string twoMembers =
            gzip(raw.substr(0, raw.size() / 2)) + gzip(raw.substr(raw.size() / 2));
        expectSameData(decodeProfile(twoMembers)->data(), decodeProto(raw)->data());
    }

    void cancelStopsStreamingDecode() {
        const std::string bytes = gzip(encodeProto(*largeProfile()));
        DecodeOptions o;
        o.progress = [](double) { return false; };
        QVERIFY_THROWS_EXCEPTION(Cancelled, decodeProfile(bytes, o));
    }

    void cancelStopsDecoding() {
        const std::string bytes = encodeProfile(*sampleProfile());
        DecodeOptions o;
        o.progress = [](double) { return false; };
        QVERIFY_THROWS_EXCEPTION(Cancelled, decodeProfile(bytes, o));
    }

    void atomicWriteReplacesWholeFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("out.pb.gz").toStdString();
        writeFileAtomically(path, "first version, longer");
        writeFileAtomically(path, "second");
        QCOMPARE(readFileBytes(path), std::string("second"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);  // no temporary left
    }

    void missingFileNamesThePath() {
        try {
            readProfileFile("/nonexistent/dir/cpu.pb.gz");
            QFAIL("no error");
        } catch (const FormatError& e) {
            QVERIFY(QString(e.what()).startsWith("/nonexistent/dir/cpu.pb.gz: "));
        }
    }

    // A folder given for a file: said so, not "out of memory" (its size reads as huge).
    void folderIsNotAProfile() {
        QTemporaryDir dir;
        try {
            readProfileFile(dir.path().toStdString());
            QFAIL("no error");
        } catch (const FormatError& e) {
            QCOMPARE(QString(e.what()),
                     dir.path() + ": is a folder, not a profile; choose a .pb.gz file in it");
        }
    }
};

QTEST_GUILESS_MAIN(TestDecode)
#include "tst_decode.moc"
