#!/usr/bin/env python3
"""Human chr20 splice-site windows for fine-tuning (docs/finetuning.md, "Human chr20 splice sites").

Usage: chr20_splice_prepare.py OUT_DIR [--fasta 20.fa.gz] [--introns I.bed6] [--genes G.bed6] [--window 200]
                               [--max-positives 3000] [--negatives-per-positive 2] [--seed 1]

Writes OUT_DIR/{donor,acceptor}.fa + .labels.tsv (NAME<TAB>0/1) for `splicebert finetune --preset splice-site`, and
OUT_DIR/prepare_stats.json. Standard library only (reads the bgzip FASTA with the gzip module).

- Positives: the ends of the RefSeq chr20 "introns" (gaps between exons merged per gene; BED6, 0-based half-open).
  Donor = the intron's first nucleotide on the gene strand, kept when the intron starts with GT; acceptor = its last
  nucleotide, kept when it ends with AG. A site named by several introns (same position + strand) is kept once.
- Windows: W nucleotides on the transcript strand (reverse complement for '-'), the site at 0-based index W // 2
  (donor: G of GT at W//2, T at W//2 + 1; acceptor: G of AG at W//2, A at W//2 - 1). Windows running off the
  chromosome or holding anything but A/C/G/T are skipped (counted).
- Loci: gene spans (any strand) that lie within W nt of each other are merged into one locus, so that windows of two
  loci never share sequence; every window of a locus gets the same name prefix (`group_by: prefix` = held-out loci).
  Prefix = the gene's Entrez ID, or `ID+ID+...` (start order) for a multi-gene locus.
- Subsampling: with --max-positives N > 0, N positives per task drawn (seeded) from all valid ones.
- Negatives: per locus, negatives-per-positive x (kept positives of that locus) positions drawn uniformly (seeded,
  rejection sampling) from the gene bodies of the locus, on the gene's strand, whose dinucleotide is GT (donor task)
  / AG (acceptor task) placed as for positives, that are not an annotated intron end of that kind on that strand
  (any annotated one, canonical or not, kept or not), with a valid window, each position once.
- Names: `PREFIX|donor|20:POS(STRAND)|pos` or `|neg` (POS 1-based position of the site nucleotide).
"""
import argparse
import bisect
import json
import os
import random
import sys
from collections import Counter, defaultdict

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_metrics import bare, read_chromosome  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
data = os.environ.get("SPLICEBERT_DATA", os.path.join(here, "..", "..", "shared", "data"))
derived = os.path.join(data, "genome", "hg19-annotations-debian", "derived")
COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


def revcomp(s):
    return s.translate(COMPLEMENT)[::-1]


def read_bed6(path):
    rows = []
    for line in open(path):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        f = line.rstrip("\n").split("\t")
        rows.append((f[0], int(f[1]), int(f[2]), f[3], f[5]))
    return rows


def window(seq, site, strand, w):
    """W nt on the transcript strand with the site nucleotide (0-based genomic) at index W // 2, or None."""
    h = w // 2
    start = site - h if strand == "+" else site + h + 1 - w
    if start < 0 or start + w > len(seq):
        return None
    s = seq[start:start + w]
    if strand == "-":
        s = revcomp(s)
    if s.strip("ACGT"):
        return None
    return s


def dinucleotide(seq, site, strand, kind):
    """Donor: the site and the next nucleotide (GT); acceptor: the previous nucleotide and the site (AG), both on
    the transcript strand."""
    if kind == "donor":
        return seq[site:site + 2] if strand == "+" else revcomp(seq[site - 1:site + 1])
    return seq[site - 1:site + 1] if strand == "+" else revcomp(seq[site:site + 2])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--fasta", default=os.path.join(here, "..", "build-data", "pretrain", "fasta", "20.fa.gz"))
    p.add_argument("--introns", default=os.path.join(derived, "refseq.hg19.20.introns.bed6"))
    p.add_argument("--genes", default=os.path.join(derived, "refseq.hg19.20.genes.bed6"))
    p.add_argument("--window", type=int, default=200)
    p.add_argument("--max-positives", type=int, default=3000, help="per task; 0 = all")
    p.add_argument("--negatives-per-positive", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    w = a.window
    if w < 4:
        sys.exit("--window must be at least 4")

    genes = read_bed6(a.genes)
    introns = read_bed6(a.introns)
    chroms = {bare(g[0]) for g in genes} | {bare(i[0]) for i in introns}
    if len(chroms) != 1:
        sys.exit(f"one chromosome expected in the annotation, got {sorted(chroms)}")
    record, seq = read_chromosome(a.fasta, genes[0][0])
    chrom = genes[0][0]
    print(f"{a.fasta}: record {record}, {len(seq):,} nt; {len(genes)} genes, {len(introns)} introns", file=sys.stderr)

    # loci: gene spans (any strand) within W nt of each other merged
    order = sorted(range(len(genes)), key=lambda k: (genes[k][1], genes[k][2]))
    loci, gene_locus = [], {}
    for k in order:
        _, s, e, name, strand = genes[k]
        if loci and s - loci[-1]["end"] < w:
            loci[-1]["end"] = max(loci[-1]["end"], e)
            loci[-1]["genes"].append(k)
        else:
            loci.append({"start": s, "end": e, "genes": [k]})
    for n, locus in enumerate(loci):
        ids = [genes[k][3] for k in locus["genes"]]
        locus["prefix"] = "+".join(ids)
        for k in locus["genes"]:
            gene_locus[genes[k][3]] = n
    if len({l["prefix"] for l in loci}) != len(loci):
        sys.exit("locus prefixes are not unique (a gene ID at several loci?)")
    gene_ids = Counter(g[3] for g in genes)
    if max(gene_ids.values()) > 1:
        sys.exit(f"gene IDs occur twice in {a.genes}: {[g for g, c in gene_ids.items() if c > 1][:5]}")

    # annotated sites: (site, strand) -> intron names
    annotated = {"donor": defaultdict(list), "acceptor": defaultdict(list)}
    for _, s, e, name, strand in introns:
        donor, acceptor = (s, e - 1) if strand == "+" else (e - 1, s)
        annotated["donor"][(donor, strand)].append(name)
        annotated["acceptor"][(acceptor, strand)].append(name)

    rng = random.Random(a.seed)
    stats = {"fasta": os.path.abspath(a.fasta), "record": record, "window": w, "seed": a.seed,
             "genes": len(genes), "introns": len(introns), "loci": len(loci),
             "multi_gene_loci": sum(len(l["genes"]) > 1 for l in loci),
             "max_genes_per_locus": max(len(l["genes"]) for l in loci), "tasks": {}}
    os.makedirs(a.out, exist_ok=True)
    for kind, motif in (("donor", "GT"), ("acceptor", "AG")):
        st = {"annotated_sites": len(annotated[kind]), "dinucleotides": Counter(), "noncanonical": 0,
              "bad_window": 0, "several_introns": 0, "no_locus": 0}
        valid = []  # (site, strand, locus, window)
        for (site, strand), names in sorted(annotated[kind].items()):
            d = dinucleotide(seq, site, strand, kind)
            st["dinucleotides"][d] += 1
            if d != motif:
                st["noncanonical"] += 1
                continue
            if len(names) > 1:
                st["several_introns"] += 1
            gene = names[0].rsplit("_intron", 1)[0]
            if gene not in gene_locus:
                st["no_locus"] += 1
                continue
            win = window(seq, site, strand, w)
            if win is None:
                st["bad_window"] += 1
                continue
            valid.append((site, strand, gene_locus[gene], win))
        st["valid_positives"] = len(valid)
        if 0 < a.max_positives < len(valid):
            valid = sorted(rng.sample(valid, a.max_positives))
        st["positives"] = len(valid)

        # negatives per locus, uniform over the locus's gene bodies per strand (merged intervals)
        wanted = Counter(l for _, _, l, _ in valid)
        taken = set()
        negatives = []
        rejected = Counter()
        for n in sorted(wanted):
            need = a.negatives_per_positive * wanted[n]
            pieces = []  # (strand, start, end) merged per strand
            for strand in "+-":
                spans = sorted((genes[k][1], genes[k][2]) for k in loci[n]["genes"] if genes[k][4] == strand)
                for s, e in spans:
                    if pieces and pieces[-1][0] == strand and s <= pieces[-1][2]:
                        pieces[-1] = (strand, pieces[-1][1], max(pieces[-1][2], e))
                    else:
                        pieces.append((strand, s, e))
            cumulative, total = [], 0
            for _, s, e in pieces:
                total += e - s
                cumulative.append(total)
            tries = 0
            while need > 0:
                tries += 1
                if tries > 2000 * (a.negatives_per_positive * wanted[n]) + 100000:
                    sys.exit(f"locus {loci[n]['prefix']}: cannot find enough {kind} negatives")
                r = rng.randrange(total)
                piece = bisect.bisect_right(cumulative, r)
                strand, s, e = pieces[piece]
                site = s + r - (cumulative[piece] - (e - s))
                if dinucleotide(seq, site, strand, kind) != motif:
                    continue
                if (site, strand) in annotated[kind]:
                    rejected["annotated"] += 1
                    continue
                if (site, strand) in taken:
                    rejected["repeat"] += 1
                    continue
                win = window(seq, site, strand, w)
                if win is None:
                    rejected["bad_window"] += 1
                    continue
                taken.add((site, strand))
                negatives.append((site, strand, n, win))
                need -= 1
        st["negatives"] = len(negatives)
        st["negative_draws_rejected"] = dict(rejected)
        st["loci_used"] = len(wanted)

        rows = sorted([(s, st_, l, win, 1) for s, st_, l, win in valid] +
                      [(s, st_, l, win, 0) for s, st_, l, win in negatives])
        h = w // 2
        with open(os.path.join(a.out, f"{kind}.fa"), "w") as fa, \
                open(os.path.join(a.out, f"{kind}.labels.tsv"), "w") as tsv:
            for site, strand, n, win, label in rows:
                # the motif sits where the docstring says, for positives and negatives alike
                assert (win[h:h + 2] if kind == "donor" else win[h - 1:h + 1]) == motif, (kind, site, strand)
                name = f"{loci[n]['prefix']}|{kind}|{chrom}:{site + 1}({strand})|{'pos' if label else 'neg'}"
                fa.write(f">{name}\n{win}\n")
                tsv.write(f"{name}\t{label}\n")
        st["dinucleotides"] = dict(st["dinucleotides"].most_common(12))
        stats["tasks"][kind] = st
        print(f"{kind}: {st['annotated_sites']} distinct annotated sites, {st['noncanonical']} not {motif}, "
              f"{st['bad_window']} windows off the chromosome / with N, {st['valid_positives']} valid, "
              f"{st['positives']} positives kept + {st['negatives']} negatives from {st['loci_used']} loci "
              f"({len(loci)} loci, {stats['multi_gene_loci']} with several genes)", file=sys.stderr)
    with open(os.path.join(a.out, "prepare_stats.json"), "w") as f:
        json.dump(stats, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
