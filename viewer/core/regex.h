// Regular expressions with Go's RE2 syntax and linear-time matching, as pprof
// uses them: unanchored search unless the pattern anchors itself.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace embers::core {

class Regex {
public:
    // `what` names the option in error messages, e.g. "--focus".
    Regex(std::string_view pattern, std::string_view what);
    ~Regex();
    Regex(Regex&&) noexcept;
    Regex& operator=(Regex&&) noexcept;

    bool search(std::string_view text) const;
    bool fullMatch(std::string_view text) const;
    const std::string& pattern() const { return pattern_; }

private:
    std::string pattern_;
    std::unique_ptr<re2::RE2> re_;
};

}  // namespace embers::core
