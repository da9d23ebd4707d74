#!/usr/bin/env bash
# The lookup demo on real data: GRCh37 chr20 (Debian vt-examples) with RefSeq genes (Debian subread-data, rebuilt by
# scripts/prepare_demo_annotation.sh) and the model in models/default. Sets the machine up when needed, then starts
# `splicebert serve` on 127.0.0.1 and prints the URL. Usage: [PORT=8080] bash scripts/serve_demo.sh [other serve options]
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x build/splicebert ]] || bash scripts/setup.sh
demo=build/demo
mkdir -p "$demo"
vt=/usr/share/doc/vt/examples/ref
if [[ ! -s $demo/20.fa.gz.gzi ]]; then  # the package ships the .gzi gzipped: a copy beside an index htslib reads
  cp "$vt/20.fa.gz" "$vt/20.fa.gz.fai" "$demo/"
  zcat "$vt/20.fa.gz.gzi.gz" > "$demo/20.fa.gz.gzi.tmp" && mv "$demo/20.fa.gz.gzi.tmp" "$demo/20.fa.gz.gzi"
fi
[[ -s $demo/refseq.hg19.20.bed ]] || bash scripts/prepare_demo_annotation.sh "$demo/refseq.hg19.20.bed" 20
port=${PORT:-8080}
echo "Open http://127.0.0.1:$port/#variant=chr20:31022441%20A%3EG (ASXL1) once the model has loaded; Ctrl-C stops."
exec build/splicebert serve -m models/default -f "$demo/20.fa.gz" -a "$demo/refseq.hg19.20.bed" --host 127.0.0.1 \
  --port "$port" "$@"
