// Parsers for the text that `go tool pprof -top` and `go tool pprof -list` print.
//
// The oracle test compares these with the JSON output of `embers`. The parsers
// accept only the exact integer form that pprof prints when it is given an
// explicit base unit (-unit=ns, -unit=B, -unit=count), so that a value is never
// rounded on the way.
#pragma once

#include <QList>
#include <QString>
#include <QStringView>

namespace oracle {

// Parses one pprof value such as "1230000ns", "-42B", "17", "0" or "." (zero in
// -list output). `suffix` is the unit suffix pprof appends ("ns", "B" or "").
// Returns false if the token is not exactly an integer with that suffix.
bool parseValue(QStringView token, QStringView suffix, qint64* out);

// The suffix pprof prints after values for a sample type unit given as -unit.
// "nanoseconds" -> "ns", "bytes" -> "B", anything else -> "".
QString pprofUnitFlag(const QString& unit);
QString pprofUnitSuffix(const QString& unit);

struct TopRow {
    QString name;  // without the " (inline)" / " (partial-inline)" marker
    qint64 flat = 0;
    qint64 cum = 0;
};

struct TopReport {
    qint64 shown = 0;  // "Showing nodes accounting for X"
    qint64 total = 0;  // "of Z total"
    QList<TopRow> rows;
    QString error;  // empty when parsing succeeded
};

TopReport parseTop(const QString& text, const QString& suffix);

struct ListLine {
    int line = 0;
    qint64 flat = 0;
    qint64 cum = 0;
    QString text;
};

struct ListRoutine {
    QString name;
    QString file;
    qint64 flat = 0;
    qint64 cum = 0;
    QString sourceError;  // pprof's " Error: ..." line when it could not read the source
    QList<ListLine> lines;
};

struct ListReport {
    qint64 total = 0;
    QList<ListRoutine> routines;
    QString error;  // empty when parsing succeeded
};

ListReport parseList(const QString& text, const QString& suffix);

// The node name pprof prints for a row of the given granularity, built from the
// fields of an embers JSON row, following pprof's NodeInfo.NameComponents.
QString pprofNodeName(const QString& granularity, const QString& name, const QString& file,
                      qint64 line);

}  // namespace oracle
