#!/usr/bin/env python3
"""Three-class baselines for StatLog's own task (n / ei donor / ie acceptor) on a finetune split
(docs/finetuning.md, "StatLog splice junctions").

Usage: statlog_junction_baseline.py FASTA LABELS_TSV SPLIT_TSV

Both read the `train` rows of SPLIT_TSV (written by `splicebert finetune` beside each best checkpoint), choose their
one setting on the `validation` rows and report accuracy on the `test` rows, as JSON:
- naive Bayes: per-class, per-position base frequencies (pseudocount 1) and class priors; the three-class form of
  the position-weight matrix (StatLog's "Bayes");
- logistic: multinomial logistic regression on the one-hot sequence (4 x 60 indicators; StatLog's "LogDisc"),
  full-batch gradient descent with L2 (grid 1e-4, 1e-3, 1e-2), the L2 and the iteration count chosen on validation
  accuracy. numpy: Debian's python3-numpy, so the driver runs it with /usr/bin/python3.
"""
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_metrics import read_class_labels, read_fasta, read_split  # noqa: E402

BASES = "ACGT"


def one_hot(sequences):
    x = np.zeros((len(sequences), len(sequences[0]) * 4))
    for row, sequence in enumerate(sequences):
        for i, base in enumerate(sequence):
            if base in BASES:
                x[row, 4 * i + BASES.index(base)] = 1.0
    return x


def naive_bayes(x_train, y_train, classes):
    # log P(base at i | class) with pseudocount 1, summed over positions, plus log prior
    weights, priors = [], []
    for c in range(classes):
        counts = x_train[y_train == c].sum(axis=0) + 1.0
        per_position = counts.reshape(-1, 4)
        weights.append(np.log(per_position / per_position.sum(axis=1, keepdims=True)).reshape(-1))
        priors.append(np.log((y_train == c).mean()))
    return lambda x: x @ np.array(weights).T + np.array(priors)


def softmax_regression(x_train, y_train, x_valid, y_valid, classes):
    best = (-1.0, None)
    targets = np.eye(classes)[y_train]
    for l2 in (1e-4, 1e-3, 1e-2):
        w, b = np.zeros((x_train.shape[1], classes)), np.zeros(classes)
        for iteration in range(1, 1001):
            z = x_train @ w + b
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            grad = (p - targets) / len(y_train)
            w -= 0.5 * (x_train.T @ grad + l2 * w)
            b -= 0.5 * grad.sum(axis=0)
            if iteration % 50 == 0:
                accuracy = ((x_valid @ w + b).argmax(axis=1) == y_valid).mean()
                if accuracy > best[0]:
                    best = (accuracy, (w.copy(), b.copy(), l2, iteration))
    w, b, l2, iterations = best[1]
    return (lambda x: x @ w + b), {"l2": l2, "iterations": iterations, "validation_accuracy": best[0]}


def main():
    sequences = read_fasta(sys.argv[1])
    labels = read_class_labels(sys.argv[2])
    split = read_split(sys.argv[3])
    parts = {}
    for part in ("train", "validation", "test"):
        names = [n for n, p in split.items() if p == part]
        parts[part] = (one_hot([sequences[n] for n in names]), np.array([labels[n] for n in names]))
    classes = int(max(labels.values())) + 1
    (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = parts["train"], parts["validation"], parts["test"]
    bayes = naive_bayes(x_train, y_train, classes)
    logistic, chosen = softmax_regression(x_train, y_train, x_valid, y_valid, classes)
    accuracy = lambda model, x, y: float((model(x).argmax(axis=1) == y).mean())
    print(json.dumps({"test_size": int(len(y_test)),
                      "naive_bayes": {"test_accuracy": accuracy(bayes, x_test, y_test)},
                      "logistic": {"test_accuracy": accuracy(logistic, x_test, y_test), **chosen}}))


if __name__ == "__main__":
    main()
