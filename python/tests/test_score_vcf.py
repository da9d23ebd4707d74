"""VCF records scored from Python are the CLI's `score-vcf`, byte for byte (but the provenance command line), and the
records handed back carry exactly the INFO values written."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import splicebert
from conftest import REPO, run_cli

THREADS = "2"


@pytest.fixture(scope="module")
def genome(tmp_path_factory):
    """A 3,000-nt contig with a two-exon + strand gene and a one-exon - strand gene, and a VCF of SNVs inside them,
    an insertion, an intergenic SNV and a REF that does not match the genome."""
    folder = tmp_path_factory.mktemp("vcf_genome")
    sequence = "".join(np.random.default_rng(5).choice(list("ACGT"), size=3000))
    (folder / "chrT.fa").write_text(">chrT\n" + "\n".join(sequence[i:i + 60] for i in range(0, 3000, 60)) + "\n")
    gtf = [("chrT", 300, 700, "+", "g1", "t1"), ("chrT", 1200, 1500, "+", "g1", "t1"),
           ("chrT", 2000, 2600, "-", "g2", "t2")]
    (folder / "genes.gtf").write_text("".join(
        f'{c}\ttest\texon\t{s}\t{e}\t.\t{strand}\t.\tgene_id "{g}"; transcript_id "{t}";\n'
        for c, s, e, strand, g, t in gtf))

    def alt_of(base):
        return {"A": "G", "C": "T", "G": "A", "T": "C"}[base]

    rows = []
    for pos in (650, 705, 1199, 2100, 2590):  # 1-based
        ref = sequence[pos - 1]
        rows.append((pos, ref, alt_of(ref)))
    rows.append((900, sequence[899], sequence[899] + "AC"))            # insertion: not scored (INDEL)
    rows.append((100, sequence[99], alt_of(sequence[99])))             # intergenic
    wrong = alt_of(sequence[1299])
    rows.append((1300, wrong, alt_of(wrong)))                          # REF mismatch
    rows.sort()
    header = "##fileformat=VCFv4.2\n##contig=<ID=chrT,length=3000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    (folder / "in.vcf").write_text(header + "".join(f"chrT\t{p}\t.\t{r}\t{a}\t.\t.\t.\n" for p, r, a in rows))
    return folder


def without_command(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("##SpliceBERT_command=")]


def info_field(line: str, key: str) -> str | None:
    for item in line.split("\t")[7].split(";"):
        if item.startswith(key + "="):
            return item[len(key) + 1:]
    return None


def test_vcf_scoring_equals_the_cli(default_model, genome, tmp_path):
    cli_out = tmp_path / "cli.vcf"
    run_cli("score-vcf", "-q", "-t", THREADS, "-m", default_model, "-f", str(genome / "chrT.fa"), "-a",
            str(genome / "genes.gtf"), "-i", str(genome / "in.vcf"), "-o", str(cli_out), "--window", "512",
            "--splice-model", "none")
    scorer = splicebert.pipeline("variant-scoring", model=default_model, threads=int(THREADS))
    py_out = tmp_path / "py.vcf"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        records = scorer.vcf(genome / "in.vcf", fasta=genome / "chrT.fa", annotation=genome / "genes.gtf",
                             output=py_out, window=512)
    cli_text, py_text = cli_out.read_text(), py_out.read_text()
    assert without_command(py_text) == without_command(cli_text)
    assert "##SpliceBERT_command=python: splicebert.pipeline('variant-scoring').vcf(" in py_text
    assert any("REF" in str(w.message) for w in caught), [str(w.message) for w in caught]

    body = [line for line in cli_text.splitlines() if not line.startswith("#")]
    assert len(records) == len(body) == 8
    scored = 0
    for record, line in zip(records, body):
        fields = line.split("\t")
        assert (record["chrom"], record["pos"], record["ref"]) == (fields[0], int(fields[1]), fields[3])
        assert record["alts"] == fields[4].split(",")
        entries = info_field(line, "SpliceBERT")
        assert record["SpliceBERT"] == (entries.split(",") if entries else [])
        reasons = info_field(line, "SB_REASON")
        assert [r or "." for r in record["SB_REASON"]] == (reasons.split(",") if reasons else [])
        scored += bool(record["SpliceBERT"])
    assert scored == 5  # the five SNVs inside a gene; not the insertion, the intergenic SNV or the wrong REF


def test_vcf_scoring_without_output_returns_the_same_records(default_model, genome, tmp_path):
    scorer = splicebert.pipeline("variant-scoring", model=default_model, threads=int(THREADS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kept = scorer.vcf(genome / "in.vcf", fasta=genome / "chrT.fa", annotation=genome / "genes.gtf",
                          output=tmp_path / "x.vcf", window=512)
        alone = scorer.vcf(genome / "in.vcf", fasta=genome / "chrT.fa", annotation=genome / "genes.gtf", window=512)
    assert alone == kept


def test_vcf_scoring_errors_name_the_problem(default_model, genome, tmp_path):
    scorer = splicebert.pipeline("variant-scoring", model=default_model)
    with pytest.raises(FileNotFoundError):
        scorer.vcf(tmp_path / "missing.vcf", fasta=genome / "chrT.fa", annotation=genome / "genes.gtf")
    with pytest.raises(ValueError, match="window"):
        scorer.vcf(genome / "in.vcf", fasta=genome / "chrT.fa", annotation=genome / "genes.gtf", window=100)


def test_vcf_scoring_with_the_splice_site_model_equals_the_cli(default_model, genome, tmp_path):
    splice_model = str(REPO / "models" / "splice-site")
    cli_out = tmp_path / "cli.vcf"
    run_cli("score-vcf", "-q", "-t", THREADS, "-m", default_model, "-f", str(genome / "chrT.fa"), "-a",
            str(genome / "genes.gtf"), "-i", str(genome / "in.vcf"), "-o", str(cli_out), "--window", "512",
            "--splice-model", splice_model, "--distance", "20")
    scorer = splicebert.pipeline("variant-scoring", model=default_model, threads=int(THREADS))
    py_out = tmp_path / "py.vcf"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        records = scorer.vcf(genome / "in.vcf", fasta=genome / "chrT.fa", annotation=genome / "genes.gtf",
                             output=py_out, window=512, splice_model=splice_model, distance=20)
    assert without_command(py_out.read_text()) == without_command(cli_out.read_text())
    body = [line for line in cli_out.read_text().splitlines() if not line.startswith("#")]
    with_deltas = 0
    for record, line in zip(records, body):
        entries = info_field(line, "SpliceBERT_DS")
        assert record["SpliceBERT_DS"] == (entries.split(",") if entries else [])
        with_deltas += bool(record["SpliceBERT_DS"])
    assert with_deltas >= 5  # every SNV inside a gene has an entry
