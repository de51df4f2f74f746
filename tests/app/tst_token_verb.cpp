// `embers token inspect` as a user runs it: input on stdin, what the token says on stdout,
// never the token unless --print-token.
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

namespace {

QByteArray b64url(const QByteArray& b) {
    return b.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// An unsigned-looking JWT with the given claims (inspect decodes, it does not verify).
QString makeJwt(const QJsonObject& claims) {
    const QByteArray header =
        QJsonDocument(QJsonObject{{"alg", "HS256"}, {"typ", "JWT"}}).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(b64url(header) + '.' +
                               b64url(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + '.' +
                               b64url("signature-bytes"));
}

struct Run {
    int code;
    QString out, err;
};

Run inspect(const QString& input, const QStringList& extra = {}) {
    QProcess p;
    p.start(qEnvironmentVariable("EMBERS_BIN"), QStringList{"token", "inspect"} + extra);
    p.write(input.toUtf8());
    p.closeWriteChannel();
    p.waitForFinished(20000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace

class TstTokenVerb : public QObject {
    Q_OBJECT
private slots:
    void curlWithExpiredViewerToken() {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString token =
            makeJwt({{"sub", "alice"}, {"roles", QJsonArray{"viewer"}}, {"exp", now - 600}});
        const QString curl = QStringLiteral(
                                 "curl 'https://node.example:8443/__/debug/pprof/heap' \\\n"
                                 "  -H 'Authorization: Bearer %1' --compressed")
                                 .arg(token);
        const Run r = inspect(curl);
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("node:      https://node.example:8443/__/debug/pprof"),
                 qPrintable(r.out));
        QVERIFY(r.out.contains("subject:   alice"));
        QVERIFY(r.out.contains("roles:     viewer"));
        QVERIFY(r.out.contains("expired 10 min ago"));
        QVERIFY(r.out.contains("not admin or super-admin"));
        QVERIFY(!r.out.contains(token) && !r.err.contains(token));
        // Only on request.
        const Run shown = inspect(curl, {"--print-token"});
        QVERIFY(shown.out.contains("token:     " + token));
    }

    void adminHeaderValid() {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString token =
            makeJwt({{"sub", "ops"}, {"roles", QJsonArray{"admin"}}, {"exp", now + 3600}});
        const Run r = inspect(QStringLiteral("Authorization: Bearer %1\n").arg(token));
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("expires in 1 h") || r.out.contains("expires in 60 min") ||
                r.out.contains("expires in 59 min"));
        QVERIFY2(!r.out.contains("warning"), qPrintable(r.out));
    }

    void nothingUsable() {
        const Run r =
            inspect(QStringLiteral("curl 'https://node/debug/pprof/heap' -H 'accept: */*'"));
        QVERIFY(r.code != 0);
        QVERIFY(!r.err.isEmpty() || r.out.contains("token:     none"));
    }
};

QTEST_MAIN(TstTokenVerb)
#include "tst_token_verb.moc"
