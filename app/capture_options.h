// The options `embers capture` and `embers watch` share: where the bearer
// token comes from (--token, --token-file, --token-env, --token-from) and how
// to reach the node (--cacert, --cert, --key, --insecure, --timeout,
// --connect-timeout).
#pragma once

#include <QString>

#include <optional>

#include "cli_args.h"
#include "client/http_fetch.h"
#include "client/token_source.h"

namespace embers::app {

// Adds the token and TLS options above to `spec`.
void addTokenAndTlsOptions(OptionSpec* spec);

// --token, --token-file, --token-env or --token-from; none is fine (the node
// may not ask for one) and gives an empty token. Sets *workup for
// --token-from, whose cURL command or HAR may also name the node. `host`
// ("node:8443", may be empty) picks the request of a HAR. On failure returns
// nothing and sets *error (never the token). Throws UsageError when more than
// one is given; `verb` names the command in that message.
std::optional<QString> readToken(const CliArgs& args, const char* verb, const QString& host,
                                 capture::TokenWorkup* workup, QString* error);

// The token without surrounding blanks and a leading "Bearer ".
QString bareToken(const QString& token);

// --cacert, --cert, --key, --insecure, and --timeout and --connect-timeout
// when given, into *transport (the token and URL are left alone). Throws
// UsageError on misuse; returns a message naming a file that does not exist,
// else an empty string.
QString readTlsOptions(const CliArgs& args, capture::FetchOptions* transport);

}  // namespace embers::app
