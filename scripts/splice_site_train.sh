#!/usr/bin/env bash
# Fine-tunes the splice-site token head (docs/splice-sites.md, "Model"): one `finetune --preset splice-site-token`
# run per seed on the windows of scripts/splice_site_data.sh, each in OUT_DIR/seed<S>/ with its log, then prints
# every seed's best validation score (mean of acceptor / donor AUPRC and top-k accuracy on chrX 50-70 Mb).
# Seeds run one after another unless PARALLEL=1 (then all at once, THREADS each).
#
# Usage: scripts/splice_site_train.sh SPLICEBERT MODEL_DIR DATA_DIR OUT_DIR [SEEDS="1 2 3"] [MINUTES=25]
#   MINUTES: training wall-time budget per seed (max_wall_minutes: then one last validation, the best weights kept)
# Environment: THREADS (default 1), VALIDATE_EVERY (default 250), PARALLEL (default 0), MAX_STEPS (default 0: none),
#   EXTRA_CONFIG (more finetune keys, a JSON object's members, e.g. '"lr": 5e-5').
# Ship the best seed with: cp OUT_DIR/seed<S>/seed<S>/fold0/best/{config.json,model.safetensors,...} models/splice-site/
set -euo pipefail
bin=$1 model=$2 data=$3 out=$4 seeds=${5:-"1 2 3"} minutes=${6:-25}
max_steps=${MAX_STEPS:-0}
threads=${THREADS:-1}
validate_every=${VALIDATE_EVERY:-250}
extra=""
[[ -n "${EXTRA_CONFIG:-}" ]] && extra=", $EXTRA_CONFIG"
mkdir -p "$out"
pids=()
for seed in $seeds; do
  mkdir -p "$out/seed$seed"
  cat > "$out/seed$seed.json" <<JSON
{"model": "$model", "output": "$out/seed$seed", "windows": "$data/splice", "seeds": [$seed],
 "max_steps": $max_steps, "max_wall_minutes": $minutes, "validate_every": $validate_every, "threads": $threads$extra}
JSON
  if [[ "${PARALLEL:-0}" == 1 ]]; then
    "$bin" finetune --preset splice-site-token -c "$out/seed$seed.json" -t "$threads" 2> "$out/seed$seed.log" &
    pids+=($!)
  else
    "$bin" finetune --preset splice-site-token -c "$out/seed$seed.json" -t "$threads" 2> "$out/seed$seed.log"
  fi
done
for pid in "${pids[@]}"; do wait "$pid"; done
for seed in $seeds; do
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
print("seed %s: best validation %.4f at step %s of %s" % (r["seed"], r["best_validation"], r["best_step"], r["steps"]))' \
    "$out/seed$seed/seed$seed/fold0/result.json"
done
