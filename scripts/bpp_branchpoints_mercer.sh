#!/usr/bin/env bash
# Branchpoint token classifier trained on the genome-wide Mercer records of hg19 chr20 / chrX and tested on the BPP-demo
# introns (docs/finetuning.md, "BPP branchpoints"): prepares the BPP records (scripts/branchpoint_prepare.py) and the
# Mercer records (scripts/mercer_branchpoint_prepare.py, which drops every Mercer record within 1,000 nt of a BPP
# intron), writes one split (Mercer loci ~90% train / ~10% validation, seeded; every BPP record test), fine-tunes a
# token head from MODEL_DIR with the branchpoint preset and that "split" (one run per seed), scores the BPP records with
# each seed's best checkpoint (`splicebert predict --bedgraph`), and evaluates model, nearest A, is A and the one-hot
# logistic (trained on the same Mercer train records) on the BPP labelled nucleotides: pooled, and per BPP fold of the
# 5-fold partition that scripts/bpp_branchpoints.sh uses (taken from a 1-step finetune run with that script's config).
#
# Usage: scripts/bpp_branchpoints_mercer.sh SPLICEBERT MODEL_DIR OUT_DIR [EPOCHS] [LR] [SEEDS] [REGION]
#   defaults: EPOCHS 15, LR 2e-4, SEEDS "1, 2, 3", REGION 200
#   e.g. scripts/bpp_branchpoints_mercer.sh build/splicebert models/default /tmp/bpp-mercer 15 2e-4 "1, 2, 3"
# Environment: THREADS (default 2), MAX_STEPS (cap on optimiser steps per run, smoke tests), VALIDATION (fraction of
#   Mercer loci, default 0.1), SPLIT_SEED (default 1), BASELINE_EPOCHS (logistic, default 100), SPLICEBERT_DATA (default ../shared/data).
# Needs build-data/pretrain/fasta/{20.fa.gz,X.fa} from scripts/prepare_pretraining_data.sh.
set -euo pipefail
bin=$1 model=$2 out=$3 epochs=${4:-15} lr=${5:-2e-4} seeds=${6:-"1, 2, 3"} region=${7:-200}
here=$(cd "$(dirname "$0")" && pwd)
threads=${THREADS:-2}
extra=""
[[ -n "${MAX_STEPS:-}" ]] && extra=", \"max_steps\": $MAX_STEPS"
mkdir -p "$out"
python3 "$here/branchpoint_prepare.py" "$out/bpp" --region "$region"
python3 "$here/mercer_branchpoint_prepare.py" "$out/mercer" --region "$region"
cat "$out/mercer/mercer.fa" "$out/bpp/branchpoint.fa" > "$out/all.fa"
cat "$out/mercer/mercer.labels.tsv" "$out/bpp/branchpoint.labels.tsv" > "$out/all.labels.tsv"
python3 - "$out" "${VALIDATION:-0.1}" "${SPLIT_SEED:-1}" <<'PY'
import os, random, sys
out, fraction, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
names = lambda path: [l[1:].split()[0] for l in open(path) if l.startswith(">")]
mercer, bpp = names(os.path.join(out, "mercer", "mercer.fa")), names(os.path.join(out, "bpp", "branchpoint.fa"))
loci = sorted({n.split("|")[0] for n in mercer})
random.Random(seed).shuffle(loci)
validation = set(loci[:round(fraction * len(loci))])
with open(os.path.join(out, "split.tsv"), "w") as f:
    for n in mercer:
        f.write(f"{n}\t{'validation' if n.split('|')[0] in validation else 'train'}\n")
    for n in bpp:
        f.write(f"{n}\ttest\n")
print(f"split: {len(loci)} Mercer loci, {len(validation)} validation; {len(mercer)} Mercer records "
      f"({sum(n.split('|')[0] in validation for n in mercer)} validation), {len(bpp)} BPP test records", file=sys.stderr)
PY
# The BPP fold partition of scripts/bpp_branchpoints.sh (5 folds grouped by prefix, per seed): one optimiser step
# per fold, only for the split.tsv files.
cat > "$out/bpp_folds.json" <<JSON
{"model": "$model", "output": "$out/bpp_folds", "fasta": "$out/bpp/branchpoint.fa",
 "labels": "$out/bpp/branchpoint.labels.tsv", "epochs": 1, "max_steps": 1, "seeds": [$seeds], "folds": 5,
 "group_by": "prefix", "cross_validation": true, "max_length": $region, "threads": $threads}
JSON
"$bin" finetune --preset branchpoint -c "$out/bpp_folds.json" -t "$threads" -q
cat > "$out/mercer.json" <<JSON
{"model": "$model", "output": "$out/run", "fasta": "$out/all.fa", "labels": "$out/all.labels.tsv",
 "split": "$out/split.tsv", "epochs": $epochs, "lr": $lr, "seeds": [$seeds], "max_length": $region,
 "threads": $threads$extra}
JSON
"$bin" finetune --preset branchpoint -c "$out/mercer.json" -t "$threads"
for seed_dir in "$out/run"/seed*; do
  seed=${seed_dir##*/seed}
  "$bin" predict -m "$seed_dir/fold0/best" -i "$out/bpp/branchpoint.fa" --bedgraph "$seed_dir/bpp_predictions.bedgraph" \
    -t "$threads" -q
  python3 "$here/branchpoint_baselines.py" "$out/all.fa" "$out/all.labels.tsv" "$out/bpp_folds/seed$seed" \
    --epochs "${BASELINE_EPOCHS:-100}" --train-split "$out/split.tsv" --predictions "$seed_dir/bpp_predictions.bedgraph" > "$seed_dir/baselines.json"
done
SCRIPTS="$here" python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
sys.dont_write_bytecode = True
sys.path.insert(0, os.environ["SCRIPTS"])
from baseline_metrics import branchpoint_method_rows, format_mean_sd as ms  # noqa: E402
bpp = json.load(open(os.path.join(out, "bpp", "prepare_stats.json")))
mercer = json.load(open(os.path.join(out, "mercer", "prepare_stats.json")))
summary = json.load(open(os.path.join(out, "run", "summary.json")))
seeds = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(out, "run", "seed*", "baselines.json")))]
runs = summary["runs"]
print(f"\nMercer chr20/chrX training: {mercer['records']} windows, {mercer['labelled_positions']} labelled nucleotides, "
      f"{mercer['positives']} positives ({runs[0]['train']} train / {runs[0]['validation_size']} validation records); "
      f"BPP test: {bpp['records']} regions, {bpp['labelled_positions']} labelled nucleotides, {bpp['positives']} "
      f"positives; {len(runs)} seeds")
print("per fold: mean ± sample sd over all (seed, BPP fold) pairs; pooled: all BPP test nucleotides, mean ± sd over seeds")
print("| method | AUPRC per fold | AUROC per fold | AUPRC pooled | AUROC pooled |")
print("| --- | --- | --- | --- | --- |")
print(f"| fine-tuned on Mercer (finetune summary, BPP test) | | | {ms([r['test'].get('auprc') for r in runs])} | "
      f"{ms([r['test'].get('auroc') for r in runs])} |")
names = {"model": "fine-tuned on Mercer (predict)", "nearest_a": "nearest A 18-44 nt (1/rank)", "is_a": "is A",
         "logistic": "one-hot ±5 nt + distance logistic (Mercer train)"}
print("\n".join(branchpoint_method_rows(seeds, names)))
PY
