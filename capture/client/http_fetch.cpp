#include "http_fetch.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cerrno>
#include <memory>

#include <curl/curl.h>

namespace embers::capture {

namespace {

void initCurlOnce() {
    static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)init;
}

struct CurlDeleter {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// What one hop of the fetch gathers from libcurl's callbacks.
struct Transfer {
    const FetchOptions* options = nullptr;
    const QElapsedTimer* clock = nullptr;
    QByteArray body;
    QString wwwAuthenticate;
    QString contentType;
    bool goPprof = false;
    bool tooLarge = false;
    bool cancelled = false;

    void reset() {
        body.clear();
        wwwAuthenticate.clear();
        contentType.clear();
        goPprof = false;
        tooLarge = false;
    }
};

size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    if (qint64(t->body.size()) + qint64(bytes) > t->options->maxBodyBytes) {
        t->tooLarge = true;
        return bytes == 0 ? 1 : 0;  // anything but `bytes` makes libcurl stop
    }
    t->body.append(data, qsizetype(bytes));
    return bytes;
}

size_t onHeader(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    const QByteArray line = QByteArray(data, qsizetype(bytes)).trimmed();
    if (line.startsWith("HTTP/")) {
        // A new response (after 100 Continue, say): forget the previous one's headers.
        t->wwwAuthenticate.clear();
        t->contentType.clear();
        t->goPprof = false;
        return bytes;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0) return bytes;
    const QByteArray name = line.left(colon).trimmed().toLower();
    const QString value = QString::fromLatin1(line.mid(colon + 1).trimmed());
    if (name == "www-authenticate") {
        if (!t->wwwAuthenticate.isEmpty()) t->wwwAuthenticate += QLatin1String(", ");
        t->wwwAuthenticate += value;
    } else if (name == "content-type") {
        t->contentType = value;
    } else if (name == "x-go-pprof") {
        t->goPprof = value == QLatin1String("1");
    }
    return bytes;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    if (!t->options->progress) return 0;
    const double elapsed = double(t->clock->nsecsElapsed()) / 1e9;
    if (t->options->progress(qint64(t->body.size()), elapsed)) return 0;
    t->cancelled = true;
    return 1;
}

int effectivePort(const QUrl& url) {
    const QString scheme = url.scheme().toLower();
    return url.port(scheme == QLatin1String("https")  ? 443
                    : scheme == QLatin1String("http") ? 80
                                                      : -1);
}

QString hostPort(const QUrl& url) {
    QString host = url.host();
    if (host.contains(u':')) host = u'[' + host + u']';
    return QStringLiteral("%1:%2").arg(host).arg(effectivePort(url));
}

QString describeBytes(qint64 bytes) {
    if (bytes >= (qint64(1) << 30) && bytes % (qint64(1) << 30) == 0)
        return QStringLiteral("%1 GiB").arg(bytes >> 30);
    if (bytes >= (qint64(1) << 20) && bytes % (qint64(1) << 20) == 0)
        return QStringLiteral("%1 MiB").arg(bytes >> 20);
    return QStringLiteral("%1 bytes").arg(bytes);
}

// The last line of libcurl's error text, or its generic text for the code.
QString curlText(CURLcode rc, const char* errbuf) {
    QString text = QString::fromLocal8Bit(errbuf).trimmed();
    if (text.isEmpty()) text = QString::fromLatin1(curl_easy_strerror(rc));
    text.replace(u'\n', u' ');
    text.replace(u'\r', u' ');
    return text;
}

bool untrustedIssuer(long verifyResult) {
    // OpenSSL's X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT (2), _DEPTH_ZERO_SELF_SIGNED_CERT (18),
    // _SELF_SIGNED_CERT_IN_CHAIN (19), _UNABLE_TO_GET_ISSUER_CERT_LOCALLY (20),
    // _UNABLE_TO_VERIFY_LEAF_SIGNATURE (21).
    return verifyResult == 2 || (verifyResult >= 18 && verifyResult <= 21);
}

QString tlsVerifyError(CURL* h, const char* errbuf, const QUrl& url, const FetchOptions& o) {
    long verify = 0;
    curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &verify);
    const QString text = curlText(CURLE_PEER_FAILED_VERIFICATION, errbuf);
    if (verify == 10 || text.contains(QLatin1String("expired"), Qt::CaseInsensitive))
        return QStringLiteral(
                   "the TLS certificate of %1 has expired: renew it on the node, or pass "
                   "--insecure")
            .arg(hostPort(url));
    if (verify == 62 || text.contains(QLatin1String("subject name"), Qt::CaseInsensitive) ||
        text.contains(QLatin1String("does not match"), Qt::CaseInsensitive))
        return QStringLiteral(
                   "the TLS certificate of %1 is not for host %2: use the host name the "
                   "certificate names, or pass --insecure")
            .arg(hostPort(url), url.host());
    if (!o.caFile.isEmpty())
        return QStringLiteral(
                   "TLS certificate of %1 is not signed by the CA in %2: pass the CA that "
                   "signed the node's certificate, or --insecure")
            .arg(hostPort(url), o.caFile);
    if (untrustedIssuer(verify) || verify == 0)
        return QStringLiteral(
            "TLS certificate is not trusted (self-signed?): pass --cacert FILE, or --insecure");
    return QStringLiteral(
               "TLS certificate of %1 is not trusted (%2): pass --cacert FILE, or "
               "--insecure")
        .arg(hostPort(url), text);
}

// One line for a failed transfer, saying what to do.
QString transportError(CURLcode rc, CURL* h, const char* errbuf, const QUrl& url,
                       const FetchOptions& o, const Transfer& t, double elapsed) {
    const QString where = hostPort(url);
    const QString text = curlText(rc, errbuf);
    // The node's TLS alerts about our certificate (or its absence): Go sends
    // "bad certificate", TLS 1.3 has "certificate required".
    if (text.contains(QLatin1String("alert certificate required"), Qt::CaseInsensitive) ||
        text.contains(QLatin1String("alert bad certificate"), Qt::CaseInsensitive) ||
        text.contains(QLatin1String("alert unknown ca"), Qt::CaseInsensitive) ||
        text.contains(QLatin1String("alert certificate unknown"), Qt::CaseInsensitive)) {
        if (o.certFile.isEmpty())
            return QStringLiteral(
                       "%1 wants a client certificate: pass --cert FILE --key FILE (signed by a "
                       "CA the node trusts)")
                .arg(where);
        return QStringLiteral(
                   "%1 refused the client certificate %2: is it signed by a CA the node trusts, "
                   "and still valid?")
            .arg(where, o.certFile);
    }
    // A node that wants a client certificate may close the connection right
    // after the TLS 1.3 handshake, before its alert can be read: the request
    // then fails to go out (libcurl may report that as an HTTP/2 error, with
    // the connect times reset), or nothing comes back.
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    const bool tls = url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    const bool brokeOff = rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
                          rc == CURLE_GOT_NOTHING || rc == CURLE_HTTP2;
    if (tls && brokeOff && status == 0 && t.body.isEmpty()) {
        if (o.certFile.isEmpty())
            return QStringLiteral(
                       "%1 closed the connection before answering: if it wants a client "
                       "certificate, pass --cert FILE --key FILE (%2)")
                .arg(where, text);
        return QStringLiteral(
                   "%1 closed the connection before answering: did it refuse the client "
                   "certificate %2? (%3)")
            .arg(where, o.certFile, text);
    }
    switch (rc) {
        case CURLE_UNSUPPORTED_PROTOCOL:
            return QStringLiteral("cannot fetch %1: only http:// and https:// work")
                .arg(url.scheme());
        case CURLE_URL_MALFORMAT:
            return QStringLiteral("the address is not a valid URL: %1").arg(text);
        case CURLE_COULDNT_RESOLVE_PROXY:
            return QStringLiteral(
                       "cannot resolve the proxy's host name (%1): check https_proxy, "
                       "http_proxy and no_proxy")
                .arg(text);
        case CURLE_COULDNT_RESOLVE_HOST:
            return QStringLiteral("cannot resolve the host name %1: check the address")
                .arg(url.host());
        case CURLE_COULDNT_CONNECT: {
            long osErrno = 0;
            curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &osErrno);
            if (osErrno == ECONNREFUSED)
                return QStringLiteral(
                           "connection refused by %1: is the node running, and is the port "
                           "right?")
                    .arg(where);
            return QStringLiteral("cannot connect to %1: %2").arg(where, text);
        }
        case CURLE_OPERATION_TIMEDOUT: {
            curl_off_t tcpDone = 0, tlsDone = 0;
            curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &tcpDone);
            curl_easy_getinfo(h, CURLINFO_APPCONNECT_TIME_T, &tlsDone);
            const qint64 secs = qint64(elapsed + 0.5);
            if (tcpDone == 0)
                return QStringLiteral(
                           "no connection to %1 within %2 s: check the address, the port and "
                           "any firewall or proxy")
                    .arg(where)
                    .arg(secs);
            if (tls && tlsDone == 0)
                return QStringLiteral(
                           "%1 accepted the connection but did not complete the TLS handshake "
                           "within %2 s: is the port right, and does it speak TLS?")
                    .arg(where)
                    .arg(secs);
            return QStringLiteral(
                       "timed out after %1 s waiting for %2's answer (%3 received): the node or "
                       "a proxy stalled")
                .arg(secs)
                .arg(where, describeBytes(t.body.size()));
        }
        case CURLE_PEER_FAILED_VERIFICATION:
            return tlsVerifyError(h, errbuf, url, o);
        case CURLE_SSL_CACERT_BADFILE:
            return QStringLiteral("cannot read the CA file %1: check the path (PEM format)")
                .arg(o.caFile);
        case CURLE_SSL_CERTPROBLEM:
            return QStringLiteral(
                       "cannot use the client certificate %1 or its key: %2 (PEM files "
                       "expected)")
                .arg(o.certFile, text);
        case CURLE_SSL_CONNECT_ERROR:
            if (text.contains(QLatin1String("wrong version number"), Qt::CaseInsensitive))
                return QStringLiteral("%1 does not speak TLS: try http:// instead of https://")
                    .arg(where);
            return QStringLiteral("TLS handshake with %1 failed: %2").arg(where, text);
        case CURLE_WRITE_ERROR:
            if (t.tooLarge)
                return QStringLiteral(
                           "the answer is larger than %1, the most Embers takes: check the URL")
                    .arg(describeBytes(o.maxBodyBytes));
            return QStringLiteral("cannot keep the answer: %1").arg(text);
        case CURLE_OUT_OF_MEMORY:
            return QStringLiteral("out of memory while receiving the answer");
        case CURLE_GOT_NOTHING:
            return QStringLiteral(
                       "%1 closed the connection without answering: is it the right port, and "
                       "plain HTTP or HTTPS as the URL says?")
                .arg(where);
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_PARTIAL_FILE:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
            return QStringLiteral("the connection to %1 broke off (%2 received): %3")
                .arg(where, describeBytes(t.body.size()), text);
        default:
            return QStringLiteral("fetching from %1 failed: %2").arg(where, text);
    }
}

bool isRedirect(long status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

bool sameOrigin(const QUrl& a, const QUrl& b) {
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 &&
           a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           effectivePort(a) == effectivePort(b);
}

FetchResult fetchUrl(const FetchOptions& o) {
    FetchResult result;
    result.finalUrl = o.url;
    initCurlOnce();
    std::unique_ptr<CURL, CurlDeleter> handle(curl_easy_init());
    if (!handle) {
        result.transportError = QStringLiteral("cannot start libcurl (out of memory?)");
        return result;
    }
    CURL* h = handle.get();

    QElapsedTimer clock;
    clock.start();
    Transfer t;
    t.options = &o;
    t.clock = &clock;

    const qint64 totalMs = std::max<qint64>(1, qint64(o.totalTimeout.count()) * 1000);
    const qint64 connectMs = std::max<qint64>(1, qint64(o.connectTimeout.count()) * 1000);
    QString token = o.token.trimmed();
    if (token.startsWith(QLatin1String("Bearer "), Qt::CaseInsensitive))
        token = token.mid(7).trimmed();
    if (token.contains(u'\n') || token.contains(u'\r')) {
        result.transportError =
            QStringLiteral("the token holds a line break: paste the token alone, on one line");
        return result;
    }
    const QByteArray authHeader = "Authorization: Bearer " + token.toUtf8();
    const QByteArray caFile = o.caFile.toLocal8Bit();
    const QByteArray certFile = o.certFile.toLocal8Bit();
    const QByteArray keyFile = o.keyFile.toLocal8Bit();

    QUrl url = o.url;
    for (int hop = 0;; ++hop) {
        t.reset();
        result.finalUrl = url;
        char errbuf[CURL_ERROR_SIZE] = {};
        const bool sendToken = !token.isEmpty() && sameOrigin(url, o.url);
        result.sentToken = sendToken;
        std::unique_ptr<curl_slist, SlistDeleter> headers;
        if (sendToken) headers.reset(curl_slist_append(nullptr, authHeader.constData()));
        const QByteArray contentType = "Content-Type: " + o.postContentType.toUtf8();
        if (!o.postBody.isEmpty())
            headers.reset(curl_slist_append(headers.release(), contentType.constData()));

        const qint64 leftMs = totalMs - clock.elapsed();
        if (leftMs <= 0) {
            result.transportError = QStringLiteral("timed out after %1 s while following redirects")
                                        .arg(o.totalTimeout.count());
            break;
        }
        const QByteArray encoded = url.toEncoded();
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, encoded.constData());
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
        curl_easy_setopt(h, CURLOPT_PROTOCOLS, long(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // followed below, token-aware
        curl_easy_setopt(h, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_2TLS));
        curl_easy_setopt(h, CURLOPT_USERAGENT, "embers");
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, long(std::min(connectMs, leftMs)));
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, long(leftMs));
        if (headers) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onBody);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, onHeader);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, onProgress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
        if (!caFile.isEmpty()) curl_easy_setopt(h, CURLOPT_CAINFO, caFile.constData());
        if (!certFile.isEmpty()) curl_easy_setopt(h, CURLOPT_SSLCERT, certFile.constData());
        if (!keyFile.isEmpty()) curl_easy_setopt(h, CURLOPT_SSLKEY, keyFile.constData());
        const QByteArray basicUser = o.basicUser.toUtf8(), basicPassword = o.basicPassword.toUtf8();
        if (!o.postBody.isEmpty()) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, o.postBody.constData());
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, long(o.postBody.size()));
        }
        if (!basicUser.isEmpty()) {
            curl_easy_setopt(h, CURLOPT_HTTPAUTH, long(CURLAUTH_BASIC));
            curl_easy_setopt(h, CURLOPT_USERNAME, basicUser.constData());
            curl_easy_setopt(h, CURLOPT_PASSWORD, basicPassword.constData());
        }
        if (o.insecure) {
            curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
        }

        const CURLcode rc = curl_easy_perform(h);
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        result.status = int(status);
        long version = 0;
        curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &version);
        result.httpVersion = version == CURL_HTTP_VERSION_2_0   ? QStringLiteral("2")
                             : version == CURL_HTTP_VERSION_1_1 ? QStringLiteral("1.1")
                             : version == CURL_HTTP_VERSION_1_0 ? QStringLiteral("1.0")
                                                                : QString();
        result.wwwAuthenticate = t.wwwAuthenticate;
        result.contentType = t.contentType;
        result.goPprof = t.goPprof;
        if (rc != CURLE_OK) {
            if (rc == CURLE_ABORTED_BY_CALLBACK || t.cancelled) {
                result.cancelled = true;
                result.transportError = QStringLiteral("cancelled");
            } else {
                result.transportError =
                    transportError(rc, h, errbuf, url, o, t, double(clock.elapsed()) / 1000.0);
            }
            result.body = std::move(t.body);
            break;
        }
        const char* location = nullptr;
        curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &location);
        if (isRedirect(status) && location && *location && o.postBody.isEmpty()) {
            if (hop >= o.maxRedirects) {
                result.transportError =
                    QStringLiteral("more than %1 redirects, starting at %2: check the URL")
                        .arg(o.maxRedirects)
                        .arg(hostPort(o.url));
                break;
            }
            url = QUrl::fromEncoded(QByteArray(location));
            continue;
        }
        result.body = std::move(t.body);
        break;
    }
    result.transportError = redact(redact(result.transportError, token), o.basicPassword);
    return result;
}

HttpOutcome toOutcome(const FetchOptions& options, const FetchResult& result) {
    HttpOutcome outcome;
    outcome.url = options.url.toString(QUrl::RemoveUserInfo);
    outcome.status = result.cancelled ? 0 : result.status;
    outcome.transportError = result.transportError;
    outcome.wwwAuthenticate = result.wwwAuthenticate;
    outcome.goPprofHeader = result.goPprof;
    outcome.contentType = result.contentType;
    outcome.bodyHead = result.body.left(1024);
    outcome.sentToken = result.sentToken;
    return outcome;
}

}  // namespace embers::capture
