#!/usr/bin/env bash
# Requests/s and p50/p99 latency of `splicebert serve` for /v1/embeddings (short sequences) and /variants at 1, 8
# and 64 concurrent clients, with and without dynamic batching, and the server's peak RSS (docs/serve.md).
# Runs on the demo data (scripts/serve_demo.sh prepares it) with models/default. Bounded: each cell stops after
# REQUESTS requests or SECONDS seconds. Loopback only. Usage: bash bench/serve_bench.sh [REQUESTS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200}
seconds=${2:-20}
demo=build/demo
[[ -s $demo/refseq.hg19.20.bed && -s $demo/20.fa.gz.gzi ]] || { echo "run scripts/serve_demo.sh once first" >&2; exit 1; }
# 40 SNVs 10 nt inside exon starts of RefSeq genes, REF read from the genome.
variants=$(mktemp)
trap 'rm -f "$variants"; [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null || true' EXIT
awk 'NR % 17 == 0 { split($12, s, ","); print $2 + s[2] + 11 }' "$demo/refseq.hg19.20.bed" | head -40 |
  while read -r pos; do
    ref=$(samtools faidx "$demo/20.fa.gz" "20:$pos-$pos" | tail -1 | tr a-z A-Z)
    alt=$( [[ $ref == A ]] && echo G || echo A )
    echo "$pos $ref $alt"
  done > "$variants"
echo "| batching | route | clients | requests | errors | req/s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|---|---|---|"
for mode in on off; do
  port=$((18500 + RANDOM % 1000))
  flags=()
  [[ $mode == off ]] && flags=(--no-batching)
  build/splicebert serve -m models/default -f "$demo/20.fa.gz" -a "$demo/refseq.hg19.20.bed" --port "$port" \
    --access-log '' -q "${flags[@]}" > /dev/null &
  pid=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.1; done
  for route in /v1/embeddings /variants; do
    python3 bench/serve_bench.py "http://127.0.0.1:$port" "$route" 1,8,64 --requests "$requests" \
      --seconds "$seconds" --label "$mode" --variants-file "$variants"
  done
  echo "peak RSS ($mode): $(awk '/VmHWM/ { print $2 / 1024 " MiB" }' /proc/$pid/status)" >&2
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pid=
done
