#!/usr/bin/env bash
# Overhead of the embers agent against gperftools and against nothing, on the
# same workloads in the same run (not part of ctest).
#
#   tests/bench/agent_overhead.sh [BUILD_DIR] [ROUNDS]
#
# BUILD_DIR (default build-agent) must hold capture/agent/libembers_agent_preload.so.
# Workloads, compiled here with -O2:
#   cpu    one thread of pure arithmetic
#   alloc  one thread of malloc/free churn (16 B .. 4 KiB, 16384 live blocks)
# Variants:
#   cpu:   none | embers (preloaded, a CPU profile at 100 Hz covering the run)
#          | gperftools (libprofiler, CPUPROFILE_FREQUENCY=100)
#   alloc: glibc | embers (preloaded, heap sampling every 512 KiB)
#          | tcmalloc (no sampling) | tcmalloc+sampling (TCMALLOC_SAMPLE_PARAMETER=524288)
# Each run reports the CPU time of the workload thread only
# (CLOCK_THREAD_CPUTIME_ID: signal handlers and malloc hooks run on it; the
# agent's own threads and other load on the machine do not count). Every
# variant has an idle second thread, so glibc malloc runs in its
# multi-threaded mode throughout. Rounds interleave the variants; medians are
# compared with the first variant of each workload.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-agent}
rounds=${2:-5}
preload=$build/capture/agent/libembers_agent_preload.so
libdir=/usr/lib/x86_64-linux-gnu
for f in "$preload" "$libdir/libprofiler.so.0" "$libdir/libtcmalloc.so.4"; do
  [ -e "$f" ] || { echo "agent_overhead.sh: missing $f (build the agent; install google-perftools)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/workload.cpp" <<'CPP'
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <thread>
#include <vector>

static double threadCpu() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

__attribute__((noinline)) uint64_t spin(uint64_t n) {
    uint64_t x = 88172645463325252ull;
    for (uint64_t i = 0; i < n; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        asm volatile("" : "+r"(x));
    }
    return x;
}

__attribute__((noinline)) uint64_t churn(uint64_t n) {
    std::vector<void*> live(16384, nullptr);
    uint64_t r = 12345, sum = 0;
    for (uint64_t i = 0; i < n; ++i) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        const size_t slot = (r >> 20) % live.size();
        const size_t size = 16 + (r >> 40) % 4080;
        std::free(live[slot]);
        char* p = static_cast<char*>(std::malloc(size));
        p[0] = static_cast<char>(i);
        sum += static_cast<unsigned char>(p[0]);
        live[slot] = p;
    }
    for (void* p : live) std::free(p);
    return sum;
}

int main(int argc, char** argv) {
    const bool alloc = argc > 1 && std::strcmp(argv[1], "alloc") == 0;
    const uint64_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 0;
    // Time for the benchmark script to start a CPU profile.
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    // An idle second thread in every variant: glibc malloc skips its arena
    // locks while a process has one thread, and the agent's server threads
    // would otherwise be charged for that, though any real server has threads.
    std::thread idle([] { std::this_thread::sleep_for(std::chrono::hours(1)); });
    idle.detach();
    const double t0 = threadCpu();
    const uint64_t v = alloc ? churn(n) : spin(n);
    const double t1 = threadCpu();
    std::printf("%.4f %llu\n", t1 - t0, static_cast<unsigned long long>(v & 1));
    return 0;
}
CPP
g++ -O2 -std=c++20 -o "$work/workload" "$work/workload.cpp"

cpu_n=${CPU_ITERATIONS:-1500000000}
alloc_n=${ALLOC_ITERATIONS:-10000000}

# One run of a variant; prints the CPU seconds of the workload thread.
run() {
  local variant=$1 kind=$2 n=$3 port
  case $variant in
    none|glibc)
      "$work/workload" "$kind" "$n" | cut -d' ' -f1 ;;
    embers)
      port=$((20000 + RANDOM % 20000))
      if [ "$kind" = cpu ]; then
        LD_PRELOAD=$preload EMBERS_AGENT_PORT=$port "$work/workload" "$kind" "$n" \
          > "$work/out" 2> "$work/err" &
        local pid=$!
        for _ in $(seq 100); do
          curl -s -o /dev/null "http://127.0.0.1:$port/debug/pprof/" && break
          sleep 0.02
        done
        curl -s -o "$work/cpu.pb.gz" "http://127.0.0.1:$port/debug/pprof/profile?seconds=600" &
        local curl_pid=$!
        wait "$pid"
        wait "$curl_pid" || true
        cut -d' ' -f1 "$work/out"
      else
        LD_PRELOAD=$preload EMBERS_AGENT_PORT=$port "$work/workload" "$kind" "$n" 2>/dev/null |
          cut -d' ' -f1
      fi ;;
    gperftools)
      LD_PRELOAD=$libdir/libprofiler.so.0 CPUPROFILE=$work/gperf.prof CPUPROFILE_FREQUENCY=100 \
        "$work/workload" "$kind" "$n" 2>/dev/null | cut -d' ' -f1 ;;
    tcmalloc)
      LD_PRELOAD=$libdir/libtcmalloc.so.4 TCMALLOC_SAMPLE_PARAMETER=0 \
        "$work/workload" "$kind" "$n" | cut -d' ' -f1 ;;
    tcmalloc+sampling)
      LD_PRELOAD=$libdir/libtcmalloc.so.4 TCMALLOC_SAMPLE_PARAMETER=524288 \
        "$work/workload" "$kind" "$n" | cut -d' ' -f1 ;;
  esac
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

bench() {
  local kind=$1 n=$2; shift 2
  local variants=("$@")
  for v in "${variants[@]}"; do : > "$work/times.$v"; done
  for _ in $(seq "$rounds"); do
    for v in "${variants[@]}"; do run "$v" "$kind" "$n" >> "$work/times.$v"; done
  done
  local ref
  ref=$(median < "$work/times.${variants[0]}")
  printf '%-6s %-18s %9s %9s  (median of %s rounds)\n' workload variant cpu-s slowdown "$rounds"
  for v in "${variants[@]}"; do
    local m
    m=$(median < "$work/times.$v")
    awk -v k="$kind" -v v="$v" -v m="$m" -v ref="$ref" \
      'BEGIN { printf "%-6s %-18s %9.3f %+8.2f%%\n", k, v, m, (m / ref - 1) * 100 }'
  done
}

echo "agent_overhead.sh: $(nproc) CPUs, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
bench cpu "$cpu_n" none embers gperftools
[ -s "$work/cpu.pb.gz" ] && echo "(embers CPU profile of the last run: $(stat -c %s "$work/cpu.pb.gz") bytes)"
bench alloc "$alloc_n" glibc embers tcmalloc tcmalloc+sampling
