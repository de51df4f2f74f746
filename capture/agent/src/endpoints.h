// The pprof endpoints as plain functions from a request to a reply, so the
// HTTP layer (server.cpp) only routes and authenticates.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace embers::detail {

struct Reply {
    int status = 200;
    std::string contentType = "application/octet-stream";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

using Params = std::map<std::string, std::string>;
using StopFn = std::function<bool()>;

// text/plain error with X-Go-Pprof: 1, as Go's serveError.
Reply goError(int status, const std::string& message);

Reply indexPage(const std::string& prefix);
Reply cmdlinePage();
Reply symbolPage(const std::string& input);
Reply cpuProfile(const Params& params, int hz, const StopFn& stop);
// goroutine, heap, allocs, threadcreate, mutex, block; 404 for others.
Reply namedProfile(const std::string& name, const Params& params, const StopFn& stop);

}  // namespace embers::detail
