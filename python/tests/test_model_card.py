"""Every code block of the SpliceBERT model card (MultiMolecule's), run on this package. Each block is copied
verbatim; the only changed lines are marked `# CHANGED` (the imports, and the model name, which becomes the local
folder models/default). With PyTorch installed the blocks use it; without it, a numpy stand-in for the four torch
calls they make (python/tests/standin_torch) takes its place, so the blocks still run unchanged."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import splicebert
from conftest import REPO

MODEL = str(REPO / "models" / "default")

DIRECT_USE = '''
import splicebert  # CHANGED: was `import multimolecule  # you must import multimolecule to register models`
from splicebert import pipeline  # CHANGED: was `from transformers import pipeline`
unmasker = pipeline('fill-mask', model=MODEL)  # CHANGED: was model='multimolecule/splicebert'
result = unmasker("uagc<mask>uaucagacugauguuga")
'''

EXTRACT_FEATURES = '''
from splicebert import RnaTokenizer, SpliceBertModel  # CHANGED: was `from multimolecule import ...`


tokenizer = RnaTokenizer.from_pretrained(MODEL)  # CHANGED: was 'multimolecule/splicebert'
model = SpliceBertModel.from_pretrained(MODEL)  # CHANGED: was 'multimolecule/splicebert'

text = "UAGCUUAUCAGACUGAUGUUGA"
input = tokenizer(text, return_tensors='pt')

output = model(**input)
'''

SEQUENCE = '''
import torch
from splicebert import RnaTokenizer, SpliceBertForSequencePrediction  # CHANGED: was `from multimolecule import ...`


tokenizer = RnaTokenizer.from_pretrained(MODEL)  # CHANGED: was 'multimolecule/splicebert'
model = SpliceBertForSequencePrediction.from_pretrained(MODEL)  # CHANGED: was 'multimolecule/splicebert'

text = "UAGCUUAUCAGACUGAUGUUGA"
input = tokenizer(text, return_tensors='pt')
label = torch.tensor([1])

output = model(**input, labels=label)
'''

NUCLEOTIDE = '''
import torch
from splicebert import RnaTokenizer, SpliceBertForNucleotidePrediction  # CHANGED: was `from multimolecule import ...`


tokenizer = RnaTokenizer.from_pretrained(MODEL)  # CHANGED: was 'multimolecule/splicebert'
model = SpliceBertForNucleotidePrediction.from_pretrained(MODEL)  # CHANGED: was 'multimolecule/splicebert'

text = "UAGCUUAUCAGACUGAUGUUGA"
input = tokenizer(text, return_tensors='pt')
label = torch.randint(2, (len(text), ))

output = model(**input, labels=label)
'''

CONTACT = '''
import torch
from splicebert import RnaTokenizer, SpliceBertForContactPrediction  # CHANGED: was `from multimolecule import ...`


tokenizer = RnaTokenizer.from_pretrained(MODEL)  # CHANGED: was 'multimolecule/splicebert'
model = SpliceBertForContactPrediction.from_pretrained(MODEL)  # CHANGED: was 'multimolecule/splicebert'

text = "UAGCUUAUCAGACUGAUGUUGA"
input = tokenizer(text, return_tensors='pt')
label = torch.randint(2, (len(text), len(text)))

output = model(**input, labels=label)
'''


@pytest.fixture(scope="module", autouse=True)
def torch_or_standin():
    """Real PyTorch when installed, else the stand-in (removed again after this module)."""
    try:
        importlib.import_module("torch")
        yield "torch"
        return
    except ImportError:
        pass
    folder = str(Path(__file__).parent / "standin_torch")
    sys.path.insert(0, folder)
    yield "standin"
    sys.path.remove(folder)
    sys.modules.pop("torch", None)


def run_block(code: str) -> dict:
    namespace = {"MODEL": MODEL}
    exec(compile(textwrap.dedent(code), "<model card>", "exec"), namespace)
    return namespace


def test_direct_use_fill_mask():
    result = run_block(DIRECT_USE)["result"]
    assert isinstance(result, list) and len(result) == 5  # the card's output: five candidates
    assert [sorted(c) for c in result] == [["score", "sequence", "token", "token_str"]] * 5
    scores = [c["score"] for c in result]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1
    for candidate in result:
        assert candidate["sequence"] == f"U A G C {candidate['token_str']} U A U C A G A C U G A U G U U G A"


def test_extract_features():
    import torch
    namespace = run_block(EXTRACT_FEATURES)
    output = namespace["output"]
    assert isinstance(output.last_hidden_state, torch.Tensor)  # torch in, torch out
    assert tuple(output.last_hidden_state.shape) == (1, 24, 192)  # <cls> + 22 nt + <eos>, hidden 192
    assert output["last_hidden_state"] is output.last_hidden_state


@pytest.mark.filterwarnings("ignore:SpliceBertFor")
@pytest.mark.parametrize("block, logits_shape", [(SEQUENCE, (1, 1)), (NUCLEOTIDE, (1, 22, 1)),
                                                 (CONTACT, (1, 22, 22, 1))])
def test_task_heads_with_labels(block, logits_shape):
    import torch
    output = run_block(block)["output"]
    assert tuple(output.logits.shape) == logits_shape
    assert isinstance(output.loss, torch.Tensor)
    loss = float(np.asarray(output.loss.numpy()))
    assert np.isfinite(loss) and loss > 0  # binary cross-entropy of a freshly initialised head


def test_new_heads_are_announced():
    with pytest.warns(UserWarning, match="sequence_head.decoder.weight"):
        run_block(SEQUENCE)
