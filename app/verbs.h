// The headless verbs of the `embers` command. Each parses its own arguments
// (argv[first..]) and returns the process exit code.
#pragma once

namespace embers::app {

int verbTop(int argc, char** argv, int first);
int verbList(int argc, char** argv, int first);
int verbPeek(int argc, char** argv, int first);
int verbTree(int argc, char** argv, int first);
int verbInfo(int argc, char** argv, int first);
int verbConvert(int argc, char** argv, int first);
int verbFlame(int argc, char** argv, int first);
// Fetches a profile from a node over HTTP(S); QtCore only.
int verbCapture(int argc, char** argv, int first);
// Shows what a pasted token, header, cURL command or HAR file says; QtCore only.
int verbToken(int argc, char** argv, int first);
// Polls a node's metrics (Prometheus text or expvar JSON) and prints them; QtCore only.
int verbWatch(int argc, char** argv, int first);

// The desktop viewer; argv[1..] are files to open.
int runGui(int argc, char** argv);

void printUsage(bool full);

}  // namespace embers::app
