"""The package's layering: imports point downwards only, and there is no cycle.

The layers, from the bottom (see ``docs/architecture.md``)::

    base (errors, version, report, _types) ← model ← xml ← store ← integrity
    ← pdf ← interop (oparl, xdomea) ← verification ← cli ← the ratsdok package

A module may import its own layer and the layers below it. Imports inside
functions count as well: hiding an upward import in a function is the cycle
this test exists to catch. Only the package ``__init__`` (its lazy
``__getattr__``) and the CLI (so ``ratsdok --help`` starts fast) import ratsdok
modules inside functions at all.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import ratsdok

PACKAGE = Path(ratsdok.__file__).parent

LAYERS: dict[str, int] = {
    "ratsdok.errors": 0,
    "ratsdok.version": 0,
    "ratsdok.report": 0,
    "ratsdok._types": 0,
    "ratsdok.model": 1,
    "ratsdok.xml": 2,
    "ratsdok.store": 3,
    "ratsdok.integrity": 4,
    "ratsdok.pdf": 5,
    "ratsdok.interop": 6,
    "ratsdok.oparl": 6,  # the public name of ratsdok.interop.oparl
    "ratsdok.verification": 7,
    "ratsdok.cli": 8,
    "ratsdok.__main__": 9,
    "ratsdok": 9,
}
LAZY_IMPORTS_ALLOWED = ("ratsdok", "ratsdok.cli")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    best = max((k for k in LAYERS if module == k or module.startswith(k + ".")), key=len)
    return LAYERS[best]


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path) -> Iterator[tuple[str, int, bool]]:
    """(imported ratsdok module, line, inside a function) for every import in *path*."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    known = modules()
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function.update(id(n) for n in ast.walk(node) if n is not node)
    for node in ast.walk(tree):
        nested = id(node) in in_function
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "ratsdok":
                    yield alias.name, node.lineno, nested
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "ratsdok":
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                # "from ratsdok.pdf import bundling" imports a module, not a name.
                yield (sub if sub in known else node.module), node.lineno, nested


def is_type_checking_only(path: Path, line: int) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            end = node.end_lineno or node.lineno
            if node.lineno <= line <= end:
                return True
    return False


def test_every_module_has_a_layer() -> None:
    for name in modules():
        assert any(name == k or name.startswith(k + ".") for k in LAYERS), name


def test_imports_point_downwards_only() -> None:
    wrong = []
    for name, path in modules().items():
        for target, line, _ in imports(path):
            if layer_of(target) > layer_of(name):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {name} imports {target}")
    assert wrong == []


def test_no_ratsdok_import_hides_in_a_function() -> None:
    wrong = []
    for name, path in modules().items():
        if name in LAZY_IMPORTS_ALLOWED or name.startswith("ratsdok.cli."):
            continue
        for target, line, nested in imports(path):
            if nested:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: imports {target}")
    assert wrong == []


def test_oparl_and_xdomea_do_not_import_each_other() -> None:
    for name, path in modules().items():
        for target, line, _ in imports(path):
            for a, b in (("oparl", "xdomea"), ("xdomea", "oparl")):
                assert not (
                    name.startswith(f"ratsdok.interop.{a}")
                    and target.startswith(f"ratsdok.interop.{b}")
                ), f"{name}:{line} imports {target}"


def test_no_import_cycle_between_modules() -> None:
    graph: dict[str, set[str]] = {}
    for name, path in modules().items():
        graph[name] = {
            t
            for t, line, _ in imports(path)
            if t != name and not is_type_checking_only(path, line) and t in modules()
        }
    # A package imports its own submodules (re-exports); a submodule importing its
    # package back is the cycle to catch, so edges to a parent package count.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt.startswith(node + "."):
                continue  # a package importing its own submodule
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_the_layer_test_catches_an_upward_import(tmp_path: Path) -> None:
    """The checks above can fail: an upward import in a model module is found."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ratsdok.pdf.render import render_pdf\n", encoding="utf-8")
    found = list(imports(bad))
    assert found == [("ratsdok.pdf.render", 2, True)]
    assert layer_of(found[0][0]) > layer_of("ratsdok.model.vorlage")
