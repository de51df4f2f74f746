// "One field that accepts anything": turns whatever the user pasted or
// dropped (a bare token, an Authorization header, a DevTools "Copy as cURL"
// command in bash or cmd flavour, a HAR export, or a file holding one of
// those) into a bearer token plus, when the input named one, the node's base
// URL and pprof prefix.
//
// Errors are one line, say what to do next, and never contain the token.
#pragma once

#include <QDateTime>
#include <QString>
#include <QUrl>

namespace embers::capture {

enum class TokenInputKind {
    Empty,                // nothing but whitespace
    Unrecognized,         // none of the forms below; `error` says what was expected
    BareToken,            // "eyJ…" or "Bearer eyJ…"
    AuthorizationHeader,  // "Authorization: Bearer …", possibly among other header lines
    CurlBash,             // DevTools "Copy as cURL (bash)"
    CurlCmd,              // DevTools "Copy as cURL (cmd)"
    Har,                  // DevTools "Export HAR"
    Url,                  // only a URL: base and prefix, no token
};

struct TokenWorkup {
    TokenInputKind kind = TokenInputKind::Empty;
    QString token;        // the bearer token; empty when none was found
    QUrl baseUrl;         // scheme://host[:port] of the request, when the input had a URL
    QString pprofPrefix;  // "/__/debug/pprof" when the URL's path went through one
    QString error;        // empty on success; never contains the token

    bool ok() const { return error.isEmpty(); }
};

struct WorkupOptions {
    // For HARs: take the newest request to this host ("node", "node:8443");
    // empty means the host of the newest request that sent a bearer token.
    QString host;
    // The clock HARs skip expired JWTs against; invalid means now.
    QDateTime now;
};

// Works up pasted text. Never touches the file system.
TokenWorkup workUpToken(const QString& text, const WorkupOptions& options = {});

// A file (token file, saved cURL command, header dump, .har).
struct TokenFile {
    QString path;
};
TokenWorkup workUpToken(const TokenFile& file, const WorkupOptions& options = {});

// The single input field: when `textOrPath` is one line naming an existing
// file (a leading "~/" means the home folder), works up that file, otherwise
// the text itself.
TokenWorkup workUpInput(const QString& textOrPath, const WorkupOptions& options = {});

// "bare token", "Authorization header", "cURL (bash) command", …
QString describeKind(TokenInputKind kind);

// A token kept by reference, resolved each time a capture starts.
struct TokenRef {
    enum Kind { Literal, File, Env };
    Kind kind = Literal;
    QString value;  // the token (Literal), a path (File) or a variable name (Env)
};

// "env:NAME" or "$NAME" -> Env, "file:PATH" or "@PATH" -> File, anything
// else -> Literal.
TokenRef parseTokenRef(const QString& spec);
// How to show the reference in settings and logs: "env:NAME", "file:PATH",
// or "a literal token" (never the token itself).
QString describeTokenRef(const TokenRef& ref);

// The token the reference stands for now. File: the file's trimmed contents,
// worked up like pasted text (so a saved cURL command, header or HAR works).
// Env: the variable's value, worked up the same way. On failure returns an
// empty string and sets *error (when error is not null) to a message naming
// the file or variable, never the token.
QString resolveToken(const TokenRef& ref, QString* error, const WorkupOptions& options = {});

}  // namespace embers::capture
