#!/usr/bin/env bash
# Held-out table of the splice-site model (docs/splice-sites.md, "Held-out results"): the chr22 20-21 Mb region's
# RefSeq gene and Ensembl transcript spans (+ 1,000 nt of context) scored by every model given (`predict`, acceptor =
# --class 1, donor = --class 2, WINDOW-nt windows), next to the PWM and one-hot logistic baselines fitted
# on the training shard; per channel top-k accuracy, AUPRC and AUROC against RefSeq and Ensembl introns.
#
# Usage: scripts/splice_site_heldout.sh SPLICEBERT DATA_DIR OUT_DIR NAME=MODEL_DIR [NAME=MODEL_DIR ...]
#   DATA_DIR: the output folder of scripts/splice_site_data.sh (its splice.train shard trains the baselines)
# Environment: THREADS (default 1, per predict run), PARALLEL (default 1: every predict run at once), WINDOW (default
#   510: predict's window in nt; the shipped model was fine-tuned on 200-nt windows),
#   BASELINES_FROM (an earlier heldout.json: its baseline rows are reused instead of fitted again).
# Writes OUT_DIR/spans.{fa,json}, OUT_DIR/NAME.{acceptor,donor}.bedgraph, OUT_DIR/heldout.json; prints the table.
set -euo pipefail
bin=$1 data=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
threads=${THREADS:-1}
window=${WINDOW:-510}
python=python3
[[ -x /usr/bin/python3 ]] && python=/usr/bin/python3  # Debian's, with python3-numpy
mkdir -p "$out"
"$python" "$here/splice_site_eval.py" spans "$out"
pids=() models=()
for entry in "$@"; do
  name=${entry%%=*} model=${entry#*=}
  for channel in acceptor:1 donor:2; do
    run=("$bin" predict -q -m "$model" -i "$out/spans.fa" --window "$window" --class "${channel#*:}" -t "$threads"
         --bedgraph "$out/$name.${channel%%:*}.bedgraph")
    if [[ "${PARALLEL:-1}" == 1 ]]; then "${run[@]}" & pids+=($!); else "${run[@]}"; fi
  done
  models+=(--model "$name=$out/$name.acceptor.bedgraph,$out/$name.donor.bedgraph")
done
for pid in "${pids[@]}"; do wait "$pid"; done
"$python" "$here/splice_site_eval.py" evaluate "$out" --shard "$data/splice" --json "$out/heldout.json" \
  ${BASELINES_FROM:+--baselines-from "$BASELINES_FROM"} "${models[@]}"
