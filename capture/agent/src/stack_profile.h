// Turns raw stacks into a symbolized profile.proto: mappings from
// /proc/self/maps with build ids, one location per address, functions with
// demangled names and DWARF file:line (inlined frames as extra lines).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "proto_writer.h"
#include "symbolizer.h"

namespace embers::detail {

class StackProfileBuilder {
public:
    StackProfileBuilder();

    ProtoProfile& profile() { return p_; }
    Symbolizer& symbolizer() { return sym_; }

    void addSample(const std::vector<uintptr_t>& stack, std::vector<int64_t> values,
                   std::vector<ProtoLabel> labels = {});

    // gzip-compressed profile.proto.
    std::string finish();

private:
    uint64_t locationFor(uintptr_t addr);
    uint64_t functionFor(const SymFrame& f);

    ProtoProfile p_;
    Symbolizer sym_;
    std::unordered_map<uintptr_t, uint64_t> locations_;
    std::unordered_map<std::string, uint64_t> functions_;
};

}  // namespace embers::detail
