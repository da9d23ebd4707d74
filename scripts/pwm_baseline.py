#!/usr/bin/env python3
"""Position-weight-matrix baseline on a finetune split (docs/finetuning.md, "StatLog").

Usage: pwm_baseline.py FASTA LABELS_TSV SPLIT_TSV
Fits per-position base frequencies (pseudocount 1) of positives and negatives on the `train` rows; the score is the
log-likelihood ratio Σ_i log p_pos(x_i) / p_neg(x_i). The threshold maximising validation accuracy is applied to
the test rows. Prints test accuracy and AUROC (ties counted half) as JSON.
"""
import json
import math
import sys


def read_fasta(path):
    records, name = {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            name = line[1:].split()[0]
            records[name] = ""
        elif name:
            records[name] += line.upper()
    return records


def auroc(scores, labels):
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(labels)
    negatives = len(labels) - positives
    rank_sum = sum(r for r, y in zip(ranks, labels) if y == 1)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


sequences = read_fasta(sys.argv[1])
labels = {n: int(v) for n, v in (line.rstrip("\n").split("\t")[:2] for line in open(sys.argv[2]))}
split = {n: s for n, s in (line.rstrip("\n").split("\t") for line in open(sys.argv[3]))}
length = len(next(iter(sequences.values())))
counts = {c: [{b: 1.0 for b in "ACGT"} for _ in range(length)] for c in (0, 1)}
for name, part in split.items():
    if part != "train":
        continue
    for i, base in enumerate(sequences[name]):
        if base in "ACGT":
            counts[labels[name]][i][base] += 1
log_ratio = []
for i in range(length):
    total = {c: sum(counts[c][i].values()) for c in (0, 1)}
    log_ratio.append({b: math.log(counts[1][i][b] / total[1]) - math.log(counts[0][i][b] / total[0]) for b in "ACGT"})


def score(sequence):
    return sum(log_ratio[i].get(b, 0.0) for i, b in enumerate(sequence))


def rows(part):
    names = [n for n, p in split.items() if p == part]
    return [score(sequences[n]) for n in names], [labels[n] for n in names]


val_scores, val_labels = rows("validation")
best_threshold, best_accuracy = 0.0, -1.0
for threshold in sorted(set(val_scores)):
    accuracy = sum((s >= threshold) == (y == 1) for s, y in zip(val_scores, val_labels)) / len(val_labels)
    if accuracy > best_accuracy:
        best_threshold, best_accuracy = threshold, accuracy
test_scores, test_labels = rows("test")
test_accuracy = sum((s >= best_threshold) == (y == 1) for s, y in zip(test_scores, test_labels)) / len(test_labels)
print(json.dumps({"baseline": "pwm", "test_accuracy": test_accuracy, "test_auroc": auroc(test_scores, test_labels),
                  "validation_accuracy": best_accuracy, "test_size": len(test_labels)}))
