"""POST /predict on the tiny-heads fixture checkpoints (token and sequence heads) against their PyTorch goldens.
Texts, shapes and tolerances come from $SPLICEBERT_FIXTURES/tiny-heads/manifest.json (ctest labels fixtures, server)."""
import json
import os
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "server"))
from serve_helpers import BIN  # noqa: E402

FIXTURES = os.environ.get("SPLICEBERT_FIXTURES") or os.environ.get(
    "SPLICEBERT_FIXTURES_DEFAULT", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "fixtures"))
HEADS = os.path.join(FIXTURES, "tiny-heads")


def manifest():
    with open(os.path.join(HEADS, "manifest.json")) as f:
        return json.load(f)


def cases():
    if not os.path.exists(os.path.join(HEADS, "manifest.json")):
        return []
    return [c for c in manifest()["cases"] if c["head"] in ("token", "sequence")]


@pytest.mark.parametrize("case", cases(), ids=lambda c: c["name"])
def test_predict_matches_goldens(case):
    m = manifest()
    atol = m["files"][case["name"] + "/expected/logits.npy"]["tolerance"]["atol"]
    expected = np.load(os.path.join(HEADS, case["name"], "expected", "logits.npy"))
    process = subprocess.Popen([BIN, "serve", "-m", os.path.join(HEADS, case["name"], "checkpoint-multimolecule"),
                                "--port", "0", "-t", "1", "--access-log", ""],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = process.stdout.readline().strip().split("listening on ")[1]
        for _ in range(300):
            try:
                with urllib.request.urlopen(url + "health", timeout=5) as r:
                    if r.status == 200:
                        break
            except Exception:
                time.sleep(0.1)
        req = urllib.request.Request(url + "predict", data=json.dumps({"sequences": case["texts"]}).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            out = json.loads(r.read())
        assert out["head"] == case["head"] and out["num_labels"] == case["num_labels"]
        for b, logits in enumerate(out["logits"]):
            got = np.array(logits, dtype=np.float64)
            want = expected[b, :case["nucleotides"][b]] if case["head"] == "token" else expected[b]
            assert got.shape == want.shape, case["name"]
            assert np.max(np.abs(got - want)) <= atol, case["name"]
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_fixture_folder_present():
    if not cases():
        pytest.skip("no tiny-heads fixture under " + HEADS)
