#include "symbolizer.h"

#include <cxxabi.h>
#include <dwarf.h>
#include <elf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <limits.h>
#include <link.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace embers::detail {

std::string demangle(const std::string& mangled) {
    if (mangled.size() < 2 || mangled[0] != '_' || mangled[1] != 'Z') return mangled;
    int status = 0;
    char* out = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
    if (status != 0 || out == nullptr) return mangled;
    std::string s(out);
    std::free(out);
    return s;
}

std::string simplifyName(const std::string& d) {
    // Drop the outermost parameter list (and cv/ref qualifiers after it):
    // find the '(' matching the last top-level ')'.
    std::string s = d;
    size_t end = s.size();
    while (end > 0 && s[end - 1] != ')') --end;
    if (end > 0) {
        int depth = 0;
        for (size_t i = end; i-- > 0;) {
            if (s[i] == ')') ++depth;
            if (s[i] == '(' && --depth == 0) {
                // "operator()" keeps its own parentheses.
                const bool callOperator = i >= 8 && s.compare(i - 8, 8, "operator") == 0 &&
                                          i + 1 < s.size() && s[i + 1] == ')';
                if (!callOperator && i > 0) s.resize(i);
                break;
            }
        }
    }
    // Drop a return type ("void ns::f<int>" -> "ns::f<int>"): the text after
    // the last space outside brackets, unless that space follows "operator".
    int depth = 0;
    size_t cut = std::string::npos;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '<' || c == '(' || c == '[' || c == '{') ++depth;
        if (c == '>' || c == ')' || c == ']' || c == '}') --depth;
        if (c == ' ' && depth == 0 && !(i >= 8 && s.compare(i - 8, 8, "operator") == 0)) cut = i;
    }
    if (cut != std::string::npos) s = s.substr(cut + 1);
    return s;
}

namespace {

struct ObjectNote {
    uint64_t start = 0, limit = 0;
    std::string buildId;
};

std::string hex(const unsigned char* p, size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

// Build ids from the loaded PT_NOTE segments (NT_GNU_BUILD_ID), with the
// address range each object occupies.
int collectNotes(struct dl_phdr_info* info, size_t, void* data) {
    auto* out = static_cast<std::vector<ObjectNote>*>(data);
    ObjectNote o;
    o.start = UINT64_MAX;
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type == PT_LOAD) {
            o.start = std::min<uint64_t>(o.start, info->dlpi_addr + ph.p_vaddr);
            o.limit = std::max<uint64_t>(o.limit, info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
        } else if (ph.p_type == PT_NOTE && o.buildId.empty()) {
            const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
            const char* end = p + ph.p_filesz;
            while (p + sizeof(ElfW(Nhdr)) <= end) {
                const auto* nh = reinterpret_cast<const ElfW(Nhdr)*>(p);
                const char* name = p + sizeof(ElfW(Nhdr));
                const char* desc = name + ((nh->n_namesz + 3) & ~3u);
                if (desc + nh->n_descsz > end) break;
                if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
                    std::memcmp(name, "GNU", 4) == 0) {
                    o.buildId = hex(reinterpret_cast<const unsigned char*>(desc), nh->n_descsz);
                    break;
                }
                p = desc + ((nh->n_descsz + 3) & ~3u);
            }
        }
    }
    if (o.start != UINT64_MAX) out->push_back(std::move(o));
    return 0;
}

}  // namespace

std::vector<MappingInfo> readMappings() {
    std::vector<ObjectNote> notes;
    dl_iterate_phdr(collectNotes, &notes);
    char exe[PATH_MAX] = {};
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const std::string exePath = n > 0 ? std::string(exe, static_cast<size_t>(n)) : std::string();

    std::vector<MappingInfo> out;
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        // start-limit perms offset dev inode path
        unsigned long long start = 0, limit = 0, offset = 0;
        char perms[8] = {};
        int pathPos = 0;
        if (std::sscanf(line.c_str(), "%llx-%llx %7s %llx %*s %*s %n", &start, &limit, perms,
                        &offset, &pathPos) < 4)
            continue;
        if (std::strchr(perms, 'x') == nullptr) continue;
        MappingInfo m;
        m.start = start;
        m.limit = limit;
        m.offset = offset;
        if (pathPos > 0 && static_cast<size_t>(pathPos) < line.size())
            m.file = line.substr(pathPos);
        if (m.file.empty()) continue;
        if (m.file.ends_with(" (deleted)")) m.file.resize(m.file.size() - 10);
        for (const auto& note : notes)
            if (m.start >= note.start && m.start < note.limit) m.buildId = note.buildId;
        if (m.file == exePath)
            out.insert(out.begin(), std::move(m));
        else
            out.push_back(std::move(m));
    }
    return out;
}

struct Symbolizer::Impl {
    Dwfl_Callbacks callbacks{};
    char* debuginfoPath = nullptr;
    Dwfl* dwfl = nullptr;

    Impl() {
        callbacks.find_elf = dwfl_linux_proc_find_elf;
        callbacks.find_debuginfo = dwfl_standard_find_debuginfo;
        callbacks.debuginfo_path = &debuginfoPath;
        dwfl = dwfl_begin(&callbacks);
        if (dwfl == nullptr) return;
        if (dwfl_linux_proc_report(dwfl, getpid()) != 0 ||
            dwfl_report_end(dwfl, nullptr, nullptr) != 0) {
            dwfl_end(dwfl);
            dwfl = nullptr;
        }
    }
    ~Impl() {
        if (dwfl != nullptr) dwfl_end(dwfl);
    }
};

Symbolizer::Symbolizer() : impl_(std::make_unique<Impl>()) {}
Symbolizer::~Symbolizer() = default;

namespace {

// The linkage (mangled) name of a subprogram or inlined subroutine, looking
// through DW_AT_abstract_origin and DW_AT_specification.
std::string dieName(Dwarf_Die* die) {
    Dwarf_Attribute attr;
    const char* name = nullptr;
    if (dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) != nullptr ||
        dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr) != nullptr)
        name = dwarf_formstring(&attr);
    if (name == nullptr && dwarf_attr_integrate(die, DW_AT_name, &attr) != nullptr)
        name = dwarf_formstring(&attr);
    return name != nullptr ? name : "";
}

SymFrame makeFrame(std::string systemName, std::string file, int64_t line) {
    // "pthread_cond_wait@@GLIBC_2.3.2" -> "pthread_cond_wait"
    if (const size_t at = systemName.find('@'); at != std::string::npos && at > 0)
        systemName.resize(at);
    SymFrame f;
    f.systemName = systemName;
    // DWARF names of inlined functions may be plain (already readable) names.
    f.name = systemName.starts_with("_Z") ? simplifyName(demangle(systemName)) : systemName;
    f.file = std::move(file);
    f.line = line;
    return f;
}

}  // namespace

const std::vector<SymFrame>& Symbolizer::frames(uint64_t addr) {
    auto [it, inserted] = cache_.try_emplace(addr);
    if (!inserted || impl_->dwfl == nullptr) return it->second;
    std::vector<SymFrame>& out = it->second;

    Dwfl_Module* mod = dwfl_addrmodule(impl_->dwfl, addr);
    if (mod == nullptr) return out;
    GElf_Off symOffset = 0;
    GElf_Sym sym;
    const char* symName =
        dwfl_module_addrinfo(mod, addr, &symOffset, &sym, nullptr, nullptr, nullptr);

    std::string file;
    int line = 0;
    if (Dwfl_Line* dl = dwfl_module_getsrc(mod, addr); dl != nullptr) {
        Dwarf_Addr a = 0;
        if (const char* f = dwfl_lineinfo(dl, &a, &line, nullptr, nullptr, nullptr)) file = f;
    }

    // Inlined frames: the scopes at addr, innermost first. Each inlined
    // subroutine is a frame; its caller's line is its DW_AT_call_line.
    Dwarf_Addr bias = 0;
    if (Dwarf_Die* cu = dwfl_module_addrdie(mod, addr, &bias); cu != nullptr) {
        Dwarf_Die* scopes = nullptr;
        const int n = dwarf_getscopes(cu, addr - bias, &scopes);
        Dwarf_Files* files = nullptr;
        size_t nfiles = 0;
        if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0) files = nullptr;
        std::string curFile = file;
        int64_t curLine = line;
        for (int i = 0; i < n; ++i) {
            Dwarf_Die* s = &scopes[i];
            const int tag = dwarf_tag(s);
            if (tag == DW_TAG_subprogram) break;
            if (tag != DW_TAG_inlined_subroutine) continue;
            out.push_back(makeFrame(dieName(s), curFile, curLine));
            Dwarf_Attribute attr;
            Dwarf_Word v = 0;
            curLine = 0;
            curFile.clear();
            if (dwarf_formudata(dwarf_attr(s, DW_AT_call_line, &attr), &v) == 0)
                curLine = static_cast<int64_t>(v);
            if (files != nullptr &&
                dwarf_formudata(dwarf_attr(s, DW_AT_call_file, &attr), &v) == 0) {
                if (const char* f = dwarf_filesrc(files, v, nullptr, nullptr)) curFile = f;
            }
        }
        std::free(scopes);
        file = curFile;
        line = static_cast<int>(curLine);
    }
    if (symName != nullptr) {
        out.push_back(makeFrame(symName, file, line));
        out.back().offset = symOffset;
    } else if (!out.empty()) {
        // Keep the inlined frames; name the outer one after the module.
        const char* modName =
            dwfl_module_info(mod, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
        out.push_back(makeFrame(modName ? modName : "??", file, line));
    }
    return out;
}

}  // namespace embers::detail
