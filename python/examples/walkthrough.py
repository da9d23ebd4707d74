"""A notebook-style walkthrough of the splicebert Python package (cells marked `# %%`): embed a FASTA, fill a mask,
score variants, fine-tune a head and use it. Run it as a script:

    python3 python/examples/walkthrough.py [WORK_DIR]

It uses the model shipped in models/default and the example FASTA in examples/; WORK_DIR (default: a temporary
folder) receives the fine-tuning run. python/tests/test_walkthrough.py runs it.
"""

# %% Setup
import os
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

import splicebert

REPO = Path(__file__).resolve().parents[2]
MODEL = str(REPO / "models" / "default")
work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="splicebert-walkthrough-"))
work.mkdir(parents=True, exist_ok=True)

# %% 1. Embed a FASTA: one [L, 192] matrix per record (long records are windowed and stitched), plus a mean vector
extractor = splicebert.pipeline("feature-extraction", model=MODEL)
embeddings = extractor.fasta(REPO / "examples" / "premrna.fa", pool="mean")
for name, result in embeddings.items():
    print(f"{name}: last_hidden_state {result['last_hidden_state'].shape}, pooled {result['pooled'].shape}, "
          f"{result['windows']} window(s)")

# %% 2. Fill a mask: the transformers fill-mask output
unmasker = splicebert.pipeline("fill-mask", model=MODEL)
for candidate in unmasker("CUUCCUCCUUUCAG<mask>UGCUGAAGAGACAGCGUCUAGGUAAGUCUAUGACCCAUGCUUCCUUUCUUCUCAGG", top_k=3):
    print(f"{candidate['token_str']}  {candidate['score']:.3f}")

# %% 3. Score variants: REF/ALT sequence pairs (as `splicebert score-pairs`)
rng = random.Random(1)
ref = "".join(rng.choice("ACGU") for _ in range(100)) + "AGGUAAGU" + "".join(rng.choice("ACGU") for _ in range(92))
pairs = [{"id": "donor_G>A", "ref": ref, "alt": ref[:101] + "A" + ref[102:], "pos": 101},
         {"id": "far_away", "ref": ref, "alt": ref[:10] + ("A" if ref[10] != "A" else "C") + ref[11:], "pos": 10}]
scorer = splicebert.pipeline("variant-scoring", model=MODEL)
for score in scorer(pairs):
    print(f"{score['id']}: {score['status']}, context KL {score['context_kl']:.3f}, max KL {score['max_kl']:.4f}")

# %% 4. Fine-tune a nucleotide head (the engine's `finetune`; progress arrives as dicts)
with open(work / "train.fa", "w") as fasta, open(work / "labels.tsv", "w") as labels:
    for r in range(12):
        sequence = "".join(rng.choice("ACGU") for _ in range(70))
        sequence = sequence[:30] + "GU" + sequence[32:]  # a donor-like GU at position 30
        fasta.write(f">r{r}\n{sequence}\n")
        labels.write(f"r{r}\t{'0' * 30}1{'0' * 39}\n")
config = {"model": MODEL, "output": str(work / "run"), "fasta": str(work / "train.fa"),
          "labels": str(work / "labels.tsv"), "head": {"type": "token", "num_labels": 1}, "folds": 3, "epochs": 1,
          "batch_size": 4, "max_steps": 2, "lr": 1e-3}
summary = splicebert.finetune(config, quiet=True,
                              progress=lambda record: print("  log:", {k: record[k] for k in record
                                                                       if k in ("seed", "fold", "epoch", "train_loss")}))
best = str(work / "run" / "seed1" / "fold0" / "best")
print("test metrics:", {name: round(value["mean"], 3) for name, value in summary["test"].items()})

# %% 5. Use the fine-tuned head: per-nucleotide scores and called sites, and the model-card class
caller = splicebert.pipeline("splice-site", model=best)
result = caller(ref, threshold=0.5)
print(f"scores {result['scores'].shape}, {len(result['sites'])} site(s) called")
tokenizer = splicebert.RnaTokenizer.from_pretrained(best)
model = splicebert.SpliceBertForNucleotidePrediction.from_pretrained(best)
output = model(**tokenizer(ref, return_tensors="np"), labels=np.zeros(len(ref)))
print(f"logits {output.logits.shape}, loss against all-zero labels {float(output.loss):.3f}")
