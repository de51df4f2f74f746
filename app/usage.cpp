#include <iostream>

#include "verbs.h"

namespace embers::app {

void printUsage(bool full) {
    std::cout << R"(embers - capture and explore pprof profiles

Usage: embers [FILE...]          open the desktop viewer
       embers VERB [options]

Verbs:
  top FILE...       flat/cum table per function, file or line (like pprof -top)
  list REGEX FILE   per-line source annotation of the matching functions
  peek REGEX FILE   callers and callees of the matching functions
  tree FILE         call tree with self and total per node
  info FILE         sample types, period, time, duration, counts, mappings
  convert IN... -o OUT.pb.gz
                    write (and merge) profiles in the pprof format
  flame FILE -o OUT.svg|OUT.png
                    render a flame graph without a display
  capture URL --profile KIND
                    fetch a profile from a node's net/http/pprof endpoint
  token inspect     what a token, header, cURL command or HAR file (on stdin) says
  watch URL         poll a node's metrics (/metrics or /debug/vars) and print them
  help              this text, with every option
)";
    if (!full) {
        std::cout << "\nRun 'embers help' for the options of each verb.\n";
        return;
    }
    std::cout << R"(
Options of top, list, peek and tree:
  --sample-index NAME|N   sample type (default: the profile's default, else the last)
  --granularity G         functions (default), files or lines
  --focus RE              keep samples with a frame matching RE (function, file or binary)
  --ignore RE             drop samples with a frame matching RE
  --hide RE               remove frames matching RE from the stacks
  --show RE               keep only frames matching RE in the stacks
  --tagfocus KEY=RE       keep samples whose label KEY matches RE (RE alone: "key:value")
  --tagignore KEY=RE      drop samples whose label KEY matches RE
  --diff-base FILE        subtract FILE's samples (like pprof -diff_base)
  --max-size SIZE         cap on the decompressed size (default 1GiB)
Regular expressions use Go's RE2 syntax, like pprof's.

top:      --nodecount N (0 = all, default)  --cum (sort by cum)  --format text|csv|json
list:     --source-path DIR (repeatable)  --trim-path PREFIX  --format text|json
tree:     --max-depth N  --inverted  --format text|json
info:     --format text|json
convert:  -o OUT.pb.gz (required)
flame:    -o OUT.svg|OUT.png (required)  --width W (default 1600)  --flame (root at the bottom)
          and the filters and --sample-index above

Exit codes: 0 ok, 1 usage error, 2 unreadable or invalid input.

capture URL --profile cpu|heap|allocs|goroutine|block|mutex|threadcreate|trace|recorder|cmdline
  URL is the node (https://node:8443; the pprof prefix is then looked for at
  /debug/pprof and /__/debug/pprof) or its pprof prefix
  (https://node:8443/auth/debug/pprof, or a profile's URL).
  --seconds N             recording time of cpu and trace (defaults 30 and 1);
                          for the other kinds, a delta profile over N seconds
  --debug N               1 or 2: text instead of a proto (goroutine 2: full stacks)
  --gc                    heap: run a garbage collection first
  recorder                the flight-recorder trace API beside the prefix
                          (../trace/recorder/run?duration=Ns, default 5 s);
  --stop                  with recorder: stop a running recording early
  --token T               a bearer token, "Bearer T" or an Authorization header
  --token-file F          a file holding the token (read at capture time)
  --token-env VAR         an environment variable holding the token
  --token-from F          a saved DevTools "Copy as cURL" command or HAR export;
                          it may also give the URL, which can then be left out
  --oauth2-token-url U    get the token from an OAuth2 token endpoint: the client
                          credentials grant, or the password grant with --username
    --client-id ID --client-secret-env VAR | --client-secret-file F
    [--username U --password-env VAR | --password-file F] [--scope S]
                          (secrets from variables or files, never the command line)
  --cacert F              trust the CA certificates in F (PEM)
  --cert F --key F        client certificate and key for mutual TLS (PEM)
  --insecure              do not check the node's certificate (a warning is shown)
  -o FILE                 write the profile to FILE (- for stdout); default: the
                          captures folder ($EMBERS_CAPTURE_DIR if set), and the
                          path is printed
  --timeout S             give up after S seconds (default: seconds x 1.5 + 30
                          for cpu and trace, 60 otherwise)
  --connect-timeout S     give up connecting after S seconds (default 10)
  Proxies come from https_proxy, http_proxy and no_proxy. The token is sent
  only to the node's own host, never after a redirect to another one.
  Exit codes: 0 ok, 1 usage error or the file cannot be written, 2 the answer is
  not what was asked for (wrong prefix, HTML page, refused), 3 the token was
  refused (401, 403), 4 network or TLS failure, 130 interrupted.

token inspect < INPUT
  INPUT is a token, an Authorization header, a DevTools "Copy as cURL" command
  or the path of a HAR export. Prints the node it was sent to, the subject,
  roles and expiry ("expired 10 min ago") of a JWT (decoded, not verified),
  and warnings (expired, neither admin nor super-admin).
  --host H                in a HAR, the token sent to host H (default: the newest)
  --print-token           also print the token itself
  Exit codes: 0 a token was found, 1 usage error, 2 none found.

watch URL
  URL is the node (https://node:8443; /metrics, then /debug/vars are tried and
  the one used is shown on stderr) or its metrics URL. Prometheus text and Go
  expvar JSON are read.
  --interval S            seconds between polls (default 1; decimals allowed)
  --count N               stop after N polls (default 0: until Ctrl-C)
  --format text|json      text (default): a line per poll with heap in use,
                          goroutines, threads, GC count, CPU (cores), RSS and the
                          number of metrics; json: one object per line,
                          {"time": UNIX_SECONDS, "values": {"NAME": NUMBER, ...}}
                          with names as the source gives them (expvar fields
                          flattened: memstats.HeapAlloc)
  --token, --token-file, --token-env, --token-from, --cacert, --cert, --key,
  --insecure, --timeout, --connect-timeout: as for capture
  A poll that fails prints one line on stderr and polling goes on.
  Exit codes: 0 at least one poll succeeded, 1 usage error, otherwise the
  capture code of the last failure (2 not metrics, 3 token refused, 4 network),
  130 interrupted before any poll succeeded.
)";
}

}  // namespace embers::app
