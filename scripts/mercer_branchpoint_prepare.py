#!/usr/bin/env python3
"""Genome-wide Mercer branchpoint records on hg19 chr20 / chrX as token fine-tuning data (docs/finetuning.md,
"BPP branchpoints").

Usage: mercer_branchpoint_prepare.py OUT_DIR [--region 200] [--mercer FILE] [--bpp-introns FILE]
                                     [--chr20 FASTA] [--chrx FASTA] [--exclude-margin 1000]

Inputs: SPLICEBERT_DATA/branchpoint/mercer/mercer_dataset.hg19.bed.gz (plain gzip BED: chrom start0 end name labels
strand; 27 labels per region, genomic order, 1 / 0 / -100; name TX:A-B[;TX:A-B...]|branchpoint_region(18-44nt)|BASES,
A-B the annotated intron, 0-based half-open; BASES = transcript-strand bases at the non-zero labels, genomic order),
SPLICEBERT_DATA/branchpoint/bpp-demo/derived/bpp_introns.hg19.bed6 (the BPP-demo introns, excluded with a margin), and
the hg19 sequence that scripts/prepare_pretraining_data.sh writes: build-data/pretrain/fasta/20.fa.gz (whole chr20,
record `20`) and build-data/pretrain/fasta/X.fa (chrX 1-70 Mb, record `X`). Standard library only.

Writes OUT_DIR/mercer.fa, mercer.labels.tsv (NAME<TAB>one char per nt: 1, 0, or '.' = ignored) and
prepare_stats.json:
- Records on chr20 / chrX whose window lies within the sequence we have and has no N; records whose 27-nt region is
  within --exclude-margin nt of a BPP-demo intron (either strand) are dropped, so no BPP test sequence is trained on.
- One record per distinct intron 3' end (chrom, strand, 3'-end nucleotide; Mercer records sharing it are merged; where
  two label one nucleotide: 1 wins, then -100, then 0). Window: the last R nt of the longest annotated intron with
  that 3' end (the whole intron when shorter), transcript orientation (reverse complement for '-'; labels reversed
  with it), as branchpoint_prepare.py does for the BPP introns.
- Checks (the script stops otherwise): every record has one 3' end; the name's bases equal the sequence at the
  non-zero labels (>= 99% of records); the intron ends in AG for most (>= 90%) records (the fraction is reported);
  every labelled nucleotide lies 18-44 nt upstream of the 3' end (distance 1 = the intron's last nucleotide); > 50% of
  the positives are on A.
- Names `LOCUS|TX|CHROM:POS(STRAND)` (POS = 1-based 3'-end nucleotide, TX = the first transcript of the record);
  LOCUS = `CHROM:LO-HI` (1-based span) of the records whose windows lie within R nt of each other on the genome
  (either strand), so `group_by: prefix` or a split by LOCUS never splits shared or adjacent sequence.
"""
import argparse
import gzip
import os
import sys
from collections import Counter, defaultdict

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_metrics import label_string, read_chromosome, write_json  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
data = os.environ.get("SPLICEBERT_DATA", os.path.join(here, "..", "..", "shared", "data"))
fasta_dir = os.path.join(here, "..", "build-data", "pretrain", "fasta")
COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


def read_one_record(path, record):
    """The sequence of FASTA record `record` (with or without 'chr'), upper case; plain or bgzip/gzip."""
    if not os.path.exists(path):
        sys.exit(f"mercer_branchpoint_prepare: {path} is missing; it is written by scripts/prepare_pretraining_data.sh "
                 "(hg19 chr20 / chrX for pre-training); run that first or pass --chr20 / --chrx")
    return read_chromosome(path, record)[1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--region", type=int, default=200)
    p.add_argument("--mercer", default=os.path.join(data, "branchpoint", "mercer", "mercer_dataset.hg19.bed.gz"))
    p.add_argument("--bpp-introns", default=os.path.join(data, "branchpoint", "bpp-demo", "derived",
                                                         "bpp_introns.hg19.bed6"))
    p.add_argument("--chr20", default=os.path.join(fasta_dir, "20.fa.gz"))
    p.add_argument("--chrx", default=os.path.join(fasta_dir, "X.fa"))
    p.add_argument("--exclude-margin", type=int, default=1000)
    a = p.parse_args()
    R, margin = a.region, a.exclude_margin

    genome = {"chr20": read_one_record(a.chr20, "20"), "chrX": read_one_record(a.chrx, "X")}
    bpp = defaultdict(list)
    for line in open(a.bpp_introns):
        chrom, s, e = line.split("\t")[:3]
        bpp[chrom].append((int(s), int(e)))

    stats = {"region": R, "exclude_margin": margin, "sequence_lengths": {c: len(s) for c, s in genome.items()},
             "mercer_records": Counter(), "outside_sequence": Counter(), "near_bpp_intron": Counter(),
             "window_with_n": Counter(), "used_records": Counter()}
    groups = defaultdict(list)  # (chrom, strand, 3'-end nucleotide) -> its Mercer records
    with gzip.open(a.mercer, "rt") as f:
        for line in f:
            chrom, s, e, name, labels, strand = line.rstrip("\n").split("\t")
            if chrom not in genome:
                continue
            stats["mercer_records"][chrom] += 1
            s, e = int(s), int(e)
            labels = [int(x) for x in labels.split(",")]
            assert len(labels) == e - s, line
            fields = name.split("|")
            introns = []
            for tx in fields[0].split(";"):
                tx_id, span = tx.split(":")
                lo, hi = (int(x) for x in span.split("-"))
                introns.append((tx_id, lo, hi))
            ends = {hi - 1 if strand == "+" else lo for _, lo, hi in introns}
            assert len(ends) == 1, f"record with several 3' ends: {line}"
            if any(s < be + margin and e > bs - margin for bs, be in bpp.get(chrom, [])):
                stats["near_bpp_intron"][chrom] += 1
                continue
            groups[(chrom, strand, ends.pop())].append({"start": s, "labels": labels, "introns": introns,
                                                        "bases": fields[2].split(",") if len(fields) > 2 else None})

    by_end = {}
    name_checks = Counter()
    rank = {1: 2, -100: 1, 0: 0}
    for (chrom, strand, three), members in groups.items():
        length = max(hi - lo for m in members for _, lo, hi in m["introns"])
        w = min(R, length)
        g_lo, g_hi = (three + 1 - w, three + 1) if strand == "+" else (three, three + w)
        seq = genome[chrom]
        if g_lo < 0 or g_hi > len(seq) or max(m["start"] + len(m["labels"]) for m in members) > len(seq):
            stats["outside_sequence"][chrom] += len(members)
            continue
        window = seq[g_lo:g_hi]
        if strand == "-":
            window = window.translate(COMPLEMENT)[::-1]
        if "N" in window:
            stats["window_with_n"][chrom] += len(members)
            continue
        stats["used_records"][chrom] += len(members)

        def index(g):  # transcript-orientation index of genomic nucleotide g in the window
            return g - g_lo if strand == "+" else g_hi - 1 - g

        labels = [None] * w
        for m in members:
            positions = [index(m["start"] + k) for k in range(len(m["labels"]))]
            if m["bases"] is not None and all(0 <= i < w for i in positions):
                got = [window[i] for i, v in zip(positions, m["labels"]) if v != 0]
                name_checks["equal" if got == m["bases"] else "different"] += 1
            for i, v in zip(positions, m["labels"]):
                if 0 <= i < w and (labels[i] is None or rank[v] > rank[labels[i]]):
                    labels[i] = v
        by_end[(chrom, strand, three)] = {"chrom": chrom, "strand": strand, "three": three, "window": window,
                                          "genomic": (g_lo, g_hi), "tx": members[0]["introns"][0][0],
                                          "labels": labels, "records": len(members)}

    records = [r for r in by_end.values() if any(v in (0, 1) for v in r["labels"])]
    stats["distinct_3prime_ends"] = len(by_end)
    stats["records_without_labels_dropped"] = len(by_end) - len(records)
    stats["records"] = len(records)
    stats["records_by_chrom"] = Counter(r["chrom"] for r in records)
    stats["merged_mercer_records"] = sum(r["records"] - 1 for r in records)
    stats["name_base_checks"] = dict(name_checks)
    ag = sum(r["window"].endswith("AG") for r in records)
    stats["ends_in_ag_fraction"] = ag / len(records)
    stats["last_dinucleotides_not_ag"] = dict(Counter(r["window"][-2:] for r in records
                                                      if not r["window"].endswith("AG")).most_common(8))
    positives_on, distances = Counter(), Counter()
    for r in records:
        L = len(r["window"])
        for i, v in enumerate(r["labels"]):
            if v in (0, 1):
                distances[L - i] += 1
            if v == 1:
                positives_on[r["window"][i]] += 1
    stats["labelled_positions"] = sum(distances.values())
    stats["positives"] = sum(positives_on.values())
    stats["positives_by_base"] = dict(positives_on)
    stats["records_without_positive"] = sum(1 not in r["labels"] for r in records)
    stats["labelled_distance_range"] = [min(distances), max(distances)]
    stats["window_lengths"] = [min(len(r["window"]) for r in records), max(len(r["window"]) for r in records)]
    stats["windows_shorter_than_region"] = sum(len(r["window"]) < R for r in records)

    failures = []
    if name_checks["equal"] < 0.99 * sum(name_checks.values()):
        failures.append(f"the Mercer name bases differ from the sequence in {name_checks['different']} records")
    if stats["ends_in_ag_fraction"] < 0.9:
        failures.append(f"only {stats['ends_in_ag_fraction']:.3f} of the introns end in AG")
    if not (18 <= min(distances) and max(distances) <= 44):
        failures.append(f"labelled nucleotides at {min(distances)}-{max(distances)} nt from the 3' end, not 18-44")
    if positives_on["A"] <= 0.5 * stats["positives"]:
        failures.append(f"only {positives_on['A']} of {stats['positives']} positives on A")

    # loci: windows (either strand) within R nt of each other on the genome
    records.sort(key=lambda r: (r["chrom"], r["genomic"]))
    loci = []
    for r in records:
        lo, hi = r["genomic"]
        if loci and loci[-1]["chrom"] == r["chrom"] and lo < loci[-1]["end"] + R:
            loci[-1]["end"] = max(loci[-1]["end"], hi)
            loci[-1]["members"].append(r)
        else:
            loci.append({"chrom": r["chrom"], "start": lo, "end": hi, "members": [r]})
    for locus in loci:
        for r in locus["members"]:
            r["name"] = (f"{locus['chrom']}:{locus['start'] + 1}-{locus['end']}|{r['tx']}|"
                         f"{r['chrom']}:{r['three'] + 1}({r['strand']})")
    stats["loci"] = len(loci)
    stats["loci_with_several_records"] = sum(len(l["members"]) > 1 for l in loci)
    stats["largest_locus"] = max(len(l["members"]) for l in loci)
    assert len({r["name"] for r in records}) == len(records)

    print(f"mercer: {sum(stats['mercer_records'].values())} records on chr20/chrX, "
          f"{sum(stats['outside_sequence'].values())} outside the sequence, "
          f"{sum(stats['near_bpp_intron'].values())} within {margin} nt of a BPP intron (excluded), "
          f"{sum(stats['window_with_n'].values())} with N; {len(records)} windows (distinct 3' ends) in {len(loci)} "
          f"loci; {stats['labelled_positions']} labelled nucleotides, {stats['positives']} positives "
          f"({positives_on['A']} on A); AG ends {stats['ends_in_ag_fraction']:.3f}; name bases equal "
          f"{name_checks['equal']}/{sum(name_checks.values())}", file=sys.stderr)
    if failures:  # before any output, so a failed check leaves no files
        sys.exit("mercer_branchpoint_prepare: check failed: " + "; ".join(failures))
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "mercer.fa"), "w") as fa, open(os.path.join(a.out, "mercer.labels.tsv"), "w") as tsv:
        for r in records:
            fa.write(f">{r['name']}\n{r['window']}\n")
            tsv.write(r["name"] + "\t" + label_string(r["labels"]) + "\n")
    write_json(os.path.join(a.out, "prepare_stats.json"), stats)


if __name__ == "__main__":
    main()
