#!/usr/bin/env bash
# Human chr20 donor / acceptor classifiers (docs/finetuning.md, "Human chr20 splice sites"): annotated RefSeq splice
# sites (GT donors, AG acceptors) vs unannotated GT / AG dinucleotides of the same gene bodies, W-nt windows on the
# transcript strand. Prepares the windows (scripts/chr20_splice_prepare.py), fine-tunes a sequence head from
# MODEL_DIR with the splice-site preset (10 folds grouped by gene locus, test fold 0, validation fold 1, one run per
# seed), fits the PWM log-odds (pwm_baseline.py) and k-mer / one-hot logistic (chr20_splice_baselines.py) baselines on
# the same split of every seed, and prints a summary table (test AUROC / AUPRC, mean ± sd over seeds).
#
# Usage: scripts/chr20_splice_sites.sh SPLICEBERT MODEL_DIR OUT_DIR [EPOCHS] [LR] [SEEDS] [WINDOW] [MAX_POSITIVES]
#   defaults: EPOCHS 30, LR 1e-4, SEEDS "1, 2, 3", WINDOW 200, MAX_POSITIVES 3000 (per task; 0 = all ~4,800)
#   e.g. scripts/chr20_splice_sites.sh build/splicebert models/default /tmp/chr20 30 1e-4 "1, 2, 3"
# Environment: THREADS (default 2), PWM_FLANKS (default 5,10,20,40,100), MAX_STEPS (cap on optimiser steps per run,
#   smoke tests), EXTRA_CONFIG (more finetune keys, a JSON object's members, e.g. '"plateau": true'),
#   GROUP_BY (default prefix), CHR20_FASTA (default build-data/pretrain/fasta/20.fa.gz, else vt-examples'
#   /usr/share/doc/vt/examples/ref/20.fa.gz), SPLICEBERT_DATA (default ../shared/data).
set -euo pipefail
bin=$1 model=$2 out=$3 epochs=${4:-30} lr=${5:-1e-4} seeds=${6:-"1, 2, 3"} window=${7:-200} max_pos=${8:-3000}
here=$(cd "$(dirname "$0")" && pwd)
threads=${THREADS:-2}
pwm_flanks=${PWM_FLANKS:-5,10,20,40,100}  # PWM positions within FLANK nt of the site, FLANK chosen on validation
fasta=${CHR20_FASTA:-$here/../build-data/pretrain/fasta/20.fa.gz}
[[ -e "$fasta" ]] || fasta=/usr/share/doc/vt/examples/ref/20.fa.gz
extra=""
[[ -n "${MAX_STEPS:-}" ]] && extra=", \"max_steps\": $MAX_STEPS"
[[ -n "${EXTRA_CONFIG:-}" ]] && extra="$extra, $EXTRA_CONFIG"
mkdir -p "$out"
python3 "$here/chr20_splice_prepare.py" "$out" --fasta "$fasta" --window "$window" --max-positives "$max_pos"
for task in donor acceptor; do
  cat > "$out/$task.json" <<JSON
{"model": "$model", "output": "$out/$task-run", "fasta": "$out/$task.fa", "labels": "$out/$task.labels.tsv",
 "epochs": $epochs, "lr": $lr, "seeds": [$seeds], "folds": 10, "group_by": "${GROUP_BY:-prefix}",
 "max_length": $window, "threads": $threads$extra}
JSON
  "$bin" finetune --preset splice-site -c "$out/$task.json" -t "$threads"
  for seed_dir in "$out/$task-run"/seed*; do
    split="$seed_dir/fold0/best/split.tsv"
    python3 "$here/pwm_baseline.py" "$out/$task.fa" "$out/$task.labels.tsv" "$split" "$pwm_flanks" \
      > "$seed_dir/pwm_baseline.json"
    python3 "$here/chr20_splice_baselines.py" "$out/$task.fa" "$out/$task.labels.tsv" "$split" \
      > "$seed_dir/kmer_baseline.json"
    echo "$task $(basename "$seed_dir") PWM: $(cat "$seed_dir/pwm_baseline.json")"
    echo "$task $(basename "$seed_dir") k-mer logistic: $(cat "$seed_dir/kmer_baseline.json")"
  done
done
SCRIPTS="$here" python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
sys.dont_write_bytecode = True
sys.path.insert(0, os.environ["SCRIPTS"])
from baseline_metrics import format_mean_sd as ms  # noqa: E402
stats = json.load(open(os.path.join(out, "prepare_stats.json")))
print(f"\nchr20 splice sites, window {stats['window']} nt, test fold 0 (held-out loci); mean ± sample sd over seeds")
print("| task | method | test AUROC | test AUPRC | runs | test windows (pos) |")
print("| --- | --- | --- | --- | --- | --- |")
for task in ("donor", "acceptor"):
    # one result per seed directory, so seeds run separately (one per core) and moved into TASK-run/ count too
    runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(out, f"{task}-run", "seed*", "fold0",
                                                                      "result.json")))]
    sizes = "/".join(str(r["test_size"]) for r in runs)
    print(f"| {task} | fine-tuned model | {ms([r['test'].get('auroc') for r in runs])} | "
          f"{ms([r['test'].get('auprc') for r in runs])} | {len(runs)} | {sizes} |")
    for label, file in (("PWM log-odds", "pwm_baseline.json"), ("k-mer/one-hot logistic", "kmer_baseline.json")):
        rs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(out, f"{task}-run", "seed*", file)))]
        pos = "/".join(str(r.get("test_positives", "")) for r in rs) if file == "kmer_baseline.json" else ""
        print(f"| {task} | {label} | {ms([r['test_auroc'] for r in rs])} | {ms([r['test_auprc'] for r in rs])} | "
              f"{len(rs)} | {'/'.join(str(r['test_size']) for r in rs)}{' (' + pos + ')' if pos else ''} |")
PY
