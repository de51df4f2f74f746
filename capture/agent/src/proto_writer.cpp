#include "proto_writer.h"

#include <zlib.h>

#include <stdexcept>

namespace embers::detail {

void WireWriter::varint(uint64_t v) {
    while (v >= 0x80) {
        out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
}

void WireWriter::tagVarint(uint32_t field, uint64_t v) {
    if (v == 0) return;  // proto3 default
    varint(uint64_t{field} << 3);
    varint(v);
}

void WireWriter::tagBytes(uint32_t field, std::string_view bytes) {
    varint((uint64_t{field} << 3) | 2);
    varint(bytes.size());
    out_.append(bytes);
}

void WireWriter::tagPackedVarints(uint32_t field, const uint64_t* v, size_t n) {
    if (n == 0) return;
    WireWriter inner;
    for (size_t i = 0; i < n; ++i) inner.varint(v[i]);
    tagBytes(field, inner.bytes());
}

void WireWriter::tagPackedSigned(uint32_t field, const int64_t* v, size_t n) {
    if (n == 0) return;
    WireWriter inner;
    // int64 fields are plain two's complement varints (not zigzag).
    for (size_t i = 0; i < n; ++i) inner.varint(static_cast<uint64_t>(v[i]));
    tagBytes(field, inner.bytes());
}

namespace {

// The string table: index 0 is "".
class StringTable {
public:
    StringTable() { index(""); }
    uint64_t index(const std::string& s) {
        auto [it, inserted] = ids_.try_emplace(s, strings_.size());
        if (inserted) strings_.push_back(s);
        return it->second;
    }
    const std::vector<std::string>& strings() const { return strings_; }

private:
    std::unordered_map<std::string, uint64_t> ids_;
    std::vector<std::string> strings_;
};

std::string valueType(StringTable& st, const ProtoValueType& vt) {
    WireWriter w;
    w.tagVarint(1, st.index(vt.type));
    w.tagVarint(2, st.index(vt.unit));
    return std::move(w.bytes());
}

}  // namespace

std::string encodeProfile(const ProtoProfile& p) {
    StringTable st;
    WireWriter w;
    for (const auto& vt : p.sampleTypes) w.tagBytes(1, valueType(st, vt));
    for (const auto& s : p.samples) {
        WireWriter m;
        m.tagPackedVarints(1, s.locationIds.data(), s.locationIds.size());
        m.tagPackedSigned(2, s.values.data(), s.values.size());
        for (const auto& l : s.labels) {
            WireWriter lw;
            lw.tagVarint(1, st.index(l.key));
            if (!l.str.empty()) lw.tagVarint(2, st.index(l.str));
            lw.tagVarint(3, static_cast<uint64_t>(l.num));
            if (!l.numUnit.empty()) lw.tagVarint(4, st.index(l.numUnit));
            m.tagBytes(3, lw.bytes());
        }
        w.tagBytes(2, m.bytes());
    }
    for (const auto& mp : p.mappings) {
        WireWriter m;
        m.tagVarint(1, mp.id);
        m.tagVarint(2, mp.start);
        m.tagVarint(3, mp.limit);
        m.tagVarint(4, mp.offset);
        m.tagVarint(5, st.index(mp.file));
        m.tagVarint(6, st.index(mp.buildId));
        m.tagVarint(7, mp.hasFunctions);
        m.tagVarint(8, mp.hasFilenames);
        m.tagVarint(9, mp.hasLineNumbers);
        w.tagBytes(3, m.bytes());
    }
    for (const auto& loc : p.locations) {
        WireWriter m;
        m.tagVarint(1, loc.id);
        m.tagVarint(2, loc.mappingId);
        m.tagVarint(3, loc.address);
        for (const auto& ln : loc.lines) {
            WireWriter lw;
            lw.tagVarint(1, ln.functionId);
            lw.tagVarint(2, static_cast<uint64_t>(ln.line));
            m.tagBytes(4, lw.bytes());
        }
        w.tagBytes(4, m.bytes());
    }
    for (const auto& f : p.functions) {
        WireWriter m;
        m.tagVarint(1, f.id);
        m.tagVarint(2, st.index(f.name));
        m.tagVarint(3, st.index(f.systemName));
        m.tagVarint(4, st.index(f.file));
        w.tagBytes(5, m.bytes());
    }
    // Intern the remaining strings before writing the table.
    std::vector<uint64_t> commentIds;
    for (const auto& c : p.comments) commentIds.push_back(st.index(c));
    const std::string periodType = valueType(st, p.periodType);
    const uint64_t defaultType = p.defaultSampleType.empty() ? 0 : st.index(p.defaultSampleType);
    for (const auto& s : st.strings()) w.tagBytes(6, s);
    w.tagVarint(9, static_cast<uint64_t>(p.timeNanos));
    w.tagVarint(10, static_cast<uint64_t>(p.durationNanos));
    w.tagBytes(11, periodType);
    w.tagVarint(12, static_cast<uint64_t>(p.period));
    w.tagPackedVarints(13, commentIds.data(), commentIds.size());
    w.tagVarint(14, defaultType);
    return std::move(w.bytes());
}

std::string gzipCompress(std::string_view bytes) {
    z_stream zs{};
    // windowBits 15 + 16: gzip header and trailer.
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        throw std::runtime_error("cannot initialise zlib compression");
    std::string out;
    out.resize(deflateBound(&zs, bytes.size()) + 32);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zs.avail_in = static_cast<uInt>(bytes.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    const size_t written = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("zlib compression failed");
    out.resize(written);
    return out;
}

}  // namespace embers::detail
