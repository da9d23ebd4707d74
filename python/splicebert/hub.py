"""Finding a model folder from a path or a published model name, without downloading anything.

``from_pretrained("multimolecule/splicebert")`` (or ``splicebert.510nt``, ``splicebert-human.510nt``) looks in
``$SPLICEBERT_HOME/<name>`` (and ``$SPLICEBERT_HOME/<name without "multimolecule/">``), then in the HuggingFace cache
``~/.cache/huggingface/hub/models--multimolecule--<name>/snapshots/*/`` (``$HF_HOME`` / ``$HF_HUB_CACHE`` honoured).
A folder that exists is used as it is, in either checkpoint layout.
"""

from __future__ import annotations

import glob
import os

PUBLISHED = ("multimolecule/splicebert", "multimolecule/splicebert.510nt", "multimolecule/splicebert-human.510nt")


def _hub_cache() -> str:
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    home = os.environ.get("HF_HOME", os.path.join(os.path.expanduser("~"), ".cache", "huggingface"))
    return os.path.join(home, "hub")


def _is_model_folder(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "config.json"))


def candidates(name: str) -> list:
    """The folders looked at for a model name, in order."""
    found = []
    home = os.environ.get("SPLICEBERT_HOME")
    if home:
        found.append(os.path.join(home, name))
        if "/" in name:
            found.append(os.path.join(home, name.split("/", 1)[1]))
    repo = "models--" + name.replace("/", "--")
    found.extend(sorted(glob.glob(os.path.join(_hub_cache(), repo, "snapshots", "*")), reverse=True))
    return found


def resolve(name_or_path: "str | os.PathLike[str]") -> str:
    """The model folder for a local path or a published name; FileNotFoundError saying how to get it otherwise."""
    path = os.fspath(name_or_path)
    if os.path.isdir(path):
        return path
    for folder in candidates(path):
        if _is_model_folder(folder):
            return folder
    if path in PUBLISHED or path.startswith("multimolecule/"):
        short = path.split("/", 1)[1]
        raise FileNotFoundError(
            f"{path}: not found locally (looked in $SPLICEBERT_HOME/{path} and the HuggingFace cache "
            f"{_hub_cache()}/models--{path.replace('/', '--')}). Download it on a machine with internet access, "
            f"e.g. `huggingface-cli download {path} --local-dir $SPLICEBERT_HOME/{path}` or "
            f"`git clone https://huggingface.co/{path}`, and copy the folder to $SPLICEBERT_HOME/{path}. "
            f"The authors' original release (SpliceBERT's own folders) loads too: pass its folder, or convert it "
            f"with `splicebert convert -i ORIGINAL -o $SPLICEBERT_HOME/multimolecule/{short}`."
        )
    raise FileNotFoundError(f"{path}: no such model folder (expected config.json, weights and vocab.txt)")
