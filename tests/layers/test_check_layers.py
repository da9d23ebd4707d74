"""The layer checker on the real tree, and on small planted trees so that a broken checker cannot pass silently."""
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
CHECKER = HERE / "check_layers.py"
ROOT = HERE.parents[1]


def run(root):
    return subprocess.run([sys.executable, str(CHECKER), str(root)], capture_output=True, text=True, timeout=60)


def plant(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_repository_follows_the_layer_rules():
    result = run(ROOT)
    assert result.returncode == 0, result.stdout
    assert "layer rules hold" in result.stdout


def test_a_clean_tree_passes(tmp_path):
    plant(tmp_path, {
        "include/splicebert/model.hpp": '#include "splicebert/tensor.hpp"\n',
        "include/splicebert/tensor.hpp": "",
        "src/kernels/gemm.cpp": '#include "kernels/gemm.hpp"\n#include "splicebert/tensor.hpp"\n',
        "src/model/encoder.cpp": '#include "kernels/gemm.hpp"\n#include "splicebert/model.hpp"\n',
        "apps/main.cpp": '#include "cli.hpp"\n#include "splicebert/model.hpp"\n',
    })
    result = run(tmp_path)
    assert result.returncode == 0, result.stdout


def test_every_kind_of_violation_is_named(tmp_path):
    plant(tmp_path, {
        "include/splicebert/model.hpp": "",
        "include/splicebert/vcf.hpp": "",
        "include/splicebert/io.hpp": '#include "splicebert/vcf.hpp"\n',
        "include/splicebert/newthing.hpp": "",
        "src/kernels/gemm.hpp": '#include "splicebert/model.hpp"\n',
        "src/io/writer.cpp": '#include "splicebert/vcf.hpp"\n',
        "src/model/x.cpp": '#include "variant/y.hpp"\n',
        "src/misc/z.cpp": "",
        "apps/verb.cpp": '#include "model/head_math.hpp"\n',
        "server/route.cpp": '#include "kernels/gemm.hpp"\n',
    })
    result = run(tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert 'src/kernels/gemm.hpp:1: the kernels layer includes "splicebert/model.hpp" (model)' in out
    assert 'src/io/writer.cpp:1: the io layer includes "splicebert/vcf.hpp" (variant)' in out
    assert 'include/splicebert/io.hpp:1: the io layer includes "splicebert/vcf.hpp" (variant)' in out
    assert 'src/model/x.cpp:1: the model layer includes "variant/y.hpp" (variant)' in out
    assert "src/misc/: a folder with no rule" in out
    assert "include/splicebert/newthing.hpp: no layer assigned" in out
    assert 'apps/verb.cpp:1: apps/ includes the library\'s private "model/head_math.hpp"' in out
    assert 'server/route.cpp:1: server/ includes the library\'s private "kernels/gemm.hpp"' in out
    assert "8 layer rule violation(s)" in out
