// embers convert: write profiles (merged) in the pprof format.
#include <iostream>

#include "cli_common.h"
#include "core/encode.h"
#include "core/errors.h"
#include "core/merge.h"
#include "verbs.h"

namespace embers::app {

using namespace embers::core;

int verbConvert(int argc, char** argv, int first) {
    return runGuarded([&] {
        OptionSpec spec = inputOptions();
        spec.withValue.insert({"-o", "--output"});
        const CliArgs args(argc, argv, first, spec);
        const auto out = args.value("-o") ? args.value("-o") : args.value("--output");
        if (!out) throw UsageError("convert needs -o OUT.pb.gz");
        if (args.positional().empty()) throw UsageError("convert needs at least one input file");
        const ProfilePtr p = loadProfiles(args.positional(), args);
        writeFileAtomically(*out, encodeProfile(*p));
        std::cerr << "embers: wrote " << *out << " (" << p->sampleCount() << " samples)\n";
        return kExitOk;
    });
}

}  // namespace embers::app
