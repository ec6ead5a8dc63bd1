"""No import cycles inside sweeplint, not even through imports made inside functions: every module
of the package is read (never imported) and each `import` it makes, wherever it is, is an edge."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import sweeplint

PACKAGE = Path(sweeplint.__file__).parent


def module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["sweeplint", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that `name` imports. `from package import submodule` is an edge to the
    submodule, `from package import name` one to the package; the package a dotted import passes
    through is not counted (every submodule has one)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else node.module
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        found.update(t for t in targets if t in modules and t != name)
    return found


def test_the_package_has_no_import_cycles():
    modules = module_names()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        graph.add_edges_from((name, target) for target in imported_modules(name, path, modules))
    cycles = sorted(" -> ".join(cycle) for cycle in nx.simple_cycles(graph))
    assert not cycles, "\n".join(cycles)


def test_the_scan_sees_imports_inside_functions(tmp_path):
    # the scan itself: a lazy import inside a function is an edge like any other
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from sweeplint.report import relative_path\n    return relative_path\n")
    modules = module_names()
    assert imported_modules("sweeplint.lazy", module, modules) == {"sweeplint.report"}
