// embers token inspect: what a pasted token, Authorization header, DevTools cURL command or
// HAR file says about itself: the node it was sent to, who it is for, roles and expiry.
// The token itself is printed only with --print-token.
#include <QCoreApplication>
#include <QDateTime>
#include <iostream>
#include <iterator>
#include <string>

#include "cli_args.h"
#include "cli_common.h"
#include "client/jwt.h"
#include "client/token_source.h"
#include "core/errors.h"
#include "verbs.h"

namespace embers::app {

namespace {

int inspect(const CliArgs& args) {
    if (args.positional().size() != 1 || args.positional().front() != "inspect")
        throw core::UsageError(
            "token takes one action: 'embers token inspect' (reads the token, header, cURL "
            "command or HAR file path on stdin)");
    const std::string input((std::istreambuf_iterator<char>(std::cin)),
                            std::istreambuf_iterator<char>());
    capture::WorkupOptions options;
    options.host = QString::fromStdString(args.value("--host", ""));
    const capture::TokenWorkup w =
        capture::workUpInput(QString::fromStdString(input).trimmed(), options);
    if (!w.error.isEmpty()) {
        std::cerr << "embers: token inspect: " << w.error.toStdString() << "\n";
        return 2;
    }
    auto line = [](const char* key, const QString& value) {
        std::cout << key << value.toStdString() << "\n";
    };
    line("input:     ", capture::describeKind(w.kind));
    if (w.baseUrl.isValid() && !w.baseUrl.isEmpty())
        line("node:      ", w.baseUrl.toString() + w.pprofPrefix);
    if (w.token.isEmpty()) {
        line("token:     ", QStringLiteral("none"));
        return 2;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (const auto jwt = capture::decodeJwt(w.token)) {
        line("kind:      ", QStringLiteral("JWT (decoded, not verified)"));
        line("subject:   ", jwt->subject.isEmpty() ? QStringLiteral("(none)") : jwt->subject);
        if (!jwt->displayName.isEmpty() && jwt->displayName != jwt->subject)
            line("user:      ", jwt->displayName);
        line("roles:     ", jwt->roles.isEmpty() ? QStringLiteral("(none)")
                                                 : jwt->roles.join(QStringLiteral(", ")));
        if (!jwt->issuer.isEmpty()) line("issuer:    ", jwt->issuer);
        line("expiry:    ", capture::describeExpiry(*jwt, now));
        for (const QString& warning : capture::captureWarnings(*jwt, now))
            line("warning:   ", warning);
    } else {
        line("kind:      ",
             QStringLiteral("opaque (%1 characters; not a JWT)").arg(w.token.size()));
    }
    if (args.has("--print-token")) line("token:     ", w.token);
    return 0;
}

}  // namespace

int verbToken(int argc, char** argv, int first) {
    QCoreApplication app(argc, argv);
    return runGuarded([&] {
        OptionSpec spec;
        spec.withValue = {"--host"};
        spec.switches = {"--print-token"};
        const CliArgs args(argc, argv, first, spec);
        return inspect(args);
    });
}

}  // namespace embers::app
