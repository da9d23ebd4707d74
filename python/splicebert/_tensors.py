"""Array plumbing between numpy, torch and the compiled core: inputs of any kind in, outputs of the same kind out.

Only conversions live here: every number is computed by the C++ library.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

NUMPY = "np"
TORCH = "pt"


def kind_of(value: Any) -> str:
    """``"pt"`` for a torch tensor, ``"np"`` for anything else (numpy arrays, lists)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return TORCH
    return NUMPY


def as_numpy(value: Any, dtype: Any) -> np.ndarray:
    """A C-contiguous numpy array of ``dtype`` (torch tensors through ``.detach().cpu().numpy()``)."""
    if kind_of(value) == TORCH:
        value = value.detach().cpu().numpy()
    return np.ascontiguousarray(np.asarray(value), dtype=dtype)


def as_batch(value: Any, name: str) -> np.ndarray:
    """Token ids or a mask as int64 [B, T]; a 1-D sequence becomes one row."""
    array = as_numpy(value, np.int64)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(f"{name} must be 1-D or 2-D [batch, tokens], got shape {tuple(array.shape)}")
    return array


def wrap(array: Any, kind: str) -> Any:
    """``array`` as the caller's kind: numpy as it is, torch through ``torch.from_numpy`` (no copy)."""
    if array is None or kind == NUMPY:
        return array
    import torch

    return torch.from_numpy(np.asarray(array))


def require_torch() -> Any:
    """The torch module, or an ImportError that says what to do instead."""
    try:
        import torch
    except ImportError as error:  # pragma: no cover - depends on the machine
        raise ImportError("return_tensors='pt' needs PyTorch; use return_tensors='np' (numpy) instead") from error
    return torch
