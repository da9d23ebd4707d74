#!/usr/bin/env bash
# The sanitized half of CI (called by scripts/test.sh after the normal suite):
#  1. the library, CLI and tests built with AddressSanitizer + UndefinedBehaviorSanitizer (-O1 -g, build-asan/, no
#     benchmarks) and the suite run under ctest; any report fails the run;
#  2. every libFuzzer target (clang, build-fuzz/) run for FUZZ_SECONDS (default 20) on its seed corpus.
# Environment: FUZZ_SECONDS, SANITIZER_JOBS (default nproc), SKIP_ASAN_SUITE=1 / SKIP_FUZZ=1 to run one half.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs="${SANITIZER_JOBS:-$(nproc)}"
fuzz_seconds="${FUZZ_SECONDS:-20}"
export SPLICEBERT_FIXTURES="${SPLICEBERT_FIXTURES:-$(cd .. && pwd)/shared/fixtures}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)

if [[ "${SKIP_ASAN_SUITE:-0}" != 1 ]]; then
  start=$SECONDS
  flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -O1 -g"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE= "${launcher[@]}" -DSPLICEBERT_BENCH=OFF \
        -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
  nice cmake --build build-asan -j"$jobs"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
  export LSAN_OPTIONS="suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  # Excluded: tests that run the CLI under `prlimit --as` (AddressSanitizer reserves terabytes of address space for
  # its shadow memory, so an address-space limit makes every sanitized process fail to start). They run in the
  # normal suite; what they guard (no large allocation) is not what the sanitizers check.
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -E 'HostileModel\.|UnderAMemoryLimit'
  echo "sanitized suite: $((SECONDS - start)) s" >&2
fi

if [[ "${SKIP_FUZZ:-0}" != 1 ]]; then
  start=$SECONDS
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
        -DCMAKE_CXX_COMPILER=clang++ -DSPLICEBERT_FUZZ=ON -DSPLICEBERT_TESTS=OFF -DSPLICEBERT_BENCH=OFF \
        "${launcher[@]}" >/dev/null
  nice cmake --build build-fuzz -j"$jobs" --target fuzz_all
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  bash fuzz/seed_corpus.sh "$work/corpus" >/dev/null
  for folder in fuzz/corpus/*/; do mkdir -p "$work/corpus/$(basename "$folder")" && cp "$folder"* "$work/corpus/$(basename "$folder")/"; done
  declare -A corpus=([fuzz_safetensors]=safetensors [fuzz_npy]=npy [fuzz_fasta]=fasta [fuzz_config_json]=config_json
                     [fuzz_pickle]=pickle [fuzz_zip]=zip [fuzz_tokenizer]=tokenizer [fuzz_variant_pairs]=variant_pairs
                     [fuzz_gtf]=gtf [fuzz_gff3]=gff3 [fuzz_bed]=bed [fuzz_fasta_file]=fasta_file)
  for target in "${!corpus[@]}"; do
    name=${corpus[$target]}
    dict=()
    [[ -f fuzz/$name.dict ]] && dict=(-dict="fuzz/$name.dict")
    max_len=8192
    [[ $name == pickle ]] && max_len=300000
    echo "fuzz: $target for ${fuzz_seconds} s" >&2
    TMPDIR="$work" build-fuzz/fuzz/"$target" -max_total_time="$fuzz_seconds" -max_len=$max_len -timeout=10 \
        -rss_limit_mb=2048 "${dict[@]}" -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus/$name" \
        2>"$work/$target.log" || { tail -50 "$work/$target.log" >&2; echo "fuzz: $target failed" >&2; exit 1; }
    grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$work/$target.log" | tail -2 >&2 || true
  done
  echo "fuzz runs: $((SECONDS - start)) s" >&2
fi
