#!/usr/bin/env bash
# Per-nucleotide splice-site training windows (docs/splice-sites.md, "Training data"): RefSeq gene spans of GRCh37
# chr20 and chrX 1-70 Mb, extracted on the gene's strand with FLANK nt of context on each side, cut into LENGTH-nt
# (default 200, what models/splice-site was trained on) windows labelled 0 no_splice / 1 acceptor (last intron base) / 2 donor (first intron base) / -100 outside genes.
# Train: chr20 + chrX genes ending (with flank) before VALID_START; validation: chrX genes starting (with flank) at or
# after VALID_START; genes crossing the border are left out. The chr22 20-21 Mb test region is never read here.
# Every window holding a site is kept, and SITE_FREE of the site-free windows (the class imbalance, see the docs).
#
# Usage: scripts/splice_site_data.sh SPLICEBERT OUT_DIR [FLANK=1000] [SITE_FREE=0.03] [VALID_START=60000000]
# Environment: CHR20_FASTA (default vt-examples' /usr/share/doc/vt/examples/ref/20.fa.gz), CHRX_FASTA_GZ (default
#   smalt-examples' /usr/share/doc/smalt/test/data/hs37chrXtrunc.fa.gz, plain gzip: unpacked into OUT_DIR),
#   ANNOTATIONS (default <repo>/../shared/data/genome/hg19-annotations-debian/derived), THREADS (default 1).
# Writes OUT_DIR/splice.{train,valid,test}.* (the test shard is empty), OUT_DIR/refseq.labels.bed12 (genes as
# transcripts, the merged-exon introns as gaps) and the extracted FASTAs. Rerunnable: each step rewrites its outputs.
set -euo pipefail
bin=$1 out=$2 flank=${3:-1000} site_free=${4:-0.03} valid_start=${5:-60000000}
here=$(cd "$(dirname "$0")" && pwd)
annotations=${ANNOTATIONS:-$here/../../shared/data/genome/hg19-annotations-debian/derived}
chr20=${CHR20_FASTA:-/usr/share/doc/vt/examples/ref/20.fa.gz}
chrx_gz=${CHRX_FASTA_GZ:-/usr/share/doc/smalt/test/data/hs37chrXtrunc.fa.gz}
threads=${THREADS:-1}
for f in "$chr20" "$chrx_gz" "$annotations/refseq.hg19.20.genes.bed6" "$annotations/refseq.hg19.X.introns.bed6"; do
  [[ -e "$f" ]] || { echo "splice_site_data.sh: missing $f (see docs/splice-sites.md)" >&2; exit 1; }
done
mkdir -p "$out"
chrx=$out/X.fa
if [[ ! -s "$chrx" ]]; then
  gzip -dc "$chrx_gz" > "$chrx.tmp" && mv "$chrx.tmp" "$chrx"
fi

# Genes as BED12 transcripts whose blocks are the exons between the gene's merged-exon introns (GENEID_intronN).
genes_bed12() {  # GENES.bed6 INTRONS.bed6
  awk 'BEGIN { FS = OFS = "\t" }
       NR == FNR { split($4, part, "_intron"); n[part[1]]++; s[part[1], n[part[1]]] = $2; e[part[1], n[part[1]]] = $3; next }
       { id = $4; k = n[id] + 0; sizes = ""; starts = ""; from = $2
         for (i = 1; i <= k; i++) { sizes = sizes (s[id, i] - from) ","; starts = starts (from - $2) ","; from = e[id, i] }
         sizes = sizes ($3 - from); starts = starts (from - $2)
         print $1, $2, $3, id, 0, $6, $2, $2, 0, k + 1, sizes, starts }' "$2" "$1"
}
{
  genes_bed12 "$annotations/refseq.hg19.20.genes.bed6" "$annotations/refseq.hg19.20.introns.bed6"
  genes_bed12 "$annotations/refseq.hg19.X.genes.bed6" "$annotations/refseq.hg19.X.introns.bed6"
} > "$out/refseq.labels.bed12.tmp"
mv "$out/refseq.labels.bed12.tmp" "$out/refseq.labels.bed12"

# Gene spans widened by the flank (clamped at 0 and at the sequence end), one BED6 per set.
widen() {  # GENES.bed6 LIMIT CONDITION(awk, on the widened start s and end e)
  awk -v f="$flank" -v limit="$2" 'BEGIN { FS = OFS = "\t" }
       { s = $2 - f; if (s < 0) s = 0; e = $3 + f; if (e > limit) e = limit; if ('"$3"') print $1, s, e, $4, 0, $6 }' "$1"
}
widen "$annotations/refseq.hg19.20.genes.bed6" 63025520 1 > "$out/train.20.bed6"
widen "$annotations/refseq.hg19.X.genes.bed6" 69999930 "e <= $valid_start" > "$out/train.X.bed6"
widen "$annotations/refseq.hg19.X.genes.bed6" 69999930 "s >= $valid_start" > "$out/valid.X.bed6"

"$bin" extract -q -f "$chr20" -a "$out/train.20.bed6" --upper -t "$threads" -o "$out/train.20.fa"
"$bin" extract -q -f "$chrx" -a "$out/train.X.bed6" --upper -t "$threads" -o "$out/train.X.fa"
"$bin" extract -q -f "$chrx" -a "$out/valid.X.bed6" --upper -t "$threads" -o "$out/valid.X.fa"

# Species "train" / "valid" only route the records: validation = every chrX record of the "valid" input.
"$bin" windows -i train="$out/train.20.fa" -i train="$out/train.X.fa" -i valid="$out/valid.X.fa" \
  --valid valid:X --splice-labels "$out/refseq.labels.bed12" --format bed --length "${LENGTH:-200}" --random-offsets \
  --site-free-share "$site_free" -o "$out/splice"
