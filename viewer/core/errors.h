// Error types of the core. Messages are complete, user-facing sentences that
// name the problem; callers prefix them with the file or URL they came from.
#pragma once

#include <stdexcept>
#include <string>

namespace embers::core {

// The input is not a readable or valid profile.
class FormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The request does not fit the profile (unknown sample type, bad regex, …).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace embers::core

namespace embers::core {

// The user cancelled a long operation.
class Cancelled : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace embers::core
