"""Model outputs: a dict whose keys are also attributes, as transformers' ``ModelOutput``.

``output.logits`` and ``output["logits"]`` are the same object; keys whose value is ``None`` are left out, so
``output.keys()`` lists what was computed. ``output[0]`` / ``output.to_tuple()`` give the values in order.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Tuple


class ModelOutput(OrderedDict):
    """The outputs of a model call, with attribute and key access (``out.loss`` or ``out["loss"]``)."""

    def __init__(self, **fields: Any) -> None:
        """The given fields in order; None values are left out."""
        super().__init__((key, value) for key, value in fields.items() if value is not None)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            return None  # an output that was not asked for (e.g. `loss` without labels), as transformers gives None

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, (int, slice)):
            return self.to_tuple()[key]
        return super().__getitem__(key)

    def to_tuple(self) -> Tuple[Any, ...]:
        """The values in key order."""
        return tuple(self.values())


class BaseModelOutput(ModelOutput):
    """``last_hidden_state``, ``pooler_output``, ``hidden_states``, ``attentions`` of :class:`SpliceBertModel`."""


class MaskedLMOutput(ModelOutput):
    """``loss`` (with labels), ``logits`` [B, T, V], ``hidden_states``, ``attentions`` of the masked-LM model."""


class PredictionOutput(ModelOutput):
    """``loss`` (with labels), ``logits``, ``hidden_states``, ``attentions`` of a task-head model."""
