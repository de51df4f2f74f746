#include "shell_words.h"

namespace embers::capture {

namespace {

// Gathers characters into words and words into commands.
class Collector {
public:
    void appendPlain(QChar c) {
        word_ += c;
        inWord_ = true;
    }
    void appendQuoted(const QString& s) {
        word_ += s;
        inWord_ = true;
        quoted_ = true;
    }
    void appendQuoted(QChar c) { appendQuoted(QString(c)); }
    bool inWord() const { return inWord_; }

    // The word so far is an unquoted file descriptor number ("2" in 2>&1).
    bool wordIsIoNumber() const {
        if (!inWord_ || quoted_ || word_.isEmpty()) return false;
        for (QChar c : word_)
            if (!c.isDigit()) return false;
        return true;
    }
    void discardWord() {
        word_.clear();
        inWord_ = quoted_ = false;
    }
    void endWord() {
        if (inWord_) {
            if (dropNext_)
                dropNext_ = false;
            else
                command_ << word_;
        }
        discardWord();
    }
    // The next word is a redirection target: not an argument.
    void dropNextWord() { dropNext_ = true; }
    void endCommand() {
        endWord();
        dropNext_ = false;
        if (!command_.isEmpty()) result_.commands << command_;
        command_.clear();
    }
    ShellCommands finish() {
        endCommand();
        return std::move(result_);
    }
    ShellCommands fail(const QString& error) {
        ShellCommands r;
        r.error = error;
        return r;
    }

private:
    QString word_;
    bool inWord_ = false;
    bool quoted_ = false;
    bool dropNext_ = false;
    QStringList command_;
    ShellCommands result_;
};

bool isHex(QChar c) {
    return c.isDigit() || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

// Reads up to `maxDigits` digits of `base` from text[j]; advances j.
uint readNumber(const QString& text, qsizetype& j, int maxDigits, int base, int* digits) {
    uint value = 0;
    *digits = 0;
    while (*digits < maxDigits && j < text.size()) {
        const QChar c = text[j];
        int d = -1;
        if (base == 8 && c >= u'0' && c <= u'7') d = c.unicode() - u'0';
        if (base == 16 && isHex(c)) d = QString(c).toInt(nullptr, 16);
        if (d < 0) break;
        value = value * base + uint(d);
        ++j;
        ++*digits;
    }
    return value;
}

// Decodes the body of a $'…' string starting at `start` (just after the
// opening quote). Returns the index of the closing quote, or -1.
qsizetype readAnsiC(const QString& text, qsizetype start, QString* out) {
    QByteArray bytes;  // \x and \NNN give bytes, so build UTF-8 and decode once
    qsizetype j = start;
    const qsizetype n = text.size();
    while (j < n) {
        const QChar c = text[j];
        if (c == u'\'') {
            *out = QString::fromUtf8(bytes);
            return j;
        }
        if (c != u'\\') {
            qsizetype k = j;
            while (k < n && text[k] != u'\\' && text[k] != u'\'') ++k;
            bytes += QStringView(text).mid(j, k - j).toUtf8();
            j = k;
            continue;
        }
        if (j + 1 >= n) return -1;
        const QChar e = text[j + 1];
        j += 2;
        int digits = 0;
        switch (e.unicode()) {
            case 'a':
                bytes += '\a';
                break;
            case 'b':
                bytes += '\b';
                break;
            case 'e':
            case 'E':
                bytes += '\x1b';
                break;
            case 'f':
                bytes += '\f';
                break;
            case 'n':
                bytes += '\n';
                break;
            case 'r':
                bytes += '\r';
                break;
            case 't':
                bytes += '\t';
                break;
            case 'v':
                bytes += '\v';
                break;
            case '\\':
            case '\'':
            case '"':
            case '?':
                bytes += char(e.unicode());
                break;
            case 'x': {
                const uint v = readNumber(text, j, 2, 16, &digits);
                if (digits == 0)
                    bytes += "\\x";
                else
                    bytes += char(v);
                break;
            }
            case 'u':
            case 'U': {
                const uint v = readNumber(text, j, e == u'u' ? 4 : 8, 16, &digits);
                if (digits == 0) {
                    bytes += '\\';
                    bytes += char(e.unicode());
                } else {
                    const char32_t cp = v <= 0x10FFFF ? char32_t(v) : char32_t(0xFFFD);
                    bytes += QString::fromUcs4(&cp, 1).toUtf8();
                }
                break;
            }
            case 'c':
                if (j < n) {
                    bytes += char(text[j].toLatin1() & 0x1f);
                    ++j;
                }
                break;
            default:
                if (e >= u'0' && e <= u'7') {
                    --j;
                    bytes += char(readNumber(text, j, 3, 8, &digits) & 0xff);
                } else {
                    bytes += '\\';
                    bytes += QString(e).toUtf8();
                }
        }
    }
    return -1;
}

const QString kUnterminated =
    QStringLiteral("the command ends inside a quoted string: copy the whole command again");

QString normalizeNewlines(const QString& text) {
    QString t = text;
    t.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    t.replace(u'\r', u'\n');
    return t;
}

}  // namespace

ShellCommands splitBashWords(const QString& input) {
    const QString text = normalizeNewlines(input);
    Collector out;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text[i];
        if (c == u' ' || c == u'\t') {
            out.endWord();
        } else if (c == u'\n') {
            out.endCommand();
        } else if (c == u'\\') {
            if (i + 1 < n && text[i + 1] == u'\n')
                ++i;  // line continuation
            else if (i + 1 < n)
                out.appendQuoted(text[++i]);
        } else if (c == u'\'') {
            const qsizetype end = text.indexOf(u'\'', i + 1);
            if (end < 0) return out.fail(kUnterminated);
            out.appendQuoted(text.mid(i + 1, end - i - 1));
            i = end;
        } else if (c == u'$' && i + 1 < n && text[i + 1] == u'\'') {
            QString decoded;
            const qsizetype end = readAnsiC(text, i + 2, &decoded);
            if (end < 0) return out.fail(kUnterminated);
            out.appendQuoted(decoded);
            i = end;
        } else if (c == u'"' || (c == u'$' && i + 1 < n && text[i + 1] == u'"')) {
            if (c == u'$') ++i;  // $"…" (locale translation) reads as "…"
            QString s;
            qsizetype j = i + 1;
            for (; j < n && text[j] != u'"'; ++j) {
                if (text[j] == u'\\' && j + 1 < n) {
                    const QChar e = text[j + 1];
                    if (e == u'$' || e == u'`' || e == u'"' || e == u'\\') {
                        s += e;
                        ++j;
                        continue;
                    }
                    if (e == u'\n') {
                        ++j;
                        continue;
                    }
                }
                s += text[j];
            }
            if (j >= n) return out.fail(kUnterminated);
            out.appendQuoted(s);
            i = j;
        } else if (c == u'#' && !out.inWord()) {
            while (i + 1 < n && text[i + 1] != u'\n') ++i;
        } else if (c == u'&' && i + 1 < n && text[i + 1] == u'>') {
            out.endWord();  // &> file, &>> file
            ++i;
            if (i + 1 < n && text[i + 1] == u'>') ++i;
            out.dropNextWord();
        } else if (c == u';' || c == u'&' || c == u'|') {
            out.endCommand();
            while (i + 1 < n && (text[i + 1] == u';' || text[i + 1] == u'&' || text[i + 1] == u'|'))
                ++i;
        } else if (c == u'<' || c == u'>') {
            if (out.wordIsIoNumber())
                out.discardWord();
            else
                out.endWord();
            while (i + 1 < n && (text[i + 1] == u'<' || text[i + 1] == u'>' ||
                                 text[i + 1] == u'&' || text[i + 1] == u'|'))
                ++i;
            out.dropNextWord();
        } else {
            out.appendPlain(c);
        }
    }
    return out.finish();
}

ShellCommands splitCmdWords(const QString& input) {
    const QString text = normalizeNewlines(input);

    // Pass 1, cmd.exe: carets escape the next character outside cmd's own
    // double quotes (so Chrome's ^" is not a cmd quote); `^` at a line end
    // continues the line and escapes the first character of the next.
    // Unescaped operators outside quotes are marked special.
    struct Char {
        QChar c;
        bool special;
    };
    QList<Char> chars;
    chars.reserve(text.size());
    bool cmdQuoted = false;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text[i];
        if (!cmdQuoted && c == u'^') {
            if (i + 1 >= n) break;
            ++i;
            if (text[i] == u'\n') {
                if (i + 1 < n) chars.append({text[++i], false});
            } else {
                chars.append({text[i], false});
            }
            continue;
        }
        if (c == u'"') cmdQuoted = !cmdQuoted;
        // cmd reads line by line: an unescaped newline ends the command even
        // inside quotes.
        const bool op = c == u'&' || c == u'|' || c == u'<' || c == u'>';
        chars.append({c, c == u'\n' || (op && !cmdQuoted)});
        if (c == u'\n') cmdQuoted = false;
    }

    // Pass 2, the C runtime's argv rules.
    Collector out;
    bool quoted = false;
    const qsizetype m = chars.size();
    for (qsizetype k = 0; k < m; ++k) {
        const Char ch = chars[k];
        if (ch.special) {
            quoted = false;
            if (ch.c == u'<' || ch.c == u'>') {
                if (out.wordIsIoNumber())
                    out.discardWord();
                else
                    out.endWord();
                while (k + 1 < m && chars[k + 1].special &&
                       (chars[k + 1].c == u'>' || chars[k + 1].c == u'&'))
                    ++k;
                out.dropNextWord();
            } else {
                out.endCommand();
            }
            continue;
        }
        if (ch.c == u'\\') {
            qsizetype b = 0;
            while (k + b < m && chars[k + b].c == u'\\' && !chars[k + b].special) ++b;
            const bool beforeQuote = k + b < m && chars[k + b].c == u'"' && !chars[k + b].special;
            if (beforeQuote) {
                out.appendQuoted(QString(b / 2, u'\\'));
                if (b % 2 == 1) {
                    out.appendQuoted(u'"');
                    k += b;  // the escaped quote is consumed
                } else {
                    k += b - 1;  // the quote toggles on the next round
                }
            } else {
                out.appendQuoted(QString(b, u'\\'));
                k += b - 1;
            }
            continue;
        }
        if (ch.c == u'"') {
            if (quoted && k + 1 < m && chars[k + 1].c == u'"' && !chars[k + 1].special) {
                out.appendQuoted(u'"');
                ++k;
            } else {
                quoted = !quoted;
                out.appendQuoted(QString());
            }
            continue;
        }
        if (!quoted && (ch.c == u' ' || ch.c == u'\t' || ch.c == u'\n')) {
            out.endWord();
            continue;
        }
        out.appendPlain(ch.c);
    }
    if (quoted) return out.fail(kUnterminated);
    return out.finish();
}

}  // namespace embers::capture
