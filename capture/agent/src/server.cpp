// embers::Agent: the HTTP server (cpp-httplib), routing and bearer-token
// authentication. The endpoints themselves live in endpoints.cpp.
#include <arpa/inet.h>
#include <httplib.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "embers/agent.h"
#include "endpoints.h"
#include "heap_sampler.h"
#include "metrics.h"

namespace embers {

using detail::Reply;

namespace {

bool isLoopback(const std::string& address) {
    if (address == "localhost") return true;
    in_addr v4{};
    if (inet_pton(AF_INET, address.c_str(), &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;  // 127.0.0.0/8
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

// Compares every byte whatever the contents, so the time taken does not tell
// an attacker how much of a guess was right.
bool constantTimeEquals(const std::string& a, const std::string& b) {
    const size_t n = std::max(a.size(), b.size());
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff |= static_cast<unsigned char>(x ^ y);
    }
    return diff == 0;
}

std::string escapeRegex(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

void send(httplib::Response& res, const Reply& r) {
    res.status = r.status;
    for (const auto& [k, v] : r.headers) res.set_header(k, v);
    res.set_content(r.body, r.contentType);
}

detail::Params params(const httplib::Request& req) {
    detail::Params p;
    for (const auto& [k, v] : req.params) p.try_emplace(k, v);
    return p;
}

}  // namespace

struct Agent::Impl {
    AgentOptions options;
    std::unique_ptr<httplib::Server> server;
    std::thread thread;
    std::atomic<bool> stopping{false};
    std::atomic<bool> listenReturned{false};
    int port = 0;

    bool authorized(const httplib::Request& req) const {
        if (options.bearer_token.empty()) return true;
        const std::string h = req.get_header_value("Authorization");
        if (h.size() < 7 || strncasecmp(h.c_str(), "Bearer ", 7) != 0) return false;
        size_t start = 7;
        while (start < h.size() && h[start] == ' ') ++start;
        return constantTimeEquals(h.substr(start), options.bearer_token);
    }

    void routes() {
        httplib::Server& s = *server;
        const std::string p = escapeRegex(options.path_prefix);
        const detail::StopFn stop = [this] { return stopping.load(); };

        s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            if (authorized(req)) return httplib::Server::HandlerResponse::Unhandled;
            res.status = 401;
            res.set_header("WWW-Authenticate", "Bearer realm=\"embers\"");
            res.set_content(
                "Unauthorized: this endpoint needs the header \"Authorization: Bearer <token>\" "
                "with the agent's token.\n",
                "text/plain; charset=utf-8");
            return httplib::Server::HandlerResponse::Handled;
        });
        s.set_exception_handler(
            [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
                std::string what = "internal error";
                try {
                    if (ep) std::rethrow_exception(ep);
                } catch (const std::exception& e) {
                    what = e.what();
                } catch (...) {
                }
                send(res, detail::goError(500, "Could not serve the request: " + what));
            });

        const std::string prefix = options.path_prefix;
        s.Get(p + "/?", [prefix](const httplib::Request&, httplib::Response& res) {
            send(res, detail::indexPage(prefix));
        });
        s.Get(p + "/cmdline", [](const httplib::Request&, httplib::Response& res) {
            send(res, detail::cmdlinePage());
        });
        s.Get(p + "/symbol", [](const httplib::Request& req, httplib::Response& res) {
            // Go reads the addresses of a GET from the raw query.
            const size_t q = req.target.find('?');
            send(res, detail::symbolPage(q == std::string::npos ? "" : req.target.substr(q + 1)));
        });
        s.Post(p + "/symbol", [](const httplib::Request& req, httplib::Response& res) {
            send(res, detail::symbolPage(req.body));
        });
        const int hz = options.cpu_hz;
        s.Get(p + "/profile", [hz, stop](const httplib::Request& req, httplib::Response& res) {
            send(res, detail::cpuProfile(params(req), hz, stop));
        });
        s.Get(p + "/trace", [](const httplib::Request&, httplib::Response& res) {
            send(res, detail::goError(404, "Unknown profile: the agent has no execution tracer"));
        });
        s.Get(p + "/([^/]+)", [stop](const httplib::Request& req, httplib::Response& res) {
            send(res, detail::namedProfile(req.matches[1], params(req), stop));
        });
        s.Get("/debug/vars", [](const httplib::Request&, httplib::Response& res) {
            res.set_content(detail::metricsJson(), "application/json; charset=utf-8");
        });
        s.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
            res.set_content(detail::metricsPrometheus(),
                            "text/plain; version=0.0.4; charset=utf-8");
        });
        s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
            if (res.status == 404 && res.body.empty())
                res.set_content("404 page not found\n", "text/plain; charset=utf-8");
        });
    }
};

Agent::Agent(AgentOptions options) : impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    while (options.path_prefix.size() > 1 && options.path_prefix.back() == '/')
        options.path_prefix.pop_back();
    if (options.path_prefix.empty() || options.path_prefix.front() != '/')
        options.path_prefix.insert(0, "/");
    if (options.path_prefix == "/") options.path_prefix.clear();
    if (options.port < 0 || options.port > 65535)
        throw std::runtime_error("embers agent: port " + std::to_string(options.port) +
                                 " is out of range; use 0 to 65535.");
    if (!isLoopback(options.bind_address) && options.bearer_token.empty())
        throw std::runtime_error("embers agent: refusing to listen on " + options.bind_address +
                                 " without a bearer token; set a token (EMBERS_AGENT_TOKEN) or "
                                 "bind to 127.0.0.1.");
    if (options.cpu_hz <= 0 || options.cpu_hz > 10000)
        throw std::runtime_error("embers agent: cpu_hz " + std::to_string(options.cpu_hz) +
                                 " is out of range; use 1 to 10000 (100 is Go's rate).");
    d.options = options;

    const bool tls = !options.tls_cert_file.empty() || !options.tls_key_file.empty();
    if (tls) {
        if (options.tls_cert_file.empty() || options.tls_key_file.empty())
            throw std::runtime_error(
                "embers agent: HTTPS needs both tls_cert_file and tls_key_file.");
        d.server = std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(),
                                                        options.tls_key_file.c_str());
    } else {
        d.server = std::make_unique<httplib::Server>();
    }
    if (!d.server->is_valid())
        throw std::runtime_error("embers agent: cannot load the TLS certificate " +
                                 options.tls_cert_file + " or key " + options.tls_key_file +
                                 "; check that both are readable PEM files that match.");
    // A long CPU profile holds one worker; keep a few for the rest.
    d.server->new_task_queue = [] { return new httplib::ThreadPool(6); };
    d.server->set_keep_alive_timeout(2);
    d.server->set_read_timeout(10);
    d.server->set_write_timeout(30);
    d.routes();

    if (options.port == 0) {
        d.port = d.server->bind_to_any_port(options.bind_address);
    } else {
        d.port = d.server->bind_to_port(options.bind_address, options.port) ? options.port : -1;
    }
    if (d.port <= 0)
        throw std::runtime_error("embers agent: cannot listen on " + options.bind_address + ":" +
                                 std::to_string(options.port) +
                                 " (the port may be in use or the address not local); choose "
                                 "another port, or 0 for any free port.");
    // The socket is listening: connections queue until the accept loop runs.
    d.thread = std::thread([&d] {
        d.server->listen_after_bind();
        d.listenReturned = true;
    });
    detail::setHeapSampleRate(options.heap_sample_bytes);
}

Agent::~Agent() {
    impl_->stopping = true;  // running profiles return what they have
    // Server::stop() only acts once the accept loop runs.
    while (!impl_->server->is_running() && !impl_->listenReturned)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    impl_->server->stop();
    if (impl_->thread.joinable()) impl_->thread.join();
    detail::setHeapSampleRate(0);
}

int Agent::port() const {
    return impl_->port;
}

}  // namespace embers
