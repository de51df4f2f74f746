#include "encode.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "errors.h"
#include "gzip.h"
#include "profile.pb.h"

namespace embers::core {

namespace pb = perftools::profiles;

std::string encodeProto(const Profile& p) {
    const ProfileData& d = p.data();
    pb::Profile out;
    for (const auto& t : d.sampleTypes) {
        auto* vt = out.add_sample_type();
        vt->set_type(idx(t.type));
        vt->set_unit(idx(t.unit));
    }
    for (size_t i = 0; i < d.sampleCount(); ++i) {
        auto* s = out.add_sample();
        for (LocId l : p.sampleLocations(i)) s->add_location_id(p.location(l).id);
        for (int64_t v : p.sampleValues(i)) s->add_value(v);
        for (const Label& l : p.sampleLabels(i)) {
            auto* lb = s->add_label();
            lb->set_key(idx(l.key));
            lb->set_str(idx(l.str));
            lb->set_num(l.num);
            lb->set_num_unit(idx(l.numUnit));
        }
    }
    for (const auto& m : d.mappings) {
        auto* o = out.add_mapping();
        o->set_id(m.id);
        o->set_memory_start(m.start);
        o->set_memory_limit(m.limit);
        o->set_file_offset(m.offset);
        o->set_filename(idx(m.file));
        o->set_build_id(idx(m.buildId));
        o->set_has_functions(m.hasFunctions);
        o->set_has_filenames(m.hasFilenames);
        o->set_has_line_numbers(m.hasLineNumbers);
        o->set_has_inline_frames(m.hasInlineFrames);
    }
    for (const auto& l : d.locations) {
        auto* o = out.add_location();
        o->set_id(l.id);
        if (l.mapping != kNoMapping) o->set_mapping_id(p.mapping(l.mapping).id);
        o->set_address(l.address);
        o->set_is_folded(l.isFolded);
        for (const Line& ln : p.lines(l)) {
            auto* li = o->add_line();
            if (ln.function != kNoFunction) li->set_function_id(p.function(ln.function).id);
            li->set_line(ln.line);
            li->set_column(ln.column);
        }
    }
    for (const auto& f : d.functions) {
        auto* o = out.add_function();
        o->set_id(f.id);
        o->set_name(idx(f.name));
        o->set_system_name(idx(f.systemName));
        o->set_filename(idx(f.filename));
        o->set_start_line(f.startLine);
    }
    for (const auto& s : d.strings) out.add_string_table(s);
    out.set_drop_frames(idx(d.dropFrames));
    out.set_keep_frames(idx(d.keepFrames));
    out.set_time_nanos(d.timeNanos);
    out.set_duration_nanos(d.durationNanos);
    out.mutable_period_type()->set_type(idx(d.periodType.type));
    out.mutable_period_type()->set_unit(idx(d.periodType.unit));
    out.set_period(d.period);
    for (StrId c : d.comments) out.add_comment(idx(c));
    out.set_default_sample_type(idx(d.defaultSampleType));
    out.set_doc_url(idx(d.docUrl));
    std::string bytes;
    if (!out.SerializeToString(&bytes))
        throw FormatError("the profile cannot be written (it exceeds protobuf's 2 GiB limit)");
    return bytes;
}

std::string encodeProfile(const Profile& p) {
    return gzip(encodeProto(p));
}

void writeFileAtomically(const std::string& path, std::string_view bytes) {
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    std::random_device rd;
    const std::string tmp = path + ".tmp-" + std::to_string(rd()) + "~";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        throw FormatError(path + ": cannot create a file in " + dir + " (" + std::strerror(errno) +
                          "); choose a writable folder");
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw FormatError(path + ": write failed (" + std::strerror(err) +
                              "); nothing was overwritten");
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw FormatError(path + ": write failed (" + std::strerror(err) +
                          "); nothing was overwritten");
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw FormatError(path + ": cannot replace the file (" + std::strerror(err) + ")");
    }
}

}  // namespace embers::core
