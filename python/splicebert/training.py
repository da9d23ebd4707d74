"""Fine-tuning and pre-training from Python: the engine's own runs (``splicebert finetune`` / ``pretrain``).

The configs are the CLI's (docs/finetuning.md, docs/training.md), given as a dict or a JSON file. ``progress`` is
called with every record the run logs (a dict: an epoch's metrics, a finished fold, a pre-training step). Ctrl-C
stops the run before its next optimiser step with KeyboardInterrupt; what was committed stays (finished folds, the
last pre-training checkpoint) and ``resume=...`` continues from it.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Dict, Optional, Union

from . import _core

Config = Union[Dict[str, Any], str, "os.PathLike[str]"]
Progress = Optional[Callable[[Dict[str, Any]], None]]


def _read_config(config: Config) -> "tuple[Dict[str, Any], str]":
    if isinstance(config, dict):
        return dict(config), "<python dict>"
    path = os.fspath(config)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such config file")
    with open(path, encoding="utf-8") as handle:
        try:
            value = json.load(handle)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}: not well-formed JSON ({error})") from None
    if not isinstance(value, dict):
        raise ValueError(f"{path}: not a JSON object")
    return value, path


def finetune(config: Optional[Config] = None, *, preset: Optional[str] = None, resume: Optional[str] = None,
             threads: int = 0, quiet: bool = False, progress: Progress = None) -> Dict[str, Any]:
    """Trains a task head (``splicebert finetune``); returns the run's summary (also in ``<output>/summary.json``).

    ``config``: a dict or a JSON file; ``preset``: ``"splice-site"`` or ``"branchpoint"`` (SB's recipe, which the
    config's keys override); ``resume``: a run folder (its recorded config is used; finished folds are kept).
    """
    if (config is None) == (resume is None):
        raise ValueError("finetune: give either a config or resume=RUN_DIR")
    if resume is not None:
        if preset is not None:
            raise ValueError("finetune: preset does not go with resume (the run's config has it merged)")
        merged, source = _read_config(os.path.join(os.fspath(resume), "finetune_config.json"))
        if os.path.realpath(merged.get("output", "")) != os.path.realpath(resume):
            raise ValueError(f"{source}: its output is {merged.get('output')!r}, not the folder given to resume")
    else:
        given, source = _read_config(config)
        merged = _core.finetune_with_preset(preset, given) if preset else given
    return _core.finetune(merged, source, resume=resume is not None, quiet=quiet, threads=threads, progress=progress)


def pretrain(config: Config, *, resume: Optional[str] = None, threads: int = 0, quiet: bool = False,
             progress: Progress = None) -> str:
    """MLM pre-training (``splicebert pretrain``); returns the final checkpoint folder.

    ``resume``: a checkpoint folder or the run's output folder (its latest checkpoint).
    """
    given, source = _read_config(config)
    return _core.pretrain(given, source, resume=os.fspath(resume) if resume else "", quiet=quiet, threads=threads,
                          progress=progress)
