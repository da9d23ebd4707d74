#!/usr/bin/env bash
# Sets up a bare machine (apt), builds, and runs the whole test suite under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SPLICEBERT_FIXTURES="${SPLICEBERT_FIXTURES:-$(cd .. && pwd)/shared/fixtures}"
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
# The sanitized readers' tests and the fuzz-target replays (scripts/test-sanitizers.sh, build-asan/): part of CI.
# SKIP_SANITIZERS=1 skips them (e.g. a quick local run); measured cost in docs/fuzzing.md, "In CI".
if [[ "${SKIP_SANITIZERS:-0}" != 1 ]]; then bash scripts/test-sanitizers.sh; fi
