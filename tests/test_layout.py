"""The shape of helpers/: no import circle, no module over 350 lines, sibling imports at the top, docstrings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import helpers

PACKAGE = Path(helpers.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 350


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """The helpers modules an ``import`` statement names (``from .x import y`` may name ``x.y`` too)."""
    if node.level == 0:
        base = node.module or ""
        return [base] if base.startswith("helpers") else []
    anchor = module.split(".")
    anchor = anchor if is_package else anchor[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    base = ".".join(anchor + ([node.module] if node.module else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def _sibling_imports(path: Path) -> list[tuple[str, bool]]:
    """(imported helpers module, whether the import sits inside a function) for each import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module, is_package = _name(path), path.name == "__init__.py"
    known = {_name(p) for p in MODULES}
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom):
                found.extend((name, inside) for name in _resolve(module, is_package, child) if name in known)
            visit(child, inside)

    visit(tree, False)
    return [(name, inside) for name, inside in found if name != module]


def import_graph() -> dict[str, set[str]]:
    """Which helpers modules each helpers module imports at its top level (a package imports its ``__init__``)."""
    return {_name(p): {name for name, inside in _sibling_imports(p) if not inside} for p in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` as a list of modules, or None. Parent packages are not edges."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if node.startswith(target + "."):
                continue  # a submodule importing its own package's __init__ is how packages work
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_finds_a_circle_and_accepts_a_ladder() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_circle_among_helpers_modules() -> None:
    graph = import_graph()
    assert graph["helpers.bench.sweep"] >= {"helpers.bench.backends", "helpers.bench.timing"}  # the graph is real
    assert find_cycle(graph) is None


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_size_docstring_and_top_level_imports(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"{path.name}: split it into modules of one job each"
    docstring = ast.get_docstring(ast.parse(text))
    assert docstring and docstring.splitlines()[0].strip(), f"{path.name} needs a docstring whose first line reads well"
    inside = sorted(name for name, in_function in _sibling_imports(path) if in_function)
    assert not inside, f"{path.name} imports {inside} inside a function: import siblings at the top"


def test_every_teaching_module_names_the_notebook_it_serves() -> None:
    teaching = [p for p in MODULES if p.parent.name in ("bench", "convert", "inspection", "exercises")
                or p.stem in ("export", "runtime", "optimize", "dynamic", "custom_ops", "troubleshoot", "models", "shapes",
                              "fixtures")]
    for path in teaching:
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        assert "notebook" in docstring.lower(), f"{path.relative_to(PACKAGE)}: say which notebook it serves"
