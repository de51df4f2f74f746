// Symbolization on a normal thread (never in a signal handler): function
// names (demangled), file and line from DWARF with inlined frames, and the
// executable mappings of the process with their build ids.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace embers::detail {

struct SymFrame {
    std::string name;        // demangled, without the parameter list
    std::string systemName;  // as in the symbol table (mangled)
    std::string file;
    int64_t line = 0;
    uint64_t offset = 0;  // addr - symbol start, for the outermost frame
};

struct MappingInfo {
    uint64_t start = 0, limit = 0, offset = 0;
    std::string file, buildId;
};

// C++ demangling; returns the input when it is not a mangled name.
std::string demangle(const std::string& mangled);
// "ns::f(int) const" -> "ns::f", like pprof's default simplified names.
std::string simplifyName(const std::string& demangled);

// Executable mappings of this process: the main executable first.
std::vector<MappingInfo> readMappings();

class Symbolizer {
public:
    Symbolizer();
    ~Symbolizer();
    Symbolizer(const Symbolizer&) = delete;
    Symbolizer& operator=(const Symbolizer&) = delete;

    // Frames at addr, innermost (inlined) first, outermost last; empty when
    // nothing is known.
    const std::vector<SymFrame>& frames(uint64_t addr);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::unordered_map<uint64_t, std::vector<SymFrame>> cache_;
};

}  // namespace embers::detail
