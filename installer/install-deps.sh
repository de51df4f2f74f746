#!/usr/bin/env bash
# Installs the Debian 12 packages Embers needs to build, run and test.
# Idempotent: prints nothing and touches nothing when every package is present.
set -euo pipefail

packages=(
  # toolchain and build
  build-essential cmake ninja-build pkg-config git ca-certificates
  # core
  libprotobuf-dev protobuf-compiler zlib1g-dev libre2-dev
  # capture
  libcurl4-openssl-dev qtkeychain-qt6-dev
  # agent (capture/agent); gperftools for its overhead benchmark
  libcpp-httplib-dev libunwind-dev libdw-dev google-perftools libgoogle-perftools-dev
  # GUI
  qt6-base-dev qt6-base-dev-tools libqcustomplot-dev libqcustomplot2.1-qt6 libgl-dev
  qt6-qpa-plugins libxkbcommon-x11-0
  # tests: the Go peer and `go tool pprof` as oracle, Xvfb for screenshots
  golang-go openssl xvfb xauth time
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
echo "installer: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
