"""Parity of the Python API with the golden fixtures (tiny, tiny-heads): every case within the manifest's
tolerances, compared by the manifest's rules (real positions only). Dimensions, ids and tolerances are read from
the manifests, so another fixture folder of the same format works ($SPLICEBERT_FIXTURES)."""

from __future__ import annotations

import numpy as np
import pytest

import splicebert
from conftest import atol, fixtures_dir, load, manifest

TINY = fixtures_dir() / "tiny"
HEADS = fixtures_dir() / "tiny-heads"


def max_error_real(got: np.ndarray, expected: np.ndarray, mask: np.ndarray) -> float:
    """Max |got - expected| over rows with mask == 1 (leading dims [B, T])."""
    assert got.shape == expected.shape
    real = mask.astype(bool)
    return float(np.max(np.abs(got[real] - expected[real])))


@pytest.fixture(scope="module")
def tiny_manifest() -> dict:
    return manifest("tiny")


def test_tokenizer_ids_match_both_vocabularies(tiny_manifest):
    mm = splicebert.RnaTokenizer.from_pretrained(TINY / "checkpoint-multimolecule")
    original = splicebert.RnaTokenizer.from_pretrained(TINY / "checkpoint-original")
    for case in tiny_manifest["sequences"]:
        assert mm(case["text"])["input_ids"] == case["ids"], case["text"]
        assert original(case["text"])["input_ids"] == case["original_ids"], case["text"]
    for case in tiny_manifest["tokenizer_cases"]:
        assert mm(case["text"])["input_ids"] == case["ids"], case["text"]


def test_tokenizer_pads_the_batch_like_the_fixture_inputs(tiny_manifest):
    mm = splicebert.RnaTokenizer.from_pretrained(TINY / "checkpoint-multimolecule")
    ids = load(TINY / "inputs" / "input_ids.npy")
    mask = load(TINY / "inputs" / "attention_mask.npy")
    texts = [case["text"] for case in tiny_manifest["sequences"]]
    encoding = mm(texts, padding="max_length", max_length=ids.shape[1], return_tensors="np")
    np.testing.assert_array_equal(encoding["input_ids"], ids)
    np.testing.assert_array_equal(encoding["attention_mask"], mask)


@pytest.mark.parametrize("layout, ids_file, prefix", [
    ("checkpoint-multimolecule", "input_ids.npy", ""),
    ("checkpoint-original", "original_input_ids.npy", "original_"),
])
def test_forward_matches_goldens_in_both_layouts(tiny_manifest, layout, ids_file, prefix):
    ids = load(TINY / "inputs" / ids_file)
    mask = load(TINY / "inputs" / "attention_mask.npy")
    model = splicebert.SpliceBertForMaskedLM.from_pretrained(TINY / layout)
    out = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    for name, got in (("last_hidden_state", out.hidden_states[-1]), ("mlm_logits", out.logits)):
        file = f"expected/{prefix}{name}.npy"
        error = max_error_real(got, load(TINY / file), mask)
        assert error <= atol(tiny_manifest, file), f"{layout} {name}: {error}"
    if not prefix:
        expected = load(TINY / "expected" / "hidden_states.npy")
        for layer, got in enumerate(out.hidden_states):
            error = max_error_real(got, expected[layer], mask)
            assert error <= atol(tiny_manifest, "expected/hidden_states.npy"), f"hidden state {layer}: {error}"


def test_pooler_output_with_the_extra_pooler(tiny_manifest):
    ids = load(TINY / "inputs" / "input_ids.npy")
    mask = load(TINY / "inputs" / "attention_mask.npy")
    model = splicebert.SpliceBertModel.from_pretrained(TINY / "checkpoint-multimolecule",
                                                       pooler_file=str(TINY / "extra" / "pooler.safetensors"))
    out = model(input_ids=ids, attention_mask=mask)
    error = float(np.max(np.abs(out.pooler_output - load(TINY / "expected" / "pooler_output.npy"))))
    assert error <= atol(tiny_manifest, "expected/pooler_output.npy")
    assert splicebert.SpliceBertModel.from_pretrained(TINY / "checkpoint-multimolecule")(
        input_ids=ids[:1]).pooler_output is None  # an MLM checkpoint has no pooler


def test_short_batch_attentions_and_hidden_state(tiny_manifest):
    ids = load(TINY / "inputs" / "short_input_ids.npy")
    mask = load(TINY / "inputs" / "short_attention_mask.npy")
    model = splicebert.SpliceBertModel.from_pretrained(TINY / "checkpoint-multimolecule")
    out = model(input_ids=ids, attention_mask=mask, output_attentions=True)
    error = max_error_real(out.last_hidden_state, load(TINY / "expected" / "short_last_hidden_state.npy"), mask)
    assert error <= atol(tiny_manifest, "expected/short_last_hidden_state.npy")
    expected = load(TINY / "expected" / "short_attentions.npy")  # [layers, B, NH, T, T]
    assert len(out.attentions) == expected.shape[0]
    worst = 0.0
    for layer, got in enumerate(out.attentions):
        for b in range(ids.shape[0]):
            n = int(mask[b].sum())  # real query rows and key columns
            worst = max(worst, float(np.max(np.abs(got[b, :, :n, :n] - expected[layer, b, :, :n, :n]))))
    assert worst <= atol(tiny_manifest, "expected/short_attentions.npy")


def test_layer0_attention_rows_of_the_main_batch(tiny_manifest):
    ids = load(TINY / "inputs" / "input_ids.npy")
    mask = load(TINY / "inputs" / "attention_mask.npy")
    rows = load(TINY / "expected" / "attention_layer0_rows_index.npy")
    expected = load(TINY / "expected" / "attention_layer0_rows.npy")  # [B, NH, rows, T]
    out = splicebert.SpliceBertModel.from_pretrained(TINY / "checkpoint-multimolecule")(
        input_ids=ids, attention_mask=mask, output_attentions=True)
    got = out.attentions[0]
    for b in range(ids.shape[0]):
        n = int(mask[b].sum())
        error = float(np.max(np.abs(got[b][:, rows[b], :n] - expected[b, :, :, :n])))
        assert error <= atol(tiny_manifest, "expected/attention_layer0_rows.npy"), f"row set {b}: {error}"


def test_masked_lm_loss_of_the_training_batch(tiny_manifest):
    train = TINY / "train"
    model = splicebert.SpliceBertForMaskedLM.from_pretrained(TINY / "checkpoint-multimolecule")
    out = model(input_ids=load(train / "input_ids.npy"), attention_mask=load(train / "attention_mask.npy"),
                labels=load(train / "labels.npy"))
    expected = float(load(train / "loss.npy")[0])
    assert abs(float(out.loss) - expected) <= atol(tiny_manifest, "train/loss.npy")


CLASSES = {"sequence": splicebert.SpliceBertForSequencePrediction,
           "token": splicebert.SpliceBertForNucleotidePrediction,
           "contact": splicebert.SpliceBertForContactPrediction}


def head_cases():
    path = HEADS / "manifest.json"
    if not path.is_file():
        return []
    import json
    return [pytest.param(case, id=case["name"]) for case in json.loads(path.read_text())["cases"]]


@pytest.mark.parametrize("case", head_cases())
def test_task_head_logits_and_loss(case):
    heads = manifest("tiny-heads")
    folder = HEADS / case["name"]
    ids = load(folder / "inputs" / "input_ids.npy")
    mask = load(folder / "inputs" / "attention_mask.npy")
    model = CLASSES[case["head"]].from_pretrained(folder / "checkpoint-multimolecule")
    tokenizer = splicebert.RnaTokenizer.from_pretrained(folder / "checkpoint-multimolecule")
    encoding = tokenizer(case["texts"], padding="max_length", max_length=ids.shape[1], return_tensors="np")
    np.testing.assert_array_equal(encoding["input_ids"], ids)
    out = model(**encoding, labels=load(folder / "labels.npy"))
    expected = load(folder / "expected" / "logits.npy")
    assert out.logits.shape == expected.shape
    real = mask.sum(axis=1) - 2  # nucleotides per row
    if case["head"] == "sequence":
        error = float(np.max(np.abs(out.logits - expected)))
    elif case["head"] == "token":
        error = max(float(np.max(np.abs(out.logits[b, :n] - expected[b, :n]))) for b, n in enumerate(real))
    else:
        error = max(float(np.max(np.abs(out.logits[b, :n, :n] - expected[b, :n, :n]))) for b, n in enumerate(real))
    assert error <= atol(heads, f"{case['name']}/expected/logits.npy")
    loss_error = abs(float(out.loss) - float(load(folder / "expected" / "loss.npy")[0]))
    assert loss_error <= atol(heads, f"{case['name']}/expected/loss.npy")
    assert model.problem_type == case["problem_type"]
