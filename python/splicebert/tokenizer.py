"""``RnaTokenizer``: the MultiMolecule tokenizer's interface over the library's tokenizer (the rules are C++).

The ids are exactly those of ``splicebert tokenize`` for the same vocabulary: special tokens split off first,
other characters upper-cased, T read as U (unless ``replace_T_with_U=False``), unknown characters ``<unk>``,
``<cls>`` ... ``<eos>`` around each sequence, batches right-padded with ``<pad>``.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np

from . import _core, _tensors, hub

TextInput = Union[str, Sequence[str]]


class BatchEncoding(dict):
    """``input_ids`` and ``attention_mask`` (dict and attribute access; ``model(**encoding)`` works)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as error:
            raise AttributeError(name) from error


class RnaTokenizer:
    """Tokenizer of a SpliceBERT checkpoint (MultiMolecule's ``RnaTokenizer`` API).

    >>> tokenizer = RnaTokenizer.from_pretrained("models/default")
    >>> tokenizer("ACGT")["input_ids"]        # doctest: +SKIP
    [1, 6, 7, 8, 9, 2]
    """

    model_input_names = ["input_ids", "attention_mask"]

    def __init__(self, vocab_file: "str | os.PathLike[str]", replace_T_with_U: bool = True) -> None:
        """Reads ``vocab_file`` (one token per line)."""
        self._core = _core.Tokenizer.from_vocab_file(os.fspath(vocab_file))
        self.replace_T_with_U = replace_T_with_U
        self.vocab_file = os.fspath(vocab_file)

    @classmethod
    def from_pretrained(cls, name_or_path: "str | os.PathLike[str]", replace_T_with_U: bool = True,
                        **_: Any) -> "RnaTokenizer":
        """The tokenizer of a model folder or published name (``vocab.txt``; no weights are read)."""
        return cls(os.path.join(hub.resolve(name_or_path), "vocab.txt"), replace_T_with_U=replace_T_with_U)

    # ---- vocabulary -----------------------------------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        """Number of tokens."""
        return len(self._core)

    def __len__(self) -> int:
        return len(self._core)

    def get_vocab(self) -> Dict[str, int]:
        """Token -> id."""
        return {token: i for i, token in enumerate(self._core.tokens)}

    def convert_ids_to_tokens(self, ids: Union[int, Sequence[int]]) -> Union[str, List[str]]:
        """The token(s) of id(s)."""
        if isinstance(ids, (int, np.integer)):
            return self._core.token(int(ids))
        return [self._core.token(int(i)) for i in ids]

    def convert_tokens_to_ids(self, tokens: Union[str, Sequence[str]]) -> Union[int, List[int]]:
        """The id(s) of token(s); unknown tokens give the <unk> id."""
        def one(token: str) -> int:
            i = self._core.id_of(token)
            return i if i >= 0 else self._core.unk_id
        return one(tokens) if isinstance(tokens, str) else [one(t) for t in tokens]

    pad_token_id = property(lambda self: self._core.pad_id, doc="Id of the padding token.")
    cls_token_id = property(lambda self: self._core.cls_id, doc="Id of the sequence-start token.")
    bos_token_id = cls_token_id
    eos_token_id = property(lambda self: self._core.eos_id, doc="Id of the sequence-end token.")
    sep_token_id = eos_token_id
    unk_token_id = property(lambda self: self._core.unk_id, doc="Id of the unknown token.")
    mask_token_id = property(lambda self: self._core.mask_id, doc="Id of the mask token.")
    pad_token = property(lambda self: self._core.token(self._core.pad_id), doc="The padding token.")
    cls_token = property(lambda self: self._core.token(self._core.cls_id), doc="The sequence-start token.")
    eos_token = property(lambda self: self._core.token(self._core.eos_id), doc="The sequence-end token.")
    unk_token = property(lambda self: self._core.token(self._core.unk_id), doc="The unknown token.")
    mask_token = property(lambda self: self._core.token(self._core.mask_id), doc="The mask token.")

    @property
    def all_special_ids(self) -> List[int]:
        """Ids of every special token."""
        return [i for i in range(len(self._core)) if self._core.is_special(i)]

    # ---- encoding -------------------------------------------------------------------------------------------------
    def encode(self, text: str, add_special_tokens: bool = True) -> List[int]:
        """Token ids of one text."""
        ids, _ = self._core.encode(text, add_special_tokens, self.replace_T_with_U)
        return ids

    def tokenize(self, text: str) -> List[str]:
        """The tokens of one text (without <cls>/<eos>)."""
        return self.convert_ids_to_tokens(self.encode(text, add_special_tokens=False))

    def __call__(self, text: TextInput, padding: Union[bool, str] = False, truncation: bool = False,
                 max_length: Optional[int] = None, return_tensors: Optional[str] = None,
                 add_special_tokens: bool = True, return_attention_mask: bool = True, **_: Any) -> BatchEncoding:
        """Encodes a string or a list of strings.

        ``padding``: False / ``"do_not_pad"``, True / ``"longest"``, or ``"max_length"`` (to ``max_length``).
        ``truncation`` with ``max_length`` keeps the first ``max_length`` tokens (``<eos>`` kept last).
        ``return_tensors``: None (lists), ``"np"`` (int64 arrays [B, T]) or ``"pt"`` (torch tensors).
        """
        single = isinstance(text, str)
        if not single and not isinstance(text, (list, tuple)):
            raise TypeError(f"RnaTokenizer: text must be a string or a list of strings, not {type(text).__name__}")
        texts = [text] if single else list(text)
        if not all(isinstance(t, str) for t in texts):
            raise TypeError("RnaTokenizer: text must be a string or a list of strings")
        rows = self._core.encode_batch(texts, add_special_tokens, self.replace_T_with_U)
        if truncation and max_length is not None:
            if max_length < (2 if add_special_tokens else 0):
                raise ValueError(f"RnaTokenizer: max_length {max_length} leaves no room for <cls>/<eos>")
            rows = [r if len(r) <= max_length else
                    (r[:max_length - 1] + [r[-1]] if add_special_tokens else r[:max_length]) for r in rows]
        if padding in (True, "longest", "max_length"):
            width = max(len(r) for r in rows) if rows else 0
            if padding == "max_length":
                if max_length is None:
                    raise ValueError("RnaTokenizer: padding='max_length' needs max_length")
                width = max_length
            masks = [[1] * len(r) + [0] * (width - len(r)) for r in rows]
            rows = [r + [self._core.pad_id] * (width - len(r)) for r in rows]
        elif padding not in (False, None, "do_not_pad"):
            raise ValueError(f"RnaTokenizer: padding must be True, False, 'longest' or 'max_length', got {padding!r}")
        else:
            masks = [[1] * len(r) for r in rows]
        encoding = BatchEncoding()
        if return_tensors is None:
            encoding["input_ids"] = rows[0] if single else rows
            if return_attention_mask:
                encoding["attention_mask"] = masks[0] if single else masks
            return encoding
        if return_tensors not in ("np", "pt"):
            raise ValueError(f"RnaTokenizer: return_tensors must be 'np', 'pt' or None, got {return_tensors!r}")
        if len({len(r) for r in rows}) > 1:
            raise ValueError("RnaTokenizer: sequences of different lengths need padding=True to become one tensor")
        arrays = {"input_ids": np.asarray(rows, dtype=np.int64).reshape(len(rows), -1),
                  "attention_mask": np.asarray(masks, dtype=np.int64).reshape(len(rows), -1)}
        if return_tensors == "pt":
            _tensors.require_torch()
        for key in self.model_input_names:
            if key == "attention_mask" and not return_attention_mask:
                continue
            encoding[key] = _tensors.wrap(arrays[key], return_tensors)
        return encoding

    # ---- decoding -------------------------------------------------------------------------------------------------
    def decode(self, ids: Any, skip_special_tokens: bool = False) -> str:
        """Tokens joined by spaces (as MultiMolecule's tokenizer decodes)."""
        flat = [int(i) for i in _tensors.as_numpy(ids, np.int64).reshape(-1)]
        if skip_special_tokens:
            flat = [i for i in flat if not self._core.is_special(i)]
        return " ".join(self._core.token(i) for i in flat)

    def batch_decode(self, sequences: Any, skip_special_tokens: bool = False) -> List[str]:
        """decode() of every row."""
        return [self.decode(row, skip_special_tokens) for row in sequences]

    def __repr__(self) -> str:
        return f"RnaTokenizer(vocab_file={self.vocab_file!r}, vocab_size={self.vocab_size}, " \
               f"replace_T_with_U={self.replace_T_with_U})"
