// Starts the installed agent on a free loopback port and prints it: the smallest program a
// user would write after `find_package(EmbersAgent)` or `pkg-config embers-agent`.
#include <embers/agent.h>

#include <cstdio>

int main() {
    embers::AgentOptions options;
    options.port = 0;
    options.bearer_token = "consumer-token";
    embers::Agent agent(options);
    if (agent.port() <= 0) return 1;
    std::printf("serving on %d\n", agent.port());
    return 0;
}
