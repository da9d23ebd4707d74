"""The Python API gives what the CLI gives for the same inputs, bit for bit: tokenize, fill-mask, embed (windowed,
pooled, every layer, logits), score-pairs and ism. Both sides run the same library; these tests catch any
difference the binding or the package could introduce (conversion, batching, defaults)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import splicebert
from conftest import REPO, run_cli

FASTA = REPO / "examples" / "premrna.fa"
THREADS = "2"


def test_tokenize_ids_equal_the_cli(default_model):
    texts = ["acgtNNRY<mask>u", "<cls>ACGT<eos>", "xyz ACGU", "T"]
    cli = json.loads(run_cli("tokenize", "-q", "-m", default_model, "--json", *texts).stdout)
    tokenizer = splicebert.RnaTokenizer.from_pretrained(default_model)
    encoding = tokenizer(texts)
    assert encoding["input_ids"] == [record["input_ids"] for record in cli]
    assert encoding["attention_mask"] == [record["attention_mask"] for record in cli]


def test_tokenize_without_t_to_u_equals_the_cli(default_model):
    cli = json.loads(run_cli("tokenize", "-q", "-m", default_model, "--json", "--no-t-to-u", "ACGT").stdout)
    tokenizer = splicebert.RnaTokenizer.from_pretrained(default_model, replace_T_with_U=False)
    assert tokenizer("ACGT")["input_ids"] == cli[0]["input_ids"]
    assert tokenizer("ACGT")["input_ids"] != splicebert.RnaTokenizer.from_pretrained(default_model)("ACGT")["input_ids"]


@pytest.mark.parametrize("texts", [["uagc<mask>uaucagacugauguuga"],
                                   ["UAGC<mask>UAUCAGACUG<mask>UGUUGA", "ACGU<mask>ACGUACGU"]])
def test_fill_mask_equals_the_cli(default_model, texts):
    cli = json.loads(run_cli("fill-mask", "-q", "-t", THREADS, "-m", default_model, "--json", "-k", "7", *texts).stdout)
    unmasker = splicebert.pipeline("fill-mask", model=default_model, threads=int(THREADS))
    got = unmasker(texts[0] if len(texts) == 1 else texts, top_k=7)
    assert got == cli  # scores compared as exact doubles (the CLI's JSON round-trips them)


def test_fill_mask_without_t_to_u_equals_the_cli_and_reads_t_as_unknown(default_model):
    text = "ACGTACGUAC<mask>UACGTAGCUU"
    cli = json.loads(run_cli("fill-mask", "-q", "-t", THREADS, "-m", default_model, "--json", "--no-t-to-u",
                             text).stdout)
    kept_t = splicebert.pipeline("fill-mask", model=default_model, threads=int(THREADS), replace_T_with_U=False)
    assert kept_t(text) == cli
    # With T kept, a T is not in the 26-token vocabulary: the scores are those of the text with <unk> written out,
    # and differ from the default reading of T as U.
    unknown = json.loads(run_cli("fill-mask", "-q", "-t", THREADS, "-m", default_model, "--json",
                                 text.replace("T", "<unk>")).stdout)
    assert [c["score"] for c in cli] == [c["score"] for c in unknown]
    as_u = splicebert.pipeline("fill-mask", model=default_model, threads=int(THREADS))(text)
    assert [c["score"] for c in as_u] != [c["score"] for c in cli]


def test_embed_equals_the_cli(default_model, tmp_path):
    out = tmp_path / "cli.npz"
    run_cli("embed", "-q", "-t", THREADS, "-m", default_model, "-i", str(FASTA), "-o", str(out), "--pool", "mean",
            "--layers", "all", "--logits", "--window", "300", "--stride", "200")
    cli = np.load(out)
    extractor = splicebert.pipeline("feature-extraction", model=default_model, threads=int(THREADS))
    got = extractor.fasta(FASTA, pool="mean", all_layers=True, logits=True, window=300, stride=200)
    assert list(got) == list(splicebert.read_fasta(FASTA))
    compared = 0
    for name, result in got.items():
        assert result["windows"] > 1  # the records are longer than the window: stitching is exercised
        for key, cli_key in (("last_hidden_state", "last_hidden_state"), ("hidden_states", "hidden_states"),
                             ("pooled", "pooled"), ("logits", "logits")):
            expected = cli[f"{name}/{cli_key}"]
            assert result[key].dtype == expected.dtype and result[key].shape == expected.shape, (name, key)
            assert np.array_equal(result[key], expected), (name, key)
            compared += 1
    assert compared == 4 * len(got)


def test_feature_extraction_of_a_string_is_the_last_hidden_state(default_model):
    extractor = splicebert.pipeline("feature-extraction", model=default_model)
    text = "ACGU" * 20
    rows = extractor(text)
    assert rows.shape == (80, 192)
    full = extractor(text, keep_special=True)
    assert full.shape == (82, 192)
    assert np.array_equal(full[1:-1], rows)


def _format(value) -> str:
    """The CLI's "%.6g" (or "." when missing)."""
    return "." if value is None or (isinstance(value, float) and math.isnan(value)) else "%.6g" % value


def test_score_pairs_equal_the_cli(default_model, tmp_path):
    ref = "CAGGUAAGUCCUAACGGAUCAGGUACGUAGCUAGCAUGCAUCGAUCGUAGCUAGCUAGUCGAUCGAUGCUAGCUAGCUAGCUGAUCGAUCGAUCGUAGCUAG"
    alt = ref[:40] + ("A" if ref[40] != "A" else "C") + ref[41:]
    rows = [("ok", ref, alt, 40, "30", "70"), ("same", ref, ref, 40, "", ""), ("indel", ref, ref[:-1], 40, "", ""),
            ("plain", ref, alt, 40, "", "")]
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("id\tref\talt\tpos\texon_start\texon_end\n" +
                   "".join("\t".join(map(str, row)) + "\n" for row in rows))
    cli_lines = [line.split("\t") for line in run_cli("score-pairs", "-q", "-t", THREADS, "-m", default_model, "-i",
                                                      str(tsv)).stdout.splitlines() if not line.startswith("#")]
    header, cli_rows = cli_lines[0], cli_lines[1:]
    scorer = splicebert.pipeline("variant-scoring", model=default_model, threads=int(THREADS))
    for source in (tsv, splicebert._core.read_sequence_pairs(str(tsv))):
        got = scorer(source)
        assert [g["status"] for g in got] == [r[1] for r in cli_rows]
        for result, cli_row in zip(got, cli_rows):
            if result["status"] != "scored":
                continue
            ours = [result["id"], result["status"], _format(result["context_kl"]), _format(result["max_kl"]),
                    "." if result["max_kl_offset"] is None else str(result["max_kl_offset"]),
                    _format(result["donor_kl"]), _format(result["acceptor_kl"]), _format(result["masked_delta_p"])]
            assert ours == cli_row, header
    assert sum(g["status"] == "scored" for g in got) == 2


def test_ism_equals_the_cli(default_model, tmp_path):
    fasta = tmp_path / "one.fa"
    sequence = "GUAAGUCCUAACGGAUCAGGUACGUAGCUAGCAUGCAUCGAUCGUAGCUAGCUAGUCGAUCGAUGCUAGC"
    fasta.write_text(">rec\n" + sequence + "\n")
    out = tmp_path / "ism.npz"
    run_cli("ism", "-q", "-t", THREADS, "-m", default_model, "-i", str(fasta), "-o", str(out))
    expected = np.load(out)["rec/kl"]
    got = splicebert.pipeline("ism", model=default_model, threads=int(THREADS))(sequence)
    assert got.shape == expected.shape == (len(sequence), 4)
    assert np.array_equal(got.astype(np.float32), expected, equal_nan=True)
    assert np.isnan(got).sum() == len(sequence)  # one reference base per position


@pytest.fixture(scope="module")
def token_model(tmp_path_factory):
    """A fine-tuned nucleotide (token) head on a tiny model with 128 nt windows, trained by the CLI."""
    import random
    folder = tmp_path_factory.mktemp("token")
    run_cli("init", "-o", str(folder / "model"), "--layers", "1", "--hidden", "16", "--heads", "2",
            "--intermediate", "32", "--max-positions", "130")
    rng = random.Random(21)
    with open(folder / "train.fa", "w") as fasta, open(folder / "labels.tsv", "w") as labels:
        for r in range(9):
            fasta.write(f">t{r}\n{''.join(rng.choice('ACGU') for _ in range(50))}\n")
            labels.write(f"t{r}\t{'0' * 20}1{'0' * 29}\n")
    (folder / "config.json").write_text(json.dumps({
        "model": str(folder / "model"), "output": str(folder / "run"), "fasta": str(folder / "train.fa"),
        "labels": str(folder / "labels.tsv"), "head": {"type": "token", "num_labels": 1}, "folds": 3, "epochs": 1,
        "max_steps": 2, "lr": 1e-2}))
    run_cli("finetune", "-c", str(folder / "config.json"), "-t", "1", "-q")
    return str(folder / "run" / "seed1" / "fold0" / "best")


def test_nucleotide_prediction_equals_predict(token_model, tmp_path):
    import random
    rng = random.Random(4)
    records = {"long": "".join(rng.choice("ACGU") for _ in range(300)), "short": "ACGUAGGUAAGU" * 5}
    fasta = tmp_path / "in.fa"
    fasta.write_text("".join(f">{k}\n{v}\n" for k, v in records.items()))
    bedgraph, bed = tmp_path / "out.bedGraph", tmp_path / "out.bed"
    run_cli("predict", "-q", "-t", THREADS, "-m", token_model, "-i", str(fasta), "-o", str(bedgraph), "--bed",
            str(bed), "--threshold", "0.4")
    cli_scores = {}
    for line in bedgraph.read_text().splitlines():
        if line.startswith(("#", "track")):
            continue
        name, start, _, score = line.split("\t")
        cli_scores.setdefault(name, []).append(score)
    cli_sites = {}
    for line in bed.read_text().splitlines():
        if not line.startswith(("#", "track")):
            fields = line.split("\t")
            cli_sites.setdefault(fields[0], []).append(int(fields[1]))
    caller = splicebert.pipeline("splice-site", model=token_model, threads=int(THREADS))
    results = caller(list(records.values()), threshold=0.4)
    for name, result in zip(records, results):
        assert result["logits"].shape == (len(records[name]), 1)
        assert ["%g" % s for s in result["scores"]] == cli_scores[name]  # the CLI prints 6 significant digits
        assert list(result["sites"]) == cli_sites.get(name, [])
