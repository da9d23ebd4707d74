"""Bad input raises a Python exception of the right class carrying the library's one-line message: wrong paths,
published names not in the cache, malformed checkpoints, bad sequence types, mismatched shapes, bad options."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

import splicebert
from conftest import fixtures_dir

TINY = fixtures_dir() / "tiny" / "checkpoint-multimolecule"


def one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert message and "\n" not in message
    return message


def test_a_missing_folder_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        splicebert.SpliceBertModel.from_pretrained(tmp_path / "nothing")
    assert "nothing" in one_line(error)


def test_a_published_name_not_in_the_cache_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SPLICEBERT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    for name in splicebert.PUBLISHED:
        with pytest.raises(FileNotFoundError) as error:
            splicebert.RnaTokenizer.from_pretrained(name)
        message = one_line(error)
        assert f"huggingface-cli download {name}" in message and "splicebert convert" in message


def test_published_names_resolve_from_splicebert_home_and_the_hub_cache(tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(TINY, home / "multimolecule" / "splicebert")
    monkeypatch.setenv("SPLICEBERT_HOME", str(home))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    model = splicebert.SpliceBertModel.from_pretrained("multimolecule/splicebert")
    assert model.name_or_path == str(home / "multimolecule" / "splicebert")
    snapshot = tmp_path / "hf" / "hub" / "models--multimolecule--splicebert.510nt" / "snapshots" / "0123abc"
    shutil.copytree(TINY, snapshot)
    tokenizer = splicebert.RnaTokenizer.from_pretrained("multimolecule/splicebert.510nt")
    assert tokenizer.vocab_file == str(snapshot / "vocab.txt")


def test_a_folder_without_weights_is_file_not_found(tmp_path):
    folder = tmp_path / "no-weights"
    folder.mkdir()
    for name in ("config.json", "vocab.txt"):
        shutil.copy(TINY / name, folder / name)
    with pytest.raises(FileNotFoundError) as error:
        splicebert.SpliceBertModel.from_pretrained(folder)
    assert "no model.safetensors" in one_line(error)


def test_a_broken_config_names_the_file(tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(TINY, folder)
    (folder / "config.json").write_text("{ not json")
    with pytest.raises(ValueError) as error:
        splicebert.SpliceBertModel.from_pretrained(folder)
    assert "config.json" in one_line(error)


def test_bad_sequence_types(default_model):
    tokenizer = splicebert.RnaTokenizer.from_pretrained(default_model)
    with pytest.raises(TypeError) as error:
        tokenizer(123)
    assert "int" in one_line(error)
    with pytest.raises(TypeError):
        tokenizer(["ACGU", 5])
    with pytest.raises(ValueError) as error:
        tokenizer(["ACGU", "AC"], return_tensors="np")
    assert "padding=True" in one_line(error)
    with pytest.raises(TypeError):
        splicebert.pipeline("fill-mask", model=default_model)([b"ACGU<mask>"])
    with pytest.raises(TypeError):
        splicebert.pipeline("feature-extraction", model=default_model)(None)


def test_token_ids_and_shapes_are_checked(small_model):
    model = splicebert.SpliceBertModel.from_pretrained(small_model)
    with pytest.raises(ValueError) as error:
        model(input_ids=np.array([[1, 6, 999, 2]]))
    assert "999" in one_line(error)
    with pytest.raises(ValueError) as error:
        model(input_ids=np.array([[1, 6, 7, 2]]), attention_mask=np.array([[1, 1, 1]]))
    assert "[1, 3]" in one_line(error) and "[1, 4]" in one_line(error)
    with pytest.raises(ValueError):
        model(input_ids=np.zeros((1, 2, 3), dtype=np.int64))
    with pytest.raises(ValueError) as error:
        model(input_ids=np.ones((1, 5000), dtype=np.int64))
    assert "5000" in one_line(error)
    with pytest.raises(ValueError):
        model(input_ids=np.array([[1, 6, 7, 2]]), attention_mask=np.array([[1, 1, 2, 1]]))


def test_labels_of_the_wrong_shape_name_both_shapes(small_model):
    with pytest.warns(UserWarning, match="token_head.decoder.weight"):
        model = splicebert.SpliceBertForNucleotidePrediction.from_pretrained(small_model)
    ids = np.array([[1, 6, 7, 8, 9, 2]])
    with pytest.raises(ValueError) as error:
        model(input_ids=ids, labels=np.zeros(5))
    message = one_line(error)
    assert "[5]" in message and "[1, 4, 1]" in message


def test_pipeline_errors(default_model, small_model, tmp_path):
    with pytest.raises(ValueError) as error:
        splicebert.pipeline("translation", model=default_model)
    assert "fill-mask" in one_line(error)
    with pytest.raises(ValueError) as error:
        splicebert.pipeline("fill-mask", model=default_model)("ACGUACGU")
    assert "mask" in one_line(error)
    with pytest.raises(ValueError) as error:
        splicebert.pipeline("nucleotide-prediction", model=small_model)
    assert "not a fine-tuned nucleotide model" in one_line(error)
    bad = tmp_path / "bad.fa"
    bad.write_text("ACGU\n>x\nACGU\n")
    with pytest.raises(ValueError) as error:
        splicebert.read_fasta(bad)
    assert str(bad) in one_line(error)
    with pytest.raises(FileNotFoundError):
        splicebert.read_fasta(tmp_path / "missing.fa")
    with pytest.raises(ValueError) as error:
        splicebert.pipeline("variant-scoring", model=default_model)([{"ref": "ACGU", "alt": "ACGA", "pos": 9}])
    assert "pos 9" in one_line(error)
    with pytest.raises(ValueError):
        splicebert.pipeline("feature-extraction", model=default_model)("ACGU", pool="median")


def test_training_config_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        splicebert.finetune(tmp_path / "missing.json")
    with pytest.raises(ValueError):
        splicebert.finetune()
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    with pytest.raises(ValueError) as error:
        splicebert.pretrain(bad)
    assert "bad.json" in one_line(error)
