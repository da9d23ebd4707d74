#!/usr/bin/env bash
# Branchpoint token classifier on the BPP-demo introns with Mercer labels (docs/finetuning.md, "BPP branchpoints"):
# prepares the last REGION nt of every labelled intron 3' end (scripts/branchpoint_prepare.py), fine-tunes a token
# head from MODEL_DIR with the branchpoint preset (5 folds grouped by intron (name prefix), every fold tested once,
# one set of runs per seed), scores each fold's test records with its best checkpoint (`splicebert predict
# --bedgraph`), runs the nearest-A / is-A / one-hot logistic baselines on the same folds
# (scripts/branchpoint_baselines.py), and prints a summary table (AUPRC / AUROC over the labelled nucleotides).
#
# Usage: scripts/bpp_branchpoints.sh SPLICEBERT MODEL_DIR OUT_DIR [EPOCHS] [LR] [SEEDS] [REGION]
#   defaults: EPOCHS 30, LR 1e-4, SEEDS "1, 2, 3", REGION 200
#   e.g. scripts/bpp_branchpoints.sh build/splicebert models/default /tmp/bpp 30 1e-4 "1, 2, 3"
# Environment: THREADS (default 2), MAX_STEPS (cap on optimiser steps per run, smoke tests), GROUP_BY (default
#   prefix), RECORDS (Mercer records used: same-3ss (default) or all), SPLICEBERT_DATA (default ../shared/data).
set -euo pipefail
bin=$1 model=$2 out=$3 epochs=${4:-30} lr=${5:-1e-4} seeds=${6:-"1, 2, 3"} region=${7:-200}
here=$(cd "$(dirname "$0")" && pwd)
threads=${THREADS:-2}
extra=""
[[ -n "${MAX_STEPS:-}" ]] && extra=", \"max_steps\": $MAX_STEPS"
mkdir -p "$out"
python3 "$here/branchpoint_prepare.py" "$out" --region "$region" --records "${RECORDS:-same-3ss}"
cat > "$out/branchpoint.json" <<JSON
{"model": "$model", "output": "$out/run", "fasta": "$out/branchpoint.fa", "labels": "$out/branchpoint.labels.tsv",
 "epochs": $epochs, "lr": $lr, "seeds": [$seeds], "folds": 5, "group_by": "${GROUP_BY:-prefix}",
 "cross_validation": true, "max_length": $region, "threads": $threads$extra}
JSON
"$bin" finetune --preset branchpoint -c "$out/branchpoint.json" -t "$threads"
for seed_dir in "$out/run"/seed*; do
  for fold_dir in "$seed_dir"/fold*; do
    awk -F'\t' 'NR == FNR { if ($2 == "test") test[$1] = 1; next } /^>/ { keep = (substr($0, 2) in test) } keep' \
      "$fold_dir/best/split.tsv" "$out/branchpoint.fa" > "$fold_dir/test.fa"
    "$bin" predict -m "$fold_dir/best" -i "$fold_dir/test.fa" --bedgraph "$fold_dir/test_predictions.bedgraph" \
      -t "$threads" -q
  done
  python3 "$here/branchpoint_baselines.py" "$out/branchpoint.fa" "$out/branchpoint.labels.tsv" "$seed_dir" \
    > "$seed_dir/baselines.json"
done
SCRIPTS="$here" python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
sys.dont_write_bytecode = True
sys.path.insert(0, os.environ["SCRIPTS"])
from baseline_metrics import branchpoint_method_rows, format_mean_sd as ms  # noqa: E402
stats = json.load(open(os.path.join(out, "prepare_stats.json")))
summary = json.load(open(os.path.join(out, "run", "summary.json")))
seeds = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(out, "run", "seed*", "baselines.json")))]
print(f"\nBPP branchpoints: {stats['records']} intron 3' regions (last {stats['region']} nt), "
      f"{stats['labelled_positions']} labelled nucleotides, {stats['positives']} positives; "
      f"{len(summary['runs'])} runs ({len(seeds)} seeds x folds)")
print("per fold: mean ± sample sd over all (seed, fold) runs; pooled: the folds' test nucleotides together, "
      "mean ± sd over seeds")
print("| method | AUPRC per fold | AUROC per fold | AUPRC pooled | AUROC pooled |")
print("| --- | --- | --- | --- | --- |")
runs = summary["runs"]
print(f"| fine-tuned model (finetune summary) | {ms([r['test'].get('auprc') for r in runs])} | "
      f"{ms([r['test'].get('auroc') for r in runs])} | | |")
names = {"model": "fine-tuned model (predict)", "nearest_a": "nearest A 18-44 nt (1/rank)", "is_a": "is A",
         "logistic": "one-hot ±5 nt + distance logistic"}
print("\n".join(branchpoint_method_rows(seeds, names)))
PY
