// embers: the command line verbs, and (without a verb) the desktop app.
#include <cstring>
#include <iostream>
#include <string_view>

#include "verbs.h"

namespace {

struct Verb {
    const char* name;
    int (*run)(int, char**, int);
};

constexpr Verb kVerbs[] = {
    {"top", embers::app::verbTop},     {"list", embers::app::verbList},
    {"peek", embers::app::verbPeek},   {"tree", embers::app::verbTree},
    {"info", embers::app::verbInfo},   {"convert", embers::app::verbConvert},
    {"flame", embers::app::verbFlame}, {"capture", embers::app::verbCapture},
    {"token", embers::app::verbToken}, {"watch", embers::app::verbWatch},
};

bool isVerb(std::string_view name) {
    for (const Verb& v : kVerbs)
        if (name == v.name) return true;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    // No verb: the desktop app, with any arguments as files to open.
    if (argc < 2 || (argv[1][0] != '-' && !isVerb(argv[1]) && std::string_view(argv[1]) != "help"))
        return embers::app::runGui(argc, argv);
    const std::string_view verb = argv[1];
    if (verb == "help" || verb == "--help" || verb == "-h") {
        embers::app::printUsage(true);
        return 0;
    }
    if (verb == "--version") {
        std::cout << "embers " << EMBERS_VERSION << "\n";
        return 0;
    }
    for (const Verb& v : kVerbs)
        if (verb == v.name) return v.run(argc, argv, 2);
    std::cerr << "embers: unknown command '" << verb << "'; run 'embers help' for the list\n";
    return 1;
}
