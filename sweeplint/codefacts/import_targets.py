"""Names a sweep module imports from a module of its own project that does not define them.

`from pkg.mod import NAME` in a sweep written in Python fails with ImportError when the module is
loaded, before any trial runs, if pkg/mod.py binds no NAME. The imported module is looked for as
Python would find it from the project: the dotted path is resolved against the sweep file's folder
and its ancestors up to the project's root (and its `src/`). Everything here is read, parsed with
`ast`, never imported or run, and leans towards "defined": any module the lookup cannot read
completely, or that can bind names by other means (a star import from outside the project, a
module-level `__getattr__`, `globals()`, `exec`, `sys.modules`), counts as defining every name.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from sweeplint.codefacts.program import MAX_SOURCE_BYTES, project_folder
from sweeplint.records import record
from sweeplint.source import UnreadableFile, decode, read_head

MAX_ANCESTORS = 3     # folders above the sweep's own looked in when no project root marks the top
MAX_STAR_DEPTH = 3    # star imports followed from module to module
_EXTENSION = re.compile(r"\.(?:so|pyd)\Z")
# Calls and attributes through which a module can bind names no statement shows.
_DYNAMIC_NAMES = frozenset({"globals", "vars", "locals", "exec", "__getattr__", "__path__"})
_DYNAMIC_ATTRS = frozenset({"modules", "__dict__"})


@record(frozen=True, slots=True)
class MissingImport:
    """`from <module> import <name>` where the project's module does not define the name."""

    name: str
    module_file: str       # the module's path as the import spells it (common/training/imp.py)
    line: int              # 1-based, the imported name's position
    column: int            # 1-based character column
    end_column: int


def missing_imports(sweep_path: str, text: str, consulted: set[str] | None = None) -> list[MissingImport]:
    """The names the module-level `from ... import` statements of a sweep module take from a
    project module that does not define them. `consulted` receives every file the answer depends
    on, present or absent (what a cached result is kept against)."""
    try:
        tree = ast.parse(text)
        sweep = Path(sweep_path).resolve()
    except (SyntaxError, ValueError, OSError, RuntimeError, MemoryError):  # RecursionError is a RuntimeError
        return []
    lines = re.split(r"\r\n|\r|\n", text)
    consulted = set() if consulted is None else consulted
    modules = _ModuleCache(consulted)
    found: list[MissingImport] = []
    # Only statements at the top of the module run whenever it loads: an import inside a function,
    # a try block or an `if TYPE_CHECKING:` may never run, or has its failure handled.
    for statement in tree.body:
        if not isinstance(statement, ast.ImportFrom) or not statement.module and not statement.level:
            continue
        candidates = _module_files(sweep, statement.module or "", statement.level, consulted)
        if not candidates:
            continue
        for alias in statement.names:
            if alias.name == "*" or _is_dunder(alias.name):  # __doc__, __version__: the import system's
                continue
            if any(modules.defines(path, alias.name, 0) for _, path in candidates):
                continue
            line = lines[alias.lineno - 1] if 0 < alias.lineno <= len(lines) else ""
            column = _char_column(line, alias.col_offset)
            found.append(MissingImport(alias.name, candidates[0][0], alias.lineno, column + 1,
                                       column + 1 + len(alias.name)))
    return found


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _char_column(line: str, byte_offset: int) -> int:
    """ast counts columns in UTF-8 bytes; the report counts characters."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def _search_folders(importer: Path) -> list[Path]:
    """Where an absolute import of the importer may be found: its folder and the ones above it that
    are not packages, up to the project's root (a bounded few without one), and the root's `src/`."""
    start = importer.parent
    root = project_folder(start)
    folders: list[Path] = []
    for index, folder in enumerate((start, *start.parents)):
        # A folder above that is itself a package is a part of a dotted path, not a place sys.path
        # names: a package there (a subpackage named like a library) is not what the import loads.
        if index == 0 or not (folder / "__init__.py").is_file():
            folders.append(folder)
        if folder == root or (root is None and index >= MAX_ANCESTORS):
            break
    if root is not None and (root / "src").is_dir():
        folders.append(root / "src")
    return folders


def _module_files(importer: Path, module: str, level: int, consulted: set[str]) -> list[tuple[str, Path]]:
    """(the module's path as the import spells it, its file) for each place the module is found."""
    parts = [p for p in module.split(".") if p]
    if not level and parts and (parts[0] in sys.stdlib_module_names or parts[0] == "__future__"):
        return []  # a project file named like the standard library shadows it only on some sys.path
    if level:
        base = importer.parent
        for _ in range(level - 1):
            base = base.parent
        folders = [base]
    else:
        folders = _search_folders(importer)
    found: list[tuple[str, Path]] = []
    for folder in folders:
        hit = _module_file(folder, parts, consulted)
        if hit is _UNSURE:
            return []  # which of the places Python takes depends on sys.path: cannot tell
        if hit is not None and all(hit != path for _, path in found):
            found.append((hit.relative_to(folder).as_posix(), hit))
    return found


_UNSURE = Path()


def _module_file(folder: Path, parts: list[str], consulted: set[str]) -> Path | None:
    """The file Python loads for the dotted module under `folder`; None when the folder holds no
    module of that top-level name; _UNSURE when it holds one that is not plain Python source
    found whole (a compiled extension, a namespace package that may hold the name as a submodule,
    a package without the submodule)."""
    target = folder.joinpath(*parts)
    consulted.update((str(target / "__init__.py"), str(target.with_suffix(".py"))) if parts else
                     (str(target / "__init__.py"),))
    try:
        if parts and not _holds(folder, parts[0]):
            return None
        if parts and _holds(target.parent, target.name, extensions_only=True):
            return _UNSURE
        if (target / "__init__.py").is_file():
            return target / "__init__.py"
        if parts and target.with_suffix(".py").is_file():
            return target.with_suffix(".py")
    except OSError:
        pass
    return _UNSURE


def _holds(folder: Path, name: str, extensions_only: bool = False) -> bool:
    """Whether the folder holds a module or package `name` (only a compiled one, if asked)."""
    if not extensions_only and ((folder / name).is_dir() or (folder / f"{name}.py").is_file()):
        return True
    try:
        return any(_EXTENSION.search(p.name) and p.name.startswith(name + ".") for p in folder.iterdir())
    except OSError:
        return False


class _ModuleCache:
    """The names each module file binds at its top, parsed once per check."""

    def __init__(self, consulted: set[str]) -> None:
        self._bound: dict[Path, _Bindings | None] = {}
        self._consulted = consulted

    def defines(self, path: Path, name: str, depth: int) -> bool:
        """Whether the module may define `name`: True unless it surely does not."""
        if path not in self._bound:
            self._bound[path] = _bindings(path)
            self._consulted.add(str(path))
        bound = self._bound[path]
        if bound is None or bound.dynamic or name in bound.names:
            return True
        if path.name == "__init__.py":
            self._consulted.update((str(path.parent / f"{name}.py"), str(path.parent / name / "__init__.py")))
            if _has_submodule(path.parent, name):
                return True
        for module, level in bound.stars:
            if depth >= MAX_STAR_DEPTH:  # a long chain, or a cycle of star imports: cannot tell
                return True
            targets = _module_files(path, module, level, self._consulted)
            if not targets or any(self.defines(p, name, depth + 1) for _, p in targets):
                return True  # from outside the project: any name may come with the star
        return False


def _has_submodule(package: Path, name: str) -> bool:
    try:
        return (package / f"{name}.py").is_file() or (package / name).is_dir() or any(
            p.name.startswith(name + ".") for p in package.iterdir())
    except OSError:
        return True


@record
class _Bindings:
    """The names a module binds at its top, its star imports, and whether it binds names dynamically."""

    names: set[str]
    stars: list[tuple[str, int]]     # (module, level) of each `from module import *`
    dynamic: bool


def _bindings(path: Path) -> _Bindings | None:
    """The names a module binds at its top, or None when it cannot be read whole and parsed."""
    try:
        data = read_head(path, MAX_SOURCE_BYTES + 1)
    except (OSError, UnreadableFile):
        return None
    if len(data) > MAX_SOURCE_BYTES:
        return None
    try:
        tree = ast.parse(decode(data))
    except (SyntaxError, ValueError, UnreadableFile, RuntimeError, MemoryError):
        return None
    found = _Bindings(set(), [], False)
    _bind_block(tree.body, found)
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):  # a function's `global X` binds X in the module
            found.names.update(node.names)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            found.names.add(node.target.id)
        elif isinstance(node, ast.Name) and node.id in _DYNAMIC_NAMES:
            found.dynamic = True
        elif isinstance(node, ast.Attribute) and node.attr in _DYNAMIC_ATTRS:
            found.dynamic = True
    return found


def _bind_block(statements: list[ast.stmt], found: _Bindings) -> None:
    for statement in statements:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.names.add(statement.name)
            if statement.name == "__getattr__":
                found.dynamic = True
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                _bind_target(target, found)
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            _bind_target(statement.target, found)
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                found.names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                if alias.name == "*":
                    found.stars.append((statement.module or "", statement.level))
                else:
                    found.names.add(alias.asname or alias.name)
        elif isinstance(statement, (ast.For, ast.AsyncFor)):
            _bind_target(statement.target, found)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                if item.optional_vars is not None:
                    _bind_target(item.optional_vars, found)
        elif isinstance(statement, ast.Match):
            for node in ast.walk(statement):
                if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                    found.names.add(node.name)
                elif isinstance(node, ast.MatchMapping) and node.rest:
                    found.names.add(node.rest)
        for handler in getattr(statement, "handlers", ()):
            if handler.name:
                found.names.add(handler.name)
            _bind_block(handler.body, found)
        for field in ("body", "orelse", "finalbody"):
            block = getattr(statement, field, None)
            if isinstance(block, list) and not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                      ast.ClassDef)):
                _bind_block(block, found)
        for case in getattr(statement, "cases", ()):
            _bind_block(case.body, found)


def _bind_target(target: ast.expr, found: _Bindings) -> None:
    if isinstance(target, ast.Name):
        found.names.add(target.id)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _bind_target(element, found)
    elif isinstance(target, ast.Starred):
        _bind_target(target.value, found)
