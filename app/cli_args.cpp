#include "cli_args.h"

#include <charconv>

#include "core/errors.h"

namespace embers::app {

using core::UsageError;

CliArgs::CliArgs(int argc, char** argv, int first, const OptionSpec& spec) {
    bool onlyPositional = false;
    for (int i = first; i < argc; ++i) {
        std::string a = argv[i];
        if (onlyPositional || a == "-" || a.size() < 2 || a[0] != '-') {
            positional_.push_back(a);
            continue;
        }
        if (a == "--") {
            onlyPositional = true;
            continue;
        }
        std::string name = a, val;
        bool inlineValue = false;
        if (const size_t eq = a.find('='); eq != std::string::npos) {
            name = a.substr(0, eq);
            val = a.substr(eq + 1);
            inlineValue = true;
        }
        if (spec.switches.count(name)) {
            if (inlineValue) throw UsageError("option " + name + " takes no value");
            values_.emplace(name, "");
        } else if (spec.withValue.count(name)) {
            if (!inlineValue) {
                if (i + 1 >= argc) throw UsageError("option " + name + " needs a value");
                val = argv[++i];
            }
            values_.emplace(name, val);
        } else {
            throw UsageError("unknown option " + name);
        }
    }
}

std::optional<std::string> CliArgs::value(const std::string& name) const {
    auto range = values_.equal_range(name);
    if (range.first == range.second) return std::nullopt;
    return std::prev(range.second)->second;  // the last one wins
}

std::string CliArgs::value(const std::string& name, const std::string& fallback) const {
    return value(name).value_or(fallback);
}

std::vector<std::string> CliArgs::values(const std::string& name) const {
    std::vector<std::string> out;
    auto range = values_.equal_range(name);
    for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
    return out;
}

bool CliArgs::has(const std::string& name) const {
    return values_.count(name) > 0;
}

long long CliArgs::integer(const std::string& name, long long fallback) const {
    const auto v = value(name);
    if (!v) return fallback;
    long long n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size())
        throw UsageError("option " + name + " needs a whole number, not '" + *v + "'");
    return n;
}

}  // namespace embers::app
