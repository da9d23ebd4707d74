#!/usr/bin/env python3
"""Tokens/s of the Python API (SpliceBertModel on numpy arrays) next to `splicebert bench --json` on the same
workloads, model and thread counts, and next to PyTorch (the peers' BERT encoder, eager and fast path, fp32) loaded
with the same weights when torch is importable. Prints a Markdown table (docs/python.md).

    python3 bench/python_bench.py [--threads 1,2] [--workloads a,b,c,d] [--repeats 5] [--model DIR]
                                  [--peers ../shared/peers] [--no-torch]

Workloads (as `splicebert bench`): a = 1 x 1026 tokens, b = 8 x 512, c = 64 x 128, d = 1 x 66. Without --model a
base-size checkpoint (6 x 512, the `base` fixture's generator) is written by `splicebert init` into a temporary
folder. Each side is timed in its own process; the median of --repeats runs after two warm-up runs is reported
(with --rounds N, the best of N such medians, the sides alternating).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORKLOADS = {"a": (1, 1026), "b": (8, 512), "c": (64, 128), "d": (1, 66)}

# Times SpliceBertModel.forward through the package, in a process of its own (as the CLI's rows are).
PYTHON_ROW = r"""
import json, statistics, sys, time
import numpy as np
import splicebert
model_dir, workload, batch, tokens, threads, repeats = sys.argv[1:7]
batch, tokens, threads, repeats = int(batch), int(tokens), int(threads), int(repeats)
model = splicebert.SpliceBertModel.from_pretrained(model_dir, threads=threads)
tok = splicebert.RnaTokenizer.from_pretrained(model_dir)
rng = np.random.default_rng(1234)
nts = np.asarray(tok.convert_tokens_to_ids(["A", "C", "G", "U"]))
ids = nts[rng.integers(0, 4, size=(batch, tokens))]
ids[:, 0], ids[:, -1] = tok.cls_token_id, tok.eos_token_id
mask = np.ones_like(ids)
def once():
    start = time.perf_counter()
    model(input_ids=ids, attention_mask=mask)
    return time.perf_counter() - start
first = once(); once()
runs = max(repeats, int(min(30.0, 1.0 / max(first, 1e-6))))
times = [once() for _ in range(runs)]
print(json.dumps({"workload": workload, "threads": threads, "tokens_per_s": batch * tokens / statistics.median(times)}))
"""

# Times the peers' PyTorch encoder with our checkpoint's weights (MultiMolecule names -> HF BERT names).
TORCH_ROW = r"""
import json, statistics, sys, time
import torch
peers, weights, workloads, threads, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
sys.path.insert(0, peers + "/torch")
import model as peer
from safetensors_reader import read_safetensors
tensors = read_safetensors(weights)
vocab = tensors["model.embeddings.word_embeddings.weight"].shape[0]
peer.Cfg.vocab_size = vocab
torch.set_num_threads(threads)
base = peer.BertModel().eval()
state = {k[len("model."):].replace("layer_norm", "LayerNorm"): torch.from_numpy(v)
         for k, v in tensors.items() if k.startswith("model.")}
missing, unexpected = base.load_state_dict(state, strict=False)
assert not unexpected and all(k.startswith("pooler.") or k.endswith("position_ids") for k in missing), (missing, unexpected)
variants = {"eager_fp32": base, "fastpath_fp32": peer.FastPathEncoder(base).eval()}
for wl in workloads.split(","):
    B, L = json.loads(sys.argv[6])[wl]
    g = torch.Generator().manual_seed(1234)
    ids = torch.randint(6, 10, (B, L), generator=g); ids[:, 0] = 1; ids[:, -1] = 2
    am = torch.ones_like(ids)
    for name, m in variants.items():
        def once():
            start = time.perf_counter()
            with torch.inference_mode():
                m(ids, am)
            return time.perf_counter() - start
        first = once(); once()
        runs = max(repeats, int(min(30.0, 1.0 / max(first, 1e-6))))
        times = [once() for _ in range(runs)]
        print(json.dumps({"workload": wl, "threads": threads, "variant": name,
                          "tokens_per_s": B * L / statistics.median(times)}), flush=True)
"""

# A numpy reader of model.safetensors for the torch process (the peers' code loads torch.save files only).
SAFETENSORS_READER = r"""
import json, struct
import numpy as np
def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype=np.float32).reshape(info["shape"]).copy()
    return out
"""


def json_lines(text: str) -> list:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--workloads", default="a,b,c,d")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--model", default="")
    parser.add_argument("--peers", default=str(REPO.parent / "shared" / "peers"))
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure every side this many times, alternating, and keep each side's best (a busy "
                             "machine's load then hurts all sides alike)")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--cli", default=str(REPO / "build" / "splicebert"))
    args = parser.parse_args()
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "build" / "python"), env.get("PYTHONPATH")]))
    work = Path(tempfile.mkdtemp(prefix="splicebert-pybench-"))
    model = args.model
    if not model:
        model = str(work / "base")
        print("writing a base-size checkpoint with `splicebert init` ...", file=sys.stderr)
        subprocess.run([args.cli, "init", "-o", model], check=True, capture_output=True)
    threads = [int(t) for t in args.threads.split(",")]
    workloads = args.workloads.split(",")
    rows = {}

    def keep(entry, key, value):
        entry[key] = max(entry.get(key, 0.0), value)

    for t in [t for _ in range(args.rounds) for t in threads]:
        print(f"threads {t}: CLI bench ...", file=sys.stderr)
        cli = subprocess.run([args.cli, "bench", "-m", model, "--workloads", args.workloads, "--threads", str(t),
                              "--repeats", str(args.repeats), "--json", "-q"], capture_output=True, text=True,
                             check=True)
        for row in json_lines(cli.stdout):
            keep(rows.setdefault((row["workload"], t), {}), "cli", row["tokens_per_s"])
        for wl in workloads:
            print(f"threads {t}: Python API, workload {wl} ...", file=sys.stderr)
            B, L = WORKLOADS[wl]
            result = subprocess.run([python, "-c", PYTHON_ROW, model, wl, str(B), str(L), str(t), str(args.repeats)],
                                    capture_output=True, text=True, env=env, check=True)
            keep(rows[(wl, t)], "python", json_lines(result.stdout)[0]["tokens_per_s"])
        if args.no_torch:
            continue
        has_torch = subprocess.run([python, "-c", "import torch"], capture_output=True).returncode == 0
        if not has_torch or not os.path.isdir(os.path.join(args.peers, "torch")):
            print("no torch or no peers folder: PyTorch column skipped", file=sys.stderr)
            continue
        (work / "safetensors_reader.py").write_text(SAFETENSORS_READER)
        print(f"threads {t}: PyTorch ...", file=sys.stderr)
        torch_env = dict(env, OMP_NUM_THREADS=str(t), OPENBLAS_NUM_THREADS=str(t),
                         PYTHONPATH=os.pathsep.join([str(work), env["PYTHONPATH"]]))
        result = subprocess.run([python, "-c", TORCH_ROW, args.peers, os.path.join(model, "model.safetensors"),
                                 args.workloads, str(t), str(args.repeats), json.dumps(WORKLOADS)],
                                capture_output=True, text=True, env=torch_env)
        if result.returncode != 0:
            print("PyTorch failed:", result.stderr[-2000:], file=sys.stderr)
            continue
        for row in json_lines(result.stdout):
            entry = rows[(row["workload"], t)]
            keep(entry, "torch", row["tokens_per_s"])

    def fmt(value):
        return f"{value:,.0f}" if value else "-"

    print("| workload (B x T) | threads | CLI bench tok/s | Python API tok/s | Python / CLI | PyTorch fp32 tok/s "
          "(best of eager, fast path) | Python / PyTorch |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (wl, t), entry in sorted(rows.items(), key=lambda item: (item[0][1], item[0][0])):
        B, L = WORKLOADS[wl]
        ratio = f"{entry['python'] / entry['cli']:.3f}" if entry.get("cli") and entry.get("python") else "-"
        torch_ratio = f"{entry['python'] / entry['torch']:.2f}x" if entry.get("torch") else "-"
        print(f"| {wl} ({B} x {L}) | {t} | {fmt(entry.get('cli'))} | {fmt(entry.get('python'))} | {ratio} | "
              f"{fmt(entry.get('torch'))} | {torch_ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
