// libembers_agent_preload.so: starts an Agent configured from the
// environment in any dynamically linked program, with no code change:
//
//     export EMBERS_AGENT_PORT=6060 EMBERS_AGENT_TOKEN=secret
//     LD_PRELOAD=libembers_agent_preload.so ./program
//
// The library holds the whole agent (including the malloc wrappers: a
// preloaded library comes first in the symbol search order only for the
// symbols it defines itself, not for those of its dependencies).
#include <unistd.h>

#include <cstdio>
#include <exception>

#include "embers/agent.h"

namespace {

embers::Agent* g_agent = nullptr;
pid_t g_agentPid = 0;  // a forked child has the object but not its threads

__attribute__((constructor)) void startAgent() {
    try {
        const embers::AgentOptions options = embers::AgentOptions::fromEnvironment();
        g_agent = new embers::Agent(options);
        g_agentPid = getpid();
        std::fprintf(stderr, "embers agent: serving http%s://%s:%d%s/\n",
                     options.tls_cert_file.empty() ? "" : "s", options.bind_address.c_str(),
                     g_agent->port(), options.path_prefix.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "embers agent: not started: %s\n", e.what());
    }
}

__attribute__((destructor)) void stopAgent() {
    // In a forked child the server threads do not exist: joining them would
    // hang, so the child leaves the object alone.
    if (g_agent != nullptr && getpid() == g_agentPid) delete g_agent;
    g_agent = nullptr;
}

}  // namespace
