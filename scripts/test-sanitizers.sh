#!/usr/bin/env bash
# The sanitized half of CI (called by scripts/test.sh after the normal suite, hence by .ci/run). One g++ build folder,
# build-asan/, with AddressSanitizer + UndefinedBehaviorSanitizer (-O1 -g, non-recovering UBSan), holding only what
# reads untrusted input, so that a cold build fits CI's budget on two cores (docs/fuzzing.md, "In CI"):
#  1. every fuzz target built as a replay program (fuzz/replay_main.cpp, -DSPLICEBERT_FUZZ_REPLAY=ON), run on its
#     corpus (fuzz/corpus/<name>/ plus the fixture seeds of fuzz/seed_corpus.sh) and FUZZ_MUTATIONS seeded mutations;
#  2. the library-level GoogleTest binaries of the readers and parsers (io, genome, .fai, configs, variant sites and
#     spellings, window shards), run under ctest.
# Any sanitizer report, crash, leak or failed test fails the run.
# Opt-in extras (not in CI, too slow for it): SANITIZE_ALL=1 builds and runs the whole suite sanitized;
# RUN_LIBFUZZER=1 builds the clang libFuzzer targets (build-fuzz/) and runs each for FUZZ_SECONDS (default 20).
# Environment: FUZZ_MUTATIONS (default 20000), SANITIZER_JOBS (default nproc), SKIP_ASAN_SUITE=1 / SKIP_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs="${SANITIZER_JOBS:-$(nproc)}"
mutations="${FUZZ_MUTATIONS:-20000}"
export SPLICEBERT_FIXTURES="${SPLICEBERT_FIXTURES:-$(cd .. && pwd)/shared/fixtures}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)

# The readers' library-level tests (no CLI: compiling the sanitized CLI and its tests would take CI past its budget,
# docs/fuzzing.md "In CI"). The CLI-level hostile-input tests run sanitized with SANITIZE_ALL=1.
reader_tests=(io_atomic_test io_fasta_test io_npy_test io_npz_test io_safetensors_test io_torch_test io_zip_test
              genome_unit_test genome_reference_index_test variant_sites_test variant_spelling_test enums_test
              finetune_folds_test train_data_test config_json_numbers_test)
# Fuzz target -> corpus folder name (fuzz/corpus/<name>/, dictionary fuzz/<name>.dict when there is one).
declare -A corpus=([fuzz_safetensors]=safetensors [fuzz_npy]=npy [fuzz_fasta]=fasta [fuzz_config_json]=config_json
                   [fuzz_pickle]=pickle [fuzz_zip]=zip [fuzz_tokenizer]=tokenizer [fuzz_variant_pairs]=variant_pairs
                   [fuzz_gtf]=gtf [fuzz_gff3]=gff3 [fuzz_bed]=bed [fuzz_fasta_file]=fasta_file
                   [fuzz_variant_spelling]=variant_spelling [fuzz_vcf]=vcf [fuzz_reference]=reference
                   [fuzz_window_shard]=window_shard [fuzz_server_request]=server_request)

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
export LSAN_OPTIONS="suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seed_corpus() {  # the committed seeds plus the ones made from the fixtures, in $work/corpus/<name>/
  [[ -d $work/corpus ]] && return
  bash fuzz/seed_corpus.sh "$work/corpus" >/dev/null
  for folder in fuzz/corpus/*/; do
    mkdir -p "$work/corpus/$(basename "$folder")" && cp "$folder"* "$work/corpus/$(basename "$folder")/"
  done
}

# The build type's own flags replaced by -O1 -g (an empty CMAKE_BUILD_TYPE would become Release, -O3, which
# compiles slower and hides more behind inlining).
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" -DSPLICEBERT_BENCH=OFF \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" \
      -DSPLICEBERT_PYTHON=OFF -DSPLICEBERT_FUZZ_REPLAY=ON -DSPLICEBERT_TESTS_BUILD_CLI="${SANITIZE_ALL:-0}" \
      -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
      -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null

# 1. The fuzz targets as replay programs first: they need only the library, so a broken reader fails CI early.
if [[ "${SKIP_FUZZ:-0}" != 1 ]]; then
  start=$SECONDS
  nice cmake --build build-asan -j"$jobs" --target fuzz_all
  echo "sanitized build (library + fuzz targets): $((SECONDS - start)) s" >&2
  start=$SECONDS
  seed_corpus
  for target in $(printf '%s\n' "${!corpus[@]}" | sort); do
    name=${corpus[$target]}
    mkdir -p "$work/corpus/$name"
    options=(-mutations="$mutations" -seed=1 -max_len=8192)
    [[ -f fuzz/$name.dict ]] && options+=(-dict="fuzz/$name.dict")
    [[ $name == pickle ]] && options+=(-max_len=300000)
    t0=$SECONDS
    TMPDIR="$work" build-asan/fuzz/"$target" "${options[@]}" "$work/corpus/$name" 2>"$work/$target.log" ||
      { tail -60 "$work/$target.log" >&2; echo "fuzz replay: $target failed" >&2; exit 1; }
    echo "fuzz replay: $target ($(ls "$work/corpus/$name" | wc -l) files + $mutations mutations) $((SECONDS - t0)) s" >&2
  done
  echo "fuzz replays: $((SECONDS - start)) s" >&2
fi

# 2. The readers' GoogleTest binaries, under ctest (with SANITIZE_ALL=1: every test, and the sanitized CLI they run).
if [[ "${SKIP_ASAN_SUITE:-0}" != 1 ]]; then
  start=$SECONDS
  targets=("${reader_tests[@]}")
  [[ "${SANITIZE_ALL:-0}" == 1 ]] && targets=(all)
  nice cmake --build build-asan -j"$jobs" --target "${targets[@]}"
  echo "sanitized build (CLI + reader tests): $((SECONDS - start)) s" >&2
  start=$SECONDS
  # Excluded: tests that run the CLI under `prlimit --as` (AddressSanitizer reserves terabytes of address space for
  # its shadow memory, so an address-space limit makes every sanitized process fail to start). They run in the
  # normal suite; what they guard (no large allocation) is not what the sanitizers check. *_NOT_BUILT: the test
  # binaries outside reader_tests (ctest lists them as placeholders). server/browser: pytest and node, whole-server
  # runs that the normal suite covers; workflow: Snakemake running the CLI, which only SANITIZE_ALL=1 builds here.
  no_cli=()  # without the CLI built, the one test of a listed binary that runs it (extract on stdin)
  [[ "${SANITIZE_ALL:-0}" == 1 ]] || no_cli=('|GenomeUnit\.FormatDetectedFromContentOnStdin')
  skip_labels='server|browser|workflow'
  [[ "${SANITIZE_ALL:-0}" == 1 ]] && skip_labels='server|browser'
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE "$skip_labels" \
        -E "HostileModel\\.|UnderAMemoryLimit|_NOT_BUILT${no_cli[*]}"
  echo "sanitized suite: $((SECONDS - start)) s" >&2
fi

if [[ "${RUN_LIBFUZZER:-0}" == 1 ]]; then
  start=$SECONDS
  fuzz_seconds="${FUZZ_SECONDS:-20}"
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
        -DCMAKE_CXX_COMPILER=clang++ -DSPLICEBERT_FUZZ=ON -DSPLICEBERT_TESTS=OFF -DSPLICEBERT_BENCH=OFF \
        -DSPLICEBERT_PYTHON=OFF "${launcher[@]}" >/dev/null
  nice cmake --build build-fuzz -j"$jobs" --target fuzz_all
  seed_corpus
  for target in $(printf '%s\n' "${!corpus[@]}" | sort); do
    name=${corpus[$target]}
    mkdir -p "$work/corpus/$name"
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
  echo "libFuzzer runs: $((SECONDS - start)) s" >&2
fi
