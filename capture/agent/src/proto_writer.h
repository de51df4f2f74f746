// A hand-written encoder for pprof's profile.proto (package
// perftools.profiles) and gzip, so the agent needs no libprotobuf.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace embers::detail {

// Protocol buffers wire format: varints, length-delimited fields.
class WireWriter {
public:
    void varint(uint64_t v);
    void tagVarint(uint32_t field, uint64_t v);  // skipped when v == 0
    void tagBytes(uint32_t field, std::string_view bytes);
    void tagPackedVarints(uint32_t field, const uint64_t* v, size_t n);
    void tagPackedSigned(uint32_t field, const int64_t* v, size_t n);
    std::string& bytes() { return out_; }

private:
    std::string out_;
};

struct ProtoValueType {
    std::string type, unit;
};

struct ProtoMapping {
    uint64_t id = 0, start = 0, limit = 0, offset = 0;
    std::string file, buildId;
    bool hasFunctions = false, hasFilenames = false, hasLineNumbers = false;
};

struct ProtoLine {
    uint64_t functionId = 0;
    int64_t line = 0;
};

struct ProtoLocation {
    uint64_t id = 0, mappingId = 0, address = 0;
    std::vector<ProtoLine> lines;  // innermost first; the last is the outermost caller
};

struct ProtoFunction {
    uint64_t id = 0;
    std::string name, systemName, file;
};

struct ProtoLabel {
    std::string key, str;
    int64_t num = 0;
    std::string numUnit;
};

struct ProtoSample {
    std::vector<uint64_t> locationIds;  // leaf first
    std::vector<int64_t> values;
    std::vector<ProtoLabel> labels;
};

// The whole message, in plain values.
struct ProtoProfile {
    std::vector<ProtoValueType> sampleTypes;
    std::vector<ProtoSample> samples;
    std::vector<ProtoMapping> mappings;
    std::vector<ProtoLocation> locations;
    std::vector<ProtoFunction> functions;
    std::vector<std::string> comments;
    int64_t timeNanos = 0, durationNanos = 0;
    ProtoValueType periodType;
    int64_t period = 0;
    std::string defaultSampleType;  // empty: unset
};

// Serializes p (uncompressed profile.proto bytes).
std::string encodeProfile(const ProtoProfile& p);

// gzip (RFC 1952) compression of bytes; throws std::runtime_error on failure.
std::string gzipCompress(std::string_view bytes);

}  // namespace embers::detail
