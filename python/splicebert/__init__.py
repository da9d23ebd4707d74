"""splicebert: SpliceBERT (the BERT-style pre-mRNA language model) on the splicebert.cpp engine.

The model card's API by the same names, on any checkpoint folder the CLI loads (MultiMolecule or the authors'
original layout) or a published name found in the local cache:

    >>> from splicebert import RnaTokenizer, SpliceBertModel, pipeline
    >>> tokenizer = RnaTokenizer.from_pretrained("models/default")
    >>> model = SpliceBertModel.from_pretrained("models/default")
    >>> output = model(**tokenizer("UAGCUUAUCAGACUGAUGUUGA", return_tensors="np"))
    >>> output.last_hidden_state.shape
    (1, 24, 192)
    >>> pipeline("fill-mask", model="models/default")("uagc<mask>uaucagacugauguuga")[0]["token_str"]  # doctest: +SKIP

Contents:
- :class:`RnaTokenizer`: ids exactly as ``splicebert tokenize``.
- :class:`SpliceBertModel`, :class:`SpliceBertForMaskedLM`, :class:`SpliceBertForSequencePrediction`,
  :class:`SpliceBertForNucleotidePrediction`, :class:`SpliceBertForContactPrediction`: ``from_pretrained`` and a
  call returning a :class:`ModelOutput` (numpy in -> numpy out, torch in -> torch out; ``loss`` with ``labels``).
- :func:`pipeline`: ``fill-mask``, ``feature-extraction``, ``nucleotide-prediction`` / ``splice-site``,
  ``variant-scoring``, ``ism``.
- :func:`finetune`, :func:`pretrain`: the engine's training runs with a progress callback (Ctrl-C stops cleanly).

All compute runs in C++ with the GIL released: one model may serve several Python threads. ``threads=`` sets a
model's OpenMP threads. Library errors arrive as ValueError / FileNotFoundError with the CLI's one-line message.
"""

from . import _core
from .hub import PUBLISHED
from .models import (SpliceBertForContactPrediction, SpliceBertForMaskedLM, SpliceBertForNucleotidePrediction,
                     SpliceBertForSequencePrediction, SpliceBertForTokenPrediction, SpliceBertModel,
                     SpliceBertPreTrainedModel)
from .outputs import BaseModelOutput, MaskedLMOutput, ModelOutput, PredictionOutput
from .pipelines import (FeatureExtractionPipeline, FillMaskPipeline, IsmPipeline, NucleotidePredictionPipeline,
                        Pipeline, VariantScoringPipeline, pipeline, read_fasta)
from .tokenizer import BatchEncoding, RnaTokenizer
from .training import finetune, pretrain

__version__ = _core.__version__

__all__ = [
    "RnaTokenizer", "BatchEncoding",
    "SpliceBertPreTrainedModel", "SpliceBertModel", "SpliceBertForMaskedLM", "SpliceBertForSequencePrediction",
    "SpliceBertForNucleotidePrediction", "SpliceBertForTokenPrediction", "SpliceBertForContactPrediction",
    "ModelOutput", "BaseModelOutput", "MaskedLMOutput", "PredictionOutput",
    "pipeline", "Pipeline", "FillMaskPipeline", "FeatureExtractionPipeline", "NucleotidePredictionPipeline",
    "VariantScoringPipeline", "IsmPipeline", "read_fasta",
    "finetune", "pretrain", "PUBLISHED", "__version__",
]
