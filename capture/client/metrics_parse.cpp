#include "metrics_parse.h"

#include <QByteArrayView>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QSet>

#include <charconv>
#include <cmath>
#include <limits>

namespace embers::capture {

namespace {

bool isBlank(char c) {
    return c == ' ' || c == '\t';
}

bool isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool isNameChar(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
}

bool isLabelStart(char c) {
    return isNameStart(c) && c != ':';
}

bool isLabelChar(char c) {
    return isNameChar(c) && c != ':';
}

QString latin(QByteArrayView v) {
    return QString::fromLatin1(v.data(), v.size());
}

QString utf8(QByteArrayView v) {
    return QString::fromUtf8(v.data(), v.size());
}

// Go's strconv.ParseFloat as the exposition format uses it: decimal and
// exponent forms, a leading sign, NaN and ±Inf in any case.
std::optional<double> parseFloat(QByteArrayView token) {
    if (token.isEmpty()) return std::nullopt;
    const QByteArray lower = token.toByteArray().toLower();
    if (lower == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (lower == "inf" || lower == "+inf") return std::numeric_limits<double>::infinity();
    if (lower == "-inf") return -std::numeric_limits<double>::infinity();
    const char* begin = token.data();
    const char* end = begin + token.size();
    if (*begin == '+') {
        ++begin;
        if (begin == end || *begin == '-' || *begin == '+') return std::nullopt;
    }
    double value = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return value;
}

std::optional<qint64> parseInteger(QByteArrayView token) {
    if (token.isEmpty()) return std::nullopt;
    qint64 value = 0;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
    return value;
}

std::optional<MetricType> typeFromName(QByteArrayView name) {
    if (name == "counter") return MetricType::Counter;
    if (name == "gauge") return MetricType::Gauge;
    if (name == "summary") return MetricType::Summary;
    if (name == "histogram") return MetricType::Histogram;
    if (name == "untyped" || name == "unknown") return MetricType::Untyped;
    return std::nullopt;
}

QString escapeLabelValue(const QString& v) {
    QString out;
    out.reserve(v.size());
    for (const QChar c : v) {
        if (c == u'\\')
            out += QLatin1String("\\\\");
        else if (c == u'"')
            out += QLatin1String("\\\"");
        else if (c == u'\n')
            out += QLatin1String("\\n");
        else
            out += c;
    }
    return out;
}

// \\ and \n in HELP text (and \" in label values); an unknown escape is kept as written.
QString unescape(QByteArrayView v) {
    QByteArray out;
    out.reserve(v.size());
    for (qsizetype i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (c == '\\' && i + 1 < v.size()) {
            const char n = v[i + 1];
            if (n == '\\' || n == '"') {
                out += n;
                ++i;
                continue;
            }
            if (n == 'n') {
                out += '\n';
                ++i;
                continue;
            }
        }
        out += c;
    }
    return QString::fromUtf8(out);
}

// A cursor over one line.
struct Cursor {
    QByteArrayView line;
    qsizetype pos = 0;

    bool atEnd() const { return pos >= line.size(); }
    char peek() const { return atEnd() ? '\0' : line[pos]; }
    qsizetype skipBlanks() {
        const qsizetype from = pos;
        while (!atEnd() && isBlank(line[pos])) ++pos;
        return pos - from;
    }
    QByteArrayView token() {
        const qsizetype from = pos;
        while (!atEnd() && !isBlank(line[pos])) ++pos;
        return line.sliced(from, pos - from);
    }
    QByteArrayView name(bool (*start)(char), bool (*rest)(char)) {
        if (atEnd() || !start(line[pos])) return {};
        const qsizetype from = pos++;
        while (!atEnd() && rest(line[pos])) ++pos;
        return line.sliced(from, pos - from);
    }
    QByteArrayView rest() const { return line.sliced(qMin(pos, line.size())); }
};

class PrometheusParser {
public:
    MetricSnapshot run(const QByteArray& text) {
        snapshot_.source = MetricsSource::Prometheus;
        qsizetype pos = 0;
        int lineNo = 0;
        while (pos < text.size()) {
            qsizetype eol = text.indexOf('\n', pos);
            if (eol < 0) eol = text.size();
            QByteArrayView line(text.constData() + pos, eol - pos);
            pos = eol + 1;
            ++lineNo;
            if (line.endsWith('\r')) line.chop(1);
            QString problem;
            Cursor c{line};
            c.skipBlanks();
            if (c.atEnd()) continue;
            problem = c.peek() == '#' ? comment(c) : sample(c);
            if (!problem.isEmpty()) {
                snapshot_.error = QStringLiteral("line %1: %2").arg(lineNo).arg(problem);
                break;
            }
        }
        return std::move(snapshot_);
    }

private:
    MetricFamily& familyFor(const QString& name) {
        const auto it = index_.constFind(name);
        if (it != index_.constEnd()) return snapshot_.families[*it];
        index_.insert(name, snapshot_.families.size());
        snapshot_.families.append(MetricFamily{name, MetricType::Untyped, QString()});
        return snapshot_.families.last();
    }

    QString comment(Cursor& c) {
        ++c.pos;  // '#'
        c.skipBlanks();
        const QByteArrayView keyword = c.token();
        if (keyword != "HELP" && keyword != "TYPE") return {};  // any other comment
        c.skipBlanks();
        const QByteArrayView name = c.name(isNameStart, isNameChar);
        if (name.isEmpty()) return QStringLiteral("# %1 without a metric name").arg(latin(keyword));
        if (!c.atEnd() && !isBlank(c.peek()))
            return QStringLiteral("# %1: '%2' is not a metric name")
                .arg(latin(keyword), utf8(name) + QChar::fromLatin1(c.peek()));
        c.skipBlanks();
        const QString familyName = latin(name);
        if (keyword == "HELP") {
            familyFor(familyName).help = unescape(c.rest());
            return {};
        }
        QByteArrayView typeName = c.rest();
        while (!typeName.isEmpty() && isBlank(typeName.back())) typeName.chop(1);
        const auto type = typeFromName(typeName);
        if (!type)
            return QStringLiteral("unknown metric type '%1' for %2")
                .arg(utf8(typeName), familyName);
        if (typed_.contains(familyName))
            return QStringLiteral("a second # TYPE line for %1").arg(familyName);
        typed_.insert(familyName);
        familyFor(familyName).type = *type;
        return {};
    }

    // The family a sample belongs to: its own name, or for name_sum,
    // name_count and name_bucket the summary or histogram `name`.
    const MetricFamily& resolveFamily(const QString& metric) {
        if (const auto it = index_.constFind(metric); it != index_.constEnd())
            return snapshot_.families[*it];
        for (const QLatin1String suffix :
             {QLatin1String("_sum"), QLatin1String("_count"), QLatin1String("_bucket")}) {
            if (!metric.endsWith(suffix)) continue;
            const auto it = index_.constFind(metric.chopped(suffix.size()));
            if (it == index_.constEnd()) continue;
            const MetricFamily& f = snapshot_.families[*it];
            if (f.type == MetricType::Summary || f.type == MetricType::Histogram) return f;
        }
        return familyFor(metric);
    }

    QString sample(Cursor& c) {
        const QByteArrayView name = c.name(isNameStart, isNameChar);
        if (name.isEmpty())
            return QStringLiteral("expected a metric name, found '%1'").arg(utf8(c.rest()));
        MetricSample s;
        s.metric = latin(name);
        qsizetype blanks = c.skipBlanks();
        if (c.peek() == '{') {
            ++c.pos;
            if (QString problem = labels(c, &s.labels); !problem.isEmpty()) return problem;
            blanks = c.skipBlanks();
        }
        if (blanks == 0 && !c.atEnd())
            return QStringLiteral("expected a space after %1").arg(s.metric);
        const QByteArrayView valueText = c.token();
        if (valueText.isEmpty()) return QStringLiteral("%1 has no value").arg(s.metric);
        const auto value = parseFloat(valueText);
        if (!value)
            return QStringLiteral("'%1' is not a number (the value of %2)")
                .arg(utf8(valueText), s.metric);
        s.value = *value;
        c.skipBlanks();
        if (!c.atEnd()) {
            const QByteArrayView stamp = c.token();
            const auto ms = parseInteger(stamp);
            if (!ms)
                return QStringLiteral("'%1' is not a timestamp in milliseconds (after %2)")
                    .arg(utf8(stamp), s.metric);
            s.timestampMs = *ms;
            c.skipBlanks();
            if (!c.atEnd())
                return QStringLiteral("unexpected '%1' after the timestamp of %2")
                    .arg(utf8(c.rest()), s.metric);
        }
        s.name = s.metric;
        if (!s.labels.isEmpty()) {
            QStringList parts;
            for (const auto& [k, v] : s.labels)
                parts << QStringLiteral("%1=\"%2\"").arg(k, escapeLabelValue(v));
            s.name += u'{' + parts.join(u',') + u'}';
        }
        const MetricFamily& f = resolveFamily(s.metric);
        s.family = f.name;
        s.type = f.type;
        snapshot_.samples.append(std::move(s));
        return {};
    }

    // After '{': label="value", …, '}' (a trailing comma is fine).
    static QString labels(Cursor& c, QList<QPair<QString, QString>>* out) {
        for (;;) {
            c.skipBlanks();
            if (c.peek() == '}') {
                ++c.pos;
                return {};
            }
            const QByteArrayView label = c.name(isLabelStart, isLabelChar);
            if (label.isEmpty())
                return c.atEnd() ? QStringLiteral("unterminated label set")
                                 : QStringLiteral("expected a label name, found '%1'")
                                       .arg(utf8(c.rest()));
            c.skipBlanks();
            if (c.peek() != '=') return QStringLiteral("expected '=' after %1").arg(latin(label));
            ++c.pos;
            c.skipBlanks();
            if (c.peek() != '"')
                return QStringLiteral("the value of label %1 is not quoted").arg(latin(label));
            const qsizetype from = ++c.pos;
            while (!c.atEnd() && c.peek() != '"') c.pos += c.peek() == '\\' ? 2 : 1;
            if (c.atEnd())
                return QStringLiteral("unterminated value of label %1").arg(latin(label));
            out->append({latin(label), unescape(c.line.sliced(from, c.pos - from))});
            ++c.pos;  // closing quote
            c.skipBlanks();
            if (c.peek() == ',') {
                ++c.pos;
                continue;
            }
            if (c.peek() != '}')
                return c.atEnd()
                           ? QStringLiteral("unterminated label set")
                           : QStringLiteral("expected ',' or '}' after label %1").arg(latin(label));
        }
    }

    MetricSnapshot snapshot_;
    QHash<QString, qsizetype> index_;
    QSet<QString> typed_;
};

bool isExpvarCounter(const QString& name) {
    static const QSet<QString> counters = {
        QStringLiteral("memstats.TotalAlloc"),     QStringLiteral("memstats.Lookups"),
        QStringLiteral("memstats.Mallocs"),        QStringLiteral("memstats.Frees"),
        QStringLiteral("memstats.PauseTotalNs"),   QStringLiteral("memstats.NumGC"),
        QStringLiteral("memstats.NumForcedGC"),    QStringLiteral("process.cpu_seconds"),
        QStringLiteral("process.threads_created"),
    };
    return counters.contains(name) || name.endsWith(QLatin1String("_total"));
}

void flatten(const QString& prefix, const QJsonObject& object, QList<MetricSample>* out) {
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (prefix.isEmpty() && it.key() == QLatin1String("cmdline")) continue;
        const QString name = prefix.isEmpty() ? it.key() : prefix + u'.' + it.key();
        const QJsonValue v = it.value();
        if (v.isObject()) {
            flatten(name, v.toObject(), out);
        } else if (v.isDouble()) {
            MetricSample s;
            s.name = s.metric = s.family = name;
            s.value = v.toDouble();
            s.type = isExpvarCounter(name)                         ? MetricType::Counter
                     : name.startsWith(QLatin1String("memstats.")) ? MetricType::Gauge
                                                                   : MetricType::Untyped;
            out->append(std::move(s));
        }
        // Arrays (PauseNs, PauseEnd, BySize), strings, booleans and nulls: not charted.
    }
}

// The first line that is neither blank nor a comment other than HELP/TYPE
// looks like the exposition format.
bool looksLikePrometheus(const QByteArray& body) {
    qsizetype pos = 0;
    for (int lines = 0; pos < body.size() && lines < 50; ++lines) {
        qsizetype eol = body.indexOf('\n', pos);
        if (eol < 0) eol = body.size();
        QByteArrayView line(body.constData() + pos, eol - pos);
        pos = eol + 1;
        if (line.endsWith('\r')) line.chop(1);
        Cursor c{line};
        c.skipBlanks();
        if (c.atEnd()) continue;
        if (c.peek() == '#') {
            ++c.pos;
            c.skipBlanks();
            const QByteArrayView keyword = c.token();
            if (keyword == "HELP" || keyword == "TYPE") return true;
            continue;
        }
        PrometheusParser parser;
        return parser.run(line.toByteArray()).ok();
    }
    return false;
}

}  // namespace

QString metricTypeName(MetricType type) {
    switch (type) {
        case MetricType::Counter:
            return QStringLiteral("counter");
        case MetricType::Gauge:
            return QStringLiteral("gauge");
        case MetricType::Summary:
            return QStringLiteral("summary");
        case MetricType::Histogram:
            return QStringLiteral("histogram");
        case MetricType::Untyped:
            break;
    }
    return QStringLiteral("untyped");
}

QString metricsSourceName(MetricsSource source) {
    switch (source) {
        case MetricsSource::Prometheus:
            return QStringLiteral("Prometheus text");
        case MetricsSource::Expvar:
            return QStringLiteral("expvar JSON");
        case MetricsSource::Unknown:
            break;
    }
    return QStringLiteral("unknown");
}

bool MetricSample::isCounter() const {
    if (type == MetricType::Counter) return true;
    if (type != MetricType::Summary && type != MetricType::Histogram) return false;
    return metric != family;  // name_sum, name_count, name_bucket
}

const MetricSample* MetricSnapshot::find(const QString& name) const {
    for (const MetricSample& s : samples)
        if (s.name == name) return &s;
    return nullptr;
}

std::optional<double> MetricSnapshot::value(const QString& name) const {
    if (const MetricSample* s = find(name)) return s->value;
    return std::nullopt;
}

MetricSnapshot parsePrometheusText(const QByteArray& text) {
    return PrometheusParser().run(text);
}

MetricSnapshot parseExpvarJson(const QByteArray& json) {
    MetricSnapshot snapshot;
    snapshot.source = MetricsSource::Expvar;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        const qsizetype offset = qBound(qsizetype(0), qsizetype(error.offset), json.size());
        const int line = int(json.left(offset).count('\n')) + 1;
        snapshot.error = QStringLiteral("line %1: %2").arg(line).arg(error.errorString());
        return snapshot;
    }
    if (!doc.isObject()) {
        snapshot.error = QStringLiteral("line 1: expvar JSON is an object, this is not");
        return snapshot;
    }
    flatten(QString(), doc.object(), &snapshot.samples);
    return snapshot;
}

MetricsSource detectMetricsSource(const QString& contentType, const QByteArray& body) {
    const QString type = contentType.toLower();
    qsizetype first = 0;
    if (body.startsWith("\xEF\xBB\xBF")) first = 3;
    while (first < body.size() && QChar::isSpace(uchar(body[first]))) ++first;
    if (first < body.size()) {
        if (body[first] == '{') return MetricsSource::Expvar;
        if (body[first] == '<') return MetricsSource::Unknown;
    }
    if (type.contains(QLatin1String("text/html"))) return MetricsSource::Unknown;
    const bool promType = type.contains(QLatin1String("openmetrics")) ||
                          (type.startsWith(QLatin1String("text/plain")) &&
                           type.contains(QLatin1String("version=0.0.4")));
    if (first >= body.size()) return promType ? MetricsSource::Prometheus : MetricsSource::Unknown;
    if (promType || looksLikePrometheus(body)) return MetricsSource::Prometheus;
    return MetricsSource::Unknown;
}

MetricSnapshot parseMetrics(const QString& contentType, const QByteArray& body) {
    switch (detectMetricsSource(contentType, body)) {
        case MetricsSource::Prometheus:
            return parsePrometheusText(body);
        case MetricsSource::Expvar:
            return parseExpvarJson(body);
        case MetricsSource::Unknown:
            break;
    }
    MetricSnapshot s;
    QString type = contentType.section(u';', 0, 0).trimmed();
    if (type.isEmpty()) type = QStringLiteral("none given");
    s.error = body.trimmed().isEmpty()
                  ? QStringLiteral("the answer is empty, not metrics")
                  : QStringLiteral(
                        "the answer is neither Prometheus text nor expvar JSON (content type %1)")
                        .arg(type);
    return s;
}

bool MetricPoint::isGap() const {
    return std::isnan(value);
}

MetricSeries::MetricSeries(qsizetype capacity) : capacity_(qMax<qsizetype>(1, capacity)) {}

void MetricSeries::append(double time, double value) {
    const MetricPoint p{time, value};
    if (size_ < capacity_) {  // still filling: start_ is 0 and the ring grows
        ring_.push_back(p);
        ++size_;
        return;
    }
    ring_[size_t(start_)] = p;
    start_ = (start_ + 1) % capacity_;
}

void MetricSeries::appendGap(double time) {
    append(time, std::numeric_limits<double>::quiet_NaN());
}

void MetricSeries::clear() {
    ring_.clear();
    start_ = 0;
    size_ = 0;
}

MetricPoint MetricSeries::at(qsizetype index) const {
    Q_ASSERT(index >= 0 && index < size_);
    return ring_[size_t((start_ + index) % capacity_)];
}

std::vector<MetricPoint> MetricSeries::points() const {
    std::vector<MetricPoint> out;
    out.reserve(size_t(size_));
    for (qsizetype i = 0; i < size_; ++i) out.push_back(at(i));
    return out;
}

std::optional<double> rateBetween(double previous, double current, double seconds) {
    if (!std::isfinite(previous) || !std::isfinite(current)) return std::nullopt;
    if (!(seconds > 0) || !std::isfinite(seconds)) return std::nullopt;
    if (current < previous) return std::nullopt;  // a reset: the process restarted
    return (current - previous) / seconds;
}

std::optional<double> rateBetween(const MetricPoint& previous, const MetricPoint& current) {
    return rateBetween(previous.value, current.value, current.time - previous.time);
}

MetricSeries ratesOf(const MetricSeries& counter) {
    MetricSeries rates(counter.capacity());
    for (qsizetype i = 1; i < counter.size(); ++i) {
        const MetricPoint prev = counter.at(i - 1);
        const MetricPoint cur = counter.at(i);
        if (const auto r = rateBetween(prev, cur))
            rates.append(cur.time, *r);
        else
            rates.appendGap(cur.time);
    }
    return rates;
}

}  // namespace embers::capture
