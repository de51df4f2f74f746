#include <charconv>
#include <string>
#include <vector>

#include "errors.h"
#include "goroutine_text.h"
#include "profile_builder.h"
#include "text_lines.h"

namespace embers::core {

namespace {

int64_t parseInt(std::string_view s, int base = 10) {
    int64_t v = 0;
    if (base == 16 && (s.starts_with("0x") || s.starts_with("0X"))) s.remove_prefix(2);
    std::from_chars(s.data(), s.data() + s.size(), v, base);
    return v;
}

// "file.go:42 +0x2e" or "file.go:42" -> (file, line)
std::pair<std::string_view, int64_t> splitFileLine(std::string_view s) {
    s = trimmed(s);
    if (const size_t sp = s.find(" +0x"); sp != std::string_view::npos) s = s.substr(0, sp);
    const size_t colon = s.rfind(':');
    if (colon == std::string_view::npos) return {s, 0};
    return {s.substr(0, colon), parseInt(s.substr(colon + 1))};
}

class GoroutineTextReader {
public:
    ProfilePtr run(std::string_view text) {
        b_.addSampleType("goroutine", "count");
        b_.data().periodType = b_.data().sampleTypes[0];
        b_.data().period = 1;
        if (trimmed(text).starts_with("goroutine profile:"))
            readDebug1(text);
        else
            readDebug2(text);
        if (b_.data().sampleCount() == 0)
            throw FormatError("the goroutine dump holds no goroutines");
        return b_.build();
    }

private:
    LocId frame(std::string_view func, std::string_view file, int64_t line, uint64_t address) {
        const Line l{b_.function(func, file), line, 0};
        (void)address;  // text dumps are symbolized; group by function and line
        return b_.location({&l, 1});
    }

    void flush(int64_t count) {
        if (stack_.empty() && labels_.empty()) return;
        b_.addSample(stack_, {&count, 1}, labels_);
        stack_.clear();
        labels_.clear();
    }

    // goroutine?debug=1: "N @ 0x…" groups with "#\t0xPC\tfunc+0xOFF\tfile:line" frames.
    void readDebug1(std::string_view text) {
        int64_t count = 0;
        bool inGroup = false;
        forEachLine(text, [&](size_t lineNo, std::string_view line) {
            if (line.starts_with("goroutine profile:")) return;
            if (trimmed(line).empty()) {
                if (inGroup) flush(count);
                inGroup = false;
                return;
            }
            if (!line.starts_with("#")) {
                const size_t at = line.find(" @ ");
                if (at == std::string_view::npos)
                    throw FormatError("line " + std::to_string(lineNo) +
                                      " of the goroutine dump is not 'COUNT @ 0xPC …'");
                if (inGroup) flush(count);
                count = parseInt(line.substr(0, at));
                inGroup = true;
                return;
            }
            std::string_view rest = trimmed(line.substr(1));
            if (rest.starts_with("labels:")) {
                parseLabelMap(trimmed(rest.substr(7)));
                return;
            }
            // 0xPC \t func+0xOFF \t file:line
            std::vector<std::string_view> parts;
            while (!rest.empty()) {
                const size_t tab = rest.find('\t');
                const std::string_view part = trimmed(rest.substr(0, tab));
                if (!part.empty()) parts.push_back(part);
                if (tab == std::string_view::npos) break;
                rest.remove_prefix(tab + 1);
            }
            if (parts.size() < 2) return;
            std::string_view func = parts[1];
            if (const size_t plus = func.rfind("+0x"); plus != std::string_view::npos)
                func = func.substr(0, plus);
            auto [file, ln] = parts.size() >= 3 ? splitFileLine(parts[2])
                                                : std::pair<std::string_view, int64_t>{{}, 0};
            stack_.push_back(frame(func, file, ln, static_cast<uint64_t>(parseInt(parts[0], 16))));
        });
        if (inGroup) flush(count);
    }

    // {"worker":"alpha", "k":"v"}
    void parseLabelMap(std::string_view s) {
        std::vector<std::string> strs;
        std::string cur;
        bool inStr = false;
        for (size_t i = 0; i < s.size(); ++i) {
            const char c = s[i];
            if (inStr) {
                if (c == '\\' && i + 1 < s.size()) {
                    cur += s[++i];
                } else if (c == '"') {
                    strs.push_back(cur);
                    cur.clear();
                    inStr = false;
                } else {
                    cur += c;
                }
            } else if (c == '"') {
                inStr = true;
            }
        }
        for (size_t i = 0; i + 1 < strs.size(); i += 2)
            labels_.push_back(b_.stringLabel(strs[i], strs[i + 1]));
    }

    // goroutine?debug=2: one block per goroutine.
    void readDebug2(std::string_view text) {
        std::string_view pendingFunc;
        bool inBlock = false;
        bool createdBy = false;
        // A function line with no file:line line after it (a hand-edited or cut dump):
        // still a frame, of unknown file.
        const auto settle = [&] {
            if (!pendingFunc.empty() && !createdBy) stack_.push_back(frame(pendingFunc, {}, 0, 0));
            pendingFunc = {};
        };
        forEachLine(text, [&](size_t lineNo, std::string_view line) {
            if (trimmed(line).empty()) {
                settle();
                if (inBlock) flush(1);
                inBlock = false;
                return;
            }
            if (line.starts_with("goroutine ") && line.ends_with(":")) {
                settle();
                if (inBlock) flush(1);
                inBlock = true;
                createdBy = false;
                header(line, lineNo);
                return;
            }
            if (!inBlock) return;
            if (line.starts_with("\t")) {
                if (pendingFunc.empty()) return;  // e.g. "stack unavailable"
                auto [file, ln] = splitFileLine(line);
                if (createdBy) {
                    labels_.push_back(b_.stringLabel("created by", pendingFunc));
                } else {
                    stack_.push_back(frame(pendingFunc, file, ln, 0));
                }
                pendingFunc = {};
                return;
            }
            if (line.starts_with("...")) return;  // additional frames elided
            if (line.starts_with("created by ")) {
                settle();
                createdBy = true;
                std::string_view f = line.substr(11);
                if (const size_t in = f.find(" in goroutine "); in != std::string_view::npos)
                    f = f.substr(0, in);
                pendingFunc = f;
                return;
            }
            // "main.worker(0xc0000, …)" -> "main.worker"
            settle();
            std::string_view func = line;
            if (func.ends_with(")")) {
                if (const size_t paren = func.rfind('(');
                    paren != std::string_view::npos && paren > 0)
                    func = func.substr(0, paren);
            }
            pendingFunc = func;
        });
        settle();
        if (inBlock) flush(1);
    }

    // "goroutine 17 [chan receive, 5 minutes, locked to thread]:"
    void header(std::string_view line, size_t lineNo) {
        const size_t open = line.find('['), close = line.rfind(']');
        if (open == std::string_view::npos || close == std::string_view::npos || close < open)
            throw FormatError("line " + std::to_string(lineNo) +
                              " of the goroutine dump is not 'goroutine N [state]:'");
        const int64_t id = parseInt(trimmed(line.substr(10, open - 10)));
        labels_.push_back(b_.numericLabel("goroutine", id));
        std::string_view inside = line.substr(open + 1, close - open - 1);
        bool first = true;
        while (!inside.empty()) {
            const size_t comma = inside.find(',');
            const std::string_view part = trimmed(inside.substr(0, comma));
            if (first) {
                labels_.push_back(b_.stringLabel("state", part));
                first = false;
            } else if (part.ends_with(" minutes") || part.ends_with(" minute")) {
                labels_.push_back(b_.numericLabel("wait", parseInt(part), "minutes"));
            }
            if (comma == std::string_view::npos) break;
            inside.remove_prefix(comma + 1);
        }
    }

    ProfileBuilder b_;
    std::vector<LocId> stack_;
    std::vector<Label> labels_;
};

}  // namespace

ProfilePtr decodeGoroutineText(std::string_view text) {
    return GoroutineTextReader().run(text);
}

}  // namespace embers::core
