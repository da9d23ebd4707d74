#!/usr/bin/env bash
# Sets up a bare machine (apt), builds, and runs the whole test suite under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SPLICEBERT_FIXTURES="${SPLICEBERT_FIXTURES:-$(cd .. && pwd)/shared/fixtures}"
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
