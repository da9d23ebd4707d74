#!/usr/bin/env python3
"""Held-out evaluation of per-nucleotide splice-site models on the chr22 20-21 Mb region (docs/splice-sites.md,
"Held-out results").

  splice_site_eval.py spans OUT_DIR [--flank 1000]
      writes OUT_DIR/spans.fa: the scored spans (RefSeq gene spans and Ensembl transcript spans, merged per strand)
      with FLANK nt of context, on the transcript strand, records span<i>_<strand>; and OUT_DIR/spans.json.
  splice_site_eval.py evaluate OUT_DIR --shard PREFIX --model NAME=ACCEPTOR.bedgraph,DONOR.bedgraph ... [--json F]
      fits the two baselines on the training shard PREFIX.train (every position of every window: the windows of
      `splicebert windows --splice-labels`), scores every position of the scored spans with them and with each
      model (`splicebert predict -i OUT_DIR/spans.fa --class 1 / --class 2` bedGraphs), and prints per channel
      top-k accuracy, AUPRC and AUROC against RefSeq and against Ensembl introns, each on its own spans.
  splice_site_eval.py windows PREFIX OUT.fa
      the windows of a labelled shard (e.g. the validation shard PREFIX.valid) as FASTA records w0, w1, ...
  splice_site_eval.py threshold PREFIX --model ACCEPTOR.bedgraph,DONOR.bedgraph [--thresholds 0.1,0.5,...]
      per channel the sites called at each threshold on those windows (predict bedGraphs of OUT.fa), their precision
      and recall, and the threshold where precision and recall meet (how to choose `predict --threshold`).

Scored positions: every nucleotide of the annotation's gene (RefSeq) or transcript (Ensembl) spans, once per strand
(a position inside two spans of one strand counts once, with the maximum score over the records that hold it).
Labels on the transcript strand: donor = first intron base, acceptor = last intron base; every other scored
position is no_splice. The chr22 region is read only here, never by training or validation.

Baselines (numpy only; nothing tuned on the test region):
- PWM log-odds: donor 3 exon + 6 intron nt (the site and the 5 nt after it, the 3 before), acceptor 20 intron + 3
  exon nt (the site, the 19 before and the 3 after); site frequencies over the training sites, background over the
  training positions labelled no_splice, pseudo-count 1.
- Logistic regression on the one-hot +-20 nt context (41 x 4 features + bias), three classes (softmax), fitted by
  full-batch gradient descent with momentum on every training site and a random sample of no_splice positions.
AUROC and AUPRC come from baseline_metrics.py (the conventions of src/train/metrics.cpp); top-k accuracy as
metrics::top_k_accuracy (ties counted by their average).
"""
import argparse
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_metrics import auroc, average_precision, format_mean_sd, read_fasta  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "shared", "data", "genome", "hg19-annotations-debian")
REGION = "22:20000001-21000000"
COMPLEMENT = str.maketrans("ACGTN", "TGCAN")
CHANNELS = ("acceptor", "donor")  # label 1, label 2
DONOR_SPAN = (-3, 6)  # offsets from the site: 3 exon nt before, the site and 5 intron nt after
ACCEPTOR_SPAN = (-19, 4)  # the site (last intron base), 19 intron nt before, 3 exon nt after
CONTEXT = 20  # logistic regression: +-20 nt


def read_bed6(path):
    rows = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 6 and f[0] == REGION:
            rows.append((int(f[1]), int(f[2]), f[3], f[5]))
    return rows


def annotations(data):
    derived = os.path.join(data, "derived")
    return {
        "RefSeq": (read_bed6(os.path.join(derived, "refseq.hg19.22_20-21M.local.genes.bed6")),
                   read_bed6(os.path.join(derived, "refseq.hg19.22_20-21M.local.introns.bed6"))),
        "Ensembl": (read_bed6(os.path.join(derived, "ensembl.GRCh37.22_20-21M.local.tx.bed6")),
                    read_bed6(os.path.join(derived, "ensembl.GRCh37.22_20-21M.local.introns.bed6"))),
    }


def merge(intervals):
    merged = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return merged


def command_spans(args):
    data = args.data
    genome = read_fasta(os.path.join(data, "22_20-21M.fa"))[REGION].upper()
    spans = []
    for strand in "+-":
        intervals = [(s, e) for spans_, _ in annotations(data).values() for s, e, _, st in spans_ if st == strand]
        for s, e in merge(intervals):
            lo, hi = max(0, s - args.flank), min(len(genome), e + args.flank)
            spans.append({"name": f"span{len(spans)}_{'plus' if strand == '+' else 'minus'}", "strand": strand,
                          "start": lo, "end": hi})
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "spans.fa.tmp"), "w") as out:
        for span in spans:
            sequence = genome[span["start"]:span["end"]]
            if span["strand"] == "-":
                sequence = sequence.translate(COMPLEMENT)[::-1]
            out.write(f">{span['name']}\n{sequence}\n")
    os.replace(os.path.join(args.out, "spans.fa.tmp"), os.path.join(args.out, "spans.fa"))
    with open(os.path.join(args.out, "spans.json"), "w") as out:
        json.dump({"region": REGION, "flank": args.flank, "spans": spans}, out, indent=1)
    print(f"{len(spans)} spans, {sum(s['end'] - s['start'] for s in spans)} nt -> {args.out}/spans.fa", file=sys.stderr)


# ---- training shard ---------------------------------------------------------------------------------------------
def read_shard(prefix):
    tokens = np.fromfile(prefix + ".tokens", dtype=np.uint8)
    index = np.fromfile(prefix + ".index", dtype="<u8").astype(np.int64)
    labels = np.fromfile(prefix + ".labels", dtype=np.int8)
    if len(labels) != len(tokens) or index[-1] != len(tokens):
        sys.exit(f"{prefix}: tokens / index / labels disagree")
    return tokens, index, labels


CODE = np.full(256, 4, dtype=np.int8)
for i, b in enumerate(b"ACGT"):
    CODE[b] = i
    CODE[b + 32] = i
CODE[ord("U")] = CODE[ord("u")] = 3


def one_hot(codes):
    """[n] codes 0-3 (4 = other) -> [n, 4] float32, other = all zero."""
    out = np.zeros((len(codes), 5), dtype=np.float32)
    out[np.arange(len(codes)), codes] = 1
    return out[:, :4]


def window_offsets(index, positions):
    """(start, end) of the window that holds each flat position."""
    w = np.searchsorted(index, positions, side="right") - 1
    return index[w], index[w + 1]


def context_rows(codes, index, positions, lo, hi):
    """[n, hi - lo] codes around each flat position, 4 where the context leaves the window."""
    start, end = window_offsets(index, positions)
    offsets = positions[:, None] + np.arange(lo, hi)[None, :]
    inside = (offsets >= start[:, None]) & (offsets < end[:, None])
    return np.where(inside, codes[np.clip(offsets, 0, len(codes) - 1)], 4).astype(np.int8)


def fit_pwm(codes, index, labels, site_label, span):
    lo, hi = span
    sites = np.flatnonzero(labels == site_label)
    rows = context_rows(codes, index, sites, lo, hi)
    counts = np.ones((hi - lo, 4))
    for j in range(hi - lo):
        counts[j] += np.bincount(rows[:, j][rows[:, j] < 4], minlength=4)[:4]
    background = 1.0 + np.bincount(codes[(labels == 0) & (codes < 4)], minlength=4)[:4]
    return np.log(counts / counts.sum(1, keepdims=True)) - np.log(background / background.sum())


def pwm_scores(sequence_codes, log_odds, span):
    lo, hi = span
    n = len(sequence_codes)
    padded = np.concatenate([np.full(-lo, 4, np.int8), sequence_codes, np.full(hi, 4, np.int8)])
    table = np.vstack([log_odds.T, np.zeros((1, log_odds.shape[0]))])  # [5, width]: code 4 adds nothing
    score = np.zeros(n)
    for j in range(hi - lo):
        score += table[padded[j:j + n], j]
    return score


def lr_features(rows):
    n, width = rows.shape
    x = np.zeros((n, width * 4 + 1), dtype=np.float32)
    for j in range(width):
        ok = rows[:, j] < 4
        x[np.flatnonzero(ok), j * 4 + rows[ok, j]] = 1
    x[:, -1] = 1
    return x


def fit_logistic(codes, index, labels, negatives, seed, iterations, lr=0.5, momentum=0.9, l2=1e-4):
    rng = np.random.default_rng(seed)
    sites = np.flatnonzero(labels > 0)
    zeros = np.flatnonzero(labels == 0)
    picked = rng.choice(zeros, size=min(negatives, len(zeros)), replace=False)
    positions = np.concatenate([sites, picked])
    y = labels[positions].astype(np.int64)
    x = lr_features(context_rows(codes, index, positions, -CONTEXT, CONTEXT + 1))
    target = np.eye(3, dtype=np.float32)[y]
    w = np.zeros((x.shape[1], 3), dtype=np.float32)
    velocity = np.zeros_like(w)
    for _ in range(iterations):
        z = x @ (w + momentum * velocity)  # Nesterov look-ahead
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        grad = x.T @ (p - target) / len(y)
        grad[:-1] += l2 * (w + momentum * velocity)[:-1]
        velocity = momentum * velocity - lr * grad
        w += velocity
    return w


def logistic_scores(sequence_codes, w):
    n = len(sequence_codes)
    padded = np.concatenate([np.full(CONTEXT, 4, np.int8), sequence_codes, np.full(CONTEXT, 4, np.int8)])
    z = np.tile(w[-1], (n, 1)).astype(np.float64)
    table = np.zeros((5, 3))
    for j in range(2 * CONTEXT + 1):
        table[:4] = w[j * 4:(j + 1) * 4]
        table[4] = 0
        z += table[padded[j:j + n]]
    z -= z.max(1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(1, keepdims=True)
    return p[:, 1], p[:, 2]


# ---- metrics ----------------------------------------------------------------------------------------------------
def top_k_accuracy(scores, labels):
    scores, labels = np.asarray(scores, dtype=np.float64), np.asarray(labels)
    k = int((labels == 1).sum())
    if k == 0:
        return float("nan")
    threshold = np.sort(scores)[::-1][k - 1]
    above = scores > threshold
    tied = scores == threshold
    hits = (labels[above] == 1).sum() + (k - above.sum()) * (labels[tied] == 1).sum() / tied.sum()
    return float(hits / k)


def channel_metrics(scores, labels):
    s, y = list(map(float, scores)), [int(v) for v in labels]
    return {"topk": top_k_accuracy(scores, labels), "auprc": average_precision(s, y), "auroc": auroc(s, y)}


def read_bedgraph(path, spans_by_name):
    values = {name: np.full(span["end"] - span["start"], np.nan) for name, span in spans_by_name.items()}
    for line in open(path):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        chrom, start, end, value = line.split("\t")[:4]
        if chrom in values:
            values[chrom][int(start):int(end)] = float(value)
    for name, v in values.items():
        if np.isnan(v).any():
            sys.exit(f"{path}: {int(np.isnan(v).sum())} positions of {name} have no score")
    return values


REGION_LENGTH = 1_000_000


def genome_scores(per_record, spans):
    """{strand: [REGION_LENGTH] scores}, each position the maximum over the records that hold it (-inf: none)."""
    out = {strand: np.full(REGION_LENGTH, -np.inf) for strand in "+-"}
    for span in spans:
        v = np.asarray(per_record[span["name"]], dtype=np.float64)
        k = np.arange(len(v))
        g = span["start"] + k if span["strand"] == "+" else span["end"] - 1 - k
        np.maximum.at(out[span["strand"]], g, v)
    return out


def scored_positions(spans_, introns):
    """{strand: positions} of the merged spans and the labels (0 / 1 acceptor / 2 donor) in the same order."""
    positions = {}
    for strand in "+-":
        merged = merge([(s, e) for s, e, _, st in spans_ if st == strand])
        positions[strand] = np.concatenate([np.arange(s, e) for s, e in merged]) if merged else np.zeros(0, int)
    labels = {strand: np.zeros(REGION_LENGTH, dtype=np.int8) for strand in "+-"}
    inside = {strand: np.zeros(REGION_LENGTH, dtype=bool) for strand in "+-"}
    for strand in "+-":
        inside[strand][positions[strand]] = True
    for s, e, _, strand in introns:
        donor, acceptor = (s, e - 1) if strand == "+" else (e - 1, s)
        if not (inside[strand][donor] and inside[strand][acceptor]):
            sys.exit(f"an intron {s}-{e} ({strand}) has a site outside the scored spans")
        labels[strand][donor] = 2
        labels[strand][acceptor] = 1
    return positions, np.concatenate([labels[strand][positions[strand]] for strand in "+-"])


def gather(scores, positions):
    values = np.concatenate([scores[strand][positions[strand]] for strand in "+-"])
    if not np.isfinite(values).all():
        sys.exit("a scored position has no score")
    return values


def command_evaluate(args):
    spans = json.load(open(os.path.join(args.out, "spans.json")))["spans"]
    spans_by_name = {s["name"]: s for s in spans}
    records = read_fasta(os.path.join(args.out, "spans.fa"))
    methods = {}  # name -> {channel: {(strand, pos): score}}
    for entry in args.model:
        name, files = entry.split("=", 1)
        acceptor_file, donor_file = files.split(",")
        methods[name] = {"acceptor": genome_scores(read_bedgraph(acceptor_file, spans_by_name), spans),
                         "donor": genome_scores(read_bedgraph(donor_file, spans_by_name), spans)}
    if args.baselines_from:  # the baselines' rows of an earlier run (same shard, same spans): not fitted again
        previous = json.load(open(args.baselines_from))
        results = {}
        for annotation, (spans_, introns) in annotations(args.data).items():
            positions, y = scored_positions(spans_, introns)
            results[annotation] = {k: previous[annotation][k] for k in ("positions", "acceptors", "donors")}
            results[annotation]["methods"] = {
                m: {ch: channel_metrics(gather(channels[ch], positions), (y == label).astype(int))
                    for label, ch in ((1, "acceptor"), (2, "donor"))} for m, channels in methods.items()}
            for m in ("PWM", "logistic +-20 nt"):
                results[annotation]["methods"][m] = previous[annotation]["methods"][m]
        if args.json:
            with open(args.json, "w") as out:
                json.dump(results, out, indent=1)
        print_table(results, list(methods))
        return
    tokens, index, labels = read_shard(args.shard + ".train")
    codes = CODE[tokens]
    print(f"baselines: {len(index) - 1} training windows, {(labels == 1).sum()} acceptors, {(labels == 2).sum()} donors",
          file=sys.stderr)
    pwm = {"donor": fit_pwm(codes, index, labels, 2, DONOR_SPAN), "acceptor": fit_pwm(codes, index, labels, 1, ACCEPTOR_SPAN)}
    w = fit_logistic(codes, index, labels, args.negatives, args.seed, args.iterations)
    pwm_method = {"acceptor": {}, "donor": {}}
    lr_method = {"acceptor": {}, "donor": {}}
    for name, sequence in records.items():
        c = CODE[np.frombuffer(sequence.upper().encode(), dtype=np.uint8)]
        per = {"acceptor": pwm_scores(c, pwm["acceptor"], ACCEPTOR_SPAN), "donor": pwm_scores(c, pwm["donor"], DONOR_SPAN)}
        acc, don = logistic_scores(c, w)
        for channel, v in per.items():
            pwm_method[channel][name] = v
        lr_method["acceptor"][name], lr_method["donor"][name] = acc, don
    methods["PWM"] = {ch: genome_scores(pwm_method[ch], spans) for ch in CHANNELS}
    methods["logistic +-20 nt"] = {ch: genome_scores(lr_method[ch], spans) for ch in CHANNELS}

    results = {}
    for annotation, (spans_, introns) in annotations(args.data).items():
        positions, y = scored_positions(spans_, introns)
        results[annotation] = {"positions": len(y), "acceptors": int((y == 1).sum()),
                               "donors": int((y == 2).sum()), "methods": {}}
        for method, channels in methods.items():
            results[annotation]["methods"][method] = {
                ch: channel_metrics(gather(channels[ch], positions), (y == label).astype(int))
                for label, ch in ((1, "acceptor"), (2, "donor"))}
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)
    print_table(results, [m for m in methods if m not in ("PWM", "logistic +-20 nt")])


def print_table(results, models):
    print("| introns | method | acceptor top-k | acceptor AUPRC | acceptor AUROC | donor top-k | donor AUPRC | donor AUROC |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for annotation, r in results.items():
        rows = []
        if models:
            rows.append((f"fine-tuned ({len(models)} seeds, mean ± sd)",
                         [[r["methods"][m][ch][k] for m in models] for ch in CHANNELS for k in ("topk", "auprc", "auroc")]))
            for m in models:
                rows.append((m, [[r["methods"][m][ch][k]] for ch in CHANNELS for k in ("topk", "auprc", "auroc")]))
        for m in ("PWM", "logistic +-20 nt"):
            rows.append((m, [[r["methods"][m][ch][k]] for ch in CHANNELS for k in ("topk", "auprc", "auroc")]))
        label = f"{annotation} ({r['acceptors']} acc., {r['donors']} don., {r['positions']:,} nt)"
        for name, cells in rows:
            text = [format_mean_sd(c) if len(c) > 1 else f"{c[0]:.4f}" for c in cells]
            print(f"| {label} | {name} | " + " | ".join(text) + " |")


def command_windows(args):
    tokens, index, _ = read_shard(args.prefix)
    with open(args.out, "w") as f:
        for w in range(len(index) - 1):
            f.write(f">w{w}\n{tokens[index[w]:index[w + 1]].tobytes().decode()}\n")


def command_threshold(args):
    _, index, labels = read_shard(args.prefix)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    windows = {f"w{w}": {"start": 0, "end": int(index[w + 1] - index[w])} for w in range(len(index) - 1)}
    kept = labels != -100
    for label, (channel, path) in enumerate(zip(CHANNELS, args.model.split(",")), start=1):
        per_window = read_bedgraph(path, windows)  # fails, naming the file, where a position has no score
        scores = np.concatenate([per_window[f"w{w}"] for w in range(len(index) - 1)])
        s, y = scores[kept], labels[kept] == label
        print(f"{channel}: {int(y.sum())} sites in {int(kept.sum()):,} labelled nt")
        for t in thresholds:
            called = s >= t
            hits = int((called & y).sum())
            precision = hits / called.sum() if called.sum() else float("nan")
            print(f"  threshold {t:g}: {int(called.sum())} called, precision {precision:.3f}, "
                  f"recall {hits / y.sum():.3f}")
        k = int(y.sum())  # the threshold where as many are called as there are sites: precision = recall
        meet = np.sort(s)[::-1][k - 1]
        print(f"  precision = recall = {y[s >= meet].mean():.3f} at threshold {meet:.4g}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    spans = sub.add_parser("spans")
    spans.add_argument("out")
    spans.add_argument("--flank", type=int, default=1000)
    spans.add_argument("--data", default=DATA)
    evaluate = sub.add_parser("evaluate")
    evaluate.add_argument("out")
    evaluate.add_argument("--shard", required=True, help="the PREFIX given to `windows` (PREFIX.train is read)")
    evaluate.add_argument("--model", action="append", default=[], help="NAME=ACCEPTOR.bedgraph,DONOR.bedgraph")
    evaluate.add_argument("--negatives", type=int, default=200000, help="no_splice positions for the logistic fit")
    evaluate.add_argument("--iterations", type=int, default=300)
    evaluate.add_argument("--seed", type=int, default=1)
    evaluate.add_argument("--json")
    evaluate.add_argument("--baselines-from", help="take the PWM and logistic rows from this earlier --json")
    evaluate.add_argument("--data", default=DATA)
    windows = sub.add_parser("windows")
    windows.add_argument("prefix")
    windows.add_argument("out")
    threshold = sub.add_parser("threshold")
    threshold.add_argument("prefix")
    threshold.add_argument("--model", required=True, help="ACCEPTOR.bedgraph,DONOR.bedgraph")
    threshold.add_argument("--thresholds", default="0.1,0.3,0.5,0.7,0.9,0.99")
    args = parser.parse_args()
    {"spans": command_spans, "evaluate": command_evaluate, "windows": command_windows,
     "threshold": command_threshold}[args.command](args)


if __name__ == "__main__":
    main()
