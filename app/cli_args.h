// Command-line arguments of a verb: "--name value", "--name=value", boolean
// switches and positionals. Unknown options are usage errors.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace embers::app {

struct OptionSpec {
    std::set<std::string> withValue;  // e.g. "--focus"
    std::set<std::string> switches;   // e.g. "--cum"
};

class CliArgs {
public:
    // Parses argv[first..argc). Throws core::UsageError on an unknown option
    // or a missing value.
    CliArgs(int argc, char** argv, int first, const OptionSpec& spec);

    const std::vector<std::string>& positional() const { return positional_; }
    std::optional<std::string> value(const std::string& name) const;
    std::string value(const std::string& name, const std::string& fallback) const;
    std::vector<std::string> values(const std::string& name) const;
    bool has(const std::string& name) const;
    // An integer option; throws UsageError when it is not a number.
    long long integer(const std::string& name, long long fallback) const;

private:
    std::vector<std::string> positional_;
    std::multimap<std::string, std::string> values_;
};

}  // namespace embers::app
