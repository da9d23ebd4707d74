#!/usr/bin/env bash
# StatLog splice junctions (docs/finetuning.md, "StatLog splice junctions"): fine-tunes a sequence head from a
# checkpoint with the splice-site preset on deduplicated StatLog windows — donor vs negative, acceptor vs negative
# (binary) and StatLog's own three-class task (n / donor / acceptor) — and fits the baselines on the same split
# (seed S, fold 0) of every seed: the PWM log-odds for the binary tasks, naive Bayes and one-hot multinomial logistic
# regression for the three-class task. Ends with a summary table (mean ± sample sd over seeds).
# Usage: scripts/statlog_splice_sites.sh SPLICEBERT MODEL_DIR OUT_DIR [EPOCHS] [LR] [SEEDS] [TASKS]
#   defaults: EPOCHS 30, LR 1e-5, SEEDS "1, 2, 3", TASKS "donor acceptor junction"
# Environment: THREADS (default 2), MAX_STEPS (cap on optimiser steps per run, smoke tests), SPLICEBERT_DATA.
set -euo pipefail
bin=$1 model=$2 out=$3 epochs=${4:-30} lr=${5:-1e-5} seeds=${6:-"1, 2, 3"} tasks=${7:-"donor acceptor junction"}
here=$(cd "$(dirname "$0")" && pwd)
data=${SPLICEBERT_DATA:-$here/../../shared/data}/splice-sites/statlog-dna/statlog_dna.tsv
threads=${THREADS:-2}
extra=""
[[ -n "${MAX_STEPS:-}" ]] && extra=", \"max_steps\": $MAX_STEPS"
mkdir -p "$out"
python3 "$here/statlog_prepare.py" "$data" "$out"
for task in $tasks; do
  head='"head": {"num_labels": 1, "problem_type": "binary"}'
  [[ $task == junction ]] && head='"head": {"num_labels": 3, "problem_type": "multiclass"}, "monitor": "accuracy"'
  cat > "$out/$task.json" <<JSON
{"model": "$model", "output": "$out/$task-run", "fasta": "$out/$task.fa", "labels": "$out/$task.labels.tsv",
 "epochs": $epochs, "lr": $lr, "seeds": [$seeds], "folds": 10, "threads": $threads, $head$extra}
JSON
  "$bin" finetune --preset splice-site -c "$out/$task.json" -t "$threads"
  for seed_dir in "$out/$task-run"/seed*; do
    split="$seed_dir/fold0/best/split.tsv"
    if [[ $task == junction ]]; then
      /usr/bin/python3 "$here/statlog_junction_baseline.py" "$out/$task.fa" "$out/$task.labels.tsv" "$split" > "$seed_dir/baselines.json"
    else
      python3 "$here/pwm_baseline.py" "$out/$task.fa" "$out/$task.labels.tsv" "$split" > "$seed_dir/baselines.json"
    fi
    echo "$task $(basename "$seed_dir") baselines: $(cat "$seed_dir/baselines.json")"
  done
done
SCRIPTS="$here" python3 - "$out" $tasks <<'PY'
import glob, json, os, sys
out, tasks = sys.argv[1], sys.argv[2:]
sys.dont_write_bytecode = True
sys.path.insert(0, os.environ["SCRIPTS"])
from baseline_metrics import format_mean_sd as ms  # noqa: E402
print("| task | method | test accuracy | test AUROC | test AUPRC | runs |")
print("| --- | --- | --- | --- | --- | --- |")
for task in tasks:
    runs = json.load(open(os.path.join(out, f"{task}-run", "summary.json")))["runs"]
    tests = [r["test"] for r in runs]
    print(f"| {task} | fine-tuned | {ms([t.get('accuracy') for t in tests])} | {ms([t.get('auroc') for t in tests])} "
          f"| {ms([t.get('auprc') for t in tests])} | {len(runs)} |")
    baselines = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(out, f"{task}-run", "seed*", "baselines.json")))]
    if task == "junction":
        for key, label in (("naive_bayes", "naive Bayes (per-position frequencies)"), ("logistic", "one-hot multinomial logistic")):
            print(f"| {task} | {label} | {ms([b[key]['test_accuracy'] for b in baselines])} | | | {len(baselines)} |")
    else:
        print(f"| {task} | PWM log-odds | {ms([b['test_accuracy'] for b in baselines])} | "
              f"{ms([b['test_auroc'] for b in baselines])} | {ms([b['test_auprc'] for b in baselines])} | {len(baselines)} |")
PY
