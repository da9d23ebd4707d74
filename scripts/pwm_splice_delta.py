#!/usr/bin/env python3
"""PWM delta of REF/ALT sequence pairs: the position-weight-matrix counterpart of the splice-site model's deltas
(docs/splice-sites.md, "VexSeq").

Usage: pwm_splice_delta.py GENOME_FA[.gz] INTRONS_BED6 PAIRS_TSV OUT_TSV [DISTANCE]
Fits a donor PWM (3 exon + 6 intron nt around the first intron base) and an acceptor PWM (20 intron + 3 exon nt
around the last intron base) on the introns of INTRONS_BED6 (transcript strand, pseudocount 1, uniform background),
turns each log-odds score into a site probability with a 1:1000 prior (sigmoid(LLR - ln 1000)), and writes, for
every pair whose REF and ALT have the same length (substitutions), the largest |ALT - REF| probability change of
either channel within DISTANCE (default 50) nt of `pos`. Other pairs get '.'.
"""
import csv
import gzip
import math
import sys

COMPLEMENT = str.maketrans("ACGTN", "TGCAN")
DONOR = (3, 6)       # exon nt before the first intron base, intron nt from it
ACCEPTOR = (20, 3)   # intron nt up to and including the last intron base, exon nt after it


def read_fasta(path):
    opener = gzip.open if path.endswith(".gz") else open
    sequences, name, parts = {}, None, []
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith(">"):
                if name is not None:
                    sequences[name] = "".join(parts).upper()
                name, parts = line[1:].split()[0], []
            else:
                parts.append(line.strip())
    if name is not None:
        sequences[name] = "".join(parts).upper()
    return sequences


def fit(motifs, length):
    counts = [{b: 1.0 for b in "ACGT"} for _ in range(length)]
    for m in motifs:
        for i, b in enumerate(m):
            if b in "ACGT":
                counts[i][b] += 1
    return [{b: math.log(c[b] / sum(c.values()) / 0.25) for b in "ACGT"} for c in counts]


def probability(pwm, motif):
    llr = sum(pwm[i].get(b, 0.0) for i, b in enumerate(motif))
    return 1 / (1 + math.exp(-(llr - math.log(1000))))


def main():
    genome_path, introns_path, pairs_path, out_path = sys.argv[1:5]
    distance = int(sys.argv[5]) if len(sys.argv) > 5 else 50
    genome = read_fasta(genome_path)
    donors, acceptors = [], []
    for line in open(introns_path):
        chrom, start, end, _, _, strand = line.split("\t")[:6]
        seq, start, end = genome.get(chrom) or genome.get(chrom.removeprefix("chr")), int(start), int(end)
        if seq is None or start < 20 or end + 20 > len(seq):
            continue
        if strand.strip() == "+":
            donors.append(seq[start - 3:start + 6])
            acceptors.append(seq[end - 20:end + 3])
        else:
            donors.append(seq[end - 6:end + 3][::-1].translate(COMPLEMENT))
            acceptors.append(seq[start - 3:start + 20][::-1].translate(COMPLEMENT))
    donor, acceptor = fit(donors, 9), fit(acceptors, 23)
    print(f"pwm_splice_delta: {len(donors)} donors, {len(acceptors)} acceptors fitted", file=sys.stderr)

    def site_probabilities(seq, i):  # donor with first intron base i, acceptor with last intron base i
        d = seq[i - 3:i + 6]
        a = seq[i - 19:i + 4]
        return (probability(donor, d) if i >= 3 and len(d) == 9 else None,
                probability(acceptor, a) if i >= 19 and len(a) == 23 else None)

    with open(pairs_path) as f, open(out_path, "w") as out:
        out.write("id\tpwm_delta\n")
        for r in csv.DictReader(f, delimiter="\t"):
            ref, alt, pos = r["ref"].upper(), r["alt"].upper(), int(r["pos"])
            if len(ref) != len(alt):
                out.write(f"{r['id']}\t.\n")
                continue
            best = 0.0
            for i in range(max(0, pos - distance), min(len(ref), pos + distance + 1)):
                for before, after in zip(site_probabilities(ref, i), site_probabilities(alt, i)):
                    if before is not None and after is not None:
                        best = max(best, abs(after - before))
            out.write(f"{r['id']}\t{best:.6g}\n")


main()
