// embers list: placeholder until source annotation lands.
#include "cli_common.h"
#include "core/errors.h"
#include "verbs.h"

namespace embers::app {

int verbList(int argc, char** argv, int first) {
    return runGuarded([&]() -> int {
        (void)argc;
        (void)argv;
        (void)first;
        throw core::UsageError("list is not implemented yet");
    });
}

}  // namespace embers::app
