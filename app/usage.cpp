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
)";
}

}  // namespace embers::app
