#!/usr/bin/env bash
# Installs every dependency from Debian 12's apt on a bare machine and builds splicebert (Release) into build/.
# Usage: bash scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libomp-dev zlib1g-dev libssl-dev
  libopenblas-openmp-dev libdnnl-dev
  libhts-dev tabix samtools bcftools bedtools time
  nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libopenmpi-dev openmpi-bin
  python3 python3-numpy python3-matplotlib
  clang libclang-rt-14-dev  # libFuzzer and the fuzz build (scripts/test-sanitizers.sh, docs/fuzzing.md)
  util-linux  # prlimit: the memory-limited tests (tests/cli_hostile_inputs_test.cpp, cli_embed_stream_test.cpp)
  vt-examples  # GRCh37 chr20 (18 MB): the chr20 splice-site driver's smoke test (tests/cli_real_data_scripts_test.cpp)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[[ "${1:-}" == "--no-build" ]] && exit 0
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
