#include "pprof_text.h"

#include <QRegularExpression>
#include <QStringList>

namespace oracle {

namespace {

QString stripInlineMarker(QString name) {
    for (const QLatin1String marker :
         {QLatin1String(" (partial-inline)"), QLatin1String(" (inline)")}) {
        if (name.endsWith(marker)) {
            name.chop(marker.size());
            break;
        }
    }
    return name;
}

// Splits off the first `n` whitespace-separated fields; the rest of the line
// (which may contain spaces) is returned in `rest` without leading blanks.
bool splitFields(QStringView line, int n, QList<QStringView>* fields, QStringView* rest) {
    fields->clear();
    qsizetype i = 0;
    const qsizetype size = line.size();
    for (int f = 0; f < n; ++f) {
        while (i < size && line[i].isSpace()) ++i;
        const qsizetype start = i;
        while (i < size && !line[i].isSpace()) ++i;
        if (start == i) return false;
        fields->append(line.mid(start, i - start));
    }
    while (i < size && line[i].isSpace()) ++i;
    *rest = line.mid(i);
    return true;
}

}  // namespace

bool parseValue(QStringView token, QStringView suffix, qint64* out) {
    if (token == u"." || token == u"0") {
        *out = 0;
        return true;
    }
    if (!suffix.isEmpty()) {
        if (!token.endsWith(suffix)) return false;
        token.chop(suffix.size());
    }
    if (token.isEmpty()) return false;
    // Digits only (after an optional minus): reject "1.5", "1e9", "+3".
    for (qsizetype i = 0; i < token.size(); ++i) {
        const QChar c = token[i];
        if (c.isDigit() && c.unicode() < 128) continue;
        if (i == 0 && c == u'-' && token.size() > 1) continue;
        return false;
    }
    bool ok = false;
    const qint64 v = token.toLongLong(&ok);
    if (!ok) return false;
    *out = v;
    return true;
}

QString pprofUnitFlag(const QString& unit) {
    if (unit == u"nanoseconds") return QStringLiteral("ns");
    if (unit == u"bytes") return QStringLiteral("B");
    return QStringLiteral("count");
}

QString pprofUnitSuffix(const QString& unit) {
    if (unit == u"nanoseconds") return QStringLiteral("ns");
    if (unit == u"bytes") return QStringLiteral("B");
    return QString();
}

TopReport parseTop(const QString& text, const QString& suffix) {
    TopReport report;
    static const QRegularExpression showing(
        QStringLiteral("^Showing nodes accounting for (\\S+), \\S+ of (\\S+) total$"));
    static const QRegularExpression columns(
        QStringLiteral("^\\s*flat\\s+flat%\\s+sum%\\s+cum\\s+cum%\\s*$"));

    const QStringList lines = text.split(u'\n');
    bool sawShowing = false;
    bool inRows = false;
    int lineNo = 0;
    for (const QString& raw : lines) {
        ++lineNo;
        const QString line = raw.endsWith(u'\r') ? raw.chopped(1) : raw;
        if (!inRows) {
            if (const auto m = showing.match(line); m.hasMatch()) {
                if (!parseValue(m.capturedView(1), suffix, &report.shown) ||
                    !parseValue(m.capturedView(2), suffix, &report.total)) {
                    report.error = QStringLiteral("line %1: cannot read the values in \"%2\"")
                                       .arg(lineNo)
                                       .arg(line);
                    return report;
                }
                sawShowing = true;
            } else if (columns.match(line).hasMatch()) {
                inRows = true;
            }
            continue;
        }
        if (line.trimmed().isEmpty()) continue;
        QList<QStringView> f;
        QStringView rest;
        TopRow row;
        if (!splitFields(line, 5, &f, &rest) || rest.isEmpty() ||
            !parseValue(f[0], suffix, &row.flat) || !f[1].endsWith(u'%') || !f[2].endsWith(u'%') ||
            !parseValue(f[3], suffix, &row.cum) || !f[4].endsWith(u'%')) {
            report.error = QStringLiteral("line %1: not a row: \"%2\"").arg(lineNo).arg(line);
            return report;
        }
        row.name = stripInlineMarker(rest.toString());
        report.rows.append(row);
    }
    if (!sawShowing) {
        report.error = QStringLiteral("no \"Showing nodes accounting for\" line");
    } else if (!inRows) {
        report.error = QStringLiteral("no column header line");
    }
    return report;
}

ListReport parseList(const QString& text, const QString& suffix) {
    ListReport report;
    static const QRegularExpression totalRe(QStringLiteral("^Total: (\\S+)$"));
    static const QRegularExpression routineRe(QStringLiteral("^ROUTINE =+ (.*?) in (.*)$"));
    static const QRegularExpression sumRe(
        QStringLiteral("^\\s*(\\S+)\\s+(\\S+)\\s+\\(flat, cum\\)"));
    static const QRegularExpression lineRe(QStringLiteral("^\\s*(\\S+)\\s+(\\S+)\\s+(\\d+):(.*)$"));
    static const QRegularExpression errorRe(QStringLiteral("^\\s*Error: (.*)$"));

    const QStringList lines = text.split(u'\n');
    int lineNo = 0;
    ListRoutine* current = nullptr;
    bool expectSum = false;
    auto fail = [&](const QString& line) {
        report.error = QStringLiteral("line %1: unexpected \"%2\"").arg(lineNo).arg(line);
        return report;
    };
    for (const QString& raw : lines) {
        ++lineNo;
        const QString line = raw.endsWith(u'\r') ? raw.chopped(1) : raw;
        if (const auto m = totalRe.match(line); m.hasMatch()) {
            if (!parseValue(m.capturedView(1), suffix, &report.total)) return fail(line);
            current = nullptr;
            continue;
        }
        if (const auto m = routineRe.match(line); m.hasMatch()) {
            ListRoutine r;
            r.name = m.captured(1);
            r.file = m.captured(2);
            report.routines.append(r);
            current = &report.routines.last();
            expectSum = true;
            continue;
        }
        if (current == nullptr) {
            if (line.trimmed().isEmpty()) continue;
            return fail(line);
        }
        if (expectSum) {
            const auto m = sumRe.match(line);
            if (!m.hasMatch() || !parseValue(m.capturedView(1), suffix, &current->flat) ||
                !parseValue(m.capturedView(2), suffix, &current->cum)) {
                return fail(line);
            }
            expectSum = false;
            continue;
        }
        if (const auto m = lineRe.match(line); m.hasMatch()) {
            ListLine l;
            if (!parseValue(m.capturedView(1), suffix, &l.flat) ||
                !parseValue(m.capturedView(2), suffix, &l.cum)) {
                return fail(line);
            }
            l.line = m.capturedView(3).toInt();
            l.text = m.captured(4);
            current->lines.append(l);
            continue;
        }
        if (const auto m = errorRe.match(line); m.hasMatch()) {
            current->sourceError = m.captured(1);
            continue;
        }
        if (line.trimmed().isEmpty()) continue;
        return fail(line);
    }
    if (expectSum) report.error = QStringLiteral("a ROUTINE line without its (flat, cum) line");
    return report;
}

QString pprofNodeName(const QString& granularity, const QString& name, const QString& file,
                      qint64 line) {
    // Keep only what pprof keeps at this granularity, then join the components
    // the way NodeInfo.NameComponents does (there is no address or object file
    // in embers rows).
    QString fn = name;
    QString fl = file;
    qint64 ln = line;
    if (granularity == u"functions") {
        fl.clear();
        ln = 0;
    } else if (granularity == u"files") {
        fn.clear();
        ln = 0;
    }
    QStringList parts;
    if (!fn.isEmpty()) parts << fn;
    if (ln != 0) {
        parts << QStringLiteral("%1:%2").arg(fl).arg(ln);
    } else if (!fl.isEmpty()) {
        parts << fl;
    } else if (fn.isEmpty()) {
        parts << QStringLiteral("<unknown>");
    }
    return parts.join(u' ');
}

}  // namespace oracle
