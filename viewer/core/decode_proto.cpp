// profile.proto reader. The generated protobuf types are used for the small
// records (functions, locations, mappings) and for one reused Sample message;
// the top level is walked by hand so that samples can be resolved in a second
// pass once every table is known, without keeping a million messages alive.
#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "decode.h"
#include "errors.h"
#include "profile.pb.h"

namespace embers::core {

namespace {

namespace pb = perftools::profiles;

struct Span {
    const uint8_t* data;
    size_t size;
};

class WireReader {
public:
    WireReader(const uint8_t* begin, size_t size) : base_(begin), p_(begin), end_(begin + size) {}
    // Reads base[at, end).
    WireReader(const uint8_t* base, size_t at, size_t end)
        : base_(base), p_(base + at), end_(base + end) {}
    bool done() const { return p_ >= end_; }
    size_t offset() const { return static_cast<size_t>(p_ - base_); }

    uint64_t varint() {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p_ >= end_) fail("the data ends inside a number (truncated or corrupt)");
            const uint8_t b = *p_++;
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        fail("a number is longer than 10 bytes (corrupt data)");
    }

    Span bytes(uint32_t field) {
        const size_t at = offset();
        const uint64_t len = varint();
        if (len > static_cast<uint64_t>(end_ - p_)) {
            fail("field " + std::to_string(field) + " at byte " + std::to_string(at) +
                 " claims a length of " + std::to_string(len) + " bytes but only " +
                 std::to_string(end_ - p_) + " remain (truncated or corrupt)");
        }
        Span s{p_, static_cast<size_t>(len)};
        p_ += len;
        return s;
    }

    void skip(uint32_t wireType, uint32_t field) {
        switch (wireType) {
            case 0:
                varint();
                break;
            case 1:
                advance(8);
                break;
            case 2:
                bytes(field);
                break;
            case 5:
                advance(4);
                break;
            default:
                fail("unsupported wire type " + std::to_string(wireType) + " for field " +
                     std::to_string(field) + " at byte " + std::to_string(offset()));
        }
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw FormatError("not a valid pprof profile: " + what);
    }

private:
    void advance(size_t n) {
        if (static_cast<size_t>(end_ - p_) < n) fail("the data ends inside a field (truncated)");
        p_ += n;
    }
    const uint8_t* base_;
    const uint8_t* p_;
    const uint8_t* end_;
};

// Maps proto ids to dense indices; dense vector when ids are compact.
class IdMap {
public:
    static constexpr uint32_t kMissing = 0xffffffffu;

    // Returns the first duplicate id, or 0 when all are unique.
    template <class Ids>
    uint64_t build(const Ids& ids) {
        uint64_t maxId = 0;
        for (uint64_t id : ids) maxId = std::max(maxId, id);
        dense_ = maxId <= 4 * ids.size() + 1024;
        if (dense_) {
            table_.assign(maxId + 1, kMissing);
            for (uint32_t i = 0; i < ids.size(); ++i) {
                if (table_[ids[i]] != kMissing) return ids[i];
                table_[ids[i]] = i;
            }
        } else {
            map_.reserve(ids.size());
            for (uint32_t i = 0; i < ids.size(); ++i)
                if (!map_.emplace(ids[i], i).second) return ids[i];
        }
        return 0;
    }

    uint32_t find(uint64_t id) const {
        if (dense_) return id < table_.size() ? table_[id] : kMissing;
        auto it = map_.find(id);
        return it == map_.end() ? kMissing : it->second;
    }

private:
    bool dense_ = true;
    std::vector<uint32_t> table_;
    std::unordered_map<uint64_t, uint32_t> map_;
};

ProfileData emptyStrings() {
    ProfileData d;
    d.strings.clear();
    return d;
}

class ProtoDecoder {
public:
    ProtoDecoder(std::string_view bytes, const DecodeOptions& options)
        : bytes_(bytes), options_(options) {}

    ProfilePtr run() {
        scanTopLevel();
        return finish();
    }

    // Decodes while `stream` inflates. Returns null when the profile needs the general
    // path (anything unusual, or an error: that path reports it exactly).
    ProfilePtr runStreaming(GunzipStream& stream, uint64_t compressedSize) {
        streaming_ = true;
        try {
            scanStream(stream, compressedSize);
            return finish();
        } catch (const Abandon&) {
        } catch (const FormatError&) {
        } catch (const std::bad_alloc&) {
        }
        return nullptr;
    }

private:
    struct Abandon {};  // the streaming path cannot take this profile

    ProfilePtr finish() {
        if (d_.strings.empty() || !d_.strings[0].empty()) {
            throw FormatError(d_.strings.empty()
                                  ? "not a valid pprof profile: the string table is missing"
                                  : "the string table's first entry must be empty but is '" +
                                        d_.strings[0].substr(0, 40) + "'");
        }
        resolveHeader();
        resolveMappings();
        resolveFunctions();
        resolveLocations();
        const size_t sampleCount = streaming_ ? d_.locStart.size() - 1 : samples_.size();
        if (d_.sampleTypes.empty() && sampleCount != 0)
            throw FormatError("the profile has " + std::to_string(sampleCount) +
                              " samples but no sample types");
        if (streaming_)
            resolveSamples();
        else
            decodeSamples();
        return std::make_shared<const Profile>(std::move(d_));
    }

    void parse(google::protobuf::MessageLite& msg, Span s, const char* what) {
        if (!msg.ParseFromArray(s.data, static_cast<int>(s.size)))
            throw FormatError(std::string("not a valid pprof profile: a ") + what +
                              " record is malformed (corrupt data)");
    }

    void scanTopLevel() {
        WireReader r(reinterpret_cast<const uint8_t*>(bytes_.data()), bytes_.size());
        while (!r.done()) {
            const uint64_t tag = r.varint();
            const uint32_t field = static_cast<uint32_t>(tag >> 3);
            const uint32_t wt = tag & 7;
            if (field == 0) r.fail("field number 0 at byte " + std::to_string(r.offset()));
            if (!handleField(field, wt, r)) r.skip(wt, field);
        }
    }

    // Reads one top-level field whose tag was just read; returns false when the caller
    // should skip it.
    bool handleField(uint32_t field, uint32_t wt, WireReader& r) {
        pb::ValueType& vt = valueType_;
        const bool len = wt == 2;
        switch (field) {
            case 1:
                if (!len) break;
                parse(vt, r.bytes(field), "sample type");
                rawSampleTypes_.push_back({vt.type(), vt.unit()});
                return true;
            case 2:
                if (!len) break;
                if (streaming_)
                    readSample(r.bytes(field));
                else
                    samples_.push_back(r.bytes(field));
                return true;
            case 3:
                if (!len) break;
                parse(mappings_.emplace_back(), r.bytes(field), "mapping");
                return true;
            case 4:
                if (!len) break;
                parse(locations_.emplace_back(), r.bytes(field), "location");
                return true;
            case 5:
                if (!len) break;
                parse(functions_.emplace_back(), r.bytes(field), "function");
                return true;
            case 6: {
                if (!len) break;
                Span s = r.bytes(field);
                d_.strings.emplace_back(reinterpret_cast<const char*>(s.data), s.size);
                return true;
            }
            case 11:
                if (!len) break;
                parse(vt, r.bytes(field), "period type");
                rawPeriodType_ = {vt.type(), vt.unit()};
                return true;
            case 13:
                if (len) {  // packed
                    Span s = r.bytes(field);
                    WireReader pr(s.data, s.size);
                    while (!pr.done()) rawComments_.push_back(static_cast<int64_t>(pr.varint()));
                    return true;
                }
                if (wt == 0) {
                    rawComments_.push_back(static_cast<int64_t>(r.varint()));
                    return true;
                }
                break;
            case 7:
            case 8:
            case 9:
            case 10:
            case 12:
            case 14:
            case 15:
                if (wt != 0) break;
                scalars_[field] = static_cast<int64_t>(r.varint());
                return true;
            default:
                break;
        }
        return false;
    }

    // The top level as it is inflated: each field is read once its bytes are out.
    void scanStream(GunzipStream& stream, uint64_t compressedSize) {
        const auto* base = reinterpret_cast<const uint8_t*>(stream.data());
        uint64_t avail = 0, pos = 0, nextReport = 0;
        bool ended = false;
        auto ensure = [&](uint64_t want) {
            if (want <= avail || ended) return;
            avail = stream.waitFor(want);
            if (avail < want) {
                if (stream.state() != GunzipStream::State::Done) throw Abandon{};
                ended = true;
            }
        };
        // Every location id takes a byte at least; most take two or three.
        d_.sampleLocs.reserve(stream.capacity() / 2);
        adviseHugePages(d_.sampleLocs.data(), d_.sampleLocs.capacity() * sizeof(LocId));
        while (true) {
            ensure(pos + 1);
            if (pos >= avail) break;
            if (pos >= nextReport) {
                nextReport = pos + (4 << 20);
                if (options_.progress &&
                    !options_.progress(0.9 * double(stream.consumed()) / double(compressedSize)))
                    throw Cancelled("cancelled");
            }
            ensure(pos + 20);  // a tag and a length
            WireReader r(base, pos, avail);
            const uint64_t tag = r.varint();
            const uint32_t field = static_cast<uint32_t>(tag >> 3);
            const uint32_t wt = tag & 7;
            if (field == 0) throw Abandon{};
            if (wt == 2) {
                WireReader peek = r;
                const uint64_t len = peek.varint();
                if (len > (uint64_t(1) << 40)) throw Abandon{};
                ensure(peek.offset() + len);
                r = WireReader(base, r.offset(), avail);
            }
            if (!handleField(field, wt, r)) r.skip(wt, field);
            pos = r.offset();
        }
    }

    static bool readVarint(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
        if (end - p >= 4) {  // up to four bytes (ids below 2^28) without bound checks
            uint64_t x = p[0];
            if (x < 0x80) {
                v = x;
                p += 1;
                return true;
            }
            x = (x & 0x7f) | uint64_t(p[1]) << 7;
            if (x < (uint64_t(1) << 14)) {
                v = x;
                p += 2;
                return true;
            }
            x = (x & 0x3fff) | uint64_t(p[2]) << 14;
            if (x < (uint64_t(1) << 21)) {
                v = x;
                p += 3;
                return true;
            }
            x = (x & 0x1fffff) | uint64_t(p[3]) << 21;
            if (x < (uint64_t(1) << 28)) {
                v = x;
                p += 4;
                return true;
            }
        }
        uint64_t x = 0;
        for (int shift = 0; shift <= 63; shift += 7) {
            if (p >= end) return false;
            const uint8_t b = *p++;
            if (shift == 63 && b > 1) return false;
            x |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) {
                v = x;
                return true;
            }
        }
        return false;
    }

    static StrId rawStr(uint64_t v) {
        if (v > 0xffffffffu) throw Abandon{};  // checked against the table later
        return StrId{static_cast<uint32_t>(v)};
    }

    // Appends a sample in the usual encoding to the sample arrays, with the location ids
    // as they are (resolved later); anything else is left to the general path.
    void readSample(Span s) {
        const uint8_t* p = s.data;
        const uint8_t* const end = p + s.size;
        const size_t valuesBefore = d_.values.size();
        uint64_t v = 0, len = 0;
        while (p < end) {
            if (!readVarint(p, end, v)) throw Abandon{};
            switch (v) {
                case (1 << 3) | 2:  // location_id, packed
                case (2 << 3) | 2:  // value, packed
                {
                    const bool locs = v == ((1 << 3) | 2);
                    if (!readVarint(p, end, len) || len > uint64_t(end - p)) throw Abandon{};
                    const uint8_t* const e = p + len;
                    while (p < e) {
                        if (!readVarint(p, e, v)) throw Abandon{};
                        if (locs) {
                            if (v > 0xffffffffu) throw Abandon{};
                            d_.sampleLocs.push_back(LocId{static_cast<uint32_t>(v)});
                        } else {
                            d_.values.push_back(static_cast<int64_t>(v));
                        }
                    }
                    break;
                }
                case (1 << 3) | 0:
                    if (!readVarint(p, end, v) || v > 0xffffffffu) throw Abandon{};
                    d_.sampleLocs.push_back(LocId{static_cast<uint32_t>(v)});
                    break;
                case (2 << 3) | 0:
                    if (!readVarint(p, end, v)) throw Abandon{};
                    d_.values.push_back(static_cast<int64_t>(v));
                    break;
                case (3 << 3) | 2: {  // label
                    if (!readVarint(p, end, len) || len > uint64_t(end - p)) throw Abandon{};
                    const uint8_t* const e = p + len;
                    uint64_t f[5] = {};
                    while (p < e) {
                        if (!readVarint(p, e, v) || (v & 7) != 0 || (v >> 3) < 1 || (v >> 3) > 4)
                            throw Abandon{};
                        if (!readVarint(p, e, f[v >> 3])) throw Abandon{};
                    }
                    d_.labels.push_back(
                        {rawStr(f[1]), rawStr(f[2]), static_cast<int64_t>(f[3]), rawStr(f[4])});
                    break;
                }
                default:
                    throw Abandon{};
            }
        }
        const uint64_t values = d_.values.size() - valuesBefore;
        if (d_.locStart.size() == 1)
            valuesPerSample_ = values;
        else if (values != valuesPerSample_)
            throw Abandon{};
        d_.locStart.push_back(d_.sampleLocs.size());
        d_.labelStart.push_back(d_.labels.size());
    }

    // Checks the streamed samples and turns their location ids into indices.
    void resolveSamples() {
        const size_t n = d_.locStart.size() - 1;
        if (n && valuesPerSample_ != d_.sampleTypes.size()) throw Abandon{};
        const uint32_t strings = static_cast<uint32_t>(d_.strings.size());
        for (const Label& l : d_.labels)
            if (idx(l.key) >= strings || idx(l.str) >= strings || idx(l.numUnit) >= strings)
                throw Abandon{};
        std::atomic<bool> unknown{false};
        auto resolve = [&](size_t begin, size_t end) {
            LocId* locs = d_.sampleLocs.data();
            for (size_t i = begin; i < end; ++i) {
                const uint32_t l = locationIds_.find(idx(locs[i]));
                if (l == IdMap::kMissing) {
                    unknown = true;
                    return;
                }
                locs[i] = LocId{l};
            }
        };
        const size_t total = d_.sampleLocs.size();
        if (total >= (size_t(1) << 22) && std::thread::hardware_concurrency() > 1) {
            std::thread other([&] { resolve(total / 2, total); });
            resolve(0, total / 2);
            other.join();
        } else {
            resolve(0, total);
        }
        if (unknown) throw Abandon{};
    }

    StrId str(int64_t index, const std::string& where) const {
        if (index < 0 || static_cast<uint64_t>(index) >= d_.strings.size()) {
            throw FormatError("string index " + std::to_string(index) +
                              " out of range (table has " + std::to_string(d_.strings.size()) +
                              " entries) in " + where);
        }
        return StrId{static_cast<uint32_t>(index)};
    }

    void resolveHeader() {
        for (size_t i = 0; i < rawSampleTypes_.size(); ++i) {
            const std::string where = "sample type " + std::to_string(i);
            d_.sampleTypes.push_back(
                {str(rawSampleTypes_[i].first, where), str(rawSampleTypes_[i].second, where)});
        }
        d_.periodType = {str(rawPeriodType_.first, "the period type"),
                         str(rawPeriodType_.second, "the period type")};
        d_.dropFrames = str(scalars_[7], "drop_frames");
        d_.keepFrames = str(scalars_[8], "keep_frames");
        d_.timeNanos = scalars_[9];
        d_.durationNanos = scalars_[10];
        d_.period = scalars_[12];
        d_.defaultSampleType = str(scalars_[14], "default_sample_type");
        d_.docUrl = str(scalars_[15], "doc_url");
        for (int64_t c : rawComments_) d_.comments.push_back(str(c, "a comment"));
    }

    template <class Records>
    void buildIds(const Records& records, IdMap& map, const char* what) {
        std::vector<uint64_t> ids;
        ids.reserve(records.size());
        for (const auto& r : records) {
            if (r.id() == 0) throw FormatError(std::string(what) + " id 0 is reserved");
            ids.push_back(r.id());
        }
        if (uint64_t dup = map.build(ids))
            throw FormatError("duplicate " + std::string(what) + " id " + std::to_string(dup));
    }

    void resolveMappings() {
        buildIds(mappings_, mappingIds_, "mapping");
        d_.mappings.reserve(mappings_.size());
        for (const auto& m : mappings_) {
            const std::string where = "mapping " + std::to_string(m.id());
            Mapping out;
            out.id = m.id();
            out.start = m.memory_start();
            out.limit = m.memory_limit();
            out.offset = m.file_offset();
            out.file = str(m.filename(), where);
            out.buildId = str(m.build_id(), where);
            out.hasFunctions = m.has_functions();
            out.hasFilenames = m.has_filenames();
            out.hasLineNumbers = m.has_line_numbers();
            out.hasInlineFrames = m.has_inline_frames();
            d_.mappings.push_back(out);
        }
        mappings_.clear();
    }

    void resolveFunctions() {
        buildIds(functions_, functionIds_, "function");
        d_.functions.reserve(functions_.size());
        for (const auto& f : functions_) {
            const std::string where = "function " + std::to_string(f.id());
            d_.functions.push_back({f.id(), str(f.name(), where), str(f.system_name(), where),
                                    str(f.filename(), where), f.start_line()});
        }
        functions_.clear();
    }

    void resolveLocations() {
        buildIds(locations_, locationIds_, "location");
        d_.locations.reserve(locations_.size());
        for (const auto& l : locations_) {
            Location out;
            out.id = l.id();
            out.address = l.address();
            out.isFolded = l.is_folded();
            if (l.mapping_id() != 0) {
                const uint32_t m = mappingIds_.find(l.mapping_id());
                if (m == IdMap::kMissing)
                    throw FormatError("location " + std::to_string(l.id()) +
                                      " refers to unknown mapping " +
                                      std::to_string(l.mapping_id()));
                out.mapping = MapId{m};
            }
            out.lineBegin = static_cast<uint32_t>(d_.lines.size());
            for (const auto& ln : l.line()) {
                Line line;
                if (ln.function_id() != 0) {
                    const uint32_t f = functionIds_.find(ln.function_id());
                    if (f == IdMap::kMissing)
                        throw FormatError("location " + std::to_string(l.id()) +
                                          " refers to unknown function " +
                                          std::to_string(ln.function_id()));
                    line.function = FuncId{f};
                }
                line.line = ln.line();
                line.column = ln.column();
                d_.lines.push_back(line);
            }
            out.lineEnd = static_cast<uint32_t>(d_.lines.size());
            d_.locations.push_back(out);
        }
        locations_.clear();
    }

    // Exact offsets of every sample's location ids and labels (a cheap scan:
    // one byte test per packed varint byte), so that the arrays are allocated
    // once and several workers can fill disjoint parts of them.
    void computeOffsets() {
        const size_t n = samples_.size();
        d_.locStart.assign(n + 1, 0);
        d_.labelStart.assign(n + 1, 0);
        uint64_t locs = 0, labels = 0;
        for (size_t i = 0; i < n; ++i) {
            WireReader r(samples_[i].data, samples_[i].size);
            while (!r.done()) {
                const uint64_t tag = r.varint();
                if (tag == ((1 << 3) | 2)) {
                    const Span packed = r.bytes(1);
                    for (size_t k = 0; k < packed.size; ++k) locs += (packed.data[k] & 0x80) == 0;
                } else if (tag == ((1 << 3) | 0)) {
                    r.varint();
                    ++locs;
                } else if (tag == ((3 << 3) | 2)) {
                    r.bytes(3);
                    ++labels;
                } else {
                    r.skip(tag & 7, static_cast<uint32_t>(tag >> 3));
                }
            }
            d_.locStart[i + 1] = locs;
            d_.labelStart[i + 1] = labels;
        }
    }

    // Decodes samples [begin, end) into the preallocated arrays. Returns the
    // first error as (sample index, message); index n when there was none.
    std::pair<size_t, std::string> decodeRange(size_t begin, size_t end, bool reportProgress) {
        const size_t n = samples_.size();
        const size_t types = d_.sampleTypes.size();
        pb::Sample s;
        size_t i = begin;
        try {
            for (; i < end; ++i) {
                if ((i & 0x3fff) == 0) {
                    if (cancelled_.load(std::memory_order_relaxed)) return {n, {}};
                    if (reportProgress && options_.progress &&
                        !options_.progress(0.3 + 0.7 * double(i - begin) / double(end - begin))) {
                        cancelled_ = true;
                        return {n, {}};
                    }
                }
                parse(s, samples_[i], "sample");
                if (static_cast<size_t>(s.value_size()) != types) {
                    return {i, "sample " + std::to_string(i) + " has " +
                                   std::to_string(s.value_size()) + " values but " +
                                   std::to_string(types) + " sample types"};
                }
                LocId* out = d_.sampleLocs.data() + d_.locStart[i];
                for (uint64_t id : s.location_id()) {
                    const uint32_t l = locationIds_.find(id);
                    if (l == IdMap::kMissing)
                        return {i, "sample " + std::to_string(i) + " refers to unknown location " +
                                       std::to_string(id)};
                    *out++ = LocId{l};
                }
                std::copy(s.value().begin(), s.value().end(), d_.values.data() + i * types);
                Label* lout = d_.labels.data() + d_.labelStart[i];
                for (const auto& lb : s.label()) {
                    const std::string where = "a label of sample " + std::to_string(i);
                    Label& l = *lout++;
                    l.key = str(lb.key(), where);
                    l.str = str(lb.str(), where);
                    l.num = lb.num();
                    l.numUnit = str(lb.num_unit(), where);
                }
            }
        } catch (const FormatError& e) {
            return {i, "sample " + std::to_string(i) + ": " + e.what()};
        }
        return {n, {}};
    }

    void decodeSamples() {
        const size_t n = samples_.size();
        computeOffsets();
        d_.sampleLocs.resize(d_.locStart[n]);
        d_.labels.resize(d_.labelStart[n]);
        d_.values.resize(n * d_.sampleTypes.size());
        // Two workers on large profiles (the machine this targets has two
        // cores or more); the first problem by sample order is reported.
        const size_t workers = n >= 200000 && std::thread::hardware_concurrency() > 1 ? 2 : 1;
        std::vector<std::pair<size_t, std::string>> results(workers);
        if (workers == 1) {
            results[0] = decodeRange(0, n, true);
        } else {
            const size_t mid = n / 2;
            std::thread other([&] { results[1] = decodeRange(mid, n, false); });
            results[0] = decodeRange(0, mid, true);
            other.join();
        }
        if (cancelled_) throw Cancelled("cancelled");
        const auto first =
            std::min_element(results.begin(), results.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
        if (first->first < n || !first->second.empty()) throw FormatError(first->second);
        samples_.clear();
        samples_.shrink_to_fit();
    }

    std::string_view bytes_;
    const DecodeOptions& options_;
    ProfileData d_ = emptyStrings();
    std::vector<std::pair<int64_t, int64_t>> rawSampleTypes_;
    std::pair<int64_t, int64_t> rawPeriodType_{0, 0};
    std::vector<int64_t> rawComments_;
    int64_t scalars_[16] = {};
    std::vector<Span> samples_;
    std::vector<pb::Mapping> mappings_;
    std::vector<pb::Location> locations_;
    std::vector<pb::Function> functions_;
    IdMap mappingIds_, functionIds_, locationIds_;
    std::atomic<bool> cancelled_{false};
    pb::ValueType valueType_;
    bool streaming_ = false;
    uint64_t valuesPerSample_ = 0;
};

}  // namespace

ProfilePtr decodeProto(std::string_view bytes, const DecodeOptions& options) {
    return ProtoDecoder(bytes, options).run();
}

ProfilePtr decodeProtoStreaming(GunzipStream& stream, uint64_t compressedSize,
                                const DecodeOptions& options) {
    return ProtoDecoder({}, options).runStreaming(stream, compressedSize);
}

}  // namespace embers::core
