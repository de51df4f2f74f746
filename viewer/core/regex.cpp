#include "regex.h"

#include <re2/re2.h>

#include "errors.h"

namespace embers::core {

Regex::Regex(std::string_view pattern, std::string_view what) : pattern_(pattern) {
    RE2::Options opts;
    opts.set_log_errors(false);
    re_ = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
    if (!re_->ok()) {
        // RE2 ends its message with the pattern ("missing ): main.(hot"), said already.
        std::string error = re_->error();
        if (error.size() > pattern_.size() + 2 && error.ends_with(": " + pattern_))
            error.resize(error.size() - pattern_.size() - 2);
        throw UsageError(std::string(what) + " '" + pattern_ +
                         "' is not a valid regular expression: " + error);
    }
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

bool Regex::search(std::string_view text) const {
    return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

bool Regex::fullMatch(std::string_view text) const {
    return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

}  // namespace embers::core
