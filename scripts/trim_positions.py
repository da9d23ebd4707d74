#!/usr/bin/env python3
"""Copies a MultiMolecule model folder with its position embeddings cut to the first NT + 2 rows, so that every
verb runs it on windows of at most NT nucleotides (docs/splice-sites.md, "Model": the splice-site model was
fine-tuned on 200-nt windows and is shipped that way, so `predict` and the variant deltas see what training saw).

usage: scripts/trim_positions.py MODEL_DIR OUT_DIR NT

Only `config.json` (max_position_embeddings), `tokenizer_config.json` (model_max_length) and the one tensor change;
every other file is copied as it is. The safetensors file is rewritten with the same tensor order and metadata.
"""
import json
import shutil
import struct
import sys
from pathlib import Path

POSITIONS = "model.embeddings.position_embeddings.weight"
BYTES_PER_ELEMENT = {"F32": 4, "F16": 2, "BF16": 2}


def read_safetensors(path):
    data = path.read_bytes()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_length])
    return header, data[8 + header_length:]


def write_safetensors(path, header, tensors):
    """tensors: name -> bytes, in the header's order; offsets are recomputed."""
    out_header, blobs, offset = {}, [], 0
    if "__metadata__" in header:
        out_header["__metadata__"] = header["__metadata__"]
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        blob = tensors[name]
        out_header[name] = {"dtype": entry["dtype"], "shape": entry["shape"], "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(out_header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    temporary.replace(path)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    source, target, nt = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    config = json.loads((source / "config.json").read_text())
    rows = nt + 2  # <cls> and <eos>
    if not 1 <= nt <= config["max_position_embeddings"] - 2:
        sys.exit(f"trim_positions.py: NT must be 1..{config['max_position_embeddings'] - 2}")
    header, data = read_safetensors(source / "model.safetensors")
    if POSITIONS not in header:
        sys.exit(f"trim_positions.py: {source}/model.safetensors has no {POSITIONS}")
    tensors = {name: data[e["data_offsets"][0]:e["data_offsets"][1]] for name, e in header.items() if name != "__metadata__"}
    entry = header[POSITIONS]
    row_bytes = entry["shape"][1] * BYTES_PER_ELEMENT[entry["dtype"]]
    tensors[POSITIONS] = tensors[POSITIONS][:rows * row_bytes]
    entry["shape"] = [rows, entry["shape"][1]]
    target.mkdir(parents=True, exist_ok=True)
    for file in source.iterdir():
        if file.is_file() and file.name not in ("model.safetensors", "config.json", "tokenizer_config.json"):
            shutil.copy2(file, target / file.name)
    config["max_position_embeddings"] = rows
    (target / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    tokenizer_config = source / "tokenizer_config.json"
    if tokenizer_config.exists():
        tokenizer = json.loads(tokenizer_config.read_text())
        tokenizer["model_max_length"] = rows
        (target / "tokenizer_config.json").write_text(json.dumps(tokenizer, indent=2) + "\n")
    write_safetensors(target / "model.safetensors", header, tensors)


if __name__ == "__main__":
    main()
