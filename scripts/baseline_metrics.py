#!/usr/bin/env python3
"""Pure-Python metrics, FASTA / chromosome / split / label reading, label / JSON writing, mean ± sd formatting and a small logistic regression for
the real-data baselines, their data preparation and the drivers' summary tables (docs/finetuning.md).

Imported by chr20_splice_baselines.py, branchpoint_baselines.py, pwm_baseline.py, statlog_junction_baseline.py, the
branchpoint preparation scripts and the summary steps of the *_splice_sites.sh / bpp_branchpoints*.sh drivers
(standard library only, no numpy).
The metric conventions are those of src/train/metrics.cpp:
- auroc: Mann-Whitney U with ties counted half (average ranks); NaN without both classes.
- average_precision (AUPRC): sum over distinct score thresholds, highest first, of (recall step) x precision, tied
  scores entering together (= sklearn average_precision_score); NaN without positives.
Run `python3 scripts/baseline_metrics.py` to check both on hand-worked examples.
"""
import gzip
import json
import math
import random
import sys

NAN = float("nan")


def auroc(scores, labels):
    n = len(scores)
    order = sorted(range(n), key=lambda i: scores[i])
    ranks = [0.0] * n
    i = 0
    while i < n:
        j = i
        while j + 1 < n and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(1 for y in labels if y == 1)
    negatives = n - positives
    if positives == 0 or negatives == 0:
        return NAN
    rank_sum = sum(r for r, y in zip(ranks, labels) if y == 1)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def average_precision(scores, labels):
    positives = sum(1 for y in labels if y == 1)
    if positives == 0:
        return NAN
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    area, previous_recall, true_positives = 0.0, 0.0, 0
    for k, i in enumerate(order):
        true_positives += labels[i] == 1
        if k + 1 < len(order) and scores[order[k + 1]] == scores[i]:
            continue  # a threshold sits between distinct scores only
        recall = true_positives / positives
        area += (recall - previous_recall) * true_positives / (k + 1)
        previous_recall = recall
    return area


def mean_sd(values):
    values = [v for v in values if not (isinstance(v, float) and math.isnan(v))]
    if not values:
        return NAN, NAN
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, NAN
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def format_mean_sd(values, digits=4):
    """'m ± sd' (sample sd) of the values that are not None / NaN; 'm' for one value; 'n/a' for none."""
    values = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not values:
        return "n/a"
    mean, sd = mean_sd(values)
    return f"{mean:.{digits}f}" if len(values) == 1 else f"{mean:.{digits}f} ± {sd:.{digits}f}"


def label_string(labels):
    """Per-nucleotide labels as `finetune` reads them: '1', '0', and '.' (ignored) for anything else (-100, None)."""
    return "".join("1" if v == 1 else "0" if v == 0 else "." for v in labels)


def write_json(path, data):
    """`data` as indented JSON with a final newline."""
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


def branchpoint_method_rows(seeds, names):
    """Summary-table rows '| label | AUPRC per fold | AUROC per fold | AUPRC pooled | AUROC pooled |' for each method
    key of `names` present in every seed's baselines.json (branchpoint_baselines.py): per fold over all (seed, fold)
    pairs, pooled as mean ± sd over seeds."""
    rows = []
    for m, label in names.items():
        if not all(m in s for s in seeds):
            continue
        folds = [f for s in seeds for f in s[m]["folds"]]
        rows.append(f"| {label} | {format_mean_sd([f['auprc'] for f in folds])} | "
                    f"{format_mean_sd([f['auroc'] for f in folds])} | "
                    f"{format_mean_sd([s[m]['pooled']['auprc'] for s in seeds])} | "
                    f"{format_mean_sd([s[m]['pooled']['auroc'] for s in seeds])} |")
    return rows


def read_fasta(path):
    """{name: upper-case sequence}; the name is the header's first word."""
    records, name = {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            name = line[1:].split()[0]
            records[name] = []
        elif name:
            records[name].append(line.upper())
    return {n: "".join(parts) for n, parts in records.items()}


def bare(chrom):
    """The chromosome name without a leading 'chr' (chr20 and 20 name one chromosome)."""
    return chrom[3:] if chrom.lower().startswith("chr") else chrom


def read_chromosome(path, chrom):
    """(record name, upper-case sequence) of the FASTA record named chrom, with or without 'chr'; plain or gzip /
    bgzip. Reads up to the end of that record only. Exits naming the file when there is no such record."""
    opener = gzip.open if path.endswith(".gz") else open
    parts, found, reading = [], None, False
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith(">"):
                if reading:
                    break
                name = line[1:].split()[0]
                reading = bare(name) == bare(chrom)
                if reading:
                    found = name
            elif reading:
                parts.append(line.strip())
    if found is None:
        sys.exit(f"{path}: no record named {chrom} (or chr{bare(chrom)})")
    return found, "".join(parts).upper()


def read_split(path):
    """{name: 'train' | 'validation' | 'test'} of a split TSV (finetune's split.tsv), in file order."""
    return dict(line.rstrip("\n").split("\t") for line in open(path) if line.strip())


def read_class_labels(path):
    """{name: int class} of a sequence-level label TSV (NAME<TAB>CLASS, further columns ignored)."""
    return {n: int(v) for n, v in (line.rstrip("\n").split("\t")[:2] for line in open(path) if line.strip())}


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class SparseLogistic:
    """Logistic regression on sparse rows [(feature index, value), ...], trained by mini-batch gradient descent with
    L2 (on the weights, not the bias). `fit` keeps the weights of the epoch with the best validation score."""

    def __init__(self, dimension, lr=0.1, l2=1e-4, batch_size=32, seed=1):
        self.w = [0.0] * dimension
        self.b = 0.0
        self.lr, self.l2, self.batch_size = lr, l2, batch_size
        self.rng = random.Random(seed)

    def score(self, row):
        w = self.w
        return self.b + sum(w[j] * v for j, v in row)

    def epoch(self, rows, labels):
        order = list(range(len(rows)))
        self.rng.shuffle(order)
        w = self.w
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            gradient = {}
            gradient_bias = 0.0
            for i in batch:
                error = sigmoid(self.score(rows[i])) - labels[i]
                gradient_bias += error
                for j, v in rows[i]:
                    gradient[j] = gradient.get(j, 0.0) + error * v
            step = self.lr / len(batch)
            # L2 applied to the weights the batch touched (lazy L2, the usual sparse approximation)
            for j, g in gradient.items():
                w[j] -= step * g + self.lr * self.l2 * w[j]
            self.b -= step * gradient_bias

    def fit(self, rows, labels, validation_rows, validation_labels, epochs=30, metric=auroc, patience=5):
        best, best_epoch, best_state, stale = -1.0, 0, (list(self.w), self.b), 0
        for epoch in range(1, epochs + 1):
            self.epoch(rows, labels)
            value = metric([self.score(r) for r in validation_rows], validation_labels)
            if value > best:
                best, best_epoch, best_state, stale = value, epoch, (list(self.w), self.b), 0
            else:
                stale += 1
                if stale >= patience:
                    break
        self.w, self.b = list(best_state[0]), best_state[1]
        return best, best_epoch


def _self_test():
    close = lambda a, b: abs(a - b) < 1e-12
    # 4 rows: positives at 0.9 and 0.7, negatives at 0.8 and 0.6. Pairs (pos > neg): 0.9>0.8, 0.9>0.6, 0.7>0.6 = 3/4.
    # AP: recall 1/2 at precision 1/1, recall 1 at precision 2/3: 0.5 * 1 + 0.5 * 2/3 = 5/6.
    assert close(auroc([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]), 0.75)
    assert close(average_precision([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]), 5 / 6)
    # ties: one threshold, precision 1/2 at recall 1; AUROC one tied pair = 1/2
    assert close(auroc([0.5, 0.5], [1, 0]), 0.5)
    assert close(average_precision([0.5, 0.5], [1, 0]), 0.5)
    # positive tied with one of two negatives at the top: threshold 0.8 gives 1 TP of 2 predicted, recall 1 -> 0.5;
    # AUROC: pos vs neg 0.8 tie (0.5) + pos > neg 0.1 (1) = 1.5 / 2
    assert close(average_precision([0.8, 0.8, 0.1], [1, 0, 0]), 0.5)
    assert close(auroc([0.8, 0.8, 0.1], [1, 0, 0]), 0.75)
    # perfect and reversed rankings
    assert close(auroc([3, 2, 1], [1, 1, 0]), 1.0) and close(average_precision([3, 2, 1], [1, 1, 0]), 1.0)
    assert close(auroc([1, 2, 3], [1, 0, 0]), 0.0) and close(average_precision([1, 2, 3], [1, 0, 0]), 1 / 3)
    assert math.isnan(auroc([1, 2], [1, 1])) and math.isnan(average_precision([1, 2], [0, 0]))
    m, s = mean_sd([1.0, 2.0, 3.0])
    assert close(m, 2.0) and close(s, 1.0)
    assert format_mean_sd([1.0, 2.0, 3.0]) == "2.0000 ± 1.0000" and format_mean_sd([0.5]) == "0.5000"
    assert format_mean_sd([None, float("nan")]) == "n/a"
    # the logistic regression separates a trivially separable set
    rows = [[(0, 1.0)], [(1, 1.0)]] * 20
    labels = [1, 0] * 20
    model = SparseLogistic(2, lr=0.5)
    model.fit(rows, labels, rows, labels, epochs=20)
    assert model.score([(0, 1.0)]) > 0 > model.score([(1, 1.0)])
    print("baseline_metrics self-test: ok")


if __name__ == "__main__":
    _self_test()
