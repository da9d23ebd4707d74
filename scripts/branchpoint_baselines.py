#!/usr/bin/env python3
"""Branchpoint baselines on the cross-validation folds of a finetune run (docs/finetuning.md, "BPP branchpoints").

Usage: branchpoint_baselines.py FASTA LABELS_TSV SEED_DIR [--flank 5] [--l2 1e-3,1e-2] [--epochs 100] [--lr 0.1]
                                [--train-split SPLIT_TSV] [--predictions BEDGRAPH]

FASTA / LABELS_TSV: branchpoint_prepare.py's output (3'-terminal intron regions, transcript orientation, the 3' end
= the last nucleotide; token labels 1 / 0 / '.'). SEED_DIR: OUT/run/seed<S> of `splicebert finetune`, whose
fold<F>/best/split.tsv give each fold's train / validation / test records. Scored: every labelled (0/1) nucleotide of
the test records of each fold; reported per fold and pooled over the folds (every record is tested once).
Distance d of nucleotide i in a record of length L: d = L - i (d = 1 is the intron's last nucleotide).

- nearest_a: A nucleotides with 18 <= d <= 44, ranked by d ascending within the record (rank 1 = the A closest to the
  3' end); score 1 / rank; every other nucleotide 0.
- is_a: score 1 for A, 0 otherwise (how far base identity alone goes).
- logistic: one-hot of the nucleotides at i-F..i+F (F = --flank) + one-hot distance bin (d < 18, 18-20, 21-23, ...,
  42-44, d > 44); baseline_metrics.SparseLogistic trained on the labelled nucleotides of the fold's train records,
  epoch (patience 10) and L2 (grid) chosen on validation AUPRC. With --train-split (a split TSV NAME<TAB>train|
  validation|test over FASTA's records, e.g. the one given to finetune as "split"): trained once on that file's train
  records, chosen on its validation records, and scored on every fold's test records (the folds' split.tsv then only
  give the test records).
- model: when SEED_DIR/fold<F>/test_predictions.bedgraph exists (`splicebert predict --bedgraph` of the fold's best
  checkpoint over its test records), its per-nucleotide scores on the same nucleotides; with --predictions, the scores
  of that one bedGraph (one model that has seen none of the folds' records) for every fold.
Prints JSON: {method: {"folds": [{fold, auroc, auprc, positions, positives}], "pooled": {...}, "fold_mean": ...}}.
"""
import argparse
import glob
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_metrics import SparseLogistic, auroc, average_precision, mean_sd, read_fasta, read_split  # noqa: E402

BASES = "ACGT"
BINS = [(1, 17)] + [(lo, lo + 2) for lo in range(18, 45, 3)] + [(45, 10 ** 9)]


def distance_bin(d):
    return next(k for k, (lo, hi) in enumerate(BINS) if lo <= d <= hi)


def nearest_a_scores(seq):
    L = len(seq)
    ranked = sorted((L - i, i) for i in range(L) if seq[i] == "A" and 18 <= L - i <= 44)
    scores = [0.0] * L
    for rank, (_, i) in enumerate(ranked, start=1):
        scores[i] = 1.0 / rank
    return scores


def read_bedgraph(path):
    scores = {}
    for line in open(path):
        if line.startswith(("track", "#", "browser")) or not line.strip():
            continue
        name, start, end, value = line.rstrip("\n").split("\t")[:4]
        for i in range(int(start), int(end)):
            scores[(name, i)] = float(value)
    return scores


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("fasta")
    p.add_argument("labels")
    p.add_argument("seed_dir")
    p.add_argument("--flank", type=int, default=5)
    p.add_argument("--l2", default="1e-3,1e-2")
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--train-split", help="train the logistic baseline once on this split's train / validation sets")
    p.add_argument("--predictions", help="model scores of every fold's test records from this one bedGraph")
    a = p.parse_args()

    sequences = read_fasta(a.fasta)
    labels = {}
    for line in open(a.labels):
        if line.strip():
            name, text = line.rstrip("\n").split("\t")[:2]
            labels[name] = text
            assert len(text) == len(sequences[name]), name
    F = a.flank
    dimension = (2 * F + 1) * 4 + len(BINS)

    def features(name, i):
        seq = sequences[name]
        row = [((o + F) * 4 + BASES.index(seq[i + o]), 1.0)
               for o in range(-F, F + 1) if 0 <= i + o < len(seq) and seq[i + o] in BASES]
        row.append(((2 * F + 1) * 4 + distance_bin(len(seq) - i), 1.0))
        return row

    def positions(names):
        return [(n, i) for n in names for i, c in enumerate(labels[n]) if c in "01"]

    nearest = {n: nearest_a_scores(s) for n, s in sequences.items()}
    methods = ["nearest_a", "is_a", "logistic", "model"]
    results = {m: {"folds": []} for m in methods}
    pooled = {m: ([], []) for m in methods}
    fold_dirs = sorted(glob.glob(os.path.join(a.seed_dir, "fold*")), key=lambda d: int(os.path.basename(d)[4:]))
    def names_by_set(path):
        split = {}
        for name, part in read_split(path).items():
            split.setdefault(part, []).append(name)
        return split

    def fit_logistic(split, seed):
        train, validation = positions(split["train"]), positions(split["validation"])
        train_rows = [features(n, i) for n, i in train]
        train_labels = [int(labels[n][i]) for n, i in train]
        validation_rows = [features(n, i) for n, i in validation]
        validation_labels = [int(labels[n][i]) for n, i in validation]
        best = None
        for l2 in [float(x) for x in a.l2.split(",")]:
            model = SparseLogistic(dimension, lr=a.lr, l2=l2, seed=seed)
            value, epoch = model.fit(train_rows, train_labels, validation_rows, validation_labels, epochs=a.epochs,
                                     metric=average_precision, patience=10)
            if best is None or value > best[0]:
                best = (value, epoch, l2, model)
        return best[3], {"validation_auprc": best[0], "best_epoch": best[1], "l2": best[2],
                         "train_positions": len(train), "validation_positions": len(validation)}

    fixed_logistic = fit_logistic(names_by_set(a.train_split), 1) if a.train_split else None
    fixed_predictions = read_bedgraph(a.predictions) if a.predictions else None
    have_model = True
    for fold_dir in fold_dirs:
        fold = int(os.path.basename(fold_dir)[4:])
        split = names_by_set(os.path.join(fold_dir, "best", "split.tsv"))
        test = positions(split["test"])
        truth = [int(labels[n][i]) for n, i in test]
        scores = {"nearest_a": [nearest[n][i] for n, i in test],
                  "is_a": [1.0 if sequences[n][i] == "A" else 0.0 for n, i in test]}
        logistic, logistic_choice = fixed_logistic or fit_logistic(split, fold + 1)
        scores["logistic"] = [logistic.score(features(n, i)) for n, i in test]
        bedgraph = os.path.join(fold_dir, "test_predictions.bedgraph")
        if fixed_predictions is not None:
            scores["model"] = [fixed_predictions[(n, i)] for n, i in test]
        elif os.path.exists(bedgraph):
            predicted = read_bedgraph(bedgraph)
            scores["model"] = [predicted[(n, i)] for n, i in test]
        else:
            have_model = False
        for m, s in scores.items():
            record = {"fold": fold, "auroc": auroc(s, truth), "auprc": average_precision(s, truth),
                      "positions": len(truth), "positives": sum(truth), "records": len(split["test"])}
            if m == "logistic":
                record.update(logistic_choice)
            results[m]["folds"].append(record)
            pooled[m][0].extend(s)
            pooled[m][1].extend(truth)
    if not have_model:
        del results["model"]
    for m in results:
        s, y = pooled[m]
        results[m]["pooled"] = {"auroc": auroc(s, y), "auprc": average_precision(s, y), "positions": len(y),
                                "positives": sum(y)}
        for metric in ("auroc", "auprc"):
            mean, sd = mean_sd([f[metric] for f in results[m]["folds"]])
            results[m][f"fold_mean_{metric}"] = mean
            results[m][f"fold_sd_{metric}"] = sd
    print(json.dumps(results))


if __name__ == "__main__":
    main()
