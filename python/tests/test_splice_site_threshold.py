"""scripts/splice_site_eval.py `windows` and `threshold`, which chose `predict --threshold` for the splice-site model
(docs/splice-sites.md, "Calibration"): on a hand-made labelled shard and hand-written bedGraphs the called counts,
precision, recall and the threshold where precision meets recall are the hand-worked ones, and positions labelled
-100 are never counted."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from conftest import REPO

SCRIPT = str(REPO / "scripts" / "splice_site_eval.py")


def write_shard(prefix, windows, labels):
    tokens = "".join(windows).encode()
    np.frombuffer(tokens, dtype=np.uint8).tofile(f"{prefix}.tokens")
    np.array(np.cumsum([0] + [len(w) for w in windows]), dtype="<u8").tofile(f"{prefix}.index")
    np.array([x for row in labels for x in row], dtype=np.int8).tofile(f"{prefix}.labels")


def write_bedgraph(path, scores):  # {window: [score per position]}, runs of equal scores merged as predict does
    lines = ["# tool: test", "track type=bedGraph name=test"]
    for w, values in scores.items():
        start = 0
        for i in range(1, len(values) + 1):
            if i == len(values) or values[i] != values[start]:
                lines.append(f"w{w}\t{start}\t{i}\t{values[start]}")
                start = i
    path.write_text("\n".join(lines) + "\n")


def test_windows_and_threshold_count_by_hand(tmp_path):
    prefix = str(tmp_path / "shard.valid")
    windows = ["ACGTACGTAC", "GGGGGCCCCC"]
    write_shard(prefix, windows, [[0, 1, 0, 0, -100, 0, 2, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0, 2, 0]])
    subprocess.run([sys.executable, SCRIPT, "windows", prefix, str(tmp_path / "w.fa")], check=True)
    assert (tmp_path / "w.fa").read_text() == ">w0\nACGTACGTAC\n>w1\nGGGGGCCCCC\n"

    acceptor = {0: [0.01, 0.9, 0.6, 0.01, 0.95, 0.01, 0.01, 0.01, 0.01, 0.01],  # 0.95: a -100 position
                1: [0.02, 0.02, 0.02, 0.4, 0.02, 0.7, 0.02, 0.02, 0.02, 0.02]}
    donor = {0: [0.0] * 6 + [0.8] + [0.0] * 3, 1: [0.0] * 8 + [0.3, 0.0]}
    write_bedgraph(tmp_path / "a.bg", acceptor)
    write_bedgraph(tmp_path / "d.bg", donor)
    out = subprocess.run([sys.executable, SCRIPT, "threshold", prefix, "--model", f"{tmp_path}/a.bg,{tmp_path}/d.bg",
                          "--thresholds", "0.5"], check=True, capture_output=True, text=True).stdout
    acceptor_text, donor_text = out.split("donor:")
    assert "acceptor: 2 sites in 19 labelled nt" in acceptor_text
    # >= 0.5: 0.9 (a site), 0.6, 0.7; not the 0.95 at the ignored position
    assert "threshold 0.5: 3 called, precision 0.333, recall 0.500" in acceptor_text
    # k = 2: the two best are 0.9 (site) and 0.7 (not): precision = recall = 0.5 at 0.7
    assert "precision = recall = 0.500 at threshold 0.7" in acceptor_text
    assert "threshold 0.5: 1 called, precision 1.000, recall 0.500" in donor_text
    assert "precision = recall = 1.000 at threshold 0.3" in donor_text

    write_bedgraph(tmp_path / "short.bg", {0: acceptor[0]})  # window 1 has no scores
    missing = subprocess.run([sys.executable, SCRIPT, "threshold", prefix, "--model",
                              f"{tmp_path}/short.bg,{tmp_path}/d.bg"], capture_output=True, text=True)
    assert missing.returncode != 0 and "short.bg: 10 positions of w1 have no score" in missing.stderr
