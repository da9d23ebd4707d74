#!/usr/bin/env bash
# Side-by-side: splicebert bench and the strongest peers of ../shared/peers (PyTorch fast path / jit, ONNX Runtime
# fused graph) on the same machine in one go, then the ratios. Takes ~15-25 min on 2 cores (peer setup included).
#
#   bash bench/compare-peers.sh [--threads 1,2] [--workloads a,b,c,d] [--skip-setup]
#   bash bench/compare-peers.sh --train [--threads 1,2] [--skip-setup]   # training steps (b = 8x512, a2 = 2x1026)
#
# --train: PyTorch's training step (peers/torch/bench_train.py, tuned env: fp32 and autocast bf16) against
# `splicebert bench-train` (forward + backward + AdamW, dropout on) at the same thread counts; ~10 min on 2 cores.
#
# The peers' folder is read-only, so it is copied to $PEERS_WORK (default /tmp/splicebert-peers) and run there.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=1,2 workloads=a,b,c,d setup=1 train=0
while (($#)); do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --workloads) workloads=$2; shift 2 ;;
    --skip-setup) setup=0; shift ;;
    --train) train=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
peers_src=$(cd .. && pwd)/shared/peers
work=${PEERS_WORK:-/tmp/splicebert-peers}
results=$work/compare
mkdir -p "$work" "$results"
if [[ ! -f $work/run_all.sh ]]; then cp -r "$peers_src"/. "$work"/ && chmod -R u+w "$work"; fi
PY=/usr/bin/python3
LIB=/usr/lib/$(gcc -print-multiarch)
if ((setup)); then (cd "$work" && ./run_all.sh setup prepare); fi
IFS=, read -ra thread_list <<< "$threads"

if ((train)); then
  : > "$results/peers_train.jsonl"
  for t in "${thread_list[@]}"; do
    (cd "$work" && env OMP_NUM_THREADS=$t LD_LIBRARY_PATH=$LIB/openblas-openmp LD_PRELOAD=$LIB/libtcmalloc_minimal.so.4 \
       ATEN_CPU_CAPABILITY=avx512 $PY torch/bench_train.py --threads "$t" --tag tuned \
       --variants train_fp32,train_bf16_autocast) >> "$results/peers_train.jsonl"
  done
  ./build/splicebert bench-train --json -q --threads-list "$threads" --precision f32,bf16 > "$results/splicebert_train.jsonl"
  $PY - "$results/peers_train.jsonl" "$results/splicebert_train.jsonl" <<'PYEOF'
import json, sys
peers = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
ours = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
def peer(workload, threads, variant):
    rows = [p for p in peers if p["workload"] == workload and p["threads"] == threads and p["variant"] == variant]
    return rows[0]["tokens_per_s"] if rows else None
def mine(workload, threads, precision):
    rows = [o for o in ours if o["workload"] == workload and o["threads"] == threads and o["precision"] == precision]
    return rows[0] if rows else None
f = lambda v: f"{v:,.0f}" if v else "-"
r = lambda a, b: f"{a / b:.2f}x" if a and b else "-"
print("| workload | threads | ours f32 tok/s | torch f32 tuned | ratio | ours bf16 | torch bf16 autocast | ratio | our RSS MB |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for o in ours:
    if o["precision"] != "f32": continue
    w, t = o["workload"], o["threads"]
    b16 = mine(w, t, "bf16")
    t32, t16 = peer(w, t, "train_fp32"), peer(w, t, "train_bf16_autocast")
    b16v = b16 and b16["tokens_per_s"]
    print(f"| {w} | {t} | {f(o['tokens_per_s'])} | {f(t32)} | {r(o['tokens_per_s'], t32)} | {f(b16v)} | {f(t16)} "
          f"| {r(b16v, t16)} | {o['peak_rss_mb']:.0f} |")
PYEOF
  exit 0
fi

: > "$results/peers.jsonl"
for t in "${thread_list[@]}"; do
  (cd "$work" && env OMP_NUM_THREADS=$t LD_LIBRARY_PATH=$LIB/openblas-openmp LD_PRELOAD=$LIB/libtcmalloc_minimal.so.4 \
     ATEN_CPU_CAPABILITY=avx512 $PY torch/bench_infer.py --threads "$t" --tag tuned --workloads "$workloads" \
     --variants fastpath_fp32,jit_frozen_fp32,fastpath_bf16_weights) >> "$results/peers.jsonl"
  (cd "$work" && node ort/bench_ort.js --model work/bert_fused_attention.onnx --opt all --threads "$t" \
     --workloads "$workloads" --tag ort 2>/dev/null) >> "$results/peers.jsonl"
done
./build/splicebert bench --json -q --threads-list "$threads" --workloads "$workloads" --precision f32,bf16 \
  > "$results/splicebert.jsonl"

$PY - "$results/peers.jsonl" "$results/splicebert.jsonl" <<'PYEOF'
import json, sys
peers = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
ours = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
def best(workload, threads, pred):
    rows = [p for p in peers if p["workload"] == workload and p["threads"] == threads and pred(p)]
    return max(rows, key=lambda p: p["tokens_per_s"]) if rows else None
print("| workload | threads | ours f32 tok/s | best ORT f32 | ratio | best torch f32 | ratio | ours bf16 | torch bf16 | ratio | our RSS MB |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for o in ours:
    if o["precision"] != "f32": continue
    w, t = o["workload"], o["threads"]
    ort = best(w, t, lambda p: p["tool"].startswith("onnxruntime"))
    torch32 = best(w, t, lambda p: p["tool"].startswith("torch") and "fp32" in p["variant"])
    torch16 = best(w, t, lambda p: p["tool"].startswith("torch") and "bf16" in p["variant"])
    b16 = next((x for x in ours if x["workload"] == w and x["threads"] == t and x["precision"] == "bf16"), None)
    f = lambda v: f"{v:,.0f}" if v else "-"
    r = lambda a, b: f"{a / b:.2f}x" if a and b else "-"
    print(f"| {w} | {t} | {f(o['tokens_per_s'])} | {f(ort and ort['tokens_per_s'])} | {r(o['tokens_per_s'], ort and ort['tokens_per_s'])} "
          f"| {f(torch32 and torch32['tokens_per_s'])} | {r(o['tokens_per_s'], torch32 and torch32['tokens_per_s'])} "
          f"| {f(b16 and b16['tokens_per_s'])} | {f(torch16 and torch16['tokens_per_s'])} "
          f"| {r(b16 and b16['tokens_per_s'], torch16 and torch16['tokens_per_s'])} | {o['peak_rss_mb']:.0f} |")
PYEOF
