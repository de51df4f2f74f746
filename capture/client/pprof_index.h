// Go's net/http/pprof index page and where it lives: parsing the HTML list of
// profiles leniently (every template Go has used), the prefixes worth trying,
// and splitting a URL the user typed into node, prefix and profile.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

namespace embers::capture {

struct PprofIndexEntry {
    QString name;                 // "goroutine", "heap", "profile", …
    std::optional<qint64> count;  // as the page shows it; none for cmdline, profile,
                                  // symbol and trace, where Go prints a meaningless 0
    bool operator==(const PprofIndexEntry&) const = default;
};

struct PprofIndex {
    bool isIndex = false;  // the page is a pprof index
    QList<PprofIndexEntry> profiles;
    bool fullGoroutineDump = false;  // has the "full goroutine stack dump" link
    QString error;                   // why the page is not an index, one line

    bool has(const QString& name) const;
};

// Parses the index page. Never throws; a page that is not an index (a login
// page, JSON, a 404 text) gives isIndex false and an error saying what it
// looks like instead.
PprofIndex parsePprofIndex(const QByteArray& html);

// Prefixes worth trying when the user gave only the node:
// "/debug/pprof" (Go's default) and "/__/debug/pprof".
QStringList candidatePrefixes();
// The same, with "<basePath>/debug/pprof" first when the user typed a
// context path ("https://h/auth" -> "/auth/debug/pprof").
QStringList candidatePrefixes(const QString& basePath);

struct PprofUrl {
    QUrl base;                   // scheme://host[:port], no credentials, no path
    QString basePath;            // the path typed before any /debug/pprof, without trailing "/"
    QString prefix;              // "/auth/debug/pprof"; empty when the URL did not go through one
    QString profile;             // "heap" in …/debug/pprof/heap; empty for the index or no prefix
    QUrlQuery query;             // "gc=1&seconds=30" as typed
    bool schemeGuessed = false;  // no scheme typed: https was assumed
    QString error;               // empty on success

    bool ok() const { return error.isEmpty(); }
};

// Splits what the user typed: "node:8443", "https://h:8443/",
// "https://h:8443/auth/debug/pprof/heap?gc=1". Without a scheme, https is
// assumed. User info (user:password@) is dropped.
PprofUrl splitPprofUrl(const QString& typed);

// base + prefix + "/" : the index page.
QUrl pprofIndexUrl(const QUrl& base, const QString& prefix);

}  // namespace embers::capture
