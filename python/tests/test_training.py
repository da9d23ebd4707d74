"""Fine-tuning and pre-training from Python run the C++ engine: progress records reach the callback, the results
are the CLI's files, Ctrl-C (SIGINT) stops the run with KeyboardInterrupt leaving what was committed intact, and a
resume finishes it."""

from __future__ import annotations

import json
import os
import random
import signal
import threading
import warnings

import pytest

import splicebert
from conftest import run_cli


def random_sequence(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("ACGU") for _ in range(length))


@pytest.fixture()
def finetune_config(tmp_path) -> dict:
    run_cli("init", "-o", str(tmp_path / "model"), "--layers", "1", "--hidden", "16", "--heads", "2",
            "--intermediate", "32", "--max-positions", "130")
    rng = random.Random(5)
    with open(tmp_path / "seqs.fa", "w") as fasta, open(tmp_path / "labels.tsv", "w") as labels:
        for r in range(24):
            s = random_sequence(rng, 30 + r % 7)
            if r % 2:
                s = s[:10] + "GU" + s[12:]
            fasta.write(f">s{r}\n{s}\n")
            labels.write(f"s{r}\t{r % 2}\n")
    return {"model": str(tmp_path / "model"), "output": str(tmp_path / "run"), "fasta": str(tmp_path / "seqs.fa"),
            "labels": tmp_path / "labels.tsv", "head": {"type": "sequence", "num_labels": 1}, "folds": 3,  # a Path works
            "epochs": 2, "batch_size": 4, "max_steps": 5, "lr": 1e-3, "seeds": [1, 2]}


def test_finetune_reports_progress_and_writes_the_run(finetune_config):
    records = []
    summary = splicebert.finetune(finetune_config, threads=1, quiet=True, progress=records.append)
    assert summary["test"]["auroc"]["runs"] == 2
    assert [r["seed"] for r in records if "checkpoint" in r] == [1, 2]  # one finished fold per seed
    assert any("train_loss" in r for r in records)  # epoch records
    best = records[-1]["checkpoint"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the head exists now: no initialisation warning
        model = splicebert.SpliceBertForSequencePrediction.from_pretrained(best)
    assert model.num_labels == 1
    assert json.load(open(os.path.join(finetune_config["output"], "summary.json")))["test"] == summary["test"]


def test_ctrl_c_stops_finetuning_and_resume_finishes_it(finetune_config):
    run = finetune_config["output"]
    seen_seed_2 = threading.Event()

    def progress(record):
        if record.get("seed") == 2:
            seen_seed_2.set()

    def interrupt():
        seen_seed_2.wait(60)
        os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does

    killer = threading.Thread(target=interrupt)
    killer.start()
    config = dict(finetune_config, epochs=50, max_steps=0, patience=50)
    with pytest.raises(KeyboardInterrupt) as stopped:
        splicebert.finetune(config, threads=1, quiet=True, progress=progress)
    killer.join()
    print("finetune stopped:", stopped.value)
    assert os.path.isfile(os.path.join(run, "seed1", "fold0", "result.json"))  # finished before the stop: kept
    assert not os.path.exists(os.path.join(run, "seed2", "fold0", "result.json"))
    assert not os.path.exists(os.path.join(run, "summary.json"))
    summary = splicebert.finetune(resume=run, threads=1, quiet=True)
    assert summary["test"]["auroc"]["runs"] == 2


def test_finetune_with_a_preset_merges_like_the_cli(finetune_config):
    merged = splicebert._core.finetune_with_preset("splice-site", {"head": {"num_labels": 1}, "epochs": 1})
    assert merged["preset"] == "splice-site" and merged["epochs"] == 1
    assert merged["head"]["num_labels"] == 1 and "type" in merged["head"]  # nested keys merged, not replaced


@pytest.fixture()
def pretrain_config(tmp_path) -> dict:
    rng = random.Random(3)
    for name, count in (("train", 40), ("valid", 6)):
        with open(tmp_path / f"{name}.fa", "w") as fasta:
            for r in range(count):
                fasta.write(f">{name}{r}\n{random_sequence(rng, 200)}\n")
    return {"output_dir": str(tmp_path / "pretrain"), "seed": 11,
            "model": {"vocab": "26", "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
                      "intermediate_size": 64},
            "data": {"train": [str(tmp_path / "train.fa")], "validation": [str(tmp_path / "valid.fa")]},
            "optimizer": {"lr": 1e-3}, "batch_tokens": 512, "validation_every": 4, "checkpoint_every": 3,
            "keep_checkpoints": 5,
            "stages": [{"name": "stage1", "steps": 8, "min_length": 62, "max_length": 62,
                        "max_position_embeddings": 64}]}


def test_pretrain_reports_every_step_and_stops_on_ctrl_c(pretrain_config):
    steps = []

    def progress(record):
        steps.append(record["step"])
        if record["step"] == 4:
            signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt) as stopped:
        splicebert.pretrain(pretrain_config, threads=1, quiet=True, progress=progress)
    print("pretrain stopped:", stopped.value)
    assert steps == [1, 2, 3, 4]
    checkpoints = os.path.join(pretrain_config["output_dir"], "checkpoints")
    assert sorted(os.listdir(checkpoints))[-1].endswith("3")  # the step-3 checkpoint is the last, intact
    steps.clear()
    final = splicebert.pretrain(pretrain_config, resume=pretrain_config["output_dir"], threads=1, quiet=True,
                                progress=lambda r: steps.append(r["step"]))
    assert steps == [4, 5, 6, 7, 8]
    assert splicebert.SpliceBertForMaskedLM.from_pretrained(final).config["num_hidden_layers"] == 2
