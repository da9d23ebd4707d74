"""The model classes of the model card, by the same names, over the C++ engine.

``from_pretrained`` takes a model folder in either layout or a published name (see :mod:`splicebert.hub`); a
call takes ``input_ids`` / ``attention_mask`` as numpy arrays, lists or torch tensors and returns a
:class:`~splicebert.outputs.ModelOutput` whose arrays are of the same kind (numpy, or torch when torch tensors came
in). Inference only: there is no autograd; fine-tuning runs in the engine (:func:`splicebert.finetune`).
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Optional, Tuple

import numpy as np

from . import _core, _tensors, hub
from .outputs import BaseModelOutput, MaskedLMOutput, ModelOutput, PredictionOutput


class SpliceBertPreTrainedModel:
    """Shared loading and calling; use one of the subclasses."""

    _head_kind: Optional[str] = None  # "sequence" | "nucleotide" | "contact" for the task-head models
    _needs_lm_head = False

    def __init__(self, core: "_core.Model", name_or_path: str) -> None:
        """Wraps a loaded core model; use from_pretrained()."""
        self._core = core
        self.name_or_path = name_or_path

    @classmethod
    def from_pretrained(cls, name_or_path: "str | os.PathLike[str]", *, threads: int = 0, precision: str = "f32",
                        pooler_file: Optional[str] = None, num_labels: Optional[int] = None,
                        problem_type: Optional[str] = None, transform: str = "none", seed: int = 1,
                        **_: Any) -> "SpliceBertPreTrainedModel":
        """Loads a checkpoint folder (either layout) or a published name from the local cache.

        ``threads``: OpenMP threads for this model's calls (0 = every core). ``precision``: ``"f32"`` or
        ``"bf16"``. ``pooler_file``: extra safetensors with ``model.pooler.dense.*``. For the task-head classes,
        a checkpoint without that head gets one (``num_labels``, default 1; ``problem_type`` inferred from the
        labels when not given), drawn as fine-tuning draws it (``seed``), with a warning naming the new tensors.
        """
        path = hub.resolve(name_or_path)
        core = _core.Model.load(path, require_lm_head=cls._needs_lm_head, pooler_file=pooler_file or "",
                                precision=precision, threads=threads)
        if cls._head_kind is not None and core.head_kind != cls._head_kind:
            core, initialised = core.with_task_head(cls._head_kind, num_labels or 1, problem_type or "", transform,
                                                    seed)
            if initialised:
                warnings.warn(f"{cls.__name__}: {path} has no {', '.join(initialised)}; they were initialised as "
                              f"fine-tuning does (normal(0, initializer_range), biases 0): train the head before use",
                              stacklevel=2)
        return cls(core, path)

    # ---- properties -----------------------------------------------------------------------------------------------
    @property
    def config(self) -> dict:
        """The checkpoint's config.json as a dict."""
        return self._core.config

    @property
    def threads(self) -> int:
        """OpenMP threads for this model's calls (0 = every core); may be changed at any time."""
        return self._core.threads

    @threads.setter
    def threads(self, value: int) -> None:
        self._core.threads = int(value)

    def num_parameters(self) -> int:
        """Number of parameters in the loaded weights."""
        return self._core.parameter_count

    def eval(self) -> "SpliceBertPreTrainedModel":
        """No-op (the engine has no training mode at inference); returns self, as torch does."""
        return self

    def to(self, *_: Any, **__: Any) -> "SpliceBertPreTrainedModel":
        """No-op (CPU only); returns self."""
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}.from_pretrained({self.name_or_path!r}, threads={self.threads})"

    # ---- calling --------------------------------------------------------------------------------------------------
    def __call__(self, input_ids: Any = None, attention_mask: Any = None, labels: Any = None,
                 output_hidden_states: bool = False, output_attentions: bool = False, **kwargs: Any) -> ModelOutput:
        """Same as :meth:`forward`."""
        return self.forward(input_ids=input_ids, attention_mask=attention_mask, labels=labels,
                            output_hidden_states=output_hidden_states, output_attentions=output_attentions, **kwargs)

    def forward(self, input_ids: Any = None, attention_mask: Any = None, labels: Any = None,
                output_hidden_states: bool = False, output_attentions: bool = False, **_: Any) -> ModelOutput:
        """Runs the model on ``input_ids`` [B, T] (with <cls>/<eos>; a 1-D sequence is one row)."""
        raise NotImplementedError

    def _run(self, input_ids: Any, attention_mask: Any, output_hidden_states: bool, output_attentions: bool,
             **outputs: bool) -> Tuple[dict, str, Tuple[Any, ...], Tuple[Any, ...]]:
        if input_ids is None:
            raise ValueError(f"{type(self).__name__}: input_ids is required")
        kind = _tensors.kind_of(input_ids)
        ids = _tensors.as_batch(input_ids, "input_ids")
        mask = None if attention_mask is None else _tensors.as_batch(attention_mask, "attention_mask")
        result = self._core.forward(ids, mask, hidden_states=output_hidden_states, attentions=output_attentions,
                                    **outputs)
        hidden = tuple(_tensors.wrap(h, kind) for h in result["hidden_states"]) if output_hidden_states else None
        attentions = tuple(_tensors.wrap(a, kind) for a in result["attentions"]) if output_attentions else None
        return result, kind, hidden, attentions


def _loss_array(loss: float, kind: str) -> Any:
    return _tensors.wrap(np.asarray(loss, dtype=np.float32), kind)


class SpliceBertModel(SpliceBertPreTrainedModel):
    """The bare encoder: ``last_hidden_state`` [B, T, C], ``pooler_output`` [B, C] (when the checkpoint or
    ``pooler_file`` has a pooler; MLM checkpoints have none), ``hidden_states``, ``attentions``."""

    def forward(self, input_ids: Any = None, attention_mask: Any = None, labels: Any = None,
                output_hidden_states: bool = False, output_attentions: bool = False, **_: Any) -> BaseModelOutput:
        """Runs the encoder; ``labels`` are not used by the bare model."""
        pooler = self._core.has_pooler
        result, kind, hidden, attentions = self._run(input_ids, attention_mask, output_hidden_states,
                                                     output_attentions, pooler=pooler)
        return BaseModelOutput(last_hidden_state=_tensors.wrap(result["last_hidden_state"], kind),
                               pooler_output=_tensors.wrap(result.get("pooler_output"), kind),
                               hidden_states=hidden, attentions=attentions)


class SpliceBertForMaskedLM(SpliceBertPreTrainedModel):
    """The encoder with its MLM head: ``logits`` [B, T, V]; with ``labels`` [B, T] (-100 = ignored) the mean
    cross-entropy ``loss``."""

    _needs_lm_head = True

    def forward(self, input_ids: Any = None, attention_mask: Any = None, labels: Any = None,
                output_hidden_states: bool = False, output_attentions: bool = False, **_: Any) -> MaskedLMOutput:
        """Runs the encoder and the MLM head."""
        result, kind, hidden, attentions = self._run(input_ids, attention_mask, output_hidden_states,
                                                     output_attentions, mlm_logits=True)
        logits = result["mlm_logits"]
        loss = None
        if labels is not None:
            value, _ = _core.head_loss("multiclass", logits, _tensors.as_numpy(labels, np.float32))
            loss = _loss_array(value, kind)
        return MaskedLMOutput(loss=loss, logits=_tensors.wrap(logits, kind), hidden_states=hidden,
                              attentions=attentions)


class _SpliceBertForPrediction(SpliceBertPreTrainedModel):
    def forward(self, input_ids: Any = None, attention_mask: Any = None, labels: Any = None,
                output_hidden_states: bool = False, output_attentions: bool = False, **_: Any) -> PredictionOutput:
        """Runs the encoder and the task head; with ``labels``, the loss of the head's problem type."""
        result, kind, hidden, attentions = self._run(input_ids, attention_mask, output_hidden_states,
                                                     output_attentions, head=True)
        logits = result["head_logits"]
        loss = None
        if labels is not None:
            value, _, self.problem_type = self._core.loss(logits, _tensors.as_numpy(labels, np.float32))
            loss = _loss_array(value, kind)
        return PredictionOutput(loss=loss, logits=_tensors.wrap(logits, kind), hidden_states=hidden,
                                attentions=attentions)

    @property
    def num_labels(self) -> int:
        """Outputs per sequence / nucleotide / pair."""
        return self._core.num_labels


class SpliceBertForSequencePrediction(_SpliceBertForPrediction):
    """Sequence-level head on the pooler: ``logits`` [B, num_labels]; ``labels`` [B] or [B, num_labels]."""

    _head_kind = "sequence"


class SpliceBertForNucleotidePrediction(_SpliceBertForPrediction):
    """Nucleotide-level head: ``logits`` [B, T-2, num_labels] (no <cls>/<eos> rows); ``labels`` [B, T-2] or [T-2]."""

    _head_kind = "nucleotide"


class SpliceBertForContactPrediction(_SpliceBertForPrediction):
    """Pair-level head: ``logits`` [B, T-2, T-2, num_labels]; ``labels`` [B, T-2, T-2] or [T-2, T-2]."""

    _head_kind = "contact"


SpliceBertForTokenPrediction = SpliceBertForNucleotidePrediction  # the config.json architecture name
