"""scripts/trim_positions.py, which cut the shipped splice-site model's position table to its 200 trained positions:
the trimmed folder loads with the new maximum, gives the same outputs as the original on sequences that fit, and
refuses a length past the original's."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from conftest import REPO, run_cli

SCRIPT = str(REPO / "scripts" / "trim_positions.py")


def test_trimmed_model_keeps_outputs_and_has_the_new_maximum(tmp_path):
    source = REPO / "models" / "splice-site"
    trimmed = tmp_path / "trimmed"
    subprocess.run([sys.executable, SCRIPT, str(source), str(trimmed), "120"], check=True)
    info = run_cli("info", "-m", str(trimmed)).stdout
    assert "max_positions\t122\n" in info and "max_nucleotides\t120\n" in info
    assert "task_head\ttoken\n" in info
    # The original's 1,024-position table minus 1,024 - 120 rows of 192 floats.
    original_parameters = int(run_cli("info", "-m", str(source)).stdout.split("parameters\t")[1].split()[0])
    original_positions = int(run_cli("info", "-m", str(source)).stdout.split("max_positions\t")[1].split()[0])
    assert int(info.split("parameters\t")[1].split()[0]) == original_parameters - (original_positions - 122) * 192

    fasta = tmp_path / "in.fa"
    rng = np.random.default_rng(3)
    fasta.write_text("".join(f">r{i}\n{''.join(rng.choice(list('ACGU'), 60 + 30 * i))}\n" for i in range(3)))
    outputs = {}
    for name, folder in (("source", source), ("trimmed", trimmed)):
        out = tmp_path / f"{name}.npz"
        run_cli("embed", "-q", "-t", "1", "-m", str(folder), "-i", str(fasta), "-o", str(out))
        outputs[name] = np.load(out)
    for key in ("r0", "r1", "r2"):  # 60, 90 and 120 nt: within the trimmed table
        member = f"{key}/last_hidden_state"
        assert np.array_equal(outputs["source"][member], outputs["trimmed"][member]), key


def test_a_length_past_the_original_is_refused(tmp_path):
    result = subprocess.run([sys.executable, SCRIPT, str(REPO / "models" / "splice-site"), str(tmp_path / "x"), "5000"],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "NT must be" in result.stderr
    assert not (tmp_path / "x").exists()
