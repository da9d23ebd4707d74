#!/usr/bin/env bash
# Sets up a bare machine (apt), builds, and runs the whole test suite under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SPLICEBERT_FIXTURES="${SPLICEBERT_FIXTURES:-$(cd .. && pwd)/shared/fixtures}"
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
# The AVX2 path once more (cpuid picks AVX-512 where the CPU has it): the fixture tests and the whole-forward
# determinism and parity tests with SPLICEBERT_ISA=avx2, so both paths of the portable binary are tested
# (docs/kernels.md; the kernel tests call both paths' kernels directly and need no rerun).
SPLICEBERT_ISA=avx2 ctest --test-dir build --output-on-failure -j"$(nproc)" -L fixtures
SPLICEBERT_ISA=avx2 ctest --test-dir build --output-on-failure -j"$(nproc)" -LE fixtures -R 'Determinism|ForwardParity'
# The sanitized readers' tests and the fuzz-target replays (scripts/test-sanitizers.sh, build-asan/): part of CI.
# SKIP_SANITIZERS=1 skips them (e.g. a quick local run); measured cost in docs/fuzzing.md, "In CI".
if [[ "${SKIP_SANITIZERS:-0}" != 1 ]]; then bash scripts/test-sanitizers.sh; fi
