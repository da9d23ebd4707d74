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
  pybind11-dev python3-pybind11 python3-pytest  # the Python package (python/, docs/python.md) and its tests
  clang libclang-rt-14-dev  # libFuzzer and the fuzz build (scripts/test-sanitizers.sh, docs/fuzzing.md)
  util-linux  # prlimit: the memory-limited tests (tests/cli_hostile_inputs_test.cpp, cli_embed_stream_test.cpp)
  vt-examples  # GRCh37 chr20 (18 MB): the chr20 splice-site driver's smoke test (tests/cli_real_data_scripts_test.cpp)
  libcpp-httplib-dev  # splicebert serve (docs/serve.md)
  libbigwig-dev  # predict --bigwig: splice-site tracks as bigWig (docs/splice-sites.md)
  subread-data  # RefSeq hg19 exons: the serve demo's annotation (scripts/prepare_demo_annotation.sh)
  python3-pytest  # server API tests (tests/server)
  chromium  # the lookup page's browser test (tests/browser)
  snakemake  # the scatter-gather workflow and its test (workflow/, tests/workflow, docs/scale-out.md)
  smalt-examples  # GRCh37 chrX 1-70 Mb: the splice-site model's training data (scripts/splice_site_data.sh)
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

# The browser test's driver (playwright-core, pinned by tests/browser/package-lock.json); skipped without npm.
if command -v npm >/dev/null && [[ ! -d tests/browser/node_modules/playwright-core ]]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) || echo "setup.sh: npm ci failed; the browser test will be skipped" >&2
fi

[[ "${1:-}" == "--no-build" ]] && exit 0
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
# The Python package into /usr/bin/python3's site folder for local installs (/usr/local/lib/python3.X/dist-packages;
# apt never writes there), so `python3 -c "import splicebert"` works from any folder (docs/python.md).
if [[ -f build/python/cmake_install.cmake ]]; then
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO cmake --install build --component python
fi
