#include "pprof_index.h"

#include <QRegularExpression>
#include <QSet>

namespace embers::capture {

namespace {

const QString kPprofSegment = QStringLiteral("/debug/pprof");

// Names Go's runtime and net/http/pprof serve.
bool isKnownProfile(const QString& name) {
    static const QSet<QString> known = {
        QStringLiteral("allocs"),    QStringLiteral("block"),  QStringLiteral("cmdline"),
        QStringLiteral("goroutine"), QStringLiteral("heap"),   QStringLiteral("mutex"),
        QStringLiteral("profile"),   QStringLiteral("symbol"), QStringLiteral("threadcreate"),
        QStringLiteral("trace"),
    };
    return known.contains(name);
}

// Handlers, not profiles: the index shows a count of 0 that means nothing.
bool hasNoCount(const QString& name) {
    return name == QLatin1String("cmdline") || name == QLatin1String("profile") ||
           name == QLatin1String("symbol") || name == QLatin1String("trace");
}

QString decodeEntities(QString s) {
    s.replace(QLatin1String("&lt;"), QLatin1String("<"));
    s.replace(QLatin1String("&gt;"), QLatin1String(">"));
    s.replace(QLatin1String("&quot;"), QLatin1String("\""));
    s.replace(QLatin1String("&#34;"), QLatin1String("\""));
    s.replace(QLatin1String("&#39;"), QLatin1String("'"));
    s.replace(QLatin1String("&nbsp;"), QLatin1String(" "));
    s.replace(QLatin1String("&amp;"), QLatin1String("&"));
    return s;
}

// The text of an HTML fragment: tags dropped, entities decoded.
QString stripTags(QStringView html) {
    QString text;
    bool inTag = false;
    for (QChar c : html) {
        if (c == u'<') {
            inTag = true;
            text += u' ';
        } else if (c == u'>' && inTag) {
            inTag = false;
        } else if (!inTag) {
            text += c;
        }
    }
    return decodeEntities(text);
}

struct Anchor {
    qsizetype start = 0;  // index of "<a"
    qsizetype end = 0;    // index just past "</a>" (or past the tag when unclosed)
    QString href;
    QString text;
};

// The value of `name` in a tag's attribute text, quoted or not.
QString attribute(QStringView attrs, QLatin1String name) {
    static const QRegularExpression re(
        QStringLiteral("(?:^|\\s)([A-Za-z-]+)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+))"));
    auto it = re.globalMatch(attrs.toString());
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.captured(1).compare(name, Qt::CaseInsensitive) != 0) continue;
        for (int g = 2; g <= 4; ++g)
            if (m.capturedStart(g) >= 0) return decodeEntities(m.captured(g));
    }
    return {};
}

QList<Anchor> anchors(const QString& html) {
    QList<Anchor> result;
    qsizetype i = 0;
    const qsizetype n = html.size();
    while (i < n) {
        const qsizetype lt = html.indexOf(u'<', i);
        if (lt < 0 || lt + 2 >= n) break;
        const QChar a = html[lt + 1];
        const QChar after = html[lt + 2];
        if ((a != u'a' && a != u'A') || !(after.isSpace() || after == u'>')) {
            i = lt + 1;
            continue;
        }
        // The tag ends at the first '>' outside quotes.
        qsizetype gt = lt + 2;
        QChar quote;
        for (; gt < n; ++gt) {
            const QChar c = html[gt];
            if (!quote.isNull()) {
                if (c == quote) quote = QChar();
            } else if (c == u'"' || c == u'\'') {
                quote = c;
            } else if (c == u'>') {
                break;
            }
        }
        if (gt >= n) break;
        Anchor anchor;
        anchor.start = lt;
        anchor.href = attribute(QStringView(html).mid(lt + 2, gt - lt - 2), QLatin1String("href"));
        const qsizetype close = html.indexOf(QLatin1String("</a"), gt + 1, Qt::CaseInsensitive);
        const qsizetype textEnd = close < 0 ? gt + 1 : close;
        anchor.text = stripTags(QStringView(html).mid(gt + 1, textEnd - gt - 1)).simplified();
        anchor.end = close < 0 ? gt + 1 : html.indexOf(u'>', close) + 1;
        if (anchor.end <= 0) anchor.end = n;
        result << anchor;
        i = anchor.end;
    }
    return result;
}

// "goroutine?debug=1" -> "goroutine"; "/debug/pprof/heap?debug=1" -> "heap".
QString hrefName(const QString& href, QUrlQuery* query) {
    const QUrl url(href);
    *query = QUrlQuery(url);
    const QString path = url.path();
    return path.mid(path.lastIndexOf(u'/') + 1);
}

std::optional<qint64> trailingCount(QStringView htmlBefore) {
    const QString text = stripTags(htmlBefore).simplified();
    const QString last = text.mid(text.lastIndexOf(u' ') + 1);
    bool ok = false;
    const qint64 v = last.toLongLong(&ok);
    if (!ok || v < 0) return std::nullopt;
    return v;
}

QString notAnIndexReason(const QByteArray& page, const QString& html) {
    const QString trimmed = html.trimmed();
    if (trimmed.isEmpty()) return QStringLiteral("the page is empty, not a pprof index");
    if (trimmed.startsWith(u'{') || trimmed.startsWith(u'['))
        return QStringLiteral("the node answered JSON, not the pprof index: wrong prefix?");
    const QString lower = trimmed.toLower();
    const bool isHtml = lower.startsWith(QLatin1String("<!doctype html")) ||
                        lower.contains(QLatin1String("<html")) ||
                        lower.contains(QLatin1String("<body"));
    if (isHtml) {
        if (lower.contains(QLatin1String("<form")) &&
            (lower.contains(QLatin1String("password")) || lower.contains(QLatin1String("login")) ||
             lower.contains(QLatin1String("sign in"))))
            return QStringLiteral(
                "the node answered a login page, not the pprof index: check the token");
        return QStringLiteral(
            "the page is HTML but lists no profiles: not a pprof index (wrong prefix?)");
    }
    if (page.contains('\0'))
        return QStringLiteral("the node answered binary data, not the pprof index");
    QString first = trimmed.section(u'\n', 0, 0).simplified();
    if (first.size() > 80) first = first.left(77) + QStringLiteral("...");
    return QStringLiteral("the page is not a pprof index: it begins \"%1\"").arg(first);
}

}  // namespace

bool PprofIndex::has(const QString& name) const {
    for (const auto& p : profiles)
        if (p.name == name) return true;
    return false;
}

PprofIndex parsePprofIndex(const QByteArray& page) {
    static const QRegularExpression validName(QStringLiteral("^[A-Za-z0-9_.\\-]+$"));
    const QString html = QString::fromUtf8(page);
    PprofIndex index;
    int known = 0;
    qsizetype previousEnd = 0;
    for (const Anchor& a : anchors(html)) {
        const QStringView before = QStringView(html).mid(previousEnd, a.start - previousEnd);
        previousEnd = a.end;
        QUrlQuery query;
        const QString name = hrefName(a.href, &query);
        if (name == QLatin1String("goroutine") &&
            query.queryItemValue(QStringLiteral("debug")) == QLatin1String("2"))
            index.fullGoroutineDump = true;
        if (name.isEmpty() || a.text != name || !validName.match(name).hasMatch()) continue;
        if (index.has(name)) continue;
        PprofIndexEntry entry{name, hasNoCount(name) ? std::nullopt : trailingCount(before)};
        index.profiles << entry;
        if (isKnownProfile(name)) ++known;
    }
    // Every Go index lists several runtime profiles; one stray link named
    // "heap" on some other page does not make it an index.
    index.isIndex = known >= 2 || (known == 1 && html.contains(kPprofSegment));
    if (!index.isIndex) {
        index.profiles.clear();
        index.fullGoroutineDump = false;
        index.error = notAnIndexReason(page, html);
    }
    return index;
}

QStringList candidatePrefixes() {
    return {kPprofSegment, QStringLiteral("/__") + kPprofSegment};
}

QStringList candidatePrefixes(const QString& basePath) {
    QString base = basePath.trimmed();
    while (base.endsWith(u'/')) base.chop(1);
    QStringList result;
    if (!base.isEmpty()) {
        if (!base.startsWith(u'/')) base.prepend(u'/');
        result << base + kPprofSegment;
    }
    for (const QString& p : candidatePrefixes())
        if (!result.contains(p)) result << p;
    return result;
}

PprofUrl splitPprofUrl(const QString& typed) {
    static const QRegularExpression hasScheme(QStringLiteral("^[A-Za-z][A-Za-z0-9+.\\-]*://"));
    PprofUrl result;
    QString text = typed.trimmed();
    if (text.isEmpty()) {
        result.error = QStringLiteral(
            "type the node's address, like https://node:8443 or https://node:8443/debug/pprof");
        return result;
    }
    if (!hasScheme.match(text).hasMatch()) {
        text.prepend(QStringLiteral("https://"));
        result.schemeGuessed = true;
    }
    const QUrl url(text);
    if (!url.isValid() || url.host().isEmpty()) {
        result.error = QStringLiteral(
            "cannot read the address as a URL: type it like https://node:8443/debug/pprof");
        return result;
    }
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        result.error = QStringLiteral("the address must start with http:// or https://, not %1://")
                           .arg(scheme);
        return result;
    }
    result.base.setScheme(scheme);
    result.base.setHost(url.host());
    result.base.setPort(url.port());
    result.query = QUrlQuery(url);

    const QString path = url.path();
    qsizetype at = -1;
    for (qsizetype from = 0;;) {
        const qsizetype i = path.indexOf(kPprofSegment, from);
        if (i < 0) break;
        const qsizetype end = i + kPprofSegment.size();
        if (end == path.size() || path[end] == u'/') {
            at = i;
            break;
        }
        from = i + 1;
    }
    if (at >= 0) {
        result.basePath = path.left(at);
        result.prefix = path.left(at + kPprofSegment.size());
        const QString rest = path.mid(at + kPprofSegment.size());
        result.profile = rest.section(u'/', 0, 0, QString::SectionSkipEmpty);
    } else {
        result.basePath = path;
        while (result.basePath.endsWith(u'/')) result.basePath.chop(1);
    }
    return result;
}

QUrl pprofIndexUrl(const QUrl& base, const QString& prefix) {
    QUrl url = base;
    QString p = prefix;
    while (p.endsWith(u'/')) p.chop(1);
    url.setPath(p + u'/');
    return url;
}

}  // namespace embers::capture
