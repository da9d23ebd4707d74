#!/usr/bin/env bash
# Zero-shot evaluation on VexSeq (CAGI5 HepG2; docs/variants.md, "VexSeq"): score every REF/ALT pair with
# `splicebert score-pairs` and print AUROC / AUPRC for splice-disrupting variants (SDV: delta PSI < -24, PSI in %)
# next to the "distance to the nearest splice site" baseline. SNVs only; no parameter is fitted to this set.
# With -s SPLICE_MODEL (a splice-site model, docs/splice-sites.md) also the largest SpliceAI-style delta within
# +-50 nt, and with -g GENOME -i INTRONS a PWM delta fitted on those introns (scripts/pwm_splice_delta.py).
#
# usage: scripts/eval_vexseq.sh [-m MODEL] [-s SPLICE_MODEL] [-g GENOME_FA -i INTRONS_BED6] [-b SPLICEBERT_BINARY]
#                               [-d DATA_DIR] [-o WORK_DIR] [-t THREADS]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
model="$here/models/default"
binary="${SPLICEBERT_BIN:-}"
data="$here/../shared/data/variants/vexseq/mmsplice-paper"
work=""
threads=0
splice="none"
pwm_genome=""
pwm_introns=""
while getopts "m:s:g:i:b:d:o:t:" flag; do
  case "$flag" in
    m) model="$OPTARG" ;;
    s) splice="$OPTARG" ;;
    g) pwm_genome="$OPTARG" ;;
    i) pwm_introns="$OPTARG" ;;
    b) binary="$OPTARG" ;;
    d) data="$OPTARG" ;;
    o) work="$OPTARG" ;;
    t) threads="$OPTARG" ;;
    *) sed -n '2,10p' "$0" >&2; exit 2 ;;
  esac
done
if [[ -z "$binary" ]]; then
  for candidate in "$here"/build*/splicebert; do [[ -x "$candidate" ]] && binary="$candidate" && break; done
fi
[[ -x "$binary" ]] || { echo "eval_vexseq.sh: no splicebert binary (build it, or pass -b)" >&2; exit 1; }
if [[ -z "$work" ]]; then work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"

# 1. pairs.tsv from the two CSVs: variant index = pos - (start - 100) on +, (end + 100) - pos on - (PROVENANCE.md);
#    the exon is [100, 100 + width) of REF_SEQ on both strands (transcript orientation).
python3 - "$data" "$work/pairs.tsv" <<'PY'
import csv, sys
data, out = sys.argv[1], sys.argv[2]
with open(out, "w") as f:
    f.write("id\tref\talt\tpos\texon_start\texon_end\tset\tdelta_psi\tsnv\n")
    for name, path in (("train", "HepG2_delta_PSI_CAGI_training_sided.csv"), ("test", "MMSplice_test_pred.csv")):
        for r in csv.DictReader(open(f"{data}/{path}")):
            pos, start, end = int(r["hg19_variant_position"]), int(r["start"]), int(r["end"])
            index = pos - (start - 100) if r["strand"] == "+" else (end + 100) - pos
            snv = len(r["reference"]) == 1 and len(r["variant"]) == 1
            if snv:
                base = r["reference"] if r["strand"] == "+" else "ACGT"["TGCA".index(r["reference"])]
                assert r["REF_SEQ"][index] == base, r["ID"]
            f.write(f"{r['ID']}\t{r['REF_SEQ']}\t{r['ALT_SEQ']}\t{min(index, len(r['REF_SEQ']) - 1)}\t100\t"
                    f"{100 + int(r['width'])}\t{name}\t{r['HepG2_delta_psi']}\t{int(snv)}\n")
PY

# 2. score (and the PWM delta when a genome and its introns are given)
"$binary" score-pairs -q -t "$threads" -m "$model" --splice-model "$splice" -i "$work/pairs.tsv" -o "$work/scores.tsv"
if [[ -n "$pwm_genome" && -n "$pwm_introns" ]]; then
  python3 "$here/scripts/pwm_splice_delta.py" "$pwm_genome" "$pwm_introns" "$work/pairs.tsv" "$work/pwm.tsv"
else
  printf 'id\tpwm_delta\n' > "$work/pwm.tsv"
fi

# 3. metrics: AUROC (Mann-Whitney, ties counted half) and AUPRC (average precision, ties as one threshold)
PYTHONPATH="$here/scripts" python3 - "$work/pairs.tsv" "$work/scores.tsv" "$model" "$work/pwm.tsv" <<'PY'
import csv, math, sys
pairs = {r["id"]: r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t")}
scores = {r["id"]: r for r in csv.DictReader((l for l in open(sys.argv[2]) if not l.startswith("#")), delimiter="\t")}
pwm = {r["id"]: r["pwm_delta"] for r in csv.DictReader(open(sys.argv[4]), delimiter="\t")}

from baseline_metrics import auroc, average_precision as auprc  # scripts/: one AUROC / AUPRC for every script

def distance(p, s, e):  # nt from the variant to the nearest exon-intron junction, counting the variant's own base
    return s - p if p < s else p - e + 1 if p >= e else min(p - s + 1, e - p)

predictors = {
    "context_KL (higher = SDV)": lambda s, p: float(s["context_KL"]),
    "max_KL +-50 nt": lambda s, p: float(s["max_KL"]),
    "donor_KL + acceptor_KL": lambda s, p: float(s["donor_KL"]) + float(s["acceptor_KL"]),
    "-masked_dP": lambda s, p: -float(s["masked_dP"]),
    "splice model: max delta (DS) +-50 nt":
        lambda s, p: max(float(s[k]) for k in ("DS_AG", "DS_AL", "DS_DG", "DS_DL")),
    "PWM delta +-50 nt": lambda s, p: float(pwm[p["id"]]),
    "baseline: -distance to splice site":
        lambda s, p: -distance(int(p["pos"]), int(p["exon_start"]), int(p["exon_end"])),
}
print(f"model: {sys.argv[3]}")
for line in open(sys.argv[2]):  # the provenance score-pairs wrote: tool version, command, model checksum
    if line.startswith("# "): print(line.rstrip())
for subset in ("train", "test", "all"):
    ids = [i for i, p in pairs.items() if p["snv"] == "1" and (subset == "all" or p["set"] == subset)
           and scores[i]["status"] == "scored"]
    labels = [1 if float(pairs[i]["delta_psi"]) < -24 else 0 for i in ids]
    print(f"\nVexSeq {subset}: {len(ids)} SNVs scored, {sum(labels)} SDV (delta PSI < -24)")
    print(f"  {'predictor':38s} {'AUROC':>7s} {'AUPRC':>7s}")
    for name, f in predictors.items():
        try:
            values = [f(scores[i], pairs[i]) for i in ids]
        except (KeyError, ValueError):  # a predictor this run did not compute (no -s, no -g/-i)
            continue
        print(f"  {name:38s} {auroc(values, labels):7.4f} {auprc(values, labels):7.4f}")
    print(f"  {'(random: AUROC 0.5, AUPRC = SDV rate)':38s} {0.5:7.4f} {sum(labels) / len(labels):7.4f}")
# Indels too: the splice model's deltas score them (the zero-shot scores and the PWM delta do not).
ids = [i for i, p in pairs.items() if scores[i].get("delta_status") == "scored"]
if ids:
    labels = [1 if float(pairs[i]["delta_psi"]) < -24 else 0 for i in ids]
    values = [predictors["splice model: max delta (DS) +-50 nt"](scores[i], pairs[i]) for i in ids]
    distance_values = [predictors["baseline: -distance to splice site"](scores[i], pairs[i]) for i in ids]
    print(f"\nVexSeq all, SNVs and indels: {len(ids)} scored, {sum(labels)} SDV")
    print(f"  {'splice model: max delta (DS) +-50 nt':38s} {auroc(values, labels):7.4f} {auprc(values, labels):7.4f}")
    print(f"  {'baseline: -distance to splice site':38s} {auroc(distance_values, labels):7.4f} "
          f"{auprc(distance_values, labels):7.4f}")
PY
