#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "embers/agent.h"

namespace embers {

namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : nullptr;
}

}  // namespace

AgentOptions AgentOptions::fromEnvironment() {
    AgentOptions o;
    const char* portName = env("EMBERS_AGENT_PORT") ? "EMBERS_AGENT_PORT" : "PPROF_PORT";
    if (const char* port = env(portName)) {
        const std::string s = port;
        int v = -1;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || end != s.data() + s.size() || v < 0 || v > 65535)
            throw std::runtime_error(std::string(portName) + "=" + s +
                                     " is not a port number; use 0 to 65535 (0 picks a free "
                                     "port).");
        o.port = v;
    }
    if (const char* token = env("EMBERS_AGENT_TOKEN"))
        o.bearer_token = token;
    else if (const char* key = env("ADMIN_KEY"))
        o.bearer_token = key;
    if (const char* bind = env("EMBERS_AGENT_BIND")) o.bind_address = bind;
    if (const char* prefix = env("EMBERS_AGENT_PREFIX")) o.path_prefix = prefix;
    if (const char* rate = env("EMBERS_AGENT_HEAP_SAMPLE_BYTES")) {
        const std::string s = rate;
        int64_t v = -1;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || end != s.data() + s.size() || v < 0)
            throw std::runtime_error("EMBERS_AGENT_HEAP_SAMPLE_BYTES=" + s +
                                     " is not a byte count; use 0 to switch heap sampling off.");
        o.heap_sample_bytes = v;
    }
    if (const char* cert = env("EMBERS_AGENT_TLS_CERT")) o.tls_cert_file = cert;
    if (const char* key = env("EMBERS_AGENT_TLS_KEY")) o.tls_key_file = key;
    return o;
}

}  // namespace embers
