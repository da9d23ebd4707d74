#!/usr/bin/env python3
"""The folder rules of docs/architecture.md, checked on the real #include lines: a layer includes only itself and
the layers below it, and the front doors (apps/, server/, python/src/) include only public headers.

Usage: check_layers.py REPO_ROOT. Prints every violation as FILE:LINE: what, and exits 1 if there is any.
"""
import pathlib
import re
import sys

# Which layer owns each public header (include/splicebert/NAME.hpp). "core" is what every layer may use.
PUBLIC_HEADER_LAYER = {
    "error": "core", "tensor": "core", "stop": "core", "precision": "core", "linear": "core",
    "io": "io", "fasta": "io", "shard": "io", "signal_cleanup": "io",
    "tokenizer": "tokenizer", "tokenizer_files": "tokenizer",
    "model": "model", "config": "model", "enums": "model", "heads": "model", "pipelines": "model",
    "convert": "model", "base_checkpoint": "model", "build_info": "model",
    "genome": "genome",
    "train": "train", "pretrain": "train",
    "finetune": "finetune", "task_model": "finetune",
    "heldout_mlm": "eval", "kmer_baseline": "eval", "metrics": "eval",
    "variant": "variant", "variant_sites": "variant", "variant_lookup": "variant", "vcf": "variant",
    "pair_scoring": "variant", "splice_deltas": "variant", "splice_sites": "variant", "vcf_scoring": "variant", "precompute": "variant", "score_table": "variant",
    "inference_queue": "serving",
}

# Layer -> the layers it may include (besides itself). Nothing points back up: kernels know no model, io knows no
# variants, and applications (train, finetune, eval, variant, serving) sit on top of the model.
ALLOWED = {
    "core": set(),
    "kernels": {"core"},
    "io": {"core"},
    "tokenizer": {"core", "io"},
    "model": {"core", "io", "tokenizer", "kernels"},
    "genome": {"core", "io"},
    "train": {"core", "io", "tokenizer", "kernels", "model", "genome"},
    "eval": {"core", "io", "tokenizer", "kernels", "model", "genome", "train"},
    "finetune": {"core", "io", "tokenizer", "kernels", "model", "genome", "train", "eval"},
    "variant": {"core", "io", "tokenizer", "model", "genome"},
    "serving": {"core", "io", "tokenizer", "model", "genome", "variant"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of_include(path: str, including_layer: str):
    """The layer an include line reaches, or None for a header local to the including folder."""
    if path.startswith("splicebert/"):
        name = path[len("splicebert/"):].removesuffix(".hpp")
        return PUBLIC_HEADER_LAYER.get(name, "unknown public header " + path)
    if "/" in path:
        return path.split("/", 1)[0]  # a private header of another src/ folder, e.g. kernels/gemm.hpp
    return including_layer  # same folder


def main(root: pathlib.Path) -> int:
    problems = []
    unknown_public = set(p.stem for p in (root / "include" / "splicebert").glob("*.hpp")) - set(PUBLIC_HEADER_LAYER)
    for name in sorted(unknown_public):
        problems.append(f"include/splicebert/{name}.hpp: no layer assigned in tests/layers/check_layers.py")

    for folder in sorted((root / "src").iterdir()):
        if not folder.is_dir():
            continue
        layer = folder.name
        if layer not in ALLOWED:
            problems.append(f"src/{layer}/: a folder with no rule in tests/layers/check_layers.py")
            continue
        for source in sorted(folder.glob("*.[ch]pp")):
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                target = layer_of_include(match.group(1), layer)
                if target == layer:
                    continue
                if target not in ALLOWED[layer]:
                    problems.append(f"{source.relative_to(root)}:{number}: the {layer} layer includes "
                                    f"\"{match.group(1)}\" ({target})")

    # Public headers follow the same rules as the layer that owns them.
    for header in sorted((root / "include" / "splicebert").glob("*.hpp")):
        layer = PUBLIC_HEADER_LAYER.get(header.stem)
        if layer is None:
            continue
        for number, line in enumerate(header.read_text(encoding="utf-8").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            if not match.group(1).startswith("splicebert/"):
                problems.append(f"{header.relative_to(root)}:{number}: a public header includes the private "
                                f"\"{match.group(1)}\"")
                continue
            target = layer_of_include(match.group(1), layer)
            if target != layer and target not in ALLOWED.get(layer, set()):
                problems.append(f"{header.relative_to(root)}:{number}: the {layer} layer includes "
                                f"\"{match.group(1)}\" ({target})")

    # The front doors parse, call and write: public headers and their own local headers only.
    for door in ("apps", "server", "python/src"):
        for source in sorted((root / door).glob("*.[ch]pp")):
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                match = INCLUDE.match(line)
                if match and "/" in match.group(1) and not match.group(1).startswith("splicebert/"):
                    problems.append(f"{source.relative_to(root)}:{number}: {door}/ includes the library's private "
                                    f"\"{match.group(1)}\"; use a public header")

    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} layer rule violation(s); the rules are in tests/layers/check_layers.py and "
              "docs/architecture.md")
        return 1
    print("layer rules hold")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_layers.py REPO_ROOT")
    sys.exit(main(pathlib.Path(sys.argv[1])))
