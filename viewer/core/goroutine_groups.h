// Goroutine profiles grouped by stack: what `goroutine?debug=1` prints, for
// any goroutine profile (proto, debug=1 or debug=2 text). Goroutines with the
// same stack (function, file and line of every frame) form one group with
// their count, states ("chan receive"), wait-time range and shared labels.
// Two groupings can be compared: which stacks grew, shrank, appeared or went.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "profile.h"

namespace embers::core {

struct GoroutineFrame {
    std::string function;  // "" for a location without symbols
    std::string file;
    int64_t line = 0;
    uint64_t address = 0;  // set when the location has no line information
    bool operator==(const GoroutineFrame&) const = default;
};

// A label every member of a group carries.
struct GroupLabel {
    std::string key;
    std::string str;  // string labels
    int64_t num = 0;  // numeric labels (str is empty then)
    std::string unit;
    bool numeric = false;
    // "worker=alpha", "bytes=512 bytes".
    std::string text() const;
    bool operator==(const GroupLabel&) const = default;
};

struct GoroutineGroup {
    std::vector<GoroutineFrame> frames;  // innermost (leaf) first
    // The first frame that is not runtime internals (runtime.gopark,
    // runtime.chanrecv1, …), the frame Go's debug=1 output starts with.
    size_t topFrame = 0;
    int64_t count = 0;   // sum of the members' values
    size_t samples = 0;  // member samples (one per goroutine in debug=2 dumps)
    // State -> goroutines in it, most goroutines first (debug=2 dumps).
    std::vector<std::pair<std::string, int64_t>> states;
    // Wait time in minutes over the members that have one. Go prints it only
    // for goroutines blocked for a minute or more.
    int64_t waitKnown = 0;  // goroutines with a wait time
    int64_t minWait = 0;
    int64_t maxWait = 0;
    std::vector<int64_t> goroutineIds;  // sorted; debug=2 dumps only
    // Labels all members share, other than state, wait and goroutine (which
    // are summarised above), e.g. "created by" or pprof labels.
    std::vector<GroupLabel> sharedLabels;
    // When the members' other labels differ (the same stack under worker=alpha and
    // worker=beta): each distinct set, without the shared ones, as "worker=alpha", with
    // its count; largest first. Empty when all members carry the same labels.
    std::vector<std::pair<std::string, int64_t>> labelSets;
    // The stack's identity across profiles (frames' function, file and line).
    std::string key;

    bool hasWait() const { return waitKnown > 0; }
    const GoroutineFrame* top() const { return frames.empty() ? nullptr : &frames[topFrame]; }
};

struct GoroutineGroups {
    std::vector<GoroutineGroup> groups;  // count descending, then by stack
    int64_t total = 0;                   // sum of all counts
    size_t sampleIndex = 0;              // the value that was counted
    bool hasStates = false;              // any member has a state (debug=2)
    bool hasWaits = false;               // any member has a wait time
};

// Which samples of a -diff_base profile (see merge.h) to group.
enum class DiffSide {
    All,      // every sample, values as they are
    Current,  // samples without the pprof::base label
    Base,     // samples with it, values negated back to positive counts
};

struct GroupOptions {
    int sampleIndex = -1;  // -1: the profile's default sample type
    DiffSide side = DiffSide::All;
};

// True for goroutine and threadcreate profiles (and goroutine text dumps).
bool isGoroutineProfile(const Profile& p);

// Groups the samples by identical stack. Samples whose value is 0 are skipped.
GoroutineGroups groupGoroutines(const Profile& p, const GroupOptions& options = {});

enum class GroupChange { Grew, Shrank, New, Gone, Unchanged };

struct GroupDelta {
    GroupChange change = GroupChange::Unchanged;
    int before = -1;  // index into before.groups; -1 when New
    int after = -1;   // index into after.groups; -1 when Gone
    int64_t beforeCount = 0;
    int64_t afterCount = 0;
    int64_t delta() const { return afterCount - beforeCount; }
};

// Matches the groups by stack. Every group of both sides appears once;
// sorted by |delta| descending, then by count after, count before and stack.
std::vector<GroupDelta> compareGroups(const GoroutineGroups& before, const GoroutineGroups& after);

const char* groupChangeName(GroupChange c);  // "grew", "shrank", "new", "gone", "unchanged"

}  // namespace embers::core
