"""docs/python.md's walkthrough (python/examples/walkthrough.py) runs from start to end and prints every step."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO


def test_walkthrough_runs(tmp_path):
    script = REPO / "python" / "examples" / "walkthrough.py"
    result = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True,
                            env=dict(os.environ), timeout=600)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in ("last_hidden_state (467, 192)", "donor_G>A: scored", "test metrics:", "site(s) called",
                     "logits (1, 200, 1)"):
        assert expected in out, out
    assert (tmp_path / "run" / "summary.json").is_file()
