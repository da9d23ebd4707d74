#!/usr/bin/env python3
"""BPP-demo introns with Mercer branchpoint labels for token fine-tuning (docs/finetuning.md, "BPP branchpoints").

Usage: branchpoint_prepare.py OUT_DIR [--bpp-dir DIR] [--region 200] [--records same-3ss|all]

Inputs (DIR = SPLICEBERT_DATA/branchpoint/bpp-demo): example.fa (86 hg19 introns in transcript orientation, header
GENE|chrom|start1|end1|strand|intron|BPs|ID with 1-based inclusive intron coordinates) and
derived/mercer_records_in_bpp_introns.hg19.bed (the 54 Mercer records overlapping them: chrom start0 end name labels
strand; labels 1 / 0 / -100 per nucleotide in genomic order; name TX:A-B;... (the annotated intron, 0-based
half-open) | branchpoint_region(18-44nt) | the transcript-strand bases of the non-zero labels, genomic order).
Writes OUT_DIR/branchpoint.fa, branchpoint.labels.tsv (NAME<TAB>one char per nt: 1, 0, or '.' = ignored),
introns.tsv (one row per record) and prepare_stats.json. Standard library only.

- One record per distinct intron 3' end (introns of the demo that share a 3' end are merged; the longest one's
  sequence is used, its ID names the record; the merged IDs are listed in introns.tsv).
- Region: the last R nucleotides of the intron (the whole intron when shorter), transcript orientation.
- Labels: nucleotide i of the intron (0-based, transcript orientation) is genomic start1 - 1 + i ('+') or
  end1 - 1 - i ('-'); a Mercer record's label k (genomic order) is at genomic start0 + k. With --records same-3ss
  (default) only the Mercer records whose annotated intron has this 3' end are used (their 18-44 nt window is defined
  relative to it); with `all`, every overlapping Mercer record (also those of an alternative 3' end nearby). Where two
  records label one nucleotide: 1 wins, then -100 (ignored), then 0. Unlabelled nucleotides are '.'.
- Records without any labelled (0/1) nucleotide in the region are dropped (counted).
- Checks (the script stops otherwise): every header coordinate matches the sequence length, introns are GT...AG, the
  name's bases equal the sequence at the non-zero labels, the BPP header's branchpoint bases equal the sequence, and
  with same-3ss every labelled nucleotide lies 18-44 nt upstream of the 3' end (distance 1 = the intron's last
  nucleotide) and most positives (> 50%) are on A.
- Names: `PREFIX|ID|CHROM:POS(STRAND)` with POS the 1-based intron 3'-end nucleotide; PREFIX = ID, or `ID+ID...` for
  records whose regions overlap on the genome (either strand) so that `group_by: prefix` never splits shared sequence.
"""
import argparse
import os
import sys
from collections import Counter, defaultdict

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_metrics import label_string, read_fasta, write_json  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
data = os.environ.get("SPLICEBERT_DATA", os.path.join(here, "..", "..", "shared", "data"))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--bpp-dir", default=os.path.join(data, "branchpoint", "bpp-demo"))
    p.add_argument("--region", type=int, default=200)
    p.add_argument("--records", choices=("same-3ss", "all"), default="same-3ss")
    a = p.parse_args()
    R = a.region

    introns = []
    for header, seq in read_fasta(os.path.join(a.bpp_dir, "example.fa")).items():  # headers have no spaces
        f = header.split("|")
        gene, chrom, start1, end1, strand, _, bps, iid = f[0], f[1], int(f[2]), int(f[3]), f[4], f[5], f[6], f[7]
        assert len(seq) == end1 - start1 + 1, header
        assert seq[:2] == "GT" and seq[-2:] == "AG", header
        three = end1 - 1 if strand == "+" else start1 - 1  # 0-based genomic 3'-end nucleotide
        introns.append({"gene": gene, "chrom": chrom, "start1": start1, "end1": end1, "strand": strand, "id": iid,
                        "seq": seq, "three": three, "bpp": bps})

    mercer = []
    for line in open(os.path.join(a.bpp_dir, "derived", "mercer_records_in_bpp_introns.hg19.bed")):
        chrom, s, e, name, labels, strand = line.rstrip("\n").split("\t")
        s, e = int(s), int(e)
        labels = [int(x) for x in labels.split(",")]
        assert len(labels) == e - s, line
        parts = name.split("|")
        ends = set()
        for tx in parts[0].split(";"):
            lo, hi = (int(x) for x in tx.split(":")[1].split("-"))
            ends.add(hi - 1 if strand == "+" else lo)  # 0-based 3'-end nucleotide of the annotated intron
        mercer.append({"chrom": chrom, "start": s, "end": e, "strand": strand, "labels": labels, "ends": ends,
                       "bases": parts[2].split(",") if len(parts) > 2 else None, "name": name})

    stats = {"bpp_introns": len(introns), "distinct_3ss": 0, "mercer_records": len(mercer), "region": R,
             "records_policy": a.records}
    stats["mercer_all"] = {"positives": sum(l == 1 for m in mercer for l in m["labels"]),
                           "negatives": sum(l == 0 for m in mercer for l in m["labels"]),
                           "ignored": sum(l == -100 for m in mercer for l in m["labels"]),
                           "records_with_several_3ss": sum(len(m["ends"]) > 1 for m in mercer)}

    by_end = defaultdict(list)
    for intron in introns:
        by_end[(intron["chrom"], intron["strand"], intron["three"])].append(intron)
    stats["distinct_3ss"] = len(by_end)

    base_checks, conflicts, used_records = 0, Counter(), set()
    positives_on = Counter()
    bpp_vs_mercer = Counter()
    mercer_positive_bases = Counter()
    records = []
    for key, group in sorted(by_end.items(), key=lambda kv: introns.index(kv[1][0])):
        main_intron = max(group, key=lambda i: len(i["seq"]))
        chrom, strand, three = key
        seq = main_intron["seq"]
        L = len(seq)
        start0 = main_intron["start1"] - 1
        labels = [None] * L
        for n, m in enumerate(mercer):
            if m["chrom"] != chrom or m["strand"] != strand:
                continue
            if m["end"] <= start0 or m["start"] >= main_intron["end1"]:
                continue
            # bases named in the record: the transcript-strand bases at its non-zero labels, genomic order
            got = []
            for k, value in enumerate(m["labels"]):
                g = m["start"] + k
                i = g - start0 if strand == "+" else main_intron["end1"] - 1 - g
                if value != 0:
                    got.append(seq[i] if 0 <= i < L else None)
            if m["bases"] is not None and None not in got:
                assert got == m["bases"], (m["name"], got)
                base_checks += 1
            if a.records == "same-3ss" and three not in m["ends"]:
                continue
            used_records.add(n)
            for k, value in enumerate(m["labels"]):
                g = m["start"] + k
                i = g - start0 if strand == "+" else main_intron["end1"] - 1 - g
                if not 0 <= i < L:
                    continue
                old = labels[i]
                if old is not None and old != value:
                    conflicts[f"{old}/{value}"] += 1
                rank = {1: 2, -100: 1, 0: 0}
                if old is None or rank[value] > rank[old]:
                    labels[i] = value
        for i, value in enumerate(labels):
            if value == 1:
                mercer_positive_bases[seq[i]] += 1
        # the branchpoints in the BPP headers (chrom_start0_end_BASE, from BPP's own sources) vs the Mercer labels
        for bp in sorted({bp for intron in group for bp in intron["bpp"].split(";") if bp}):
            _, b0, _, base = bp.rsplit("_", 3)
            i = int(b0) - start0 if strand == "+" else main_intron["end1"] - 1 - int(b0)
            if 0 <= i < L:
                assert seq[i] == base, (main_intron["id"], bp)
                if i >= L - R:
                    bpp_vs_mercer[{None: "unlabelled", 1: "1", 0: "0", -100: "ignored"}[labels[i]]] += 1
        region_start = max(0, L - R)
        region, region_labels = seq[region_start:], labels[region_start:]
        distances = [L - i for i in range(region_start, L) if labels[i] in (0, 1)]
        pos_distances = [L - i for i in range(region_start, L) if labels[i] == 1]
        if a.records == "same-3ss":
            assert all(18 <= d <= 44 for d in distances), (main_intron["id"], sorted(distances))
        for i in range(region_start, L):
            if labels[i] == 1:
                positives_on[seq[i]] += 1
        g_lo, g_hi = ((main_intron["end1"] - len(region), main_intron["end1"]) if strand == "+"
                      else (start0, start0 + len(region)))
        records.append({"id": main_intron["id"], "gene": main_intron["gene"], "chrom": chrom, "strand": strand,
                        "three": three, "merged": [i["id"] for i in group], "intron_length": L,
                        "seq": region, "labels": region_labels, "labelled": len(distances),
                        "positives": len(pos_distances), "pos_distances": pos_distances,
                        "genomic": (chrom, g_lo, g_hi)})

    stats["base_checks_passed"] = base_checks
    stats["mercer_records_used"] = len(used_records)
    stats["label_conflicts"] = dict(conflicts)
    stats["bpp_header_branchpoints_in_regions_by_mercer_label"] = dict(bpp_vs_mercer)
    stats["positives_in_whole_introns_by_base"] = dict(mercer_positive_bases)
    kept = [r for r in records if r["labelled"] > 0]
    stats["records_without_labels_dropped"] = len(records) - len(kept)
    stats["records"] = len(kept)
    stats["labelled_positions"] = sum(r["labelled"] for r in kept)
    stats["positives"] = sum(r["positives"] for r in kept)
    stats["positives_by_base"] = dict(positives_on)
    all_distances = [d for r in kept for d in r["pos_distances"]]
    stats["positive_distance_range"] = [min(all_distances), max(all_distances)] if all_distances else None
    stats["records_without_positive"] = sum(r["positives"] == 0 for r in kept)
    stats["region_lengths"] = [min(len(r["seq"]) for r in kept), max(len(r["seq"]) for r in kept)]
    if a.records == "same-3ss" and stats["positives"]:
        assert positives_on["A"] / stats["positives"] > 0.5, positives_on

    # unique IDs, then groups of records whose regions overlap on the genome (either strand)
    ids = Counter(r["id"] for r in kept)
    for r in kept:
        if ids[r["id"]] > 1:
            r["id"] = f"{r['id']}@{r['chrom']}:{r['three'] + 1}"
    order = sorted(range(len(kept)), key=lambda k: kept[k]["genomic"])
    clusters = []
    for k in order:
        chrom, lo, hi = kept[k]["genomic"]
        if clusters and clusters[-1]["chrom"] == chrom and lo < clusters[-1]["end"]:
            clusters[-1]["end"] = max(clusters[-1]["end"], hi)
            clusters[-1]["members"].append(k)
        else:
            clusters.append({"chrom": chrom, "end": hi, "members": [k]})
    for c in clusters:
        prefix = "+".join(kept[k]["id"] for k in c["members"])
        for k in c["members"]:
            kept[k]["prefix"] = prefix
    stats["groups"] = len(clusters)
    stats["groups_with_several_records"] = ["+".join(kept[k]["id"] for k in c["members"])
                                            for c in clusters if len(c["members"]) > 1]

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "branchpoint.fa"), "w") as fa, \
            open(os.path.join(a.out, "branchpoint.labels.tsv"), "w") as tsv, \
            open(os.path.join(a.out, "introns.tsv"), "w") as table:
        table.write("name\tgene\tmerged_ids\tintron_length\tregion_length\tlabelled\tpositives\t"
                    "positive_distances_from_3prime_end\n")
        for r in kept:
            name = f"{r['prefix']}|{r['id']}|{r['chrom']}:{r['three'] + 1}({r['strand']})"
            r["name"] = name
            fa.write(f">{name}\n{r['seq']}\n")
            tsv.write(name + "\t" + label_string(r["labels"]) + "\n")
            table.write(f"{name}\t{r['gene']}\t{','.join(r['merged'])}\t{r['intron_length']}\t{len(r['seq'])}\t"
                        f"{r['labelled']}\t{r['positives']}\t{','.join(map(str, sorted(r['pos_distances'])))}\n")
    write_json(os.path.join(a.out, "prepare_stats.json"), stats)
    print(f"branchpoints: {len(introns)} BPP introns, {len(by_end)} distinct 3' ends, {len(kept)} with Mercer labels "
          f"in the last {R} nt ({stats['records_without_labels_dropped']} without dropped), {stats['groups']} groups; "
          f"{stats['labelled_positions']} labelled nucleotides, {stats['positives']} positives "
          f"({positives_on['A']} on A), distances {stats['positive_distance_range']} nt from the 3' end; "
          f"{len(used_records)} of {len(mercer)} Mercer records used ({a.records})", file=sys.stderr)


if __name__ == "__main__":
    main()
