// Splitting a pasted command line into words the way the shell that would run
// it does, without running or expanding anything. Two dialects, for the two
// "Copy as cURL" flavours of browser DevTools:
//   - bash (POSIX sh): whitespace, `\` escapes and line continuations, '…',
//     "…" and $'…' (ANSI-C) quoting, # comments;
//   - cmd.exe: `^` escapes and line continuations, then the Microsoft C
//     runtime's argument rules ("…", backslashes before quotes, "" inside
//     quotes).
// Variables ($TOKEN, %TOKEN%) stay as written. Unquoted control operators
// (newline, ;, &, &&, |, ||) end a command; redirections (> file, 2>&1, < in)
// are dropped with their target.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace embers::capture {

struct ShellCommands {
    QList<QStringList> commands;  // each non-empty command's words, in order
    QString error;                // set when the text ends inside a quote
};

ShellCommands splitBashWords(const QString& text);
ShellCommands splitCmdWords(const QString& text);

}  // namespace embers::capture
