// Reading and writing profiles: format detection, round trips, text formats,
// and the errors for bad input.
#include <QtTest>

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
};

QTEST_GUILESS_MAIN(TestDecode)
#include "tst_decode.moc"
