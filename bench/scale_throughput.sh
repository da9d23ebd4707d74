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
# "WALL CPU": wall-clock and user+system CPU seconds of a command (/usr/bin/time).
measure() {
  /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" > /dev/null 2> "$tmp/last.err" || { cat "$tmp/last.err" >&2; exit 1; }
  awk '{ printf "%s %.2f", $1, $2 + $3 }' "$tmp/time"
}
row() {  # row NAME THREADS SNVS "WALL CPU"
  read -r wall cpu <<< "$4"
  awk -v name="$1" -v t="$2" -v n="$3" -v w="$wall" -v c="$cpu" \
    'BEGIN { printf "| %s | %s | %d | %.1f | %.1f | %.2f | %.2f |\n", name, t, n, w, c, n / w, n / c }'
}

printf '| path | threads | SNVs | wall s | CPU s | SNVs/s (wall) | SNVs per CPU-second |\n|---|---|---|---|---|---|---|\n'
for threads in 1 2; do
  m=$(measure "$SB" precompute -q -t $threads "${common[@]}" -R "$tmp/regions.bed" -o "$tmp/table.vcf.gz")
  snvs=$(zcat "$tmp/table.vcf.gz" | grep -vc '^#')
  row precompute $threads $snvs "$m"
  [[ $threads == 1 ]] && per_cpu_second=$(awk -v n=$snvs -v m="$m" 'BEGIN { split(m, x, " "); print n / x[2] }')
  # The same SNVs as a VCF, one ALT per record.
  zcat "$tmp/table.vcf.gz" | awk 'BEGIN { FS = OFS = "\t" } /^#/ { print; next } { $8 = "."; print }' > "$tmp/snvs.vcf"
  m=$(measure "$SB" score-vcf -q -t $threads "${common[@]}" -i "$tmp/snvs.vcf" -o "$tmp/out.vcf")
  row "score-vcf (chunks of 256 records)" $threads $snvs "$m"
  m=$(measure "$SB" score-vcf -q -t $threads "${common[@]}" --chunk 1 -i "$tmp/snvs.vcf" -o "$tmp/one.vcf")
  row "score-vcf --chunk 1 (one at a time)" $threads $snvs "$m"
done
# A 1,000-gene panel: the mean number of exon +-50 nt positions per gene of this annotation, times 1,000, times 3.
per_gene=$(awk 'BEGIN { FS = "\t" } { n = split($11, size, ","); for (k = 1; k <= n; ++k) if (size[k] != "") total += size[k] + 100; genes++ }
               END { printf "%.0f", total / genes }' "$tmp/genes.bed")
echo
echo "panel: 1,000 genes x $per_gene positions (exons +-50 nt, mean over $(wc -l < "$tmp/genes.bed") chr20 genes) x 3 SNVs = $((per_gene * 3000)) SNVs"
snvs=$((per_gene * 3000))
echo "projected wall time (precompute, $per_cpu_second SNVs per CPU-second measured here, assuming one job per core):"
for nodes in 1 10 100; do
  awk -v n=$snvs -v r=$per_cpu_second -v nodes=$nodes 'BEGIN { printf "  %3d node(s) x 32 cores: %.1f h\n", nodes, n / (r * 32 * nodes) / 3600 }'
done
