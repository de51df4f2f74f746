#include "stack_profile.h"

namespace embers::detail {

StackProfileBuilder::StackProfileBuilder() {
    uint64_t id = 1;
    for (MappingInfo& m : readMappings()) {
        ProtoMapping pm;
        pm.id = id++;
        pm.start = m.start;
        pm.limit = m.limit;
        pm.offset = m.offset;
        pm.file = std::move(m.file);
        pm.buildId = std::move(m.buildId);
        pm.hasFunctions = true;
        pm.hasFilenames = true;
        pm.hasLineNumbers = true;
        p_.mappings.push_back(std::move(pm));
    }
}

uint64_t StackProfileBuilder::functionFor(const SymFrame& f) {
    const std::string key = f.systemName + '\0' + f.file;
    auto [it, inserted] = functions_.try_emplace(key, p_.functions.size() + 1);
    if (inserted) {
        ProtoFunction fn;
        fn.id = it->second;
        fn.name = f.name;
        fn.systemName = f.systemName;
        fn.file = f.file;
        p_.functions.push_back(std::move(fn));
    }
    return it->second;
}

uint64_t StackProfileBuilder::locationFor(uintptr_t addr) {
    auto [it, inserted] = locations_.try_emplace(addr, p_.locations.size() + 1);
    if (!inserted) return it->second;
    ProtoLocation loc;
    loc.id = it->second;
    loc.address = addr;
    for (const ProtoMapping& m : p_.mappings) {
        if (addr >= m.start && addr < m.limit) {
            loc.mappingId = m.id;
            break;
        }
    }
    for (const SymFrame& f : sym_.frames(addr)) loc.lines.push_back({functionFor(f), f.line});
    p_.locations.push_back(std::move(loc));
    return it->second;
}

void StackProfileBuilder::addSample(const std::vector<uintptr_t>& stack,
                                    std::vector<int64_t> values, std::vector<ProtoLabel> labels) {
    ProtoSample s;
    s.locationIds.reserve(stack.size());
    for (uintptr_t pc : stack) s.locationIds.push_back(locationFor(pc));
    s.values = std::move(values);
    s.labels = std::move(labels);
    p_.samples.push_back(std::move(s));
}

std::string StackProfileBuilder::finish() {
    return gzipCompress(encodeProfile(p_));
}

}  // namespace embers::detail
