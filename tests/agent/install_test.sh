#!/usr/bin/env bash
# `cmake --install` gives a usable agent: a program outside the tree builds against it with
# find_package(EmbersAgent CONFIG) and with pkg-config, and runs.
#   install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" > "$tmp/install.log"
lib=$(dirname "$(find "$prefix" -name 'libembers_agent.so' -print -quit)")
[ -n "$lib" ] && [ -f "$lib/libembers_agent.so" ] || { echo "no libembers_agent.so installed"; exit 1; }
[ -f "$prefix/include/embers/agent.h" ] || { echo "no include/embers/agent.h installed"; exit 1; }
[ -f "$lib/libembers_agent_preload.so" ] || { echo "no preload library installed"; exit 1; }

cmake -S "$src/tests/agent/consumer" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/configure.log"
cmake --build "$tmp/cmake" > "$tmp/build.log"
out=$(LD_LIBRARY_PATH=$lib "$tmp/cmake/consumer")
[[ $out == "serving on "[1-9]* ]] || { echo "consumer (CMake): $out"; exit 1; }
echo "find_package(EmbersAgent): ok"

export PKG_CONFIG_PATH=$lib/pkgconfig
c++ -std=c++17 "$src/tests/agent/consumer/consumer.cpp" $(pkg-config --cflags --libs embers-agent) -o "$tmp/pc-consumer"
out=$(LD_LIBRARY_PATH=$lib "$tmp/pc-consumer")
[[ $out == "serving on "[1-9]* ]] || { echo "consumer (pkg-config): $out"; exit 1; }
echo "pkg-config embers-agent: ok"
