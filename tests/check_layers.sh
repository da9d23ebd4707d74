#!/usr/bin/env bash
# The folder rules of docs/architecture.md, checked on the real #include lines: a folder may not include headers
# under the prefixes its row forbids (lower layers never point back up). Exit 1 with one line per violation.
#   tests/check_layers.sh [repository root]        (run by ctest as `check_layers`, label unit)
# To add a rule, add a row: "folder|space-separated forbidden include prefixes" (prefixes as written in #include "…").
#   tests/check_layers.sh --self-test               (plants one forbidden include per rule in a temp copy of the
#                                                    folders and expects every one to be reported)
set -euo pipefail

rules=(
  # kernels know nothing of the model, training, files, genomes or the applications built on them
  "src/kernels|model/ train/ io/ genome/ tokenizer/ variant/ eval/ finetune/ splicebert/model.hpp splicebert/train.hpp splicebert/pretrain.hpp splicebert/finetune.hpp splicebert/io.hpp splicebert/genome.hpp splicebert/fasta.hpp splicebert/vcf.hpp splicebert/variant splicebert/task_model.hpp splicebert/heads.hpp splicebert/pipelines.hpp splicebert/tokenizer splicebert/config.hpp splicebert/base_checkpoint.hpp splicebert/heldout_mlm.hpp splicebert/kmer_baseline.hpp"
)

if [[ "${1:-}" == --self-test ]]; then
  scratch="$(mktemp -d)"
  trap 'rm -r -- "$scratch"' EXIT
  for rule in "${rules[@]}"; do
    folder="${rule%%|*}"
    read -r -a forbidden <<< "${rule#*|}"
    mkdir -p "$scratch/$folder"
    for prefix in "${forbidden[@]}"; do printf '#include "%sx.hpp"\n' "$prefix"; done > "$scratch/$folder/planted.cpp"
    expected=$((${expected:-0} + ${#forbidden[@]}))
  done
  reported="$(bash "$0" "$scratch" 2>/dev/null | grep -c 'planted.cpp' || true)"
  if [[ "$reported" != "$expected" ]]; then
    echo "check_layers --self-test: $reported of $expected planted includes reported" >&2
    exit 1
  fi
  echo "check_layers --self-test: all $expected planted includes reported"
  exit 0
fi
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"

violations=0
for rule in "${rules[@]}"; do
  folder="${rule%%|*}"
  read -r -a forbidden <<< "${rule#*|}"
  [[ -d "$root/$folder" ]] || { echo "check_layers: no folder $folder under $root" >&2; exit 2; }
  while IFS= read -r -d '' file; do
    line_number=0
    while IFS= read -r line; do
      line_number=$((line_number + 1))
      [[ "$line" =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]] || continue
      included="${BASH_REMATCH[1]}"
      for prefix in "${forbidden[@]}"; do
        if [[ "$included" == "$prefix"* ]]; then
          echo "${file#"$root"/}:$line_number: includes \"$included\", which $folder may not (rule: $prefix)"
          violations=$((violations + 1))
        fi
      done
    done < "$file"
  done < <(find "$root/$folder" -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.h' \) -print0 | sort -z)
done
if ((violations > 0)); then
  echo "check_layers: $violations forbidden include(s)" >&2
  exit 1
fi
echo "check_layers: ${#rules[@]} rule(s) hold"
