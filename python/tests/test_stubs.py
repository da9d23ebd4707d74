"""The typing and documentation of the package: _core.pyi covers every name of the compiled module with the same
parameters (names and defaults, from pybind11's signatures), py.typed ships, every public name has a docstring, the
pure-Python API is fully annotated, and help(splicebert) renders."""

from __future__ import annotations

import ast
import inspect
import pydoc
import re
from pathlib import Path

import pytest

import splicebert
from splicebert import _core

PACKAGE = Path(splicebert.__file__).resolve().parent


def stub_tree() -> ast.Module:
    return ast.parse((PACKAGE / "_core.pyi").read_text())


def stub_functions() -> dict:
    """'name' or 'Class.name' -> ast function node, from _core.pyi."""
    found = {}
    for node in stub_tree().body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            found[node.name] = node
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    found[f"{node.name}.{item.name}"] = item
                elif isinstance(item, ast.AnnAssign):
                    found[f"{node.name}.{item.target.id}"] = item
    return found


def split_top_level(text: str) -> list:
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def runtime_parameters(function) -> list:
    """[(name, has_default)] from the first line of pybind11's docstring, self left out."""
    first = function.__doc__.splitlines()[0]
    match = re.match(r"^\w+\((.*)\)\s*->", first)
    assert match, first
    params = []
    for part in split_top_level(match.group(1)):
        name = part.split(":")[0].strip()
        if name != "self":
            params.append((name, "=" in part))
    return params


def stub_parameters(node: ast.FunctionDef) -> list:
    args = [a.arg for a in node.args.args if a.arg != "self"]
    defaults = len(node.args.defaults)
    return [(name, i >= len(args) - defaults) for i, name in enumerate(args)]


def runtime_names() -> dict:
    names = {}
    for name in dir(_core):
        if name.startswith("__"):
            continue
        value = getattr(_core, name)
        names[name] = value
        if isinstance(value, type):
            for member in dir(value):
                if member.startswith("_") and member != "__len__":
                    continue
                names[f"{name}.{member}"] = getattr(value, member)
    return names


def test_py_typed_ships_with_the_package():
    assert (PACKAGE / "py.typed").is_file()
    assert (PACKAGE / "_core.pyi").is_file()


def test_every_compiled_name_has_a_stub_and_every_stub_a_name():
    stubs, runtime = stub_functions(), runtime_names()
    assert sorted(set(runtime) - set(stubs)) == []
    assert sorted(set(stubs) - set(runtime)) == []


def test_stub_parameters_match_the_compiled_signatures():
    stubs = stub_functions()
    checked = 0
    for name, value in runtime_names().items():
        node = stubs[name]
        if not isinstance(node, ast.FunctionDef) or not callable(value) or isinstance(value, type):
            continue
        if any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list):
            continue
        assert stub_parameters(node) == runtime_parameters(value), name
        checked += 1
    assert checked >= 20


def test_every_compiled_name_has_a_docstring():
    for name, value in runtime_names().items():
        assert (value.__doc__ or "").strip(), name


def public_python_callables():
    for name in splicebert.__all__:
        value = getattr(splicebert, name)
        if name.startswith("__"):
            continue
        yield name, value
        if inspect.isclass(value):
            for member, attribute in vars(value).items():
                if not member.startswith("_") or member in ("__call__", "__init__"):
                    yield f"{name}.{member}", attribute


def test_every_public_python_name_has_a_docstring():
    for name, value in public_python_callables():
        if isinstance(value, (str, tuple, list, dict, int)) or value is None:
            continue
        target = value if isinstance(value, property) else getattr(value, "__func__", value)
        assert (target.__doc__ or "").strip(), name


def test_public_python_functions_are_fully_annotated():
    for name, value in public_python_callables():
        function = getattr(value, "__func__", value)
        if not inspect.isfunction(function):
            continue
        signature = inspect.signature(function)
        for parameter in signature.parameters.values():
            if parameter.name in ("self", "cls") or parameter.kind in (parameter.VAR_POSITIONAL,
                                                                        parameter.VAR_KEYWORD):
                continue
            assert parameter.annotation is not inspect.Parameter.empty, f"{name}({parameter.name})"
        assert signature.return_annotation is not inspect.Signature.empty or function.__name__ == "__init__", name


def test_help_renders_the_package():
    text = pydoc.render_doc(splicebert, renderer=pydoc.plaintext)
    for name in ("RnaTokenizer", "SpliceBertForMaskedLM", "pipeline", "finetune"):
        assert name in text
