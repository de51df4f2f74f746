// Token workup: bare tokens, Authorization headers, DevTools "Copy as cURL"
// in bash and cmd flavours, HAR exports, token files and environment
// variables; the shell word splitters underneath; JWT claims. Every error
// message is checked not to contain the token.
#include <QtTest>

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "client/jwt.h"
#include "client/shell_words.h"
#include "client/token_source.h"

using namespace embers::capture;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 11, 23), QTime(16, 21, 0), Qt::UTC);

QString base64Url(const QByteArray& bytes) {
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// A JWS built from its claims; the signature is a stand-in (nothing checks it).
QString makeJwt(const QJsonObject& claims) {
    const QJsonObject header{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "ops-2026-11"}};
    const QByteArray h = QJsonDocument(header).toJson(QJsonDocument::Compact);
    const QByteArray p = QJsonDocument(claims).toJson(QJsonDocument::Compact);
    const QByteArray sig = QCryptographicHash::hash(h + p, QCryptographicHash::Sha256);
    return base64Url(h) + u'.' + base64Url(p) + u'.' + base64Url(sig + sig);
}

QString userJwt(const QString& user, const QStringList& roles, const QDateTime& exp) {
    return makeJwt(
        {{"sub",
          QStringLiteral("7c9e6679-7425-40de-944b-%1").arg(user.size(), 12, 10, QLatin1Char('0'))},
         {"preferred_username", user},
         {"iss", "https://ops-node-3.example.internal:8443/auth/realms/ops"},
         {"iat", exp.addSecs(-3600).toSecsSinceEpoch()},
         {"exp", exp.toSecsSinceEpoch()},
         {"roles", QJsonArray::fromStringList(roles)}});
}

QString fixture(const QString& name) {
    const QString dir = qEnvironmentVariable("EMBERS_TEST_DATA");
    QFile file(dir + QStringLiteral("/capture/") + name);
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("cannot read fixture %s (EMBERS_TEST_DATA=%s)", qPrintable(name), qPrintable(dir));
        return {};
    }
    return QString::fromUtf8(file.readAll());
}

// Fails the test when `secret` shows in the error.
#define EXPECT_NO_LEAK(workup, secret)                                                             \
    do {                                                                                           \
        QVERIFY2(!QString(secret).isEmpty(), "empty secret");                                      \
        QVERIFY2(!(workup).error.contains(secret), qPrintable("token leaked: " + (workup).error)); \
    } while (0)

}  // namespace

class TestTokenWorkup : public QObject {
    Q_OBJECT

private slots:
    // ---- bare tokens ------------------------------------------------------
    void bareToken_data();
    void bareToken();
    void bareTokenProblems_data();
    void bareTokenProblems();

    // ---- headers ------------------------------------------------------------
    void authorizationHeader_data();
    void authorizationHeader();
    void devtoolsRequestHeaders();
    void headerWithoutBearer();

    // ---- shell words --------------------------------------------------------
    void bashWords_data();
    void bashWords();
    void bashCommandsAndRedirections();
    void bashUnterminated();
    void cmdWords_data();
    void cmdWords();
    void cmdUnterminated();

    // ---- cURL ---------------------------------------------------------------
    void curlBashChromeGet();
    void curlBashChromePost();
    void curlCmdChrome();
    void curlVariants_data();
    void curlVariants();
    void curlProblems_data();
    void curlProblems();

    // ---- HAR ----------------------------------------------------------------
    void harPicksNewestUnexpiredForHost();
    void harOtherHost();
    void harUnknownHost();
    void harAllExpired();
    void harWithoutAuthorization();
    void harNotHar_data();
    void harNotHar();
    void harWithoutTimes();

    // ---- files, references --------------------------------------------------
    void inputFromFile();
    void inputFileProblems();
    void tokenRefParsing_data();
    void tokenRefParsing();
    void resolveLiteral();
    void resolveEnv();
    void resolveFile();

    void errorsNeverContainToken_data();
    void errorsNeverContainToken();

    // ---- JWT ----------------------------------------------------------------
    void jwtClaims();
    void jwtSubjectFallback();
    void jwtNotJwt_data();
    void jwtNotJwt();
    void jwtExpiryDescription_data();
    void jwtExpiryDescription();
    void jwtWarnings();
    void jwtAdminRoles_data();
    void jwtAdminRoles();
};

// ---- bare tokens ------------------------------------------------------------

void TestTokenWorkup::bareToken_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("token");
    QTest::newRow("plain") << "abc123"
                           << "abc123";
    QTest::newRow("whitespace and newlines") << "\n  abc123 \r\n\n"
                                             << "abc123";
    QTest::newRow("bearer") << "Bearer abc.def-ghi_jkl~mno+p/q=="
                            << "abc.def-ghi_jkl~mno+p/q==";
    QTest::newRow("bearer lower case, spaces") << "  bearer \t abc123\n"
                                               << "abc123";
    QTest::newRow("quoted") << "\"abc123\""
                            << "abc123";
    QTest::newRow("bearer quoted") << "Bearer 'abc123'"
                                   << "abc123";
    QTest::newRow("byte order mark") << QString(QChar(0xFEFF)) + "abc123"
                                     << "abc123";
    const QString jwt = userJwt("alice", {"admin"}, kNow.addSecs(600));
    QTest::newRow("jwt") << jwt + "\n" << jwt;
}

void TestTokenWorkup::bareToken() {
    QFETCH(QString, input);
    QFETCH(QString, token);
    const TokenWorkup w = workUpToken(input);
    QCOMPARE(w.error, QString());
    QCOMPARE(w.kind, TokenInputKind::BareToken);
    QCOMPARE(w.token, token);
    QVERIFY(w.baseUrl.isEmpty());
    QCOMPARE(w.pprofPrefix, QString());
}

void TestTokenWorkup::bareTokenProblems_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<TokenInputKind>("kind");
    QTest::addColumn<QString>("phrase");
    QTest::newRow("empty") << "" << TokenInputKind::Empty << "paste a bearer token";
    QTest::newRow("blank") << " \n\t\n" << TokenInputKind::Empty << "paste a bearer token";
    QTest::newRow("prose") << "hello there world" << TokenInputKind::Unrecognized
                           << "neither a token";
    QTest::newRow("bad characters")
        << "abc<script>" << TokenInputKind::Unrecognized << "not a bearer token";
    QTest::newRow("bearer alone") << "Bearer" << TokenInputKind::BareToken << "holds no token";
    QTest::newRow("shell variable")
        << "$TOKEN" << TokenInputKind::BareToken << "refers to the variable TOKEN";
    QTest::newRow("braced variable")
        << "Bearer ${ADMIN_KEY}" << TokenInputKind::BareToken << "use env:ADMIN_KEY";
    QTest::newRow("cmd variable") << "%TOKEN%" << TokenInputKind::BareToken
                                  << "refers to the variable TOKEN";
    QTest::newRow("powershell")
        << "Invoke-WebRequest -UseBasicParsing -Uri \"https://h/api\" `\n -Headers @{}"
        << TokenInputKind::Unrecognized << "Copy as PowerShell";
    QTest::newRow("fetch") << "fetch(\"https://h/api\", {\n  \"headers\": {}\n});"
                           << TokenInputKind::Unrecognized << "Copy as fetch";
}

void TestTokenWorkup::bareTokenProblems() {
    QFETCH(QString, input);
    QFETCH(TokenInputKind, kind);
    QFETCH(QString, phrase);
    const TokenWorkup w = workUpToken(input);
    QCOMPARE(w.kind, kind);
    QCOMPARE(w.token, QString());
    QVERIFY2(w.error.contains(phrase), qPrintable(w.error));
    QVERIFY(!w.error.contains(u'\n'));
}

// ---- headers ----------------------------------------------------------------

void TestTokenWorkup::authorizationHeader_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("token");
    QTest::newRow("one line") << "Authorization: Bearer tok-1"
                              << "tok-1";
    QTest::newRow("upper case name") << "AUTHORIZATION: bearer tok-2"
                                     << "tok-2";
    QTest::newRow("among headers") << "Accept: */*\nX-Request-Id: 42\nauthorization:Bearer tok-3\n"
                                      "Cache-Control: no-cache"
                                   << "tok-3";
    QTest::newRow("crlf") << "Host: h\r\nAuthorization: Bearer tok-4\r\n\r\n"
                          << "tok-4";
    QTest::newRow("table copy, two lines") << "accept\n*/*\nauthorization\nBearer tok-5\n"
                                           << "tok-5";
    QTest::newRow("table copy, tab") << "authorization\tBearer tok-6"
                                     << "tok-6";
    QTest::newRow("no scheme") << "Authorization: tok-7"
                               << "tok-7";
}

void TestTokenWorkup::authorizationHeader() {
    QFETCH(QString, input);
    QFETCH(QString, token);
    const TokenWorkup w = workUpToken(input);
    QCOMPARE(w.error, QString());
    QCOMPARE(w.kind, TokenInputKind::AuthorizationHeader);
    QCOMPARE(w.token, token);
}

void TestTokenWorkup::devtoolsRequestHeaders() {
    const QString jwt = userJwt("alice", {"admin"}, kNow.addSecs(1800));
    const QString text = fixture("devtools_request_headers.txt").replace("@JWT@", jwt);
    QVERIFY(!text.isEmpty());
    const TokenWorkup w = workUpToken(text);
    QCOMPARE(w.error, QString());
    QCOMPARE(w.kind, TokenInputKind::AuthorizationHeader);
    QCOMPARE(w.token, jwt);
    QCOMPARE(w.baseUrl, QUrl("https://ops-node-3.example.internal:8443"));
    QCOMPARE(w.pprofPrefix, QString("/__/debug/pprof"));

    // HTTP/1 request line and Host: no scheme, so no base URL is guessed.
    const TokenWorkup h1 =
        workUpToken("GET /debug/pprof/ HTTP/1.1\nHost: node:6060\nAuthorization: Bearer t1\n");
    QCOMPARE(h1.token, QString("t1"));
    QVERIFY(h1.baseUrl.isEmpty());

    // The General section's Request URL gives both.
    const TokenWorkup general = workUpToken(
        "Request URL: https://node:8443/auth/debug/pprof/heap\nRequest Method: GET\n"
        "Status Code: 200 OK\nauthorization: Bearer t2");
    QCOMPARE(general.token, QString("t2"));
    QCOMPARE(general.baseUrl, QUrl("https://node:8443"));
    QCOMPARE(general.pprofPrefix, QString("/auth/debug/pprof"));
}

void TestTokenWorkup::headerWithoutBearer() {
    const QString secret = "dXNlcjpTM2NyZXQ=";
    const TokenWorkup basic = workUpToken("Authorization: Basic " + secret);
    QCOMPARE(basic.token, QString());
    QVERIFY2(basic.error.contains("Basic credentials"), qPrintable(basic.error));
    EXPECT_NO_LEAK(basic, secret);

    const TokenWorkup negotiate = workUpToken("authorization: Negotiate " + secret);
    QVERIFY2(negotiate.error.contains("Negotiate scheme"), qPrintable(negotiate.error));
    EXPECT_NO_LEAK(negotiate, secret);

    const TokenWorkup empty = workUpToken("Accept: */*\nAuthorization:\n");
    QVERIFY2(empty.error.contains("holds no token"), qPrintable(empty.error));
}

// ---- shell words ------------------------------------------------------------

void TestTokenWorkup::bashWords_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("words");
    QTest::newRow("plain") << "curl  -s\thttps://h/x" << QStringList{"curl", "-s", "https://h/x"};
    QTest::newRow("single quotes") << "a 'b c' 'd\"e' ''" << QStringList{"a", "b c", "d\"e", ""};
    QTest::newRow("double quotes")
        << R"(a "b c" "q\"x\\y\$z\n" "$HOME")" << QStringList{"a", "b c", R"(q"x\y$z\n)", "$HOME"};
    QTest::newRow("adjacent quotes join") << R"(-H'a: '"b"c)" << QStringList{"-Ha: bc"};
    QTest::newRow("backslash escapes") << R"(a\ b \'c \\)" << QStringList{"a b", "'c", "\\"};
    QTest::newRow("continuations") << "curl \\\n  -H 'x' \\\r\n  --compressed"
                                   << QStringList{"curl", "-H", "x", "--compressed"};
    QTest::newRow("ansi-c") << R"($'it\'s' $'a\tb\nc' $'\x41\102\u00e9\U0001F600' $'\e[0m' $'\c@x')"
                            << QStringList{"it's", "a\tb\nc",
                                           QString::fromUtf8("AB\xc3\xa9\xf0\x9f\x98\x80"),
                                           "\x1b[0m", QString(QChar(0)) + "x"};
    QTest::newRow("ansi-c utf-8 bytes")
        << R"($'caf\xc3\xa9' $'\z')" << QStringList{QString::fromUtf8("caf\xc3\xa9"), "\\z"};
    QTest::newRow("comment") << "curl x # the rest\n" << QStringList{"curl", "x"};
    QTest::newRow("hash inside word") << "a#b" << QStringList{"a#b"};
}

void TestTokenWorkup::bashWords() {
    QFETCH(QString, text);
    QFETCH(QStringList, words);
    const ShellCommands split = splitBashWords(text);
    QCOMPARE(split.error, QString());
    QCOMPARE(split.commands.size(), 1);
    QCOMPARE(split.commands[0], words);
}

void TestTokenWorkup::bashCommandsAndRedirections() {
    const ShellCommands split = splitBashWords(
        "TOKEN=\"abc123\"\n"
        "curl -H \"Authorization: Bearer $TOKEN\" https://localhost:8443/__/debug/pprof/profile > "
        "cpu.pb.gz 2>&1; echo done && go tool pprof -http=: cpu.pb.gz | tee log &>/dev/null");
    QCOMPARE(split.error, QString());
    QCOMPARE(split.commands.size(), 5);
    QCOMPARE(split.commands[0], QStringList{"TOKEN=abc123"});
    QCOMPARE(split.commands[1], (QStringList{"curl", "-H", "Authorization: Bearer $TOKEN",
                                             "https://localhost:8443/__/debug/pprof/profile"}));
    QCOMPARE(split.commands[2], (QStringList{"echo", "done"}));
    QCOMPARE(split.commands[3], (QStringList{"go", "tool", "pprof", "-http=:", "cpu.pb.gz"}));
    // The pipe's second command lost its redirection target.
    QCOMPARE(split.commands[4], (QStringList{"tee", "log"}));
    // A quoted digit is an argument, not a file descriptor.
    QCOMPARE(splitBashWords("echo '2'>f").commands.front(), (QStringList{"echo", "2"}));
}

void TestTokenWorkup::bashUnterminated() {
    for (const QString text : {"curl 'https://h", "curl \"x", "curl $'x\\'"}) {
        const ShellCommands split = splitBashWords(text);
        QVERIFY2(split.error.contains("inside a quoted string"), qPrintable(text));
        QVERIFY(split.commands.isEmpty());
    }
}

void TestTokenWorkup::cmdWords_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("words");
    QTest::newRow("chrome quoting") << R"(curl ^"https://h/x?a=1^&b=2^" -H ^"a: b^")"
                                    << QStringList{"curl", "https://h/x?a=1&b=2", "-H", "a: b"};
    QTest::newRow("escaped inner quotes") << R"(^"sec-ch-ua: ^\^"Chromium^\^";v=^\^"130^\^"^")"
                                          << QStringList{R"(sec-ch-ua: "Chromium";v="130")"};
    QTest::newRow("percent") << R"(^"100^%^ done, ^%^PATH^%^")" << QStringList{"100% done, %PATH%"};
    QTest::newRow("continuation") << "curl ^\r\n  -H ^\"x^\" ^\n  --compressed"
                                  << QStringList{"curl", "-H", "x", "--compressed"};
    QTest::newRow("old style doubled quotes")
        << R"(curl "https://h/" -H "x: ""y""" --data "%")"
        << QStringList{"curl", "https://h/", "-H", R"(x: "y")", "--data", "%"};
    QTest::newRow("backslashes") << R"("a\\\"b" c\\d "e\\" f)"
                                 << QStringList{R"(a\"b)", R"(c\\d)", R"(e\)", "f"};
    QTest::newRow("escaped operators") << R"(^"a ^> b ^| c ^< d^")" << QStringList{"a > b | c < d"};
    QTest::newRow("empty argument") << R"(x ^"^" "")" << QStringList{"x", "", ""};
}

void TestTokenWorkup::cmdWords() {
    QFETCH(QString, text);
    QFETCH(QStringList, words);
    const ShellCommands split = splitCmdWords(text);
    QCOMPARE(split.error, QString());
    QCOMPARE(split.commands.size(), 1);
    QCOMPARE(split.commands[0], words);
}

void TestTokenWorkup::cmdUnterminated() {
    const ShellCommands split = splitCmdWords("curl ^\"https://h/x");
    QVERIFY2(split.error.contains("inside a quoted string"), qPrintable(split.error));

    // Unescaped operators split commands and drop redirection targets.
    const ShellCommands ops = splitCmdWords("curl \"https://h/\" > out.pb.gz 2>&1 & echo done");
    QCOMPARE(ops.error, QString());
    QCOMPARE(ops.commands.size(), 2);
    QCOMPARE(ops.commands[0], (QStringList{"curl", "https://h/"}));
    QCOMPARE(ops.commands[1], (QStringList{"echo", "done"}));
}

// ---- cURL -------------------------------------------------------------------

void TestTokenWorkup::curlBashChromeGet() {
    const QString jwt = userJwt("alice", {"admin"}, kNow.addSecs(1800));
    const QString text = fixture("curl_bash_chrome_get.txt").replace("@JWT@", jwt);
    QVERIFY(text.count(" -H ") > 10);
    const TokenWorkup w = workUpToken(text);
    QCOMPARE(w.error, QString());
    QCOMPARE(w.kind, TokenInputKind::CurlBash);
    QCOMPARE(w.token, jwt);
    QCOMPARE(w.baseUrl, QUrl("https://ops-node-3.example.internal:8443"));
    QCOMPARE(w.pprofPrefix, QString("/__/debug/pprof"));

    // The header with nested double quotes survives intact.
    const ShellCommands split = splitBashWords(text);
    QCOMPARE(split.commands.size(), 1);
    QVERIFY(split.commands[0].contains(
        R"(sec-ch-ua: "Chromium";v="130", "Google Chrome";v="130", "Not?A_Brand";v="99")"));
    QCOMPARE(split.commands[0].last(), QString("--compressed"));
}

void TestTokenWorkup::curlBashChromePost() {
    const QString jwt = userJwt("alice", {"operator", "admin"}, kNow.addSecs(1800));
    const QString text = fixture("curl_bash_chrome_post.txt").replace("@JWT@", jwt);
    const TokenWorkup w = workUpToken(text);
    QCOMPARE(w.error, QString());
    QCOMPARE(w.kind, TokenInputKind::CurlBash);
    QCOMPARE(w.token, jwt);
    QCOMPARE(w.baseUrl, QUrl("https://ops-node-3.example.internal:8443"));
    QCOMPARE(w.pprofPrefix, QString());

    const ShellCommands split = splitBashWords(text);
    QCOMPARE(split.commands.size(), 1);
    const QStringList& words = split.commands[0];
    const qsizetype data = words.indexOf("--data-raw");
    QVERIFY(data > 0);
    // {"ids":["a17"],"note":"it's the chiller\nagain","unit":"°C"}
    const QString expected = QString::fromUtf8(
        "{\"ids\":[\"a17\"],\"note\":\"it\'s the chiller\\nagain\",\"unit\":\"\xc2\xb0"
        "C\"}");
    QCOMPARE(words[data + 1], expected);
}

void TestTokenWorkup::curlCmdChrome() {
    const QString jwt = userJwt("alice", {"super-admin"}, kNow.addSecs(1800));
    const QString text = fixture("curl_cmd_chrome.txt").replace("@JWT@", jwt);
    QVERIFY(text.contains("^\r\n"));
    const TokenWorkup w = workUpToken(text);
    QCOMPARE(w.error, QString());
    QCOMPARE(w.kind, TokenInputKind::CurlCmd);
    QCOMPARE(describeKind(w.kind), QString("cURL (cmd) command"));
    QCOMPARE(w.token, jwt);
    QCOMPARE(w.baseUrl, QUrl("https://ops-node-3.example.internal:8443"));
    QCOMPARE(w.pprofPrefix, QString("/auth/debug/pprof"));

    const ShellCommands split = splitCmdWords(text);
    QCOMPARE(split.error, QString());
    QCOMPARE(split.commands.size(), 1);
    const QStringList& words = split.commands[0];
    QCOMPARE(words[1], QString("https://ops-node-3.example.internal:8443/auth/debug/pprof/"
                               "heap?gc=1&debug=1"));
    QVERIFY(words.contains(
        R"(sec-ch-ua: "Chromium";v="130", "Google Chrome";v="130", "Not?A_Brand";v="99")"));
    QVERIFY(words.contains(R"(sec-ch-ua-platform: "Windows")"));
    const qsizetype data = words.indexOf("--data-raw");
    QVERIFY(data > 0);
    QCOMPARE(words[data + 1], QString(R"({"filter":"cpu%load > 90","path":"C:\\temp"})"));
    QCOMPARE(words.last(), QString("--compressed"));
}

void TestTokenWorkup::curlVariants_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<TokenInputKind>("kind");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QUrl>("base");
    QTest::addColumn<QString>("prefix");
    QTest::newRow("double quotes, one line")
        << R"(curl -H "Authorization: Bearer t1" https://localhost:8443/__/debug/pprof/profile > cpu.pb.gz)"
        << TokenInputKind::CurlBash << "t1" << QUrl("https://localhost:8443") << "/__/debug/pprof";
    QTest::newRow("--header and --url")
        << "curl --compressed --header 'authorization: bearer t2' --url "
           "'http://127.0.0.1:6060/debug/pprof/heap?gc=1'"
        << TokenInputKind::CurlBash << "t2" << QUrl("http://127.0.0.1:6060") << "/debug/pprof";
    QTest::newRow("attached -H") << "curl -H'Authorization: Bearer t3' https://h/x"
                                 << TokenInputKind::CurlBash << "t3" << QUrl("https://h") << "";
    QTest::newRow("bundled flags")
        << "curl -sSLkH 'Authorization: Bearer t4' -o /tmp/heap.pb.gz "
           "https://h:9443/debug/pprof/heap"
        << TokenInputKind::CurlBash << "t4" << QUrl("https://h:9443") << "/debug/pprof";
    QTest::newRow("oauth2-bearer")
        << "curl --oauth2-bearer t5 https://h/debug/pprof/" << TokenInputKind::CurlBash << "t5"
        << QUrl("https://h") << "/debug/pprof";
    QTest::newRow("options with values before url")
        << "curl -X GET --connect-timeout 5 -A 'x y' -e https://ref/ -b 'a=b' -d 'x' "
           "https://h/auth/debug/pprof/ -H 'Authorization: Bearer t6'"
        << TokenInputKind::CurlBash << "t6" << QUrl("https://h") << "/auth/debug/pprof";
    QTest::newRow("no scheme means http")
        << "curl -H 'Authorization: Bearer t7' localhost:6060/debug/pprof/heap"
        << TokenInputKind::CurlBash << "t7" << QUrl("http://localhost:6060") << "/debug/pprof";
    QTest::newRow("curl.exe, cmd")
        << "curl.exe ^\"https://h/debug/pprof/^\" -H ^\"Authorization: "
           "Bearer t8^\""
        << TokenInputKind::CurlCmd << "t8" << QUrl("https://h") << "/debug/pprof";
    QTest::newRow("after other commands")
        << "export X=1\n/usr/bin/curl -H 'Authorization: Bearer t9' https://h/"
        << TokenInputKind::CurlBash << "t9" << QUrl("https://h") << "";
}

void TestTokenWorkup::curlVariants() {
    QFETCH(QString, text);
    QFETCH(TokenInputKind, kind);
    QFETCH(QString, token);
    QFETCH(QUrl, base);
    QFETCH(QString, prefix);
    const TokenWorkup w = workUpToken(text);
    QCOMPARE(w.error, QString());
    QCOMPARE(w.kind, kind);
    QCOMPARE(w.token, token);
    QCOMPARE(w.baseUrl, base);
    QCOMPARE(w.pprofPrefix, prefix);
}

void TestTokenWorkup::curlProblems_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("phrase");
    QTest::newRow("variable (seed doc)")
        << "TOKEN=\"abc123\"\ncurl -H \"Authorization: Bearer $TOKEN\" "
           "https://localhost:8443/__/debug/pprof/profile > cpu.pb.gz"
        << "abc123"
        << "refers to the variable TOKEN";
    QTest::newRow("basic user") << "curl -u admin:s3cr3t-pw https://h/debug/pprof/"
                                << "s3cr3t-pw"
                                << "-u (Basic credentials)";
    QTest::newRow("cookies only") << "curl 'https://h/api' -b 'session=c00kie-val' --compressed"
                                  << "c00kie-val"
                                  << "cookies only";
    QTest::newRow("cookie header only") << "curl 'https://h/api' -H 'Cookie: session=c00kie-val'"
                                        << "c00kie-val"
                                        << "cookies only";
    QTest::newRow("no authorization") << "curl 'https://h/api' -H 'accept: */*'"
                                      << "https://h/api"
                                      << "sends no Authorization header";
    QTest::newRow("basic header") << "curl -H 'Authorization: Basic YWRtaW46cHc=' https://h/"
                                  << "YWRtaW46cHc="
                                  << "Basic credentials";
    QTest::newRow("unterminated") << "curl 'https://h/api' -H 'authorization: Bearer t0p-s3cret"
                                  << "t0p-s3cret"
                                  << "inside a quoted string";
    QTest::newRow("bad token characters")
        << "curl -H 'Authorization: Bearer t0p{s3cret}' https://h/"
        << "t0p{s3cret}"
        << "is not a bearer token";
}

void TestTokenWorkup::curlProblems() {
    QFETCH(QString, text);
    QFETCH(QString, secret);
    QFETCH(QString, phrase);
    const TokenWorkup w = workUpToken(text);
    QCOMPARE(w.kind, TokenInputKind::CurlBash);
    QCOMPARE(w.token, QString());
    QVERIFY2(w.error.contains(phrase), qPrintable(w.error));
    EXPECT_NO_LEAK(w, secret);
}

// ---- HAR --------------------------------------------------------------------

namespace {

struct HarTokens {
    QString fresh = userJwt("alice", {"admin"}, kNow.addSecs(24 * 60));    // 16:45
    QString older = userJwt("alice", {"admin"}, kNow.addSecs(9 * 60));     // 16:30
    QString expired = userJwt("alice", {"admin"}, kNow.addSecs(-2 * 60));  // 16:19
    QString other = userJwt("bob", {"viewer"}, kNow.addSecs(39 * 60));     // 17:00
    QStringList all() const { return {fresh, older, expired, other}; }
};

QString opsUiHar(const HarTokens& t) {
    return fixture("ops_ui.har")
        .replace("@JWT_FRESH@", t.fresh)
        .replace("@JWT_OLDER@", t.older)
        .replace("@JWT_EXPIRED@", t.expired)
        .replace("@JWT_OTHER@", t.other);
}

}  // namespace

void TestTokenWorkup::harPicksNewestUnexpiredForHost() {
    const HarTokens t;
    const QString har = opsUiHar(t);
    QVERIFY(har.contains(t.expired));

    // No host: the newest bearer request (16:20, expired) names the host;
    // its newest unexpired token is the 16:15 one.
    const TokenWorkup w = workUpToken(har, {QString(), kNow});
    QCOMPARE(w.error, QString());
    QCOMPARE(w.kind, TokenInputKind::Har);
    QCOMPARE(w.token, t.fresh);
    QCOMPARE(w.baseUrl, QUrl("https://ops-node-3.example.internal:8443"));
    QCOMPARE(w.pprofPrefix, QString());

    for (const QString host : {"ops-node-3.example.internal", "OPS-NODE-3.example.internal:8443",
                               "https://ops-node-3.example.internal:8443/ops/"}) {
        const TokenWorkup h = workUpToken(har, {host, kNow});
        QCOMPARE(h.error, QString());
        QCOMPARE(h.token, t.fresh);
    }

    // Twenty minutes earlier nothing had expired: the 16:20 request wins.
    const TokenWorkup before = workUpToken(har, {QString(), kNow.addSecs(-20 * 60)});
    QCOMPARE(before.token, t.expired);
    // At 16:40 the 16:15 request's token (valid until 16:45) is the newest left.
    QCOMPARE(workUpToken(har, {QString(), kNow.addSecs(19 * 60)}).token, t.fresh);
}

void TestTokenWorkup::harOtherHost() {
    const HarTokens t;
    const TokenWorkup w = workUpToken(opsUiHar(t), {"other-node.example.internal", kNow});
    QCOMPARE(w.error, QString());
    QCOMPARE(w.token, t.other);
    QCOMPARE(w.baseUrl, QUrl("https://other-node.example.internal"));
    // Port 443 is the default for https.
    QCOMPARE(workUpToken(opsUiHar(t), {"other-node.example.internal:443", kNow}).token, t.other);
}

void TestTokenWorkup::harUnknownHost() {
    const HarTokens t;
    const TokenWorkup w = workUpToken(opsUiHar(t), {"ops-node-3.example.internal:9443", kNow});
    QCOMPARE(w.kind, TokenInputKind::Har);
    QCOMPARE(w.token, QString());
    QVERIFY2(w.error.contains("none to ops-node-3.example.internal:9443"), qPrintable(w.error));
    QVERIFY2(w.error.contains("ops-node-3.example.internal:8443"), qPrintable(w.error));
    QVERIFY2(w.error.contains("other-node.example.internal"), qPrintable(w.error));
    for (const QString& token : t.all()) EXPECT_NO_LEAK(w, token);
}

void TestTokenWorkup::harAllExpired() {
    const HarTokens t;
    const QDateTime later = kNow.addSecs(49 * 60);  // 17:10
    const TokenWorkup w = workUpToken(opsUiHar(t), {QString(), later});
    QCOMPARE(w.kind, TokenInputKind::Har);
    QCOMPARE(w.token, QString());
    QCOMPARE(w.error, QString("every bearer token sent to ops-node-3.example.internal:8443 in the "
                              "HAR has expired (the newest expired 51 min ago): reload the Ops UI "
                              "and export a fresh HAR"));
    QCOMPARE(w.baseUrl, QUrl("https://ops-node-3.example.internal:8443"));
    for (const QString& token : t.all()) EXPECT_NO_LEAK(w, token);
}

void TestTokenWorkup::harWithoutAuthorization() {
    // What Chrome's "Export HAR (sanitized)" writes: no Authorization headers.
    const HarTokens t;
    QString har = opsUiHar(t);
    for (const QString& token : t.all()) har.replace("Bearer " + token, "");
    const TokenWorkup w = workUpToken(har, {QString(), kNow});
    QCOMPARE(w.kind, TokenInputKind::Har);
    QCOMPARE(w.token, QString());
    QVERIFY2(w.error.contains("none of the HAR's 5 requests"), qPrintable(w.error));
    QVERIFY2(w.error.contains("with sensitive data"), qPrintable(w.error));

    const TokenWorkup empty = workUpToken(R"({"log": {"version": "1.2", "entries": []}})");
    QCOMPARE(empty.kind, TokenInputKind::Har);
    QVERIFY2(empty.error.contains("holds no requests"), qPrintable(empty.error));
}

void TestTokenWorkup::harNotHar_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("phrase");
    QTest::newRow("other json") << R"({"access_token": "s3cret-json-tok", "expires_in": 300})"
                                << "not a HAR export";
    QTest::newRow("broken json") << R"({"log": {"entries": [ {"request": "s3cret-json-tok" )"
                                 << "does not parse";
}

void TestTokenWorkup::harNotHar() {
    QFETCH(QString, text);
    QFETCH(QString, phrase);
    const TokenWorkup w = workUpToken(text);
    QCOMPARE(w.kind, TokenInputKind::Unrecognized);
    QCOMPARE(w.token, QString());
    QVERIFY2(w.error.contains(phrase), qPrintable(w.error));
    EXPECT_NO_LEAK(w, QString("s3cret-json-tok"));
}

void TestTokenWorkup::harWithoutTimes() {
    // Without readable times, later entries count as newer.
    QJsonArray entries;
    for (const QString token : {"first-tok", "second-tok"}) {
        QJsonObject header{{"name", "Authorization"}, {"value", "Bearer " + token}};
        QJsonObject request{{"method", "GET"},
                            {"url", "http://node:6060/debug/pprof/goroutine?debug=2"},
                            {"headers", QJsonArray{header}}};
        entries.append(QJsonObject{{"startedDateTime", "yesterday"}, {"request", request}});
    }
    const QJsonObject har{{"log", QJsonObject{{"entries", entries}}}};
    const TokenWorkup w = workUpToken(QJsonDocument(har).toJson(), {QString(), kNow});
    QCOMPARE(w.error, QString());
    QCOMPARE(w.token, QString("second-tok"));
    QCOMPARE(w.baseUrl, QUrl("http://node:6060"));
    QCOMPARE(w.pprofPrefix, QString("/debug/pprof"));
}

// ---- files, references ------------------------------------------------------

void TestTokenWorkup::inputFromFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const HarTokens t;

    const QString harPath = dir.filePath("ops ui.har");
    QFile har(harPath);
    QVERIFY(har.open(QIODevice::WriteOnly));
    har.write(opsUiHar(t).toUtf8());
    har.close();
    const TokenWorkup fromHar = workUpInput("  " + harPath + "\n", {QString(), kNow});
    QCOMPARE(fromHar.error, QString());
    QCOMPARE(fromHar.kind, TokenInputKind::Har);
    QCOMPARE(fromHar.token, t.fresh);

    const QString tokenPath = dir.filePath("token");
    QFile token(tokenPath);
    QVERIFY(token.open(QIODevice::WriteOnly));
    token.write("\n  file-tok-1  \n\n");
    token.close();
    const TokenWorkup fromToken = workUpToken(TokenFile{tokenPath});
    QCOMPARE(fromToken.error, QString());
    QCOMPARE(fromToken.kind, TokenInputKind::BareToken);
    QCOMPARE(fromToken.token, QString("file-tok-1"));

    // Text that merely looks like a path is worked up as text.
    const TokenWorkup notAFile = workUpInput(dir.filePath("missing"));
    QCOMPARE(notAFile.kind, TokenInputKind::BareToken);
    QCOMPARE(notAFile.token, dir.filePath("missing"));
    QCOMPARE(workUpInput("Bearer plain-tok").token, QString("plain-tok"));
}

void TestTokenWorkup::inputFileProblems() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString binPath = dir.filePath("cpu.pb.gz");
    QFile bin(binPath);
    QVERIFY(bin.open(QIODevice::WriteOnly));
    bin.write(QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8));
    bin.close();
    const TokenWorkup w = workUpInput(binPath);
    QVERIFY2(w.error.contains("binary file"), qPrintable(w.error));
    QVERIFY2(w.error.contains(QDir::toNativeSeparators(binPath)), qPrintable(w.error));

    const TokenWorkup missing = workUpToken(TokenFile{dir.filePath("nope")});
    QVERIFY2(missing.error.contains("does not exist"), qPrintable(missing.error));

    const QString basicPath = dir.filePath("header.txt");
    QFile basic(basicPath);
    QVERIFY(basic.open(QIODevice::WriteOnly));
    basic.write("Authorization: Basic c2VjcmV0LXB3\n");
    basic.close();
    const TokenWorkup b = workUpToken(TokenFile{basicPath});
    QVERIFY2(b.error.startsWith(QDir::toNativeSeparators(basicPath) + ": "), qPrintable(b.error));
    EXPECT_NO_LEAK(b, QString("c2VjcmV0LXB3"));
}

void TestTokenWorkup::tokenRefParsing_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("shown");
    QTest::newRow("env:") << "env:EMBERS_TOKEN" << int(TokenRef::Env) << "EMBERS_TOKEN"
                          << "env:EMBERS_TOKEN";
    QTest::newRow("$NAME") << "$ADMIN_KEY" << int(TokenRef::Env) << "ADMIN_KEY"
                           << "env:ADMIN_KEY";
    QTest::newRow("${NAME}") << "${ADMIN_KEY}" << int(TokenRef::Env) << "ADMIN_KEY"
                             << "env:ADMIN_KEY";
    QTest::newRow("file:") << "file:/run/secrets/ops" << int(TokenRef::File) << "/run/secrets/ops"
                           << QDir::toNativeSeparators("file:/run/secrets/ops");
    QTest::newRow("@path") << "@token.txt" << int(TokenRef::File) << "token.txt"
                           << "file:token.txt";
    QTest::newRow("literal") << "lit-tok" << int(TokenRef::Literal) << "lit-tok"
                             << "a literal token";
}

void TestTokenWorkup::tokenRefParsing() {
    QFETCH(QString, spec);
    QFETCH(int, kind);
    QFETCH(QString, value);
    QFETCH(QString, shown);
    const TokenRef ref = parseTokenRef(spec);
    QCOMPARE(int(ref.kind), kind);
    QCOMPARE(ref.value, value);
    QCOMPARE(describeTokenRef(ref), shown);
    QVERIFY(!describeTokenRef(ref).contains("lit-tok"));
}

void TestTokenWorkup::resolveLiteral() {
    QString error = "stale";
    QCOMPARE(resolveToken({TokenRef::Literal, "Bearer lit-tok"}, &error), QString("lit-tok"));
    QCOMPARE(error, QString());
    QCOMPARE(resolveToken({TokenRef::Literal, "lit tok with spaces"}, &error), QString());
    QVERIFY2(error.startsWith("the saved token: "), qPrintable(error));
    QVERIFY(!error.contains("lit tok with spaces"));
    QCOMPARE(resolveToken({TokenRef::Literal, ""}, &error), QString());
    QVERIFY(!error.isEmpty());
    QCOMPARE(resolveToken({TokenRef::Literal, "x1"}, nullptr), QString("x1"));
}

void TestTokenWorkup::resolveEnv() {
    const char* const var = "EMBERS_TST_TOKEN_WORKUP";
    const QString name = QString::fromLatin1(var);
    QString error;
    qunsetenv(var);
    QCOMPARE(resolveToken({TokenRef::Env, name}, &error), QString());
    QCOMPARE(error, QString("environment variable EMBERS_TST_TOKEN_WORKUP is not set: export it "
                            "before starting Embers, or choose another token source"));

    qputenv(var, "  ");
    QCOMPARE(resolveToken({TokenRef::Env, name}, &error), QString());
    QVERIFY2(error.contains("is empty"), qPrintable(error));

    qputenv(var, "Bearer env-tok-1\n");
    QCOMPARE(resolveToken({TokenRef::Env, name}, &error), QString("env-tok-1"));
    QCOMPARE(error, QString());

    qputenv(var, "Authorization: Basic ZW52LXNlY3JldA==");
    QCOMPARE(resolveToken({TokenRef::Env, name}, &error), QString());
    QVERIFY2(error.startsWith("environment variable EMBERS_TST_TOKEN_WORKUP: "), qPrintable(error));
    QVERIFY(!error.contains("ZW52LXNlY3JldA=="));

    QCOMPARE(resolveToken({TokenRef::Env, "not a name"}, &error), QString());
    QVERIFY2(error.contains("not an environment variable name"), qPrintable(error));
    qunsetenv(var);
}

void TestTokenWorkup::resolveFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString error;
    const QString missing = dir.filePath("ops-token");
    QCOMPARE(resolveToken({TokenRef::File, missing}, &error), QString());
    QCOMPARE(error, QStringLiteral("token file %1 does not exist: create it or choose another "
                                   "token source")
                        .arg(QDir::toNativeSeparators(missing)));

    const QString jwt = userJwt("alice", {"admin"}, kNow.addSecs(600));
    const QString curlPath = dir.filePath("request.sh");
    QFile curl(curlPath);
    QVERIFY(curl.open(QIODevice::WriteOnly));
    curl.write(fixture("curl_bash_chrome_get.txt").replace("@JWT@", jwt).toUtf8());
    curl.close();
    QCOMPARE(resolveToken({TokenRef::File, curlPath}, &error), jwt);
    QCOMPARE(error, QString());

    const QString urlPath = dir.filePath("url-only");
    QFile url(urlPath);
    QVERIFY(url.open(QIODevice::WriteOnly));
    url.write("https://node:8443/debug/pprof/\n");
    url.close();
    QCOMPARE(resolveToken({TokenRef::File, urlPath}, &error), QString());
    QVERIFY2(error.contains("holds no token"), qPrintable(error));
}

void TestTokenWorkup::errorsNeverContainToken_data() {
    const QString s = "Zq7-s3cret-Tok";
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("secret");
    QTest::newRow("two words") << s + " " + s << s;
    QTest::newRow("bearer with junk") << "Bearer " + s + "!!" << s;
    QTest::newRow("json with token") << "{\"token\": \"" + s + "\"}" << s;
    QTest::newRow("basic") << "Authorization: Basic " + s << s;
    QTest::newRow("digest") << "Authorization: Digest username=\"" + s + "\"" << s;
    QTest::newRow("curl basic") << "curl -u me:" + s + " https://h/" << s;
    QTest::newRow("curl cookie") << "curl -H 'Cookie: sid=" + s + "' https://h/" << s;
    QTest::newRow("curl quote") << "curl -H 'Authorization: Bearer " + s << s;
    QTest::newRow("cmd quote") << "curl ^\"https://h/^\" -H ^\"Authorization: Bearer " + s << s;
    QTest::newRow("prose") << "my token is " + s << s;
    QTest::newRow("url") << "ftp://" + s + "@host/" << s;
    const QString expired = userJwt("alice", {"admin"}, kNow.addSecs(-60));
    QJsonObject request{{"url", "https://h/"},
                        {"headers", QJsonArray{QJsonObject{{"name", "authorization"},
                                                           {"value", "Bearer " + expired}}}}};
    const QJsonObject har{
        {"log", QJsonObject{{"entries", QJsonArray{QJsonObject{{"request", request}}}}}}};
    QTest::newRow("har expired") << QString::fromUtf8(QJsonDocument(har).toJson()) << expired;
}

void TestTokenWorkup::errorsNeverContainToken() {
    QFETCH(QString, text);
    QFETCH(QString, secret);
    const TokenWorkup w = workUpToken(text, {QString(), kNow});
    QVERIFY2(!w.error.isEmpty(), qPrintable("expected an error for: " + text));
    QCOMPARE(w.token, QString());
    EXPECT_NO_LEAK(w, secret);
    QString error;
    QCOMPARE(resolveToken({TokenRef::Literal, text}, &error, {QString(), kNow}), QString());
    QVERIFY(!error.isEmpty());
    QVERIFY2(!error.contains(secret), qPrintable(error));
}

// ---- JWT --------------------------------------------------------------------

void TestTokenWorkup::jwtClaims() {
    const QJsonObject claims{
        {"sub", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"},
        {"preferred_username", "alice"},
        {"email", "alice@example.com"},
        {"iss", "https://ops-node-3.example.internal:8443/auth/realms/ops"},
        {"iat", 1795435200},  // 2026-11-23T12:00:00Z
        {"exp", 1795450800},  // 2026-11-23T16:20:00Z
        {"roles", QJsonArray{"viewer"}},
        {"realm_access", QJsonObject{{"roles", QJsonArray{"offline_access", "viewer"}}}},
        {"resource_access",
         QJsonObject{{"ops-ui", QJsonObject{{"roles", QJsonArray{"operator"}}}},
                     {"account", QJsonObject{{"roles", QJsonArray{"manage-account"}}}}}},
        {"groups", QJsonArray{"/site/london"}},
        {"scope", "openid profile  email"},
        {"scp", QJsonArray{"pprof.read"}},
        {"authorities", QJsonArray{"ROLE_AUDITOR", QJsonObject{{"authority", "ROLE_USER"}}}},
    };
    const auto info = decodeJwt(makeJwt(claims));
    QVERIFY(info.has_value());
    QCOMPARE(info->subject, QString("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
    QCOMPARE(info->displayName, QString("alice"));
    QCOMPARE(info->issuer, QString("https://ops-node-3.example.internal:8443/auth/realms/ops"));
    QVERIFY(info->expiry && info->issuedAt);
    QCOMPARE(*info->expiry, QDateTime(QDate(2026, 11, 23), QTime(16, 20), Qt::UTC));
    QCOMPARE(*info->issuedAt, QDateTime(QDate(2026, 11, 23), QTime(12, 0), Qt::UTC));
    // resource_access clients in key order: account, ops-ui.
    QCOMPARE(info->roles, (QStringList{"viewer", "offline_access", "manage-account", "operator",
                                       "/site/london", "openid", "profile", "email", "pprof.read",
                                       "ROLE_AUDITOR", "ROLE_USER"}));
    // With a "Bearer " prefix too.
    QVERIFY(decodeJwt("Bearer " + makeJwt(claims)).has_value());
}

void TestTokenWorkup::jwtSubjectFallback() {
    auto info = decodeJwt(makeJwt({{"preferred_username", "bob"}, {"email", "bob@x"}}));
    QVERIFY(info);
    QCOMPARE(info->subject, QString("bob"));
    QVERIFY(!info->expiry);
    info = decodeJwt(makeJwt({{"email", "carol@x"}, {"name", "Carol"}}));
    QCOMPARE(info->subject, QString("carol@x"));
    info = decodeJwt(makeJwt({{"name", "Dave"}, {"exp", "1795450800"}}));
    QCOMPARE(info->subject, QString("Dave"));
    QVERIFY(info->expiry);
    QCOMPARE(*info->expiry, QDateTime(QDate(2026, 11, 23), QTime(16, 20), Qt::UTC));
    info = decodeJwt(makeJwt({{"roles", "admin,viewer"}}));
    QCOMPARE(info->subject, QString());
    QCOMPARE(info->roles, (QStringList{"admin", "viewer"}));
}

void TestTokenWorkup::jwtNotJwt_data() {
    QTest::addColumn<QString>("token");
    const QString payload = base64Url(R"({"sub":"x"})");
    const QString header = base64Url(R"({"alg":"none"})");
    QTest::newRow("opaque") << "abc123";
    QTest::newRow("two parts") << header + "." + payload;
    QTest::newRow("five parts (JWE)") << header + "." + payload + ".a.b.c";
    QTest::newRow("bad base64") << header + ".*&^%." + "sig";
    QTest::newRow("payload not json") << header + "." + base64Url("not json") + ".sig";
    QTest::newRow("payload an array") << header + "." + base64Url("[1,2]") + ".sig";
    QTest::newRow("header not json") << base64Url("nope") + "." + payload + ".sig";
    QTest::newRow("empty payload") << header + "..sig";
}

void TestTokenWorkup::jwtNotJwt() {
    QFETCH(QString, token);
    QVERIFY(!decodeJwt(token).has_value());
}

void TestTokenWorkup::jwtExpiryDescription_data() {
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<QString>("text");
    QTest::newRow("42 min") << qint64(42 * 60 + 30) << "expires in 42 min";
    QTest::newRow("seconds") << qint64(45) << "expires in 45 s";
    QTest::newRow("hours") << qint64(3 * 3600 + 5 * 60) << "expires in 3 h 5 min";
    QTest::newRow("whole hours") << qint64(5 * 3600) << "expires in 5 h";
    QTest::newRow("days") << qint64(4 * 86400 + 7) << "expires in 4 days";
    QTest::newRow("expired 10 min ago") << qint64(-10 * 60) << "expired 10 min ago";
    QTest::newRow("just now") << qint64(0) << "expired just now";
    QTest::newRow("expired 2 days") << qint64(-49 * 3600) << "expired 2 days ago";
}

void TestTokenWorkup::jwtExpiryDescription() {
    QFETCH(qint64, offset);
    QFETCH(QString, text);
    JwtInfo info;
    info.expiry = kNow.addSecs(offset);
    QCOMPARE(describeExpiry(info, kNow), text);
    QCOMPARE(isExpired(info, kNow), offset <= 0);
    QCOMPARE(describeExpiry(JwtInfo{}, kNow), QString("no expiry"));
}

void TestTokenWorkup::jwtWarnings() {
    auto viewer = decodeJwt(userJwt("alice", {"viewer"}, kNow.addSecs(-600)));
    QVERIFY(viewer);
    QCOMPARE(captureWarnings(*viewer, kNow),
             (QStringList{"token for alice expired 10 min ago: get a fresh token",
                          "token for alice carries roles viewer, not admin or super-admin: the "
                          "node will likely answer 403"}));

    auto admin = decodeJwt(userJwt("alice", {"viewer", "super-admin"}, kNow.addSecs(600)));
    QVERIFY(admin);
    QCOMPARE(captureWarnings(*admin, kNow), QStringList());

    JwtInfo anonymous;
    QCOMPARE(captureWarnings(anonymous, kNow),
             QStringList{"the token carries no roles, not admin or super-admin: the node will "
                         "likely answer 403"});

    JwtInfo many;
    many.displayName = "svc";
    for (int i = 0; i < 10; ++i) many.roles << QStringLiteral("r%1").arg(i);
    QVERIFY2(captureWarnings(many, kNow).value(0).contains("r7 and 2 more, not admin"),
             qPrintable(captureWarnings(many, kNow).value(0)));
}

void TestTokenWorkup::jwtAdminRoles_data() {
    QTest::addColumn<QStringList>("roles");
    QTest::addColumn<bool>("admin");
    QTest::newRow("admin") << QStringList{"viewer", "admin"} << true;
    QTest::newRow("super-admin") << QStringList{"Super-Admin"} << true;
    QTest::newRow("spring") << QStringList{"ROLE_ADMIN"} << true;
    QTest::newRow("group path") << QStringList{"/ops/super-admin"} << true;
    QTest::newRow("scoped") << QStringList{"realm:admin"} << true;
    QTest::newRow("administrator") << QStringList{"administrator"} << false;
    QTest::newRow("admin-ish") << QStringList{"admins", "not-admin"} << false;
    QTest::newRow("none") << QStringList{} << false;
}

void TestTokenWorkup::jwtAdminRoles() {
    QFETCH(QStringList, roles);
    QFETCH(bool, admin);
    QCOMPARE(hasAdminRole(roles), admin);
}

QTEST_GUILESS_MAIN(TestTokenWorkup)
#include "tst_token_workup.moc"
