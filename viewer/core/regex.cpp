#include "regex.h"

#include <re2/re2.h>

#include "errors.h"

namespace embers::core {

Regex::Regex(std::string_view pattern, std::string_view what) : pattern_(pattern) {
    RE2::Options opts;
    opts.set_log_errors(false);
    re_ = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
    if (!re_->ok())
        throw UsageError(std::string(what) + " '" + pattern_ +
                         "' is not a valid regular expression: " + re_->error());
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
