#!/usr/bin/env bash
# A long libFuzzer campaign: every target of build-fuzz/ (clang, -DSPLICEBERT_FUZZ=ON, docs/fuzzing.md "Build") runs
# SECONDS seconds on its seed corpus, PARALLEL targets at a time, and the table of docs/fuzzing.md "Results" is
# printed at the end (executions, exec/s, edges covered of those instrumented, corpus growth, peak RSS, findings).
# Usage: scripts/fuzz-campaign.sh OUT [SECONDS=600] [PARALLEL=2] [TARGET ...]
# OUT gets corpus/<name>/ (seeds plus what libFuzzer kept), logs/<target>.log, artifacts/ (crash-, leak-, timeout-
# and oom- inputs) and table.md. The exit status is non-zero when any target stopped on a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: scripts/fuzz-campaign.sh OUT [SECONDS] [PARALLEL] [TARGET ...]}"
seconds="${2:-600}"
parallel="${3:-2}"
shift $(( $# < 3 ? $# : 3 ))
[[ -d build-fuzz/fuzz ]] || { echo "fuzz-campaign: build-fuzz/fuzz is missing (docs/fuzzing.md, Build)" >&2; exit 2; }

# Fuzz target -> corpus folder name (fuzz/corpus/<name>/, dictionary fuzz/<name>.dict when there is one); the same
# map as scripts/test-sanitizers.sh.
declare -A corpus=([fuzz_safetensors]=safetensors [fuzz_npy]=npy [fuzz_fasta]=fasta [fuzz_config_json]=config_json
                   [fuzz_pickle]=pickle [fuzz_zip]=zip [fuzz_tokenizer]=tokenizer [fuzz_variant_pairs]=variant_pairs
                   [fuzz_gtf]=gtf [fuzz_gff3]=gff3 [fuzz_bed]=bed [fuzz_fasta_file]=fasta_file
                   [fuzz_variant_spelling]=variant_spelling [fuzz_vcf]=vcf [fuzz_reference]=reference
                   [fuzz_window_shard]=window_shard [fuzz_server_request]=server_request)
targets=("$@")
(( ${#targets[@]} )) || mapfile -t targets < <(printf '%s\n' "${!corpus[@]}" | sort)

mkdir -p "$out"/{logs,artifacts,tmp}
if [[ ! -d $out/corpus ]]; then  # committed seeds plus the ones made from the fixtures
  bash fuzz/seed_corpus.sh "$out/corpus" >/dev/null
  for folder in fuzz/corpus/*/; do
    mkdir -p "$out/corpus/$(basename "$folder")" && cp "$folder"* "$out/corpus/$(basename "$folder")/"
  done
fi
root=$(pwd)
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export LSAN_OPTIONS="suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

run_one() {  # target: one libFuzzer run; the seed count goes to logs/<target>.seeds before libFuzzer adds to it
  local target=$1 name=${corpus[$1]} dict=() max_len=8192
  [[ -n $name ]] || { echo "fuzz-campaign: unknown target $target" >&2; return 2; }
  mkdir -p "$out/corpus/$name"
  ls "$out/corpus/$name" | wc -l >"$out/logs/$target.seeds"
  [[ -f fuzz/$name.dict ]] && dict=(-dict="fuzz/$name.dict")
  [[ $name == pickle ]] && max_len=300000
  echo "fuzz-campaign: $target for $seconds s" >&2
  local start=$SECONDS
  TMPDIR="$out/tmp" build-fuzz/fuzz/"$target" -max_total_time="$seconds" -max_len=$max_len -timeout=10 \
      -rss_limit_mb=2048 "${dict[@]}" -artifact_prefix="$out/artifacts/$target-" -print_final_stats=1 \
      "$out/corpus/$name" >"$out/logs/$target.log" 2>&1
  echo $? >"$out/logs/$target.status"
  echo $((SECONDS - start)) >"$out/logs/$target.seconds"  # less than asked when it stopped on a finding
}
export -f run_one
# xargs runs each target in a fresh bash: the map travels as its declaration.
corpus_map=$(declare -p corpus)
export out seconds root corpus_map
printf '%s\n' "${targets[@]}" | xargs -P "$parallel" -I{} bash -c 'eval "$corpus_map"; run_one "$1" || true' _ {}

failed=0
{
  echo "| target | seconds | executions | exec/s | edges covered / instrumented | features | corpus (seeds → end) | peak RSS MB | result |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for target in "${targets[@]}"; do
    log="$out/logs/$target.log"
    stat() { grep -oE "^stat::$1: *[0-9]+" "$log" | grep -oE '[0-9]+$' || echo "?"; }
    last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo "?")
    ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo "?")
    edges=$(grep -oE 'Loaded [0-9]+ modules +\([0-9]+ inline 8-bit counters' "$log" | grep -oE '[0-9]+ inline' |
            grep -oE '[0-9]+' | head -1 || echo "?")
    end=$(ls "$out/corpus/${corpus[$target]}" | wc -l)
    result=ok
    if [[ $(cat "$out/logs/$target.status" 2>/dev/null || echo 1) != 0 ]]; then
      result="**stopped: $(grep -oE 'ERROR: [A-Za-z]+: [a-z-]+|ERROR: libFuzzer: [a-z-]+|runtime error: .*' "$log" | head -1)**"
      failed=1
    fi
    echo "| \`$target\` | $(cat "$out/logs/$target.seconds" 2>/dev/null || echo "?") | $(stat number_of_executed_units) | $(stat average_exec_per_sec) | $cov / $edges |" \
         "$ft | $(cat "$out/logs/$target.seeds") → $end | $(stat peak_rss_mb) | $result |"
  done
} | tee "$out/table.md"
exit $failed
