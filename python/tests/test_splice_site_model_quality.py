"""The shipped models/splice-site still finds splice sites: on the held-out GRCh37 chr22 20-21 Mb region (never used
in training or validation), scored through `splicebert predict --tracks` over the RefSeq gene spans, its top-k
accuracy per channel must beat a floor set by the position weight matrix fitted on the training data (docs/
splice-sites.md, "Held-out results": PWM acceptor 0.216, donor 0.262). A retrained, replaced or broken model (or a
broken caller: strands, coordinates, stitching) falls below it. Labels come from the annotation here, not from the
code under test: acceptor = last intron base, donor = first intron base, on the intron's strand."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, run_cli

DATA = Path(os.environ.get("SPLICEBERT_DATA", REPO.parent / "shared" / "data")) / "genome" / "hg19-annotations-debian"
PWM_TOPK = {"acceptor": 0.2164, "donor": 0.2618}  # docs/splice-sites.md, the PWM baseline on the same region


def read_track(path: Path) -> dict[int, float]:
    values = {}
    for line in path.read_text().splitlines():
        if line.startswith(("#", "track")):
            continue
        _, start, _, value = line.split("\t")
        values[int(start)] = float(value)
    return values


def test_shipped_model_beats_the_pwm_floor_on_held_out_chr22(tmp_path):
    fasta = DATA / "22_20-21M.fa"
    genes = DATA / "derived" / "refseq.hg19.22_20-21M.local.genes.bed6"
    introns = DATA / "derived" / "refseq.hg19.22_20-21M.local.introns.bed6"
    if not fasta.is_file():
        pytest.fail(f"missing test data {fasta}")
    prefix = tmp_path / "t"
    run_cli("predict", "-q", "-t", "2", "-m", str(REPO / "models" / "splice-site"), "-f", str(fasta), "-a",
            str(genes), "--tracks", str(prefix), "-o", str(tmp_path / "sites.bed"))
    sites = {(channel, strand): set() for channel in ("acceptor", "donor") for strand in "+-"}
    for line in introns.read_text().splitlines():
        _, start, end, _, _, strand = line.split("\t")[:6]
        start, end = int(start), int(end)
        first, last = (start, end - 1) if strand == "+" else (end - 1, start)
        sites[("donor", strand)].add(first)
        sites[("acceptor", strand)].add(last)
    for channel in ("acceptor", "donor"):
        scores, labels = [], []
        for strand, name in (("+", "plus"), ("-", "minus")):
            track = read_track(Path(f"{prefix}.{channel}.{name}.bedGraph"))
            true = sites[(channel, strand)]
            scores += list(track.values())
            labels += [position in true for position in track]
        scores, labels = np.array(scores), np.array(labels)
        k = int(labels.sum())
        assert k > 100, f"{channel}: only {k} annotated sites inside the scored gene spans"
        top = np.argsort(-scores, kind="stable")[:k]
        topk = labels[top].mean()
        assert topk > PWM_TOPK[channel], f"{channel}: top-k accuracy {topk:.3f} not above the PWM's {PWM_TOPK[channel]}"
