#!/usr/bin/env python3
"""Position-weight-matrix baseline on a finetune split (docs/finetuning.md, "StatLog").

Usage: pwm_baseline.py FASTA LABELS_TSV SPLIT_TSV [FLANKS]
FLANKS (e.g. 10,20,40; default: the whole window): score only the positions within FLANK nt of the window centre
(index length // 2), FLANK chosen from the list by validation AUROC.
Fits per-position base frequencies (pseudocount 1) of positives and negatives on the `train` rows; the score is the
log-likelihood ratio Σ_i log p_pos(x_i) / p_neg(x_i). The threshold maximising validation accuracy is applied to
the test rows. Prints test accuracy, AUROC (ties counted half) and AUPRC (average precision, baseline_metrics.py) as
JSON. Also used by scripts/chr20_splice_sites.sh (200-nt chr20 windows).
"""
import json
import math
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_metrics import auroc, average_precision, read_class_labels, read_fasta, read_split  # noqa: E402


sequences = read_fasta(sys.argv[1])
labels = read_class_labels(sys.argv[2])
split = read_split(sys.argv[3])
length = len(next(iter(sequences.values())))
flanks = [int(f) for f in sys.argv[4].split(",")] if len(sys.argv) > 4 else [None]
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


def positions(flank):
    return range(length) if flank is None else range(max(0, length // 2 - flank), min(length, length // 2 + flank + 1))


def rows(part, kept):
    names = [n for n, p in split.items() if p == part]
    return [sum(log_ratio[i].get(sequences[n][i], 0.0) for i in kept) for n in names], [labels[n] for n in names]


flank = max(flanks, key=lambda f: auroc(*rows("validation", positions(f)))) if len(flanks) > 1 else flanks[0]
val_scores, val_labels = rows("validation", positions(flank))
best_threshold, best_accuracy = 0.0, -1.0
for threshold in sorted(set(val_scores)):
    accuracy = sum((s >= threshold) == (y == 1) for s, y in zip(val_scores, val_labels)) / len(val_labels)
    if accuracy > best_accuracy:
        best_threshold, best_accuracy = threshold, accuracy
test_scores, test_labels = rows("test", positions(flank))
test_accuracy = sum((s >= best_threshold) == (y == 1) for s, y in zip(test_scores, test_labels)) / len(test_labels)
print(json.dumps({"baseline": "pwm", "test_accuracy": test_accuracy, "test_auroc": auroc(test_scores, test_labels),
                  "flank": flank, "test_auprc": average_precision(test_scores, test_labels),
                  "validation_accuracy": best_accuracy, "test_size": len(test_labels)}))
