#!/usr/bin/env bash
# VexSeq or MFASS in genome mode (docs/splice-sites.md, "VexSeq", "MFASS"): the variants of the set that lie on
# GRCh37 chr20 and chrX 1-70 Mb (the genomes Debian ships: vt-examples, smalt-examples) scored by `splicebert
# score-vcf` on the genome with the RefSeq gene spans, then AUROC / AUPRC for splice-disrupting variants of the
# largest SpliceAI-style delta (INFO/SpliceBERT_DS) next to the distance baseline. SDV: VexSeq delta PSI < -24;
# MFASS its own `sdv` label (delta PSI <= -0.5; variants without a measured delta PSI are left out). (The zero-shot
# splice-site KL needs exon structure, which the gene spans lack, so it is not reported here.) VexSeq has 63 variants
# there and no SDV: read it as a check that genome mode agrees with sequence mode; MFASS has about a thousand.
#
# usage: scripts/eval_vexseq_genome.sh -s SPLICE_MODEL [-d vexseq|mfass] [-m MODEL] [-b BINARY] [-o WORK_DIR]
#                                      [-t THREADS]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
model="$here/models/default"
splice=""
binary="${SPLICEBERT_BIN:-}"
data="$here/../shared/data"
work=""
threads=0
dataset=vexseq
while getopts "m:s:d:b:o:t:" flag; do
  case "$flag" in
    m) model="$OPTARG" ;;
    s) splice="$OPTARG" ;;
    d) dataset="$OPTARG" ;;
    b) binary="$OPTARG" ;;
    o) work="$OPTARG" ;;
    t) threads="$OPTARG" ;;
    *) sed -n '2,11p' "$0" >&2; exit 2 ;;
  esac
done
[[ -n "$splice" ]] || { echo "eval_vexseq_genome.sh: give the splice-site model with -s" >&2; exit 2; }
[[ "$dataset" == vexseq || "$dataset" == mfass ]] || { echo "eval_vexseq_genome.sh: -d is vexseq or mfass" >&2; exit 2; }
if [[ -z "$binary" ]]; then
  for candidate in "$here"/build*/splicebert; do [[ -x "$candidate" ]] && binary="$candidate" && break; done
fi
[[ -x "$binary" ]] || { echo "eval_vexseq_genome.sh: no splicebert binary (build it, or pass -b)" >&2; exit 1; }
chr20=/usr/share/doc/vt/examples/ref/20.fa.gz
chrx=/usr/share/doc/smalt/test/data/hs37chrXtrunc.fa.gz
for f in "$chr20" "$chrx"; do [[ -f "$f" ]] || { echo "eval_vexseq_genome.sh: $f missing (vt-examples, smalt-examples)" >&2; exit 1; }; done
if [[ -z "$work" ]]; then work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"

# 1. one genome FASTA (records 20 and X; the smalt file is plain gzip, so both are unpacked) and the gene spans
if [[ ! -s "$work/genome.fa" ]]; then
  { gzip -dc "$chr20"; gzip -dc "$chrx" | sed '1s/^>X.*/>X/'; } > "$work/genome.fa.partial"
  mv "$work/genome.fa.partial" "$work/genome.fa"
fi
derived="$data/genome/hg19-annotations-debian/derived"
cat "$derived/refseq.hg19.20.genes.bed6" "$derived/refseq.hg19.X.genes.bed6" > "$work/genes.bed"

# 2. the VCF of the set's variants there (alleles on the + strand), and per variant: the SDV label, |delta PSI|, the
#    position and the exon (1-based start..end) for the distance baseline
python3 - "$dataset" "$data/variants" "$work" <<'PY'
import csv, sys
dataset, data, work = sys.argv[1:4]
def kept(chrom, pos):
    return chrom == "20" or (chrom == "X" and pos < 69_999_930)
rows = []  # (chrom, pos, id, ref, alt, sdv, |delta psi|, exon start, exon end)
if dataset == "vexseq":
    for path in ("HepG2_delta_PSI_CAGI_training_sided.csv", "MMSplice_test_pred.csv"):
        for r in csv.DictReader(open(f"{data}/vexseq/mmsplice-paper/{path}")):
            chrom, pos = r["seqnames"].removeprefix("chr"), int(r["hg19_variant_position"])
            if kept(chrom, pos):
                dpsi = float(r["HepG2_delta_psi"])
                rows.append((chrom, pos, r["ID"], r["reference"], r["variant"], int(dpsi < -24), abs(dpsi),
                             int(r["start"]), int(r["end"])))
else:  # MFASS (PROVENANCE.md there): hg19 positions, alleles from the hg38 VCF, exons from the hg38 intron pieces
    m = f"{data}/mfass"
    hg19 = {f[3]: (f[0].removeprefix("chr"), int(f[2]))
            for f in (l.split() for l in open(f"{m}/snp_positions_hg19.bed"))}
    hg38 = {f[2]: (int(f[1]), f[3], f[4]) for f in (l.split() for l in open(f"{m}/snv.vcf"))}
    pieces = {}
    for f in (l.split() for l in open(f"{m}/snv_intron_coords.bed")):
        pieces.setdefault(f[3].split("-")[0], []).append((int(f[1]), int(f[2])))
    for r in csv.DictReader(open(f"{m}/mfass_labels.csv")):
        vid, exon = r["id"], r["id"].split("_")[0]
        chrom, pos = hg19[vid]
        if r["sdv"] == "" or not kept(chrom, pos) or len(pieces.get(exon, ())) != 2:
            continue  # no delta PSI measured, outside the genomes here, or no exon bounds
        pos38, ref, alt = hg38[vid]
        (a, b), (c, d) = sorted(pieces[exon])
        shift = pos - pos38  # hg19 - hg38 around this exon
        rows.append((chrom, pos, vid, ref, alt, int(r["sdv"]), abs(float(r["dpsi"])), b + 1 + shift, c + shift))
rows.sort(key=lambda x: (x[0], x[1]))
with open(f"{work}/variants.vcf", "w") as vcf, open(f"{work}/labels.tsv", "w") as labels:
    vcf.write("##fileformat=VCFv4.2\n##contig=<ID=20>\n##contig=<ID=X>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    labels.write("id\tsdv\tmagnitude\tpos\tstart\tend\tsnv\n")
    for chrom, pos, vid, ref, alt, sdv, magnitude, start, end in rows:
        vcf.write(f"{chrom}\t{pos}\t{vid}\t{ref}\t{alt}\t.\t.\t.\n")
        labels.write(f"{vid}\t{sdv}\t{magnitude}\t{pos}\t{start}\t{end}\t{int(len(ref) == 1 and len(alt) == 1)}\n")
PY

# 3. score on the genome
"$binary" score-vcf -q -t "$threads" -m "$model" --no-masked-dp --splice-model "$splice" -f "$work/genome.fa" -a "$work/genes.bed" \
  -i "$work/variants.vcf" -o "$work/scored.vcf"

# 4. metrics (the same AUROC / AUPRC rules as scripts/eval_vexseq.sh)
bcftools query -f '%ID\t%INFO/SpliceBERT_DS\n' "$work/scored.vcf" > "$work/scores.tsv"
PYTHONPATH="$here/scripts" python3 - "$work/labels.tsv" "$work/scores.tsv" "$dataset" <<'PY'
import csv, sys
title = {"vexseq": "VexSeq", "mfass": "MFASS"}[sys.argv[3]]
labels = {r["id"]: r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t")}
scores = {}
for line in open(sys.argv[2]):
    vid, ds = line.rstrip("\n").split("\t")
    scores[vid] = max((float(v) for e in ds.split(",") if e != "." for v in e.split("|")[2:6] if v != "."),
                      default=None)

from baseline_metrics import auroc, average_precision as auprc  # scripts/: one AUROC / AUPRC for every script

def ranks(values):  # average ranks, ties counted half
    order = sorted(range(len(values)), key=lambda i: values[i])
    out, i = [0.0] * len(values), 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]: j += 1
        for k in range(i, j + 1): out[order[k]] = (i + j) / 2
        i = j + 1
    return out

def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    scale = (sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb)) ** 0.5
    return cov / scale if scale > 0 else float("nan")  # constant scores (e.g. all 0.00): undefined

def distance(p, s, e):  # nt to the nearest exon end (1-based exon start..end), counting the variant's own base
    return s - p if p < s else p - e if p > e else min(p - s + 1, e - p + 1)

for subset, keep in (("SNVs", lambda r: r["snv"] == "1"), ("SNVs and indels", lambda r: True)):
    ids = [i for i, r in labels.items() if keep(r) and scores.get(i) is not None]
    y = [int(labels[i]["sdv"]) for i in ids]
    print(f"\n{title} on chr20 + chrX 1-70 Mb, genome mode, {subset}: {len(ids)} scored, {sum(y)} SDV")
    magnitude = [float(labels[i]["magnitude"]) for i in ids]
    for name, values in (("splice model: max delta (DS)", [scores[i] for i in ids]),
                         ("baseline: -distance", [-distance(int(labels[i]["pos"]), int(labels[i]["start"]),
                                                            int(labels[i]["end"])) for i in ids])):
        print(f"  Spearman of {name} with |delta PSI|: {spearman(values, magnitude):.4f}")
    if not ids or sum(y) in (0, len(y)):
        print("  (no SDV or no non-SDV among them: no AUROC)")
        continue
    predictors = {"splice model: max delta (DS) +-50 nt": [scores[i] for i in ids],
                  "baseline: -distance to splice site": [-distance(int(labels[i]["pos"]), int(labels[i]["start"]),
                                                                   int(labels[i]["end"])) for i in ids]}
    print(f"  {'predictor':38s} {'AUROC':>7s} {'AUPRC':>7s}")
    for name, values in predictors.items():
        print(f"  {name:38s} {auroc(values, y):7.4f} {auprc(values, y):7.4f}")
PY
