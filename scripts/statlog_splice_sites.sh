#!/usr/bin/env bash
# StatLog donor / acceptor classifiers (docs/finetuning.md, "StatLog splice junctions"): fine-tunes a sequence head
# from a checkpoint with the splice-site preset on deduplicated StatLog windows, and fits the PWM baseline on the
# same split (seed S, fold 0) of every seed.
# Usage: scripts/statlog_splice_sites.sh SPLICEBERT MODEL_DIR OUT_DIR [EPOCHS] [LR] [SEEDS]
set -euo pipefail
bin=$1 model=$2 out=$3 epochs=${4:-30} lr=${5:-1e-5} seeds=${6:-"1, 2, 3"}
here=$(cd "$(dirname "$0")" && pwd)
data=${SPLICEBERT_DATA:-$here/../../shared/data}/splice-sites/statlog-dna/statlog_dna.tsv
mkdir -p "$out"
python3 "$here/statlog_prepare.py" "$data" "$out"
for task in donor acceptor; do
  cat > "$out/$task.json" <<JSON
{"model": "$model", "output": "$out/$task-run", "fasta": "$out/$task.fa", "labels": "$out/$task.labels.tsv",
 "epochs": $epochs, "lr": $lr, "seeds": [$seeds], "folds": 10}
JSON
  "$bin" finetune --preset splice-site -c "$out/$task.json" -t 2
  for seed_dir in "$out/$task-run"/seed*; do
    python3 "$here/pwm_baseline.py" "$out/$task.fa" "$out/$task.labels.tsv" "$seed_dir/fold0/best/split.tsv" \
      > "$seed_dir/pwm_baseline.json"
    echo "$task $(basename "$seed_dir") PWM baseline: $(cat "$seed_dir/pwm_baseline.json")"
  done
done
