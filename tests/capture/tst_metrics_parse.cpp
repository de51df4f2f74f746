// The metrics parsers (Prometheus text, expvar JSON) on what the Go test
// server really serves, and on the corners of the formats; counter rates and
// the bounded series.
//
// Fixtures (tests/data/capture/metrics/) were saved from tests/goserver with
// curl: goserver_metrics.txt from /metrics, goserver_debug_vars.json from
// /debug/vars; agent_metrics.txt and agent_debug_vars.json the same from
// embers-demo (the C++ agent).

#include <QFile>
#include <QTest>

#include <cmath>
#include <limits>

#include "client/metrics_parse.h"

using namespace embers::capture;

Q_DECLARE_METATYPE(embers::capture::MetricsSource)

namespace {

QByteArray fixture(const QString& name) {
    const QString dir = qEnvironmentVariable("EMBERS_TEST_DATA");
    QFile f(dir + QStringLiteral("/capture/metrics/") + name);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

QStringList names(const MetricSnapshot& s) {
    QStringList out;
    for (const MetricSample& m : s.samples) out << m.name;
    return out;
}

}  // namespace

class MetricsParseTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void goserverPrometheus();
    void goserverExpvar();
    void agentPrometheus();
    void agentExpvar();
    void detect_data();
    void detect();
    void parseMetricsRefusesHtml();

    void prometheusEdgeCases();
    void prometheusHistogram();
    void prometheusErrors_data();
    void prometheusErrors();

    void expvarNested();
    void expvarErrors();

    void rates();
    void ratesOfSeries();
    void seriesIsBounded();
    void defaultCapacityIsADay();
};

void MetricsParseTest::initTestCase() {
    QVERIFY2(!qEnvironmentVariable("EMBERS_TEST_DATA").isEmpty(),
             "EMBERS_TEST_DATA is not set: run this test through ctest");
    QVERIFY(!fixture(QStringLiteral("goserver_metrics.txt")).isEmpty());
    QVERIFY(!fixture(QStringLiteral("goserver_debug_vars.json")).isEmpty());
}

void MetricsParseTest::goserverPrometheus() {
    const MetricSnapshot s = parsePrometheusText(fixture(QStringLiteral("goserver_metrics.txt")));
    QVERIFY2(s.ok(), qPrintable(s.error));
    QCOMPARE(s.source, MetricsSource::Prometheus);
    QCOMPARE(s.families.size(), 12);
    QCOMPARE(s.samples.size(), 18);

    const MetricFamily& gc = s.families.front();
    QCOMPARE(gc.name, QStringLiteral("go_gc_duration_seconds"));
    QCOMPARE(gc.type, MetricType::Summary);
    QCOMPARE(gc.help, QStringLiteral("Summary of the pause times of garbage collection cycles."));

    const QStringList n = names(s);
    QCOMPARE(n.front(), QStringLiteral("go_gc_duration_seconds{quantile=\"0\"}"));
    const MetricSample* median = s.find(QStringLiteral("go_gc_duration_seconds{quantile=\"0.5\"}"));
    QVERIFY(median);
    QCOMPARE(median->value, 0.001441264);
    QCOMPARE(median->metric, QStringLiteral("go_gc_duration_seconds"));
    QCOMPARE(median->family, QStringLiteral("go_gc_duration_seconds"));
    QCOMPARE(median->labels.size(), 1);
    QCOMPARE(median->labels.front().first, QStringLiteral("quantile"));
    QCOMPARE(median->labels.front().second, QStringLiteral("0.5"));
    QVERIFY(!median->isCounter());

    const MetricSample* sum = s.find(QStringLiteral("go_gc_duration_seconds_sum"));
    const MetricSample* count = s.find(QStringLiteral("go_gc_duration_seconds_count"));
    QVERIFY(sum && count);
    QCOMPARE(sum->family, QStringLiteral("go_gc_duration_seconds"));
    QCOMPARE(sum->type, MetricType::Summary);
    QVERIFY(sum->isCounter());
    QVERIFY(count->isCounter());
    QCOMPARE(count->value, 4.0);

    QCOMPARE(s.value(QStringLiteral("go_goroutines")), std::optional<double>(34));
    QCOMPARE(s.value(QStringLiteral("go_info{version=\"go1.19.8\"}")), std::optional<double>(1));
    QCOMPARE(s.value(QStringLiteral("go_memstats_heap_alloc_bytes")),
             std::optional<double>(13208672));
    QCOMPARE(s.value(QStringLiteral("go_memstats_alloc_bytes_total")),
             std::optional<double>(14905800));
    QCOMPARE(s.value(QStringLiteral("process_start_time_seconds")),
             std::optional<double>(1.795455646093385e+09));

    const MetricSample* cpu = s.find(QStringLiteral("process_cpu_seconds_total"));
    QVERIFY(cpu);
    QCOMPARE(cpu->type, MetricType::Counter);
    QVERIFY(cpu->isCounter());
    QCOMPARE(cpu->value, 0.878048);
    QVERIFY(!s.find(QStringLiteral("go_goroutines"))->isCounter());
    QCOMPARE(s.find(QStringLiteral("go_goroutines"))->type, MetricType::Gauge);
    QVERIFY(!s.find(QStringLiteral("go_goroutines"))->timestampMs);
}

void MetricsParseTest::goserverExpvar() {
    const MetricSnapshot s = parseExpvarJson(fixture(QStringLiteral("goserver_debug_vars.json")));
    QVERIFY2(s.ok(), qPrintable(s.error));
    QCOMPARE(s.source, MetricsSource::Expvar);
    // 32 memstats fields less the arrays PauseNs, PauseEnd, BySize and the
    // booleans EnableGC, DebugGC; cmdline is left out.
    QCOMPARE(s.samples.size(), 27);
    const QStringList n = names(s);
    for (const QString& name : n)
        QVERIFY2(name.startsWith(QLatin1String("memstats.")), qPrintable(name));
    QVERIFY(!n.contains(QStringLiteral("memstats.PauseNs")));
    QVERIFY(!n.contains(QStringLiteral("memstats.BySize")));
    QVERIFY(!n.contains(QStringLiteral("memstats.EnableGC")));

    QCOMPARE(s.value(QStringLiteral("memstats.HeapAlloc")), std::optional<double>(13375232));
    QCOMPARE(s.value(QStringLiteral("memstats.NumGC")), std::optional<double>(4));
    QVERIFY(s.value(QStringLiteral("memstats.GCCPUFraction")).has_value());
    QCOMPARE(s.find(QStringLiteral("memstats.HeapAlloc"))->type, MetricType::Gauge);
    QVERIFY(s.find(QStringLiteral("memstats.TotalAlloc"))->isCounter());
    QVERIFY(s.find(QStringLiteral("memstats.NumGC"))->isCounter());
    QVERIFY(!s.find(QStringLiteral("memstats.NextGC"))->isCounter());
}

void MetricsParseTest::agentPrometheus() {
    const MetricSnapshot s = parsePrometheusText(fixture(QStringLiteral("agent_metrics.txt")));
    QVERIFY2(s.ok(), qPrintable(s.error));
    QCOMPARE(s.families.size(), 16);
    QCOMPARE(s.samples.size(), 16);
    for (const MetricSample& m : s.samples) {
        QVERIFY2(m.type != MetricType::Untyped, qPrintable(m.name));
        QCOMPARE(m.isCounter(), m.name.endsWith(QLatin1String("_total")));
    }
    QCOMPARE(s.value(QStringLiteral("process_cpu_seconds_total")),
             std::optional<double>(4.7486460890000002));
    QCOMPARE(s.value(QStringLiteral("embers_heap_inuse_bytes")), std::optional<double>(33852528));
    QCOMPARE(s.value(QStringLiteral("process_threads")), std::optional<double>(16));
}

void MetricsParseTest::agentExpvar() {
    const QByteArray json = fixture(QStringLiteral("agent_debug_vars.json"));
    QCOMPARE(detectMetricsSource(QStringLiteral("application/json; charset=utf-8"), json),
             MetricsSource::Expvar);
    const MetricSnapshot s = parseExpvarJson(json);
    QVERIFY2(s.ok(), qPrintable(s.error));
    QCOMPARE(s.samples.size(), 8 + 9 + 6);  // memstats, process, heap
    QCOMPARE(s.value(QStringLiteral("memstats.HeapAlloc")), std::optional<double>(33866080));
    QCOMPARE(s.value(QStringLiteral("process.threads")), std::optional<double>(16));
    QCOMPARE(s.value(QStringLiteral("heap.sample_rate_bytes")), std::optional<double>(524288));
    QVERIFY(s.find(QStringLiteral("process.cpu_seconds"))->isCounter());
    QVERIFY(s.find(QStringLiteral("heap.sampled_alloc_bytes_total"))->isCounter());
    QVERIFY(!s.find(QStringLiteral("process.resident_memory_bytes"))->isCounter());
    QCOMPARE(s.find(QStringLiteral("process.threads"))->type, MetricType::Untyped);
}

void MetricsParseTest::detect_data() {
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<MetricsSource>("expected");
    QTest::newRow("goserver metrics")
        << "text/plain; version=0.0.4; charset=utf-8"
        << fixture(QStringLiteral("goserver_metrics.txt")) << MetricsSource::Prometheus;
    QTest::newRow("goserver vars")
        << "application/json; charset=utf-8" << fixture(QStringLiteral("goserver_debug_vars.json"))
        << MetricsSource::Expvar;
    QTest::newRow("no content type, text")
        << "" << QByteArray("# TYPE x gauge\nx 1\n") << MetricsSource::Prometheus;
    QTest::newRow("bare samples") << "text/plain" << QByteArray("up 1\nfoo{a=\"b\"} 2\n")
                                  << MetricsSource::Prometheus;
    QTest::newRow("openmetrics") << "application/openmetrics-text; version=1.0.0"
                                 << QByteArray("# EOF\n") << MetricsSource::Prometheus;
    QTest::newRow("json, wrong type")
        << "text/plain" << QByteArray("  {\"a\": 1}") << MetricsSource::Expvar;
    QTest::newRow("html") << "text/html" << QByteArray("<!DOCTYPE html><title>Login</title>")
                          << MetricsSource::Unknown;
    QTest::newRow("html as text") << "text/plain" << QByteArray("\n<html>")
                                  << MetricsSource::Unknown;
    QTest::newRow("empty") << "" << QByteArray() << MetricsSource::Unknown;
    QTest::newRow("empty prometheus")
        << "text/plain; version=0.0.4" << QByteArray("\n") << MetricsSource::Prometheus;
    QTest::newRow("gzip") << "application/octet-stream" << QByteArray("\x1f\x8b\x08\x00", 4)
                          << MetricsSource::Unknown;
    QTest::newRow("prose") << "text/plain" << QByteArray("missing bearer token\n")
                           << MetricsSource::Unknown;
}

void MetricsParseTest::detect() {
    QFETCH(QString, contentType);
    QFETCH(QByteArray, body);
    QFETCH(MetricsSource, expected);
    QCOMPARE(detectMetricsSource(contentType, body), expected);
}

void MetricsParseTest::parseMetricsRefusesHtml() {
    const MetricSnapshot s =
        parseMetrics(QStringLiteral("text/html; charset=utf-8"), "<html><body>Sign in</body>");
    QVERIFY(!s.ok());
    QCOMPARE(s.source, MetricsSource::Unknown);
    QVERIFY2(s.error.contains(QLatin1String("text/html")), qPrintable(s.error));
    QVERIFY(parseMetrics(QString(), "  \n").error.contains(QLatin1String("empty")));
}

void MetricsParseTest::prometheusEdgeCases() {
    const QByteArray text =
        "# a free comment\r\n"
        "#\n"
        "   \n"
        "# HELP odd_help Back\\\\slash and\\nnew line.\n"
        "# TYPE odd_help gauge\n"
        "odd_help 1.5e3 1700000000000\r\n"
        "not_a_number NaN\n"
        "big +Inf\n"
        "small -Inf\n"
        "# TYPE requests_total counter\n"
        "requests_total{ path = \"C:\\\\dir\" , msg=\"say \\\"hi\\\"\\nbye\", } 7 -5\n"
        "\tindented_untyped 3\n"
        "colons:in:name 4\n";
    const MetricSnapshot s = parsePrometheusText(text);
    QVERIFY2(s.ok(), qPrintable(s.error));
    QCOMPARE(s.samples.size(), 7);

    QCOMPARE(s.families.front().help, QStringLiteral("Back\\slash and\nnew line."));
    const MetricSample* odd = s.find(QStringLiteral("odd_help"));
    QVERIFY(odd);
    QCOMPARE(odd->value, 1500.0);
    QCOMPARE(odd->timestampMs, std::optional<qint64>(1700000000000));
    QCOMPARE(odd->type, MetricType::Gauge);

    QVERIFY(std::isnan(*s.value(QStringLiteral("not_a_number"))));
    QCOMPARE(*s.value(QStringLiteral("big")), std::numeric_limits<double>::infinity());
    QCOMPARE(*s.value(QStringLiteral("small")), -std::numeric_limits<double>::infinity());

    const MetricSample& r = s.samples.at(4);
    QCOMPARE(r.metric, QStringLiteral("requests_total"));
    QCOMPARE(r.labels.size(), 2);
    QCOMPARE(r.labels.at(0).first, QStringLiteral("path"));
    QCOMPARE(r.labels.at(0).second, QStringLiteral("C:\\dir"));
    QCOMPARE(r.labels.at(1).second, QStringLiteral("say \"hi\"\nbye"));
    // The name escapes the values again, as the exposition format writes them.
    QCOMPARE(r.name,
             QStringLiteral("requests_total{path=\"C:\\\\dir\",msg=\"say \\\"hi\\\"\\nbye\"}"));
    QCOMPARE(r.timestampMs, std::optional<qint64>(-5));
    QVERIFY(r.isCounter());

    const MetricSample* untyped = s.find(QStringLiteral("indented_untyped"));
    QVERIFY(untyped);
    QCOMPARE(untyped->type, MetricType::Untyped);
    QVERIFY(!untyped->isCounter());
    QCOMPARE(s.value(QStringLiteral("colons:in:name")), std::optional<double>(4));
    QCOMPARE(metricTypeName(MetricType::Histogram), QStringLiteral("histogram"));
}

void MetricsParseTest::prometheusHistogram() {
    const QByteArray text =
        "# TYPE rpc_seconds histogram\n"
        "rpc_seconds_bucket{le=\"0.1\"} 3\n"
        "rpc_seconds_bucket{le=\"+Inf\"} 5\n"
        "rpc_seconds_sum 1.25\n"
        "rpc_seconds_count 5\n"
        "# TYPE gauge_sum gauge\n"
        "gauge_sum 2\n";
    const MetricSnapshot s = parsePrometheusText(text);
    QVERIFY2(s.ok(), qPrintable(s.error));
    QCOMPARE(s.families.size(), 2);
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(s.samples.at(i).family, QStringLiteral("rpc_seconds"));
        QCOMPARE(s.samples.at(i).type, MetricType::Histogram);
        QVERIFY(s.samples.at(i).isCounter());
    }
    QCOMPARE(s.samples.at(1).name, QStringLiteral("rpc_seconds_bucket{le=\"+Inf\"}"));
    // A gauge whose name ends in _sum is its own family.
    QCOMPARE(s.samples.at(4).family, QStringLiteral("gauge_sum"));
    QVERIFY(!s.samples.at(4).isCounter());
}

void MetricsParseTest::prometheusErrors_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");
    QTest::addColumn<int>("kept");  // samples parsed before the bad line
    QTest::newRow("no value") << QByteArray("a 1\nb\n") << "line 2: b has no value" << 1;
    QTest::newRow("bad number") << QByteArray("a 1\n\nb 12abc\n")
                                << "line 3: '12abc' is not a number" << 1;
    QTest::newRow("bad timestamp")
        << QByteArray("a 1 1.5\n") << "line 1: '1.5' is not a timestamp" << 0;
    QTest::newRow("trailing text") << QByteArray("a 1 2 3\n") << "line 1: unexpected '3'" << 0;
    QTest::newRow("unterminated value") << QByteArray("# TYPE a gauge\na{x=\"open} 1\n")
                                        << "line 2: unterminated value of label x" << 0;
    QTest::newRow("unterminated set")
        << QByteArray("a{x=\"1\"") << "line 1: unterminated label set" << 0;
    QTest::newRow("unquoted") << QByteArray("a{x=1} 2\n") << "line 1: the value of label x" << 0;
    QTest::newRow("no name") << QByteArray("a 1\n{x=\"1\"} 2\n") << "line 2: expected a metric name"
                             << 1;
    QTest::newRow("unknown type") << QByteArray("# TYPE a meter\n")
                                  << "line 1: unknown metric type 'meter'" << 0;
    QTest::newRow("second type") << QByteArray("# TYPE a gauge\na 1\n# TYPE a counter\n")
                                 << "line 3: a second # TYPE line for a" << 1;
    QTest::newRow("type without name") << QByteArray("# TYPE\n") << "line 1: # TYPE without" << 0;
}

void MetricsParseTest::prometheusErrors() {
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    QFETCH(int, kept);
    const MetricSnapshot s = parsePrometheusText(text);
    QVERIFY(!s.ok());
    QVERIFY2(s.error.startsWith(error), qPrintable(s.error));
    QCOMPARE(s.samples.size(), kept);
}

void MetricsParseTest::expvarNested() {
    const MetricSnapshot s = parseExpvarJson(
        R"({"cmdline": ["x", "-v"], "requests": {"ok": 3, "by": {"code": {"500": 2}}},
            "up": true, "name": "svc", "none": null, "list": [1, 2], "ratio": 0.25,
            "memstats": {"HeapAlloc": 10, "Mallocs": 7, "PauseNs": [1, 2]}})");
    QVERIFY2(s.ok(), qPrintable(s.error));
    QCOMPARE(names(s),
             (QStringList{QStringLiteral("memstats.HeapAlloc"), QStringLiteral("memstats.Mallocs"),
                          QStringLiteral("ratio"), QStringLiteral("requests.by.code.500"),
                          QStringLiteral("requests.ok")}));
    QCOMPARE(s.value(QStringLiteral("requests.by.code.500")), std::optional<double>(2));
    QCOMPARE(s.find(QStringLiteral("ratio"))->type, MetricType::Untyped);
    QVERIFY(s.find(QStringLiteral("memstats.Mallocs"))->isCounter());
}

void MetricsParseTest::expvarErrors() {
    const MetricSnapshot bad = parseExpvarJson("{\n\"a\": 1,\n\"b\": }\n");
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error.startsWith(QLatin1String("line 3: ")), qPrintable(bad.error));
    const MetricSnapshot array = parseExpvarJson("[1, 2]");
    QVERIFY(!array.ok());
    QVERIFY2(array.error.startsWith(QLatin1String("line 1: ")), qPrintable(array.error));
}

void MetricsParseTest::rates() {
    QCOMPARE(rateBetween(10, 20, 2), std::optional<double>(5));
    QCOMPARE(rateBetween(10, 10, 1), std::optional<double>(0));
    QVERIFY(!rateBetween(20, 3, 1));  // reset: the process restarted
    QVERIFY(!rateBetween(1, 2, 0));
    QVERIFY(!rateBetween(1, 2, -1));
    QVERIFY(!rateBetween(std::nan(""), 2, 1));
    QVERIFY(!rateBetween(1, std::numeric_limits<double>::infinity(), 1));
    QCOMPARE(rateBetween(MetricPoint{100, 0.5}, MetricPoint{100.5, 0.75}),
             std::optional<double>(0.5));
}

void MetricsParseTest::ratesOfSeries() {
    MetricSeries cpu;
    cpu.append(0, 1.0);
    cpu.append(1, 1.5);
    cpu.appendGap(2);  // no answer
    cpu.append(3, 2.5);
    cpu.append(4, 3.0);
    cpu.append(5, 0.25);  // restarted
    cpu.append(6, 0.75);
    const MetricSeries r = ratesOf(cpu);
    QCOMPARE(r.size(), 6);
    QCOMPARE(r.at(0).time, 1.0);
    QCOMPARE(r.at(0).value, 0.5);
    QVERIFY(r.at(1).isGap());
    QVERIFY(r.at(2).isGap());
    QCOMPARE(r.at(3).value, 0.5);
    QVERIFY(r.at(4).isGap());
    QCOMPARE(r.at(5).time, 6.0);
    QCOMPARE(r.at(5).value, 0.5);
}

void MetricsParseTest::seriesIsBounded() {
    MetricSeries s(5);
    QVERIFY(s.isEmpty());
    for (int i = 0; i < 12; ++i) s.append(i, i * 10);
    QCOMPARE(s.size(), 5);
    QCOMPARE(s.capacity(), 5);
    QCOMPARE(s.at(0).time, 7.0);
    QCOMPARE(s.last().time, 11.0);
    QCOMPARE(s.last().value, 110.0);
    const std::vector<MetricPoint> p = s.points();
    QCOMPARE(p.size(), size_t(5));
    for (size_t i = 0; i < p.size(); ++i) QCOMPARE(p[i].time, double(7 + i));
    s.clear();
    QCOMPARE(s.size(), 0);
    s.append(1, 2);
    QCOMPARE(s.at(0).value, 2.0);
    QCOMPARE(MetricSeries(0).capacity(), 1);
}

void MetricsParseTest::defaultCapacityIsADay() {
    MetricSeries s;
    QCOMPARE(s.capacity(), 86'400);
    for (int i = 0; i < 100'000; ++i) s.append(i, i);
    QCOMPARE(s.size(), 86'400);
    QCOMPARE(s.at(0).time, double(100'000 - 86'400));
    QCOMPARE(s.last().time, 99'999.0);
}

QTEST_GUILESS_MAIN(MetricsParseTest)
#include "tst_metrics_parse.moc"
