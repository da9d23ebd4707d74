#!/usr/bin/env bash
# Sets up a bare machine (apt), builds, and runs the whole test suite under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SPLICEBERT_FIXTURES="${SPLICEBERT_FIXTURES:-$(cd .. && pwd)/shared/fixtures}"
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
# AddressSanitizer/UBSan suite and short fuzz runs (scripts/test-sanitizers.sh); SKIP_SANITIZERS=1 skips them.
if [[ "${SKIP_SANITIZERS:-0}" != 1 ]]; then bash scripts/test-sanitizers.sh; fi
