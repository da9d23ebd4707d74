"""Shared pytest fixtures: where the fixtures, the CLI and the models are, and small models made by the CLI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(os.environ.get("SPLICEBERT_SOURCE_DIR", Path(__file__).resolve().parents[2]))
# The CLI runs here compare zero-shot scores with the package's: no default SpliceAI-style deltas from the shipped
# splice-site model (tests that want deltas pass --splice-model / splice_model).
os.environ.setdefault("SPLICEBERT_SPLICE_MODEL", "none")


def fixtures_dir() -> Path:
    """$SPLICEBERT_FIXTURES, else the folder ctest passes, else ../shared/fixtures beside the repository."""
    for key in ("SPLICEBERT_FIXTURES", "SPLICEBERT_DEFAULT_FIXTURES"):
        if os.environ.get(key):
            return Path(os.environ[key])
    return REPO.parent / "shared" / "fixtures"


def cli() -> str:
    return os.environ.get("SPLICEBERT_BIN", str(REPO / "build" / "splicebert"))


def run_cli(*args: str, input_text: str | None = None) -> subprocess.CompletedProcess:
    """Runs the CLI; fails the test with its stderr when it exits non-zero."""
    result = subprocess.run([cli(), *args], capture_output=True, text=True, input=input_text)
    assert result.returncode == 0, f"splicebert {' '.join(args)} failed: {result.stderr}"
    return result


def manifest(name: str) -> dict:
    path = fixtures_dir() / name / "manifest.json"
    if not path.is_file():
        pytest.skip(f"no fixture manifest at {path}")
    return json.loads(path.read_text())


def atol(man: dict, file: str) -> float:
    """The manifest's tolerance of a file (never a number of our own)."""
    return float(man["files"][file]["tolerance"]["atol"])


@pytest.fixture(scope="session")
def default_model() -> str:
    return str(REPO / "models" / "default")


@pytest.fixture(scope="session")
def small_model(tmp_path_factory) -> str:
    """A random 2-layer, hidden-32 model written by `splicebert init` (fast, for behaviour tests)."""
    folder = tmp_path_factory.mktemp("models") / "small"
    run_cli("init", "-o", str(folder), "--layers", "2", "--hidden", "32", "--heads", "4", "--intermediate", "64",
            "--seed", "7")
    return str(folder)


def load(path: Path) -> np.ndarray:
    return np.load(str(path))
