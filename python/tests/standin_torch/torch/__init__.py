"""A numpy stand-in for the few torch calls the model card's code makes (torch.tensor, torch.randint,
torch.from_numpy, Tensor.numpy/detach/cpu), put on sys.path by test_model_card.py only when PyTorch itself is not
installed, so that the card's code runs unchanged on a machine without PyTorch. Not part of the package."""

from __future__ import annotations

import numpy as np

__standin__ = True


class Tensor(np.ndarray):
    """A numpy array that answers the torch methods the package calls."""

    def numpy(self) -> np.ndarray:
        return np.asarray(self)

    def detach(self) -> "Tensor":
        return self

    def cpu(self) -> "Tensor":
        return self


def tensor(data, dtype=None) -> Tensor:
    return np.asarray(data, dtype=dtype).view(Tensor)


def from_numpy(array: np.ndarray) -> Tensor:
    return np.asarray(array).view(Tensor)


def randint(high: int, size: tuple, generator=None) -> Tensor:
    return np.random.default_rng(0).integers(0, high, size=size, dtype=np.int64).view(Tensor)
