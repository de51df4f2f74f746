// Reading a pasted curl command line (DevTools "Copy as cURL", bash or cmd
// flavour, or one typed by hand) into the parts Embers cares about: the URL,
// the headers and how it authenticates. Nothing is run or expanded.
#pragma once

#include <QString>
#include <QStringList>

namespace embers::capture {

enum class CurlDialect { Bash, Cmd };

struct CurlCommand {
    CurlDialect dialect = CurlDialect::Bash;
    QString url;             // as written: the first non-option argument, or --url
    QStringList headers;     // every -H/--header value, in order
    QString oauth2Bearer;    // --oauth2-bearer
    bool basicUser = false;  // -u/--user was given
    bool cookies = false;    // -b/--cookie or a Cookie header
    QString error;           // the text holds no curl command, or ends inside a quote
};

// Some line of the text starts with curl (or curl.exe, or a path to either).
bool looksLikeCurlCommand(const QString& text);

// Picks the dialect (cmd when the text has ^" quoting or ^ line ends), splits
// the words and reads the first curl command among the commands found.
CurlCommand parseCurlCommand(const QString& text);

}  // namespace embers::capture
