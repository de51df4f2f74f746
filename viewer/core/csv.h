// One CSV field as RFC 4180 writes it: quoted (with its quotes doubled) when it holds a
// comma, a quote or a line break; as it is otherwise. Shared by every CSV export (the top
// table, `embers top --format csv`, the live charts' series).
#pragma once

#include <string>
#include <string_view>

namespace embers::core {

inline std::string csvField(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

}  // namespace embers::core
