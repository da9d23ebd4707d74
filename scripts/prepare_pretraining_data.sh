#!/usr/bin/env bash
# Prepares multi-species pre-mRNA window shards for pre-training the default model (issue 5 item 6), from the Debian
# packages listed in ../shared/data/README.md ("More real sequence from Debian packages") plus the yeast genome kept in
# ../shared/data. NOT run by the tests. Rerunnable: every step writes into OUT and skips what already exists
# (delete a file to redo its step); the apt installs are skipped when the files are already there.
#
#   scripts/prepare_pretraining_data.sh [OUT]          (default OUT = build-data/pretrain)
#   env: SPLICEBERT=path/to/splicebert  DATA=../shared/data  LENGTH=510  INSTALL=1 (0: never call apt-get)
#        ALLOW_MISSING=0 (1: skip a source whose package cannot be installed instead of stopping)
#
# Sources (pre-mRNA = `splicebert extract --feature transcript --upper`, strand-aware, introns included):
#   human chr20   vt-examples  /usr/share/doc/vt/examples/ref/20.fa.gz          + DATA/genome/hg19-annotations-debian/derived/refseq.hg19.20.genes.bed6
#   human chrX    smalt-examples /usr/share/doc/smalt/test/data/hs37chrXtrunc.fa.gz + .../derived/refseq.hg19.X.genes.bed6
#   8 vertebrates augustus-doc  tutorial-cgp/data/genomes/*.fa                    + tutorial-cgp/results/augCGP_denovo/joined_pred/*.gff
#   yeast         DATA/genome/sacCer2/sacCer2.fa.gz                              + sacCer2.sgdGene.bed12
# Held out, NEVER in a training shard (they go to PREFIX.test only):
#   human chr22:20-21 Mb  hisat2's example DATA/genome/hg19-annotations-debian/22_20-21M.fa (whole record, both strands
#                         are not added: the record as given), a separate `windows` run => OUT/heldout_human.test
#   yeast chrXV, chrXVI   `--holdout yeast:chrXV,yeast:chrXVI` in the main run => OUT/pretrain.test
# Validation: yeast chrXIV (`--valid yeast:chrXIV`) => OUT/pretrain.valid. Everything else => OUT/pretrain.train.
# Stage 2 (64-1024 nt windows) gets the same split in OUT/pretrain_var.{train,valid,test}.
# Overlap check: chr22 is in no training source (chr20, chrX, yeast, augustus regions on other chromosomes: the
# augustus hg38 region is chr16), so the human held-out set shares no genomic position with training.
#
# Then the k-mer bar the model must beat (same training data, held-out sets as above):
#   splicebert kmer-baseline --train OUT/pretrain.train --test OUT/pretrain.test --max-k 6 -o OUT/kmer_yeast_test.json
#   splicebert kmer-baseline --train OUT/pretrain.train --test OUT/heldout_human.test --max-k 6 -o OUT/kmer_human_test.json
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$here/build-data/pretrain}"
DATA="${DATA:-$here/../shared/data}"
LENGTH="${LENGTH:-510}"
INSTALL="${INSTALL:-1}"
SPLICEBERT="${SPLICEBERT:-}"
if [[ -z "$SPLICEBERT" ]]; then
  for candidate in "$here/build/splicebert" "$here/build-kmer/splicebert" "$(command -v splicebert || true)"; do
    [[ -n "$candidate" && -x "$candidate" ]] && SPLICEBERT="$candidate" && break
  done
fi
[[ -x "$SPLICEBERT" ]] || { echo "prepare_pretraining_data: set SPLICEBERT=path/to/splicebert" >&2; exit 1; }
mkdir -p "$OUT/fasta"
log() { echo "[prepare_pretraining_data] $*" >&2; }

# need_package PACKAGE FILE: install PACKAGE unless FILE exists. A source that cannot be had stops the script
# (a training set silently missing a genome is worse than an error), unless ALLOW_MISSING=1 skips it.
need_package() {
  [[ -e "$2" ]] && return 0
  if [[ "$INSTALL" == 1 ]]; then
    log "apt-get install $1"
    local sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq "$1"; } || log "apt-get install $1 failed"
  fi
  [[ -e "$2" ]] && return 0
  if [[ "${ALLOW_MISSING:-0}" == 1 ]]; then log "missing $2 (package $1): source skipped (ALLOW_MISSING=1)"; return 1; fi
  log "error: missing $2 (package $1); install it, or set ALLOW_MISSING=1 to build shards without this source"
  exit 1
}

extract() {  # extract NAME FASTA ANNOTATION [extra extract options]: pre-mRNA of every transcript, once
  local name="$1" fasta="$2" annotation="$3"; shift 3
  local out="$OUT/fasta/$name.premrna.fa"
  [[ -s "$out" ]] && { log "have $out"; return 0; }
  log "extract $name"
  "$SPLICEBERT" extract -q --skip-bad -f "$fasta" -a "$annotation" --feature transcript --upper "$@" -o "$out"
}

derived="$DATA/genome/hg19-annotations-debian/derived"
inputs=()

# ---- human chr20 (vt-examples) ----------------------------------------------------------------------------------
vt=/usr/share/doc/vt/examples/ref/20.fa.gz
if need_package vt-examples "$vt"; then
  # The .gzi ships gzipped; a private copy gets the index beside it (faidx would otherwise rebuild it anyway).
  if [[ ! -e "$OUT/fasta/20.fa.gz" ]]; then
    cp "$vt" "$OUT/fasta/20.fa.gz"
    [[ -e "$vt.gzi.gz" ]] && zcat "$vt.gzi.gz" > "$OUT/fasta/20.fa.gz.gzi"
    [[ -e "$vt.fai" ]] && cp "$vt.fai" "$OUT/fasta/20.fa.gz.fai"
  fi
  extract human_chr20 "$OUT/fasta/20.fa.gz" "$derived/refseq.hg19.20.genes.bed6"
  inputs+=(-i "human=$OUT/fasta/human_chr20.premrna.fa")
fi

# ---- human chrX 1-70 Mb (smalt-examples; plain gzip, so unpacked once) ------------------------------------------
smalt=/usr/share/doc/smalt/test/data/hs37chrXtrunc.fa.gz
if need_package smalt-examples "$smalt"; then
  [[ -s "$OUT/fasta/X.fa" ]] || { log "unpack chrX"; zcat "$smalt" > "$OUT/fasta/X.fa.tmp" && mv "$OUT/fasta/X.fa.tmp" "$OUT/fasta/X.fa"; }
  extract human_chrX "$OUT/fasta/X.fa" "$derived/refseq.hg19.X.genes.bed6"
  inputs+=(-i "human=$OUT/fasta/human_chrX.premrna.fa")
fi

# ---- 8 vertebrate regions with AUGUSTUS-CGP predictions (augustus-doc) -------------------------------------------
# Each genome FASTA holds one record (header ">chrN start end +"; the record name is the first word); the GFF lines
# use the same name with local coordinates and have transcript/CDS lines only: the transcript span is the pre-mRNA.
cgp=/usr/share/doc/augustus/tutorial-cgp
if need_package augustus-doc "$cgp/data/genomes"; then
  for fa in "$cgp"/data/genomes/*.fa; do
    genome_name="$(basename "$fa" .fa)"
    gff="$cgp/results/augCGP_denovo/joined_pred/$genome_name.gff"
    [[ -e "$gff" ]] || { log "no predictions for $genome_name: skipped"; continue; }
    extract "augustus_$genome_name" "$fa" "$gff" --format gtf
    [[ -s "$OUT/fasta/augustus_$genome_name.premrna.fa" ]] && inputs+=(-i "$genome_name=$OUT/fasta/augustus_$genome_name.premrna.fa")
  done
fi

# ---- yeast (in DATA): chrXV and chrXVI held out, chrXIV validation ----------------------------------------------
extract yeast "$DATA/genome/sacCer2/sacCer2.fa.gz" "$DATA/genome/sacCer2/sacCer2.sgdGene.bed12"
inputs+=(-i "yeast=$OUT/fasta/yeast.premrna.fa")

# ---- shards -----------------------------------------------------------------------------------------------------
# Records keep their genomic origin in the header (NAME::CHROM:START-END(STRAND)), which --holdout / --valid match.
if [[ ! -e "$OUT/pretrain.train.index" ]]; then
  log "windows -> $OUT/pretrain.{train,valid,test}"
  "$SPLICEBERT" windows --length "$LENGTH" "${inputs[@]}" --holdout yeast:chrXV,yeast:chrXVI --valid yeast:chrXIV \
    -o "$OUT/pretrain"
fi

# ---- stage-2 shards: the same sources and splits at variable length (64-1024 nt, docs/training.md) ---------------------
if [[ ! -e "$OUT/pretrain_var.train.index" ]]; then
  log "windows -> $OUT/pretrain_var.{train,valid,test}"
  "$SPLICEBERT" windows --min-length 64 --max-length 1024 "${inputs[@]}" --holdout yeast:chrXV,yeast:chrXVI \
    --valid yeast:chrXIV -o "$OUT/pretrain_var"
fi

# ---- human held-out set: hisat2's chr22:20-21 Mb (never trained on) -----------------------------------------------
# The whole record (not only genes: 1 Mb, 100,000 N dropped by --max-n); its own run so that nothing from it can
# land in a training shard. The run names the record's chromosome in --holdout so that its windows go to .test.
if [[ ! -e "$OUT/heldout_human.test.index" ]]; then
  log "windows -> $OUT/heldout_human.test"
  "$SPLICEBERT" windows --length "$LENGTH" -i "human=$DATA/genome/hg19-annotations-debian/22_20-21M.fa" \
    --holdout "human:22:20000001-21000000" -o "$OUT/heldout_human"
fi
log "done: $OUT/pretrain{,_var}.{train,valid,test} and $OUT/heldout_human.test"
