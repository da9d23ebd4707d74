#!/usr/bin/env bash
# splicebert extract vs bedtools getfasta -s -name: pre-mRNA of all 6,717 yeast (sacCer2) transcripts.
# splicebert reads the bgzip FASTA as shipped; bedtools 2.30 cannot (it prints the compressed bytes), so it reads a
# `gzip -dc` copy in a temporary folder. Both outputs are checked against the golden before anything is timed.
# Runs alternate (A B A B ...) so that drift on a shared machine hits both tools alike; /usr/bin/time -v gives each
# run's peak RSS and bash's EPOCHREALTIME its wall time; the table shows median (min-max) of RUNS runs after one warm-up of each.
# Usage: bench/extract_vs_bedtools.sh [path/to/splicebert]     env: RUNS (default 9), SPLICEBERT_DATA
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/splicebert}
data=${SPLICEBERT_DATA:-$root/../shared/data}
runs=${RUNS:-9}
yeast=$data/genome/sacCer2
bed=$yeast/derived/sacCer2.sgdGene.tx.bed6
gtf=$yeast/sacCer2.sgdGene.gtf
for tool in bedtools samtools /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool (scripts/setup.sh installs it)" >&2; exit 1; }
done
[[ -x $bin ]] || { echo "no splicebert binary at $bin (build first, or pass its path)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gzip -dc "$yeast/sacCer2.fa.gz" > "$tmp/sacCer2.fa"
samtools faidx "$tmp/sacCer2.fa"
gzip -dc "$yeast/golden/sacCer2.sgdGene.premrna.fa.gz" > "$tmp/golden.fa"

# name | command (run by sh -c, output to $tmp/NAME.fa)
cases=(
  "bedtools getfasta (plain FASTA, BED6)|bedtools getfasta -s -name -fi '$tmp/sacCer2.fa' -bed '$bed' > '$tmp/bedtools.fa'"
  "splicebert extract (bgzip FASTA, BED6)|'$bin' extract -q -f '$yeast/sacCer2.fa.gz' -a '$bed' -o '$tmp/bed.fa'"
  "splicebert extract -t 1 (bgzip, BED6)|'$bin' extract -q -t 1 -f '$yeast/sacCer2.fa.gz' -a '$bed' -o '$tmp/bed1.fa'"
  "splicebert extract (bgzip FASTA, GTF)|'$bin' extract -q -f '$yeast/sacCer2.fa.gz' -a '$gtf' -o '$tmp/gtf.fa'"
  "splicebert extract (plain FASTA, BED6)|'$bin' extract -q -f '$tmp/sacCer2.fa' -a '$bed' -o '$tmp/plain.fa'"
)

for entry in "${cases[@]}"; do sh -c "${entry#*|}"; done  # warm-up, and the outputs to check
for out in bedtools bed bed1 gtf plain; do
  cmp -s "$tmp/$out.fa" "$tmp/golden.fa" || { echo "$out.fa differs from the golden: not timing a wrong answer" >&2; exit 1; }
done

for ((run = 0; run < runs; run++)); do
  for i in "${!cases[@]}"; do
    # a fresh output file each run: truncating the previous one makes ext4 flush it (auto_da_alloc), an I/O wait
    # that has nothing to do with either tool
    rm -f "$tmp"/bedtools.fa "$tmp"/bed.fa "$tmp"/bed1.fa "$tmp"/gtf.fa "$tmp"/plain.fa
    # wall from bash's microsecond clock (time -v prints only 10 ms steps); peak RSS from time -v
    start=$EPOCHREALTIME
    /usr/bin/time -v -o "$tmp/time" sh -c "exec ${cases[$i]#*|}"
    end=$EPOCHREALTIME
    awk -F': ' -v wall="$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
      '/User time/ { cpu += $2 } /System time/ { cpu += $2 } /Maximum resident set size/ { rss = $2 / 1024 }
       END { printf "%.4f %.1f %.2f\n", wall, rss, cpu }' "$tmp/time" >> "$tmp/case$i"
  done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%s\n' "yeast sacCer2, 6,717 transcripts -> 9,434,936 bytes of FASTA; $runs runs each, median (min-max); $(nproc) cores" \
  "" "| tool | wall s | cpu s | peak RSS MiB | wall speed-up vs bedtools |" "|---|---|---|---|---|"
base=$(cut -d' ' -f1 "$tmp/case0" | median)
for i in "${!cases[@]}"; do
  wall=$(cut -d' ' -f1 "$tmp/case$i" | median)
  range=$(cut -d' ' -f1 "$tmp/case$i" | sort -n | sed -n '1p;$p' | paste -sd-)
  rss=$(cut -d' ' -f2 "$tmp/case$i" | median)
  cpu=$(cut -d' ' -f3 "$tmp/case$i" | median)  # user + sys; time -v prints 10 ms steps
  printf '| %s | %s (%s) | %s | %s | %.2fx |\n' "${cases[$i]%%|*}" "$wall" "$range" "$cpu" "$rss" \
    "$(awk -v a="$base" -v b="$wall" 'BEGIN { print a / b }')"
done
