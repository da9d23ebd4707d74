#!/usr/bin/env python3
"""k-mer / one-hot logistic-regression baseline on a finetune split (docs/finetuning.md, "Human chr20 splice sites").

Usage: chr20_splice_baselines.py FASTA LABELS_TSV SPLIT_TSV [--flank 20] [--k 3] [--l2 1e-4,1e-3] [--epochs 60]
                                 [--lr 0.05] [--seed 1]

Windows of equal length W (chr20_splice_prepare.py: the site at W // 2). Features of a window:
- one-hot nucleotide at each position within --flank nt of the site (W//2 - flank .. W//2 + flank);
- counts of every k-mer (default 3-mers, 64) in the upstream half (before W//2) and, separately, in the downstream half
  (from W//2), each z-scored with the train rows' mean and sd.
Logistic regression (baseline_metrics.SparseLogistic: mini-batch 32 gradient descent, L2 on the weights) is trained on
the `train` rows of SPLIT_TSV (written by `splicebert finetune` in OUT/seed*/fold*/best/); the epoch (early stopping,
patience 5) and the L2 strength (grid --l2) are chosen on validation AUROC; the chosen model scores the `test` rows.
Prints JSON: test AUROC and AUPRC (average precision), the validation AUROC, the chosen epoch and L2.
"""
import argparse
import itertools
import json
import math
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_metrics import (SparseLogistic, auroc, average_precision, read_class_labels, read_fasta,  # noqa: E402
                              read_split)

BASES = "ACGT"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("fasta")
    p.add_argument("labels")
    p.add_argument("split")
    p.add_argument("--flank", type=int, default=20)
    p.add_argument("--k", type=int, default=3)
    p.add_argument("--l2", default="1e-4,1e-3")
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    sequences = read_fasta(a.fasta)
    labels = read_class_labels(a.labels)
    split = read_split(a.split)
    lengths = {len(s) for s in sequences.values()}
    if len(lengths) != 1:
        sys.exit(f"{a.fasta}: windows of different lengths {sorted(lengths)[:5]}")
    w = lengths.pop()
    h = w // 2
    lo, hi = max(0, h - a.flank), min(w, h + a.flank + 1)
    kmers = {"".join(t): i for i, t in enumerate(itertools.product(BASES, repeat=a.k))}
    onehot_dim = (hi - lo) * 4
    dimension = onehot_dim + 2 * len(kmers)

    def kmer_counts(seq):
        counts = [0.0] * (2 * len(kmers))
        for i in range(len(seq) - a.k + 1):
            j = kmers.get(seq[i:i + a.k])
            if j is not None:
                counts[j + (len(kmers) if i >= h else 0)] += 1  # k-mers starting downstream of the site: second half
        return counts

    parts = {"train": [], "validation": [], "test": []}
    for name, part in split.items():
        parts[part].append(name)
    counts = {n: kmer_counts(sequences[n]) for names in parts.values() for n in names}
    train_counts = [counts[n] for n in parts["train"]]
    mean = [sum(c[j] for c in train_counts) / len(train_counts) for j in range(2 * len(kmers))]
    sd = [math.sqrt(sum((c[j] - mean[j]) ** 2 for c in train_counts) / len(train_counts)) or 1.0
          for j in range(2 * len(kmers))]

    def features(name):
        seq = sequences[name]
        row = [((i - lo) * 4 + BASES.index(seq[i]), 1.0) for i in range(lo, hi) if seq[i] in BASES]
        row += [(onehot_dim + j, (c - mean[j]) / sd[j]) for j, c in enumerate(counts[name])]
        return row

    data = {part: ([features(n) for n in names], [labels[n] for n in names]) for part, names in parts.items()}
    best = None
    for l2 in [float(x) for x in a.l2.split(",")]:
        model = SparseLogistic(dimension, lr=a.lr, l2=l2, seed=a.seed)
        value, epoch = model.fit(*data["train"], *data["validation"], epochs=a.epochs)
        if best is None or value > best[0]:
            best = (value, epoch, l2, model)
    value, epoch, l2, model = best
    test_rows, test_labels = data["test"]
    scores = [model.score(r) for r in test_rows]
    print(json.dumps({"baseline": "kmer_logreg", "flank": a.flank, "k": a.k, "l2": l2, "best_epoch": epoch,
                      "validation_auroc": value, "test_auroc": auroc(scores, test_labels),
                      "test_auprc": average_precision(scores, test_labels), "test_size": len(test_labels),
                      "test_positives": sum(test_labels), "train_size": len(data["train"][1])}))


if __name__ == "__main__":
    main()
