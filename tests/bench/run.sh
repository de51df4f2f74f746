#!/usr/bin/env bash
# The Embers benchmark (see BENCHMARKS.md). Builds nothing: it uses the generator and the
# embers binary of an existing build.
#
#   tests/bench/run.sh [BUILD_DIR] [--samples N] [--with-pprof]
#
# BUILD_DIR defaults to build/ (relative to the current directory, else to the repo root).
# The profile is generated once into tests/bench/out/ (again when the generator is newer).
# Then, in the same run: `gzip -dc FILE > /dev/null` and `embers top FILE --nodecount 20`,
# three times each (median wall time, peak RSS through /usr/bin/time), and with
# --with-pprof, `go tool pprof -top` once for reference. Prints a markdown table.
# EMBERS_BIN and GEN_LARGE_PROFILE, when set, override the two executables.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

build=""
samples=""
with_pprof=0
while [ $# -gt 0 ]; do
    case "$1" in
        --with-pprof) with_pprof=1 ;;
        --samples)
            [ $# -ge 2 ] || { echo "run.sh: --samples needs a number" >&2; exit 1; }
            samples=$2
            shift
            ;;
        --samples=*) samples=${1#--samples=} ;;
        -h | --help)
            sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 1 ;;
        *)
            [ -z "$build" ] || { echo "run.sh: one build directory only" >&2; exit 1; }
            build=$1
            ;;
    esac
    shift
done
build=${build:-build}
if [ ! -d "$build" ] && [ -d "$root/$build" ]; then build=$root/$build; fi
if [ -n "$samples" ] && ! [[ "$samples" =~ ^[1-9][0-9]*$ ]]; then
    echo "run.sh: --samples needs a positive number" >&2
    exit 1
fi

gen=${GEN_LARGE_PROFILE:-$build/tests/bench/gen_large_profile}
embers=${EMBERS_BIN:-$build/app/embers}
if [ ! -x "$gen" ]; then
    echo "run.sh: $gen not found; build it first: cmake --build $build --target gen_large_profile" >&2
    exit 1
fi

out=$here/out
mkdir -p "$out"
file=$out/large${samples:+-$samples}.pb.gz
if [ ! -s "$file" ] || [ "$gen" -nt "$file" ]; then
    echo "Generating $file ..." >&2
    "$gen" "$file.tmp" ${samples:+--samples "$samples"}
    mv "$file.tmp" "$file"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_time=0
if [ -x /usr/bin/time ]; then
    have_time=1
else
    echo "run.sh: /usr/bin/time is missing (Debian package 'time'); peak RSS is not measured" >&2
fi

# run OUTFILE CMD...: runs CMD once with stdout to OUTFILE; sets WALL (seconds) and RSS (KiB).
run() {
    local outfile=$1
    shift
    local start end
    start=$(date +%s%N)
    if [ $have_time = 1 ]; then
        if ! /usr/bin/time -f %M -o "$tmp/rss" "$@" > "$outfile" 2> "$tmp/stderr"; then
            echo "run.sh: failed: $*" >&2
            cat "$tmp/stderr" >&2
            exit 1
        fi
        RSS=$(tail -n 1 "$tmp/rss")
    else
        if ! "$@" > "$outfile" 2> "$tmp/stderr"; then
            echo "run.sh: failed: $*" >&2
            cat "$tmp/stderr" >&2
            exit 1
        fi
        RSS=""
    fi
    end=$(date +%s%N)
    WALL=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')
}

# measure CMD...: three runs; sets MEDIAN (seconds) and PEAK (KiB, the largest of the three).
measure() {
    local walls=() peak=0
    for _ in 1 2 3; do
        run /dev/null "$@"
        walls+=("$WALL")
        if [ -n "$RSS" ] && [ "$RSS" -gt "$peak" ]; then peak=$RSS; fi
    done
    MEDIAN=$(printf '%s\n' "${walls[@]}" | sort -g | sed -n 2p)
    PEAK=$([ $have_time = 1 ] && echo "$peak" || echo "")
}

mib() { [ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }' || echo "n/a"; }
secs() { awk -v s="$1" 'BEGIN { printf (s < 10 ? "%.2f s" : "%.1f s"), s }'; }

cat "$file" > /dev/null  # warm the page cache for every command alike
compressed=$(stat -c %s "$file")
uncompressed=$(gzip -dc "$file" | wc -c)

measure gzip -dc "$file"
gunzip_s=$MEDIAN
gunzip_rss=$PEAK

embers_row="| \`embers top FILE --nodecount 20\` | TODO: $embers not built | | ≤ 3× gunzip, ≤ 1 GiB | |"
embers_top=""
if [ -x "$embers" ]; then
    run "$tmp/top.txt" "$embers" top "$file" --nodecount 20
    embers_top=$(head -n 12 "$tmp/top.txt")
    measure "$embers" top "$file" --nodecount 20
    ratio=$(awk -v a="$MEDIAN" -v b="$gunzip_s" 'BEGIN { printf "%.2f", a / b }')
    verdict=$(awk -v r="$ratio" -v k="${PEAK:-0}" -v t=$have_time 'BEGIN {
        ok = r <= 3 && (t == 0 || k <= 1048576)
        printf "%s", ok ? "pass" : "FAIL" }')
    embers_row="| \`embers top FILE --nodecount 20\` | $(secs "$MEDIAN") (${ratio}× gunzip) | $(mib "$PEAK") | ≤ 3× gunzip, ≤ 1 GiB | $verdict |"
else
    echo "run.sh: $embers not found; the embers row is left as TODO" >&2
fi

pprof_row=""
if [ $with_pprof = 1 ]; then
    if command -v go > /dev/null; then
        echo "Running go tool pprof once (slow) ..." >&2
        run /dev/null go tool pprof -top -nodecount=20 "$file"
        pprof_row="| \`go tool pprof -top -nodecount=20 FILE\` (1 run) | $(secs "$WALL") | $(mib "$RSS") | reference | |"
    else
        echo "run.sh: go not found; skipping go tool pprof" >&2
    fi
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo
echo "Profile: ${file#"$root"/}: $(awk -v b="$compressed" 'BEGIN { printf "%.1f", b / 1e6 }') MB gzip," \
    "$(awk -v b="$uncompressed" 'BEGIN { printf "%.1f", b / 1e6 }') MB uncompressed ($uncompressed bytes)"
echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $(date -u +%Y-%m-%d)"
echo
echo "| Command | Wall time (median of 3) | Peak RSS | Goal | Result |"
echo "|---|---|---|---|---|"
echo "| \`gzip -dc FILE > /dev/null\` | $(secs "$gunzip_s") | $(mib "$gunzip_rss") | baseline | |"
echo "$embers_row"
[ -z "$pprof_row" ] || echo "$pprof_row"
if [ -n "$embers_top" ]; then
    echo
    echo "embers top output (first lines):"
    echo
    echo '```'
    echo "$embers_top"
    echo '```'
fi
