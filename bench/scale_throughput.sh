#!/usr/bin/env bash
# Throughput of the scale-out paths (docs/scale-out.md) on GRCh37 chr20 (vt-examples) with the demo RefSeq genes:
# SNVs/s of `precompute`, of `score-vcf` over the same SNVs (one record each, default chunks), and of the plain
# one-variant-at-a-time path (`score-vcf --chunk 1`: every SNV its own REF, masked and ALT forward), at 1 and 2
# threads; then the projected wall time of a 1,000-gene panel (exons +-50 nt) from the measured rate.
# Usage: bench/scale_throughput.sh [MODEL_DIR] [POSITIONS]   (short: POSITIONS defaults to 20, i.e. 60 SNVs)
set -euo pipefail
cd "$(dirname "$0")/.."
SB=${SPLICEBERT_BIN:-build/splicebert}
model=${1:-models/default}
positions=${2:-20}
window=${WINDOW:-}  # e.g. WINDOW=512; default: the model's maximum
tmp=$(mktemp -d "${TMPDIR:-/tmp}/splicebert-scale.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
vt=/usr/share/doc/vt/examples/ref
cp "$vt/20.fa.gz" "$vt/20.fa.gz.fai" "$tmp/"
zcat "$vt/20.fa.gz.gzi.gz" > "$tmp/20.fa.gz.gzi"
bash scripts/prepare_demo_annotation.sh "$tmp/genes.bed" 20 2> /dev/null
common=(-m "$model" -f "$tmp/20.fa.gz" -a "$tmp/genes.bed" ${window:+--window $window})

# POSITIONS positions from the second exon start of the first + strand gene with two exons onward.
read -r chrom start < <(awk 'BEGIN { FS = OFS = "\t" } $10 >= 2 && $6 == "+" { split($12, s, ","); print $1, $2 + s[2] - 10; exit }' "$tmp/genes.bed")
printf '%s\t%s\t%s\n' "$chrom" "$start" $((start + positions)) > "$tmp/regions.bed"
seconds() { local t0=$(date +%s.%N); "$@" > /dev/null 2>&1; awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.2f", n / s }'; }

printf '| path | threads | SNVs | seconds | SNVs/s |\n|---|---|---|---|---|\n'
for threads in 1 2; do
  s=$(seconds "$SB" precompute -q -t $threads "${common[@]}" -R "$tmp/regions.bed" -o "$tmp/table.vcf.gz")
  snvs=$(zcat "$tmp/table.vcf.gz" | grep -vc '^#')
  printf '| precompute | %s | %s | %.1f | %s |\n' $threads $snvs $s $(rate $snvs $s)
  # The same SNVs as a VCF, one ALT per record.
  zcat "$tmp/table.vcf.gz" | cut -f1-8 | sed 's/\t[^\t]*$/\t./' > "$tmp/snvs.vcf"
  s=$(seconds "$SB" score-vcf -q -t $threads "${common[@]}" -i "$tmp/snvs.vcf" -o "$tmp/out.vcf")
  printf '| score-vcf (chunks of 256 records) | %s | %s | %.1f | %s |\n' $threads $snvs $s $(rate $snvs $s)
  s=$(seconds "$SB" score-vcf -q -t $threads "${common[@]}" --chunk 1 -i "$tmp/snvs.vcf" -o "$tmp/one.vcf")
  printf '| score-vcf --chunk 1 (one at a time) | %s | %s | %.1f | %s |\n' $threads $snvs $s $(rate $snvs $s)
done
# A 1,000-gene panel: the mean number of exon +-50 nt positions per gene of this annotation, times 1,000, times 3.
per_gene=$(awk 'BEGIN { FS = "\t" } { n = split($11, size, ","); for (k = 1; k <= n; ++k) if (size[k] != "") total += size[k] + 100; genes++ }
               END { printf "%.0f", total / genes }' "$tmp/genes.bed")
echo
echo "panel: 1,000 genes x $per_gene positions (exons +-50 nt, mean over $(wc -l < "$tmp/genes.bed") chr20 genes) x 3 SNVs = $((per_gene * 3000)) SNVs"
