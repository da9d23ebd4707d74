#!/usr/bin/python3
"""Draw the loss curve of a `splicebert pretrain` run to a PNG.

Usage: python3 scripts/plot_loss.py RUN/train_log.jsonl [-o loss.png] [--smooth 50]

Reads the JSONL log (one record per step and per validation), keeps the last record of each step (a resumed run
may have rewritten some), and plots the training loss (raw and a running mean over --smooth steps), the validation
loss, and the learning rate on a second axis. Needs python3-matplotlib (scripts/setup.sh installs it).
"""
import argparse
import json
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402


def read_log(path):
    steps, validations = {}, {}
    with open(path, encoding="utf-8") as log:
        for number, line in enumerate(log, 1):
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                print(f"{path}:{number}: skipped a line that is not JSON", file=sys.stderr)
                continue
            kind = record.get("type")
            if kind == "step":
                steps[record["step"]] = record
            elif kind == "validation":
                validations[record["step"]] = record
    return [steps[k] for k in sorted(steps)], [validations[k] for k in sorted(validations)]


def running_mean(values, window):
    out, total = [], 0.0
    for i, value in enumerate(values):
        total += value
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", help="train_log.jsonl of a run")
    parser.add_argument("-o", "--output", default="loss.png", help="PNG to write (default: loss.png)")
    parser.add_argument("--smooth", type=int, default=50, help="running-mean window in steps (default: 50)")
    args = parser.parse_args()

    steps, validations = read_log(args.log)
    if not steps:
        sys.exit(f"{args.log}: no step records")
    x = [r["step"] for r in steps]
    loss = [r["loss"] if r["loss"] is not None else float("nan") for r in steps]

    figure, axis = plt.subplots(figsize=(9, 5))
    axis.plot(x, loss, color="tab:blue", alpha=0.25, linewidth=0.8, label="training loss")
    axis.plot(x, running_mean(loss, max(1, args.smooth)), color="tab:blue", label=f"training loss, mean of {args.smooth}")
    if validations:
        axis.plot([r["step"] for r in validations], [r["loss"] for r in validations], "o-", color="tab:red",
                  label="validation loss")
    axis.set_xlabel("optimiser step")
    axis.set_ylabel("MLM cross-entropy (nats)")
    axis.grid(alpha=0.3)
    lr_axis = axis.twinx()
    lr_axis.plot(x, [r["lr"] for r in steps], color="tab:gray", linestyle="--", linewidth=0.8, label="learning rate")
    lr_axis.set_ylabel("learning rate")
    lines = axis.get_legend_handles_labels()
    lr_lines = lr_axis.get_legend_handles_labels()
    axis.legend(lines[0] + lr_lines[0], lines[1] + lr_lines[1], loc="upper right")
    stage_starts = [r["step"] for i, r in enumerate(steps) if i and r["stage"] != steps[i - 1]["stage"]]
    for start in stage_starts:
        axis.axvline(start, color="black", linewidth=0.6, alpha=0.5)
    figure.tight_layout()
    figure.savefig(args.output, dpi=120)
    print(f"wrote {args.output} ({len(steps)} steps, {len(validations)} validations)")


if __name__ == "__main__":
    main()
