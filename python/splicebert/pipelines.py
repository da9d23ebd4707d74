"""``splicebert.pipeline(task, model=...)``: the transformers-style entry point to the library's pipelines.

Tasks: ``"fill-mask"``, ``"feature-extraction"``, ``"nucleotide-prediction"`` (alias ``"splice-site"``: the
per-nucleotide scores of a fine-tuned nucleotide head and the called sites), ``"variant-scoring"`` (REF/ALT
sequence pairs, as ``splicebert score-pairs``), ``"ism"`` (in-silico mutagenesis). Results are plain Python and
numpy structures; all the work is done by the C++ library, so a pipeline gives what the matching CLI verb writes.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

import numpy as np

from . import _core, hub
from .tokenizer import RnaTokenizer


def read_fasta(path: "str | os.PathLike[str]") -> Dict[str, str]:
    """Records of a FASTA file (plain or gzip) as name -> sequence, in file order (the CLI's reader)."""
    return dict(_core.read_fasta(os.fspath(path)))


class Pipeline:
    """Shared loading: a model folder or published name, ``threads`` (0 = every core), ``precision``."""

    _needs_lm_head = False

    def __init__(self, model: "str | os.PathLike[str]", threads: int = 0, precision: str = "f32",
                 replace_T_with_U: bool = True) -> None:
        """Loads the model folder (or published name) and its tokenizer."""
        self.model_path = hub.resolve(model)
        self.model = _core.Model.load(self.model_path, require_lm_head=self._needs_lm_head, precision=precision,
                                      threads=threads)
        self.tokenizer = RnaTokenizer(os.path.join(self.model_path, "vocab.txt"), replace_T_with_U=replace_T_with_U)

    def _texts(self, inputs: Union[str, Sequence[str]]) -> List[str]:
        texts = [inputs] if isinstance(inputs, str) else list(inputs) if isinstance(inputs, (list, tuple)) else None
        if not texts or not all(isinstance(t, str) for t in texts):
            raise TypeError(f"{type(self).__name__}: inputs must be a string or a non-empty list of strings")
        return texts

    def _records(self, inputs: Union[str, Sequence[str]]) -> List[List[int]]:
        return [self.tokenizer.encode(t, add_special_tokens=False) for t in self._texts(inputs)]


class FillMaskPipeline(Pipeline):
    """``unmasker(text_or_texts, top_k=5, nucleotides_only=False)``: the transformers fill-mask output: one text
    with one mask -> a list of ``{score, token, token_str, sequence}``; several masks -> one list per mask; several
    texts -> one such entry per text."""

    _needs_lm_head = True

    def __call__(self, inputs: Union[str, Sequence[str]], top_k: int = 5, nucleotides_only: bool = False) -> Any:
        """Top-k candidates at every <mask> (see the class docstring for the shape)."""
        texts = self._texts(inputs)
        per_text = _core.fill_mask(self.model, texts, top_k=top_k, nucleotides_only=nucleotides_only,
                                   replace_T_with_U=self.tokenizer.replace_T_with_U)
        shaped = [masks[0] if len(masks) == 1 else masks for masks in per_text]
        return shaped[0] if isinstance(inputs, str) else shaped


class FeatureExtractionPipeline(Pipeline):
    """``extractor(text_or_texts)``: per text the last hidden state [L, C] (``keep_special=True``: [T, C] with the
    <cls>/<eos> rows). Long texts are windowed and stitched as ``splicebert embed`` does. With ``return_all=True``
    each result is a dict (``last_hidden_state``, and ``hidden_states`` / ``pooled`` / ``attentions`` /
    ``logits`` as asked, ``windows``)."""

    def __call__(self, inputs: Union[str, Sequence[str]], pool: Optional[str] = None, all_layers: bool = False,
                 attentions: bool = False, logits: bool = False, keep_special: bool = False, window: int = 0,
                 stride: int = 0, max_tokens: int = 16384, return_all: bool = False) -> Any:
        """Features of one text or a list of texts (see the class docstring)."""
        results = _core.embed(self.model, self._records(inputs), all_layers=all_layers, pool=pool or "none",
                              attentions=attentions, logits=logits, keep_special=keep_special, window=window,
                              stride=stride, max_tokens=max_tokens)
        if not (return_all or pool or all_layers or attentions or logits):
            results = [r["last_hidden_state"] for r in results]
        return results[0] if isinstance(inputs, str) else results

    def fasta(self, path: "str | os.PathLike[str]", **options: Any) -> Dict[str, Any]:
        """Every record of a FASTA file: name -> result (as ``splicebert embed -i FASTA``)."""
        records = read_fasta(path)
        options["return_all"] = True
        return dict(zip(records, self(list(records.values()), **options)))


class NucleotidePredictionPipeline(Pipeline):
    """``caller(text_or_texts, threshold=0.5)``: a fine-tuned nucleotide head (``splicebert predict``): per text a
    dict of ``scores`` [L] (sigmoid for one label, sigmoid of the class logit for two, softmax probability of the
    class for more; raw values for regression), ``sites`` (0-based positions scoring >= threshold) and ``logits``
    [L, n]."""

    def __init__(self, model: "str | os.PathLike[str]", **options: Any) -> None:
        """Loads a fine-tuned nucleotide model; other models are refused."""
        super().__init__(model, **options)
        if self.model.head_kind != "nucleotide":
            raise ValueError(f"{self.model_path}: not a fine-tuned nucleotide model (head: {self.model.head_kind})")

    def __call__(self, inputs: Union[str, Sequence[str]], threshold: float = 0.5, score_class: int = -1,
                 window: int = 0, stride: int = 0, max_tokens: int = 16384) -> Any:
        """Scores and called sites of one text or a list of texts."""
        out = []
        for ids in self._records(inputs):
            logits = _core.token_logits(self.model, ids, window=window, stride=stride, max_tokens=max_tokens)
            scores = _core.site_scores(self.model, logits, score_class)
            out.append({"scores": scores, "sites": np.flatnonzero(scores >= threshold), "logits": logits})
        return out[0] if isinstance(inputs, str) else out


class VariantScoringPipeline(Pipeline):
    """``scorer(pairs)``: zero-shot splicing scores of REF/ALT sequence pairs (``splicebert score-pairs``). Pairs
    are dicts with ``ref``, ``alt``, ``pos`` (0-based) and optionally ``id``, ``exon_start``, ``exon_end``, or the
    path of a score-pairs TSV. Per pair a dict: ``id``, ``status`` (``scored`` or why not), ``context_kl``,
    ``max_kl``, ``max_kl_offset``, ``donor_kl``, ``acceptor_kl``, ``masked_delta_p`` (None = not applicable)."""

    _needs_lm_head = True

    def __call__(self, pairs: Union[str, "os.PathLike[str]", Iterable[Dict[str, Any]]], center: str = "variant",
                 window: int = 0, max_kl_window: int = 50, masked_delta_p: bool = True,
                 max_tokens: int = 16384) -> List[Dict[str, Any]]:
        """Scores every pair, in order."""
        if isinstance(pairs, (str, os.PathLike)):
            pairs = _core.read_sequence_pairs(os.fspath(pairs))
        return _core.score_pairs(self.model, list(pairs), center=center, window=window, max_kl_window=max_kl_window,
                                 masked_delta_p=masked_delta_p, max_tokens=max_tokens)

    def vcf(self, path: "str | os.PathLike[str]", fasta: "str | os.PathLike[str]",
            annotation: "str | os.PathLike[str]", output: "str | os.PathLike[str] | None" = None,
            output_type: str = "v", annotation_format: str = "auto", center: str = "variant", window: int = 0,
            max_kl_window: int = 50, masked_delta_p: bool = True, max_tokens: int = 16384, chunk: int = 256,
            regions: Sequence[str] = (), lookup: "str | os.PathLike[str] | None" = None,
            splice_model: "str | os.PathLike[str] | None" = None, distance: int = 50) -> List[Dict[str, Any]]:
        """Scores the records of a VCF/BCF against a genome FASTA and an annotation, as ``splicebert score-vcf``
        (the same library run): per record a dict ``chrom``, ``pos`` (1-based), ``ref``, ``alts``, ``SpliceBERT``
        (the INFO entries, ``ALLELE|gene|transcript|strand|context_KL|...``), ``SB_KL`` and ``SB_REASON``. With
        ``output`` the annotated VCF (``output_type`` v, z, b or u) is written as the CLI writes it, its provenance
        line naming this call. ``splice_model`` (a splice-site model folder, e.g. ``models/splice-site``) adds the
        SpliceAI-style deltas ``SpliceBERT_DS`` within ``distance`` nt, as ``score-vcf --splice-model``. Warnings about the data (REF mismatches, unknown contigs) arrive as ``UserWarning``."""
        command = (f"python: splicebert.pipeline('variant-scoring').vcf({os.fspath(path)!r}, fasta={os.fspath(fasta)!r}, "
                   f"annotation={os.fspath(annotation)!r})")
        return _core.score_vcf(self.model, os.fspath(path), os.fspath(fasta), os.fspath(annotation),
                               output=os.fspath(output) if output is not None else "", output_type=output_type,
                               annotation_format=annotation_format, center=center, window=window,
                               max_kl_window=max_kl_window, masked_delta_p=masked_delta_p, max_tokens=max_tokens,
                               chunk=chunk, regions=list(regions),
                               lookup=os.fspath(lookup) if lookup is not None else "",
                               splice_model=os.fspath(splice_model) if splice_model is not None else "",
                               distance=distance, command=command)


class IsmPipeline(Pipeline):
    """``ism(text_or_texts)``: in-silico mutagenesis (``splicebert ism``): per text a [L, 4] float64 array of the
    context KL of each substitution (columns A C G U, NaN at the reference base)."""

    _needs_lm_head = True

    def __call__(self, inputs: Union[str, Sequence[str]], full_vocab: bool = False, window: int = 0,
                 context_radius: int = 100, max_tokens: int = 16384) -> Any:
        """[L, 4] ISM scores of one text, or a list of them."""
        texts = self._texts(inputs)
        out = [_core.ism(self.model, t.upper(), full_vocab=full_vocab, window=window, context_radius=context_radius,
                         max_tokens=max_tokens) for t in texts]
        return out[0] if isinstance(inputs, str) else out


TASKS = {
    "fill-mask": FillMaskPipeline,
    "feature-extraction": FeatureExtractionPipeline,
    "nucleotide-prediction": NucleotidePredictionPipeline,
    "splice-site": NucleotidePredictionPipeline,
    "variant-scoring": VariantScoringPipeline,
    "ism": IsmPipeline,
}


def pipeline(task: str, model: "str | os.PathLike[str]" = "models/default", **options: Any) -> Pipeline:
    """A pipeline for ``task`` (one of :data:`TASKS`) on a model folder or published name.

    ``options``: ``threads`` (0 = every core), ``precision`` (``"f32"``/``"bf16"``), ``replace_T_with_U``.
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; one of {', '.join(TASKS)}")
    options.pop("tokenizer", None)  # the model folder's own tokenizer is always used
    return TASKS[task](model, **options)
