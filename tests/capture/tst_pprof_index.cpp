// The pprof index page (a real Go 1.19 page and the older templates), pages
// that are not an index, the prefixes worth trying and splitting typed URLs.
#include <QtTest>

#include "client/pprof_index.h"

using namespace embers::capture;

namespace {

QByteArray fixture(const QString& name) {
    QFile file(qEnvironmentVariable("EMBERS_TEST_DATA") + QStringLiteral("/capture/") + name);
    if (!file.open(QIODevice::ReadOnly)) qWarning("cannot read fixture %s", qPrintable(name));
    return file.readAll();
}

using Counts = QList<std::pair<QString, qint64>>;  // -1: no count

Counts counts(const PprofIndex& index) {
    Counts result;
    for (const auto& p : index.profiles) result.append({p.name, p.count.value_or(-1)});
    return result;
}

}  // namespace

class TestPprofIndex : public QObject {
    Q_OBJECT

private slots:
    void go119Index();
    void go110StyleIndex();
    void go113StyleIndex();
    void oldestLineFormat();
    void notAnIndex_data();
    void notAnIndex();
    void prefixes();
    void splitUrl_data();
    void splitUrl();
    void splitUrlErrors_data();
    void splitUrlErrors();
    void indexUrl();
};

void TestPprofIndex::go119Index() {
    // Served by net/http/pprof of Go 1.19.8 and saved with curl.
    const QByteArray page = fixture("pprof_index_go1.19.html");
    QVERIFY(page.contains("Types of profiles available"));
    const PprofIndex index = parsePprofIndex(page);
    QVERIFY2(index.isIndex, qPrintable(index.error));
    QCOMPARE(index.error, QString());
    QCOMPARE(counts(index), (Counts{{"allocs", 2},
                                    {"block", 0},
                                    {"cmdline", -1},
                                    {"goroutine", 3},
                                    {"heap", 2},
                                    {"mutex", 0},
                                    {"profile", -1},
                                    {"threadcreate", 6},
                                    {"trace", -1}}));
    QVERIFY(index.fullGoroutineDump);
    QVERIFY(index.has("heap"));
    QVERIFY(!index.has("symbol"));
}

void TestPprofIndex::go110StyleIndex() {
    const PprofIndex index = parsePprofIndex(fixture("pprof_index_go1.10_style.html"));
    QVERIFY2(index.isIndex, qPrintable(index.error));
    QCOMPARE(
        counts(index),
        (Counts{{"block", 0}, {"goroutine", 41}, {"heap", 12}, {"mutex", 0}, {"threadcreate", 7}}));
    QVERIFY(index.fullGoroutineDump);
}

void TestPprofIndex::go113StyleIndex() {
    // Unquoted hrefs, handlers without a query, and a custom profile.
    const PprofIndex index = parsePprofIndex(fixture("pprof_index_go1.13_style.html"));
    QVERIFY2(index.isIndex, qPrintable(index.error));
    QCOMPARE(counts(index), (Counts{{"allocs", 118},
                                    {"block", 0},
                                    {"cmdline", -1},
                                    {"db.leases", 3},
                                    {"goroutine", 57},
                                    {"heap", 118},
                                    {"mutex", 0},
                                    {"profile", -1},
                                    {"threadcreate", 14},
                                    {"trace", -1}}));
    QVERIFY(index.fullGoroutineDump);
}

void TestPprofIndex::oldestLineFormat() {
    // Count and link per line, absolute hrefs, entities, upper-case tags.
    const QByteArray page =
        "<html><head><title>/debug/pprof/</title></head><body>\n"
        "/debug/pprof/<br>\n<br>\nprofiles:<br>\n"
        "0\t<a href=\"/debug/pprof/block?debug=1\">block</a><br>\n"
        "1234\t<A HREF=\"/debug/pprof/goroutine?debug=1&amp;x=1\">goroutine</A><br>\n"
        "9\t<a href=\"/debug/pprof/heap?debug=1\">heap</a><br>\n"
        "<a href=\"/debug/pprof/goroutine?debug=2\">full goroutine stack dump</a>\n"
        "</body></html>";
    const PprofIndex index = parsePprofIndex(page);
    QVERIFY2(index.isIndex, qPrintable(index.error));
    QCOMPARE(counts(index), (Counts{{"block", 0}, {"goroutine", 1234}, {"heap", 9}}));
    QVERIFY(index.fullGoroutineDump);

    // Without counts the entries still come through, count-less.
    const PprofIndex bare = parsePprofIndex(
        "<a href='goroutine'>goroutine</a> <a href='heap'>heap</a> <a href='x'>other</a>");
    QVERIFY(bare.isIndex);
    QCOMPARE(counts(bare), (Counts{{"goroutine", -1}, {"heap", -1}}));
    QVERIFY(!bare.fullGoroutineDump);
}

void TestPprofIndex::notAnIndex_data() {
    QTest::addColumn<QByteArray>("page");
    QTest::addColumn<QString>("error");
    QTest::newRow("login page") << fixture("ops_login_page.html")
                                << "the node answered a login page, not the pprof index: check "
                                   "the token";
    QTest::newRow("empty") << QByteArray(" \n") << "the page is empty, not a pprof index";
    QTest::newRow("json") << QByteArray(R"({"error":"not found","code":5})")
                          << "the node answered JSON, not the pprof index: wrong prefix?";
    QTest::newRow("go mux 404") << QByteArray("404 page not found\n")
                                << "the page is not a pprof index: it begins \"404 page not "
                                   "found\"";
    QTest::newRow("other html")
        << QByteArray("<!DOCTYPE html><html><body><a href='/ops/'>Ops</a></body></html>")
        << "the page is HTML but lists no profiles: not a pprof index (wrong prefix?)";
    QTest::newRow("binary") << QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8)
                            << "the node answered binary data, not the pprof index";
    QTest::newRow("long text") << QByteArray(200, 'x')
                               << "the page is not a pprof index: it begins \"" +
                                      QString(77, u'x') + "...\"";
}

void TestPprofIndex::notAnIndex() {
    QFETCH(QByteArray, page);
    QFETCH(QString, error);
    const PprofIndex index = parsePprofIndex(page);
    QVERIFY(!index.isIndex);
    QVERIFY(index.profiles.isEmpty());
    QVERIFY(!index.fullGoroutineDump);
    QCOMPARE(index.error, error);
}

void TestPprofIndex::prefixes() {
    QCOMPARE(candidatePrefixes(), (QStringList{"/debug/pprof", "/__/debug/pprof"}));
    QCOMPARE(candidatePrefixes(""), candidatePrefixes());
    QCOMPARE(candidatePrefixes("/"), candidatePrefixes());
    QCOMPARE(candidatePrefixes("/auth/"),
             (QStringList{"/auth/debug/pprof", "/debug/pprof", "/__/debug/pprof"}));
    QCOMPARE(candidatePrefixes("svc/api"),
             (QStringList{"/svc/api/debug/pprof", "/debug/pprof", "/__/debug/pprof"}));
    QCOMPARE(candidatePrefixes("/__"), (QStringList{"/__/debug/pprof", "/debug/pprof"}));
}

void TestPprofIndex::splitUrl_data() {
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QUrl>("base");
    QTest::addColumn<QString>("basePath");
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("guessed");
    QTest::newRow("node only") << "node:8443" << QUrl("https://node:8443") << ""
                               << ""
                               << ""
                               << "" << true;
    QTest::newRow("node with slash") << " https://node:8443/ " << QUrl("https://node:8443") << ""
                                     << ""
                                     << ""
                                     << "" << false;
    QTest::newRow("full heap url")
        << "https://h:8443/auth/debug/pprof/heap?gc=1" << QUrl("https://h:8443") << "/auth"
        << "/auth/debug/pprof"
        << "heap"
        << "gc=1" << false;
    QTest::newRow("index") << "http://localhost:6060/debug/pprof/" << QUrl("http://localhost:6060")
                           << ""
                           << "/debug/pprof"
                           << ""
                           << "" << false;
    QTest::newRow("sc bos") << "https://localhost:8443/__/debug/pprof/profile?seconds=30"
                            << QUrl("https://localhost:8443") << "/__"
                            << "/__/debug/pprof"
                            << "profile"
                            << "seconds=30" << false;
    QTest::newRow("no trailing slash")
        << "ops-node-3/__/debug/pprof" << QUrl("https://ops-node-3") << "/__"
        << "/__/debug/pprof"
        << ""
        << "" << true;
    QTest::newRow("context path") << "https://h/auth/" << QUrl("https://h") << "/auth"
                                  << ""
                                  << ""
                                  << "" << false;
    QTest::newRow("not a segment")
        << "https://h/debug/pprofile" << QUrl("https://h") << "/debug/pprofile"
        << ""
        << ""
        << "" << false;
    QTest::newRow("credentials dropped")
        << "https://user:pw@h:9000/debug/pprof/goroutine?debug=2" << QUrl("https://h:9000") << ""
        << "/debug/pprof"
        << "goroutine"
        << "debug=2" << false;
    QTest::newRow("upper-case scheme")
        << "HTTPS://H.example/debug/pprof/allocs" << QUrl("https://h.example") << ""
        << "/debug/pprof"
        << "allocs"
        << "" << false;
    QTest::newRow("ipv6") << "[::1]:6060/debug/pprof/" << QUrl("https://[::1]:6060") << ""
                          << "/debug/pprof"
                          << ""
                          << "" << true;
}

void TestPprofIndex::splitUrl() {
    QFETCH(QString, typed);
    QFETCH(QUrl, base);
    QFETCH(QString, basePath);
    QFETCH(QString, prefix);
    QFETCH(QString, profile);
    QFETCH(QString, query);
    QFETCH(bool, guessed);
    const PprofUrl url = splitPprofUrl(typed);
    QCOMPARE(url.error, QString());
    QVERIFY(url.ok());
    QCOMPARE(url.base, base);
    QCOMPARE(url.base.userInfo(), QString());
    QCOMPARE(url.basePath, basePath);
    QCOMPARE(url.prefix, prefix);
    QCOMPARE(url.profile, profile);
    QCOMPARE(url.query.toString(), query);
    QCOMPARE(url.schemeGuessed, guessed);
}

void TestPprofIndex::splitUrlErrors_data() {
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("error");
    QTest::newRow("empty") << "  "
                           << "type the node's address";
    QTest::newRow("ftp") << "ftp://h/debug/pprof"
                         << "must start with http:// or https://, not ftp://";
    QTest::newRow("no host") << "https:///debug/pprof"
                             << "cannot read the address as a URL";
}

void TestPprofIndex::splitUrlErrors() {
    QFETCH(QString, typed);
    QFETCH(QString, error);
    const PprofUrl url = splitPprofUrl(typed);
    QVERIFY(!url.ok());
    QVERIFY2(url.error.contains(error), qPrintable(url.error));
}

void TestPprofIndex::indexUrl() {
    QCOMPARE(pprofIndexUrl(QUrl("https://h:8443"), "/__/debug/pprof"),
             QUrl("https://h:8443/__/debug/pprof/"));
    QCOMPARE(pprofIndexUrl(QUrl("http://h"), "/debug/pprof/"), QUrl("http://h/debug/pprof/"));
    const PprofUrl typed = splitPprofUrl("https://h:8443/auth/debug/pprof/heap?gc=1");
    QCOMPARE(pprofIndexUrl(typed.base, typed.prefix), QUrl("https://h:8443/auth/debug/pprof/"));
}

QTEST_GUILESS_MAIN(TestPprofIndex)
#include "tst_pprof_index.moc"
