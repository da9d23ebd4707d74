#!/usr/bin/env bash
# VexSeq in genome mode (docs/splice-sites.md, "VexSeq"): the VexSeq variants on GRCh37 chr20 and chrX 1-70 Mb (the
# genomes Debian ships: vt-examples, smalt-examples) scored by `splicebert score-vcf` on the genome with the RefSeq
# gene spans, then AUROC / AUPRC for splice-disrupting variants (delta PSI < -24) of the largest SpliceAI-style delta
# (INFO/SpliceBERT_DS) next to the distance baseline. (The zero-shot splice-site KL needs exon structure, which the
# gene spans lack, so it is not reported here.) Few variants: read as a check that genome mode agrees with sequence
# mode, not as a benchmark.
#
# usage: scripts/eval_vexseq_genome.sh -s SPLICE_MODEL [-m MODEL] [-b BINARY] [-o WORK_DIR] [-t THREADS]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
model="$here/models/default"
splice=""
binary="${SPLICEBERT_BIN:-}"
data="$here/../shared/data"
work=""
threads=0
while getopts "m:s:b:o:t:" flag; do
  case "$flag" in
    m) model="$OPTARG" ;;
    s) splice="$OPTARG" ;;
    b) binary="$OPTARG" ;;
    o) work="$OPTARG" ;;
    t) threads="$OPTARG" ;;
    *) sed -n '2,8p' "$0" >&2; exit 2 ;;
  esac
done
[[ -n "$splice" ]] || { echo "eval_vexseq_genome.sh: give the splice-site model with -s" >&2; exit 2; }
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

# 2. the VCF of the VexSeq variants there (alleles on the + strand as VexSeq gives them), and their labels
python3 - "$data/variants/vexseq/mmsplice-paper" "$work" <<'PY'
import csv, sys
data, work = sys.argv[1:3]
rows = []
for path in ("HepG2_delta_PSI_CAGI_training_sided.csv", "MMSplice_test_pred.csv"):
    for r in csv.DictReader(open(f"{data}/{path}")):
        chrom, pos = r["seqnames"].removeprefix("chr"), int(r["hg19_variant_position"])
        if chrom == "20" or (chrom == "X" and pos < 69_999_930):
            rows.append((chrom, pos, r))
rows.sort(key=lambda x: (x[0], x[1]))
with open(f"{work}/vexseq.vcf", "w") as vcf, open(f"{work}/labels.tsv", "w") as labels:
    vcf.write("##fileformat=VCFv4.2\n##contig=<ID=20>\n##contig=<ID=X>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    labels.write("id\tdelta_psi\tpos\tstart\tend\tsnv\n")
    for chrom, pos, r in rows:
        vcf.write(f"{chrom}\t{pos}\t{r['ID']}\t{r['reference']}\t{r['variant']}\t.\t.\t.\n")
        snv = int(len(r["reference"]) == 1 and len(r["variant"]) == 1)
        labels.write(f"{r['ID']}\t{r['HepG2_delta_psi']}\t{pos}\t{r['start']}\t{r['end']}\t{snv}\n")
PY

# 3. score on the genome
"$binary" score-vcf -q -t "$threads" -m "$model" --no-masked-dp --splice-model "$splice" -f "$work/genome.fa" -a "$work/genes.bed" \
  -i "$work/vexseq.vcf" -o "$work/scored.vcf"

# 4. metrics (the same AUROC / AUPRC rules as scripts/eval_vexseq.sh)
bcftools query -f '%ID\t%INFO/SpliceBERT_DS\n' "$work/scored.vcf" > "$work/scores.tsv"
PYTHONPATH="$here/scripts" python3 - "$work/labels.tsv" "$work/scores.tsv" <<'PY'
import csv, sys
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
    y = [1 if float(labels[i]["delta_psi"]) < -24 else 0 for i in ids]
    print(f"\nVexSeq on chr20 + chrX 1-70 Mb, genome mode, {subset}: {len(ids)} scored, {sum(y)} SDV")
    magnitude = [abs(float(labels[i]["delta_psi"])) for i in ids]
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
