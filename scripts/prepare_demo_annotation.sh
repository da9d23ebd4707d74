#!/usr/bin/env bash
# The demo's annotation, rebuilt from Debian packages: RefSeq hg19 exons of Rsubread's in-built annotation
# (package subread-data, SAF: GeneID Chr Start End Strand, 1-based inclusive, exons merged per Entrez gene) for one
# chromosome, as BED12 with one record per gene (the merged exons as blocks) and the chromosome named as in
# vt-examples' GRCh37 FASTA ("20", not "chr20"). Usage: scripts/prepare_demo_annotation.sh OUT.bed [CHROM]
set -euo pipefail
out=${1:?usage: prepare_demo_annotation.sh OUT.bed [CHROM]}
chrom=${2:-20}
saf=/usr/share/doc/subread/examples/annotation/hg19_RefSeq_exon.txt.gz
[[ -r $saf ]] || { echo "prepare_demo_annotation.sh: $saf missing: apt-get install subread-data" >&2; exit 1; }
tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT
zcat "$saf" | awk -v want="chr$chrom" -v name="$chrom" 'BEGIN { FS = OFS = "\t" }
  NR == 1 && $1 == "GeneID" { next }
  $2 != want { next }
  function flush() {
    if (gene == "") return
    sizes = ""; starts = ""
    for (i = 1; i <= n; ++i) { sizes = sizes (e[i] - s[i] + 1) ","; starts = starts (s[i] - 1 - lo) "," }
    print name, lo, hi, gene, 0, strand, lo, lo, 0, n, sizes, starts
  }
  $1 != gene { flush(); gene = $1; strand = $5; n = 0; lo = $3 - 1; hi = $4 }
  { ++n; s[n] = $3; e[n] = $4; if ($3 - 1 < lo) lo = $3 - 1; if ($4 > hi) hi = $4 }
  END { flush() }' | LC_ALL=C sort -k1,1 -k2,2n -k3,3n -k4,4 > "$tmp"
[[ -s $tmp ]] || { echo "prepare_demo_annotation.sh: no RefSeq exons on chr$chrom" >&2; exit 1; }
mv "$tmp" "$out"
trap - EXIT
echo "prepare_demo_annotation.sh: $(wc -l < "$out") genes on $chrom -> $out" >&2
