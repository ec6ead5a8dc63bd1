"""W&B sweeps written in Python: dict literals passed to `wandb.sweep(...)`.

The dict (directly, or through a variable built up in the same module with `d["k"] = ...` and
`d.update({...})`) is turned into positioned YMap/YSeq/YScalar nodes, so the W&B reader's logic
reads it unchanged. Bounds written as simple arithmetic (`math.log(1e-5)`) are evaluated; values
only running the code would tell are left out rather than guessed.

The call may be written `wandb.sweep`, `wb.sweep` (import wandb as wb) or `sweep` (from wandb
import sweep). A dict defined in one module and passed to the call in another module of the same
repository (`from config import sweep_config` / `config.sweep_config`) is read where the dict is,
once: the module that holds it reads it (after a bounded look through the repository's Python files
for modules that import it; nothing is imported or run), the module that only passes it reads nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from sweeplint.formats import ReadContext
from sweeplint.model import Opaque, Study
from sweeplint.records import replace
from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

MAX_DEPTH = 40
_TAGS = {bool: "bool", int: "int", float: "float", str: "str", type(None): "null"}
OPAQUE_TAG = "tag:sweeplint:opaque"


class WandbPythonReader:
    name = "wandb"

    def wants(self, text: str) -> bool:
        # a sweep call here, or a dict shaped like a W&B sweep that another module may pass to one
        return bool(_SWEEP_CALL.search(text) or (_PARAMETERS_KEY.search(text) and _METHOD_KEY.search(text)))

    def read(self, module: Any, ctx: Any) -> list[Study]:
        import libcst as cst

        from sweeplint import pyexpr
        env = _dict_variables(module)
        callees = sweep_callees(module)
        studies: list[Study] = []
        passed: set[str] = set()
        for call in pyexpr.iter_calls(module):
            if pyexpr.call_name(call) not in callees:
                continue
            arg = pyexpr.argument(call, 0, "sweep")
            if arg is None:
                continue
            if isinstance(arg, cst.Name):
                passed.add(arg.value)
            studies.extend(self._studies(arg, env, ctx))
        for variable, program in swept_elsewhere(ctx.path, ctx.text, module, env, passed):
            for study in self._studies(cst.Name(variable), env, ctx):
                if study.program is None and not study.command and program is not None:
                    # the module that launches the sweep is the program, not the one holding the dict
                    study = replace(study, declarations=replace(study.declarations, program=program))
                studies.append(study)
        if not studies:
            # A dict shaped like a W&B sweep that nothing here or in the project passes to a sweep
            # call (the call commented out, or built by a function): still a sweep to check.
            for literal in _sweep_shaped_dicts(module):
                studies.extend(self._studies(literal, env, ctx))
        return studies

    def _studies(self, arg: Any, env: dict[str, list], ctx: Any) -> list[Study]:
        from sweeplint.formats.wandb import READER as WANDB

        node = _Builder(env, ctx).node(arg, 0)
        if not isinstance(node, YMap):
            return []
        read_ctx = ReadContext(ctx.path, ctx.text, "python", ctx.directives, ctx.problems)
        return list(WANDB.read(node, read_ctx))


READER = WandbPythonReader()
_METHODS = frozenset({"grid", "random", "bayes"})
MAX_DICTS = 10_000


def _sweep_shaped_dicts(module: Any) -> list:
    """Dict literals with a W&B `method` (grid, random or bayes) and a `parameters` dict, outermost
    first; at most MAX_DICTS dicts are looked at."""
    import libcst as cst

    found: list = []
    seen = 0
    stack = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Dict):
            seen += 1
            if seen > MAX_DICTS:
                break
            if _sweep_shaped(node):
                found.append(node)
                continue  # its inner dicts are parameters, not sweeps
        stack.extend(reversed(list(node.children)))
    return found


def _sweep_shaped(node: Any) -> bool:
    import libcst as cst

    keys: dict[str, Any] = {}
    for element in node.elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
            keys[element.key.evaluated_value] = element.value
    method = keys.get("method")
    return (isinstance(method, cst.SimpleString) and method.evaluated_value in _METHODS
            and isinstance(keys.get("parameters"), cst.Dict))
_SWEEP_CALL = re.compile(r"sweep\s*\(")  # also `make_sweep(` for `from wandb import sweep as make_sweep`
_PARAMETERS_KEY = re.compile(r"""["']parameters["']""")
_METHOD_KEY = re.compile(r"""["']method["']""")


# --- which calls are wandb.sweep, and which dicts other modules pass to it ---------------------------

MAX_IMPORTERS_SCANNED = 2000
MAX_SOURCE_BYTES = 1_000_000


def _import_facts(module: Any):
    """(module, name, alias, level) of every import in a module: `import a.b as c` -> ("a.b", None, "c", 0)."""
    import libcst as cst

    from sweeplint.pyexpr import dotted

    stack: list = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = dotted(alias.name) or ""
                local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
                yield name, None, local or name, 0
        elif isinstance(node, cst.ImportFrom):
            source = dotted(node.module) if node.module is not None else ""
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    name = dotted(alias.name) or ""
                    local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
                    yield source or "", name, local, len(node.relative)
        elif isinstance(node, (cst.Module, cst.BaseSuite, cst.BaseCompoundStatement, cst.SimpleStatementLine, cst.Else,
                               cst.ExceptHandler, cst.Finally)):
            stack.extend(node.children)


def sweep_callees(module: Any) -> set[str]:
    """Names a call to wandb.sweep is written with here: wandb.sweep, wb.sweep, sweep..."""
    out = {"wandb.sweep"}
    for source, name, alias, level in _import_facts(module):
        if level == 0 and source == "wandb" and name is None:
            out.add(f"{alias}.sweep")            # import wandb as wb
        elif level == 0 and source == "wandb" and name == "sweep":
            out.add(alias)                       # from wandb import sweep [as s]
    return out


def swept_elsewhere(path: str, text: str, module: Any, env: dict[str, list], passed: set[str]) -> list[tuple[str, str | None]]:
    """(variable, the launching module relative to this file's folder) for each module-level dict of
    this file that another module of the repository passes to wandb.sweep (and this file does not)."""
    import os
    from pathlib import Path

    if not (_PARAMETERS_KEY.search(text) and _METHOD_KEY.search(text)):
        return []
    own = [name for name in _module_level_names(module) if name in env and name not in passed]
    if not own:
        return []
    try:
        here = Path(path).resolve()
    except (OSError, RuntimeError):
        return []
    found: dict[str, str | None] = {}
    for importer, imported in _importers(here):
        for variable in _passed_from(importer, imported, here):
            if variable in own and variable not in found:
                found[variable] = os.path.relpath(importer, here.parent).replace(os.sep, "/")
    return [(v, found[v]) for v in own if v in found]


def _module_level_names(module: Any) -> list[str]:
    import libcst as cst

    names: list[str] = []
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    names.extend(t.target.value for t in small.targets if isinstance(t.target, cst.Name))
    return list(dict.fromkeys(names))


def _importers(target: Path):
    """(path, parsed module) of the repository's Python files that may pass a dict of `target` to a sweep call.

    Bounded: the project folder (the nearest one with .git, pyproject.toml or setup.py, else the
    folder holding the file's package), at most MAX_IMPORTERS_SCANNED files, each read only up to MAX_SOURCE_BYTES."""
    from sweeplint import pyexpr
    from sweeplint.codefacts.program import project_folder
    from sweeplint.codefacts.project_files import ScanLimit, python_files_mentioning

    folder = project_folder(target.parent) or _package_root(target.parent)
    stem = target.parent.name if target.name == "__init__.py" else target.stem
    try:
        for path, data in python_files_mentioning(folder, stem.encode("utf-8"), target, MAX_IMPORTERS_SCANNED, MAX_SOURCE_BYTES):
            text = data.decode("utf-8", errors="replace")
            if not _SWEEP_CALL.search(text):
                continue
            try:
                yield path, pyexpr.parse(text)
            except pyexpr.PySyntaxError:
                continue
    except ScanLimit:
        return


def _package_root(folder: Path) -> Path:
    """The folder a module is imported from: above every package (`__init__.py`) that holds it."""
    for _ in range(20):
        if not (folder / "__init__.py").is_file() or folder.parent == folder:
            break
        folder = folder.parent
    return folder


def _passed_from(importer: Path, module: Any, target: Path) -> set[str]:
    """Names of `target`'s variables that `importer` passes to wandb.sweep (`sweep_config` for
    `from config import sweep_config` ... `wandb.sweep(sweep_config)` or `wandb.sweep(config.sweep_config)`)."""
    import libcst as cst

    from sweeplint import pyexpr
    from sweeplint.codefacts.program import local_module, project_folder

    root = project_folder(importer.parent) or _package_root(target.parent)
    names: dict[str, str] = {}        # local name -> variable of target it stands for
    modules: set[str] = set()         # local dotted names that stand for the target module
    for source, name, alias, level in _import_facts(module):
        hits = [h.resolve() for h in local_module(str(importer), source, name, level, importer.parent, root)]
        if target not in hits:
            continue
        if name is None:
            modules.add(alias)                       # import config / import pkg.config as c
        elif target.stem == name:
            modules.add(alias)                       # from pkg import config
        else:
            names[alias] = name                      # from config import sweep_config [as sc]
    if not names and not modules:
        return set()
    callees = sweep_callees(module)
    out: set[str] = set()
    for call in pyexpr.iter_calls(module):
        if pyexpr.call_name(call) not in callees:
            continue
        arg = pyexpr.argument(call, 0, "sweep")
        if isinstance(arg, cst.Name) and arg.value in names:
            out.add(names[arg.value])
            continue
        written = pyexpr.dotted(arg) if arg is not None else None
        if written and "." in written:
            head, _, variable = written.rpartition(".")
            if head in modules:
                out.add(variable)
    return out


def _dict_variables(module: Any) -> dict[str, list]:
    """name -> [dict expression, [(key expression, value expression) added later]], in source order."""
    import libcst as cst

    env: dict[str, list] = {}

    class Collector:
        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                t = target.target
                if isinstance(t, cst.Name) and isinstance(node.value, (cst.Dict, cst.Name, cst.Call)):
                    if isinstance(node.value, cst.Dict):
                        env[t.value] = [node.value, []]
                    elif isinstance(node.value, cst.Name) and node.value.value in env:
                        env[t.value] = env[node.value.value]
                    elif isinstance(node.value, cst.Call) and _is_dict_call(node.value):
                        env[t.value] = [None, [(cst.SimpleString(repr(a.keyword.value)), a.value) for a in node.value.args if a.keyword]]
                elif isinstance(t, cst.Subscript) and isinstance(t.value, cst.Name) and t.value.value in env:
                    if len(t.slice) == 1 and isinstance(t.slice[0].slice, cst.Index):
                        env[t.value.value][1].append((t.slice[0].slice.value, node.value))

        def visit_Call(self, node: cst.Call) -> None:
            func = node.func
            if (isinstance(func, cst.Attribute) and func.attr.value == "update" and isinstance(func.value, cst.Name)
                    and func.value.value in env and node.args and isinstance(node.args[0].value, cst.Dict)):
                for element in node.args[0].value.elements:
                    if isinstance(element, cst.DictElement):
                        env[func.value.value][1].append((element.key, element.value))

    collector = Collector()
    stack: list = [module]
    while stack:  # a plain pre-order walk: libcst's visitor machinery rebuilds every node
        node = stack.pop()
        if isinstance(node, cst.Assign):
            collector.visit_Assign(node)
        elif isinstance(node, cst.Call):
            collector.visit_Call(node)
        stack.extend(reversed(node.children))
    return env


def _is_dict_call(call: Any) -> bool:
    import libcst as cst

    return isinstance(call.func, cst.Name) and call.func.value == "dict" and all(a.keyword is not None for a in call.args)


class _Builder:
    def __init__(self, env: dict[str, list], ctx: Any):
        self.env = env
        self.ctx = ctx

    def span(self, node: Any):
        return self.ctx.positions.span(node)

    def node(self, expr: Any, depth: int, seen: tuple[str, ...] = ()) -> Any:
        import libcst as cst

        from sweeplint import pyeval

        if depth > MAX_DEPTH:
            return None
        if isinstance(expr, cst.Name) and expr.value in self.env and expr.value not in seen:
            base, updates = self.env[expr.value]
            return self.mapping(base, updates, depth, seen + (expr.value,), expr)
        if isinstance(expr, cst.Dict):
            return self.mapping(expr, [], depth, seen, expr)
        if isinstance(expr, cst.Call) and _is_dict_call(expr):
            pairs = [(cst.SimpleString(repr(a.keyword.value)), a.value) for a in expr.args]
            return self.mapping(None, pairs, depth, seen, expr, key_spans={id(p[0]): a.keyword for p, a in zip(pairs, expr.args)})
        if isinstance(expr, (cst.List, cst.Tuple)):
            items = []
            for element in expr.elements:
                if isinstance(element, cst.StarredElement):
                    return None
                item = self.node(element.value, depth + 1, seen)
                if item is None:
                    item = self.scalar(element.value, pyeval.evaluate(element.value, self.ctx.constants))
                items.append(item)
            return YSeq(items, self.span(expr))
        value = pyeval.evaluate(expr, self.ctx.constants)
        if isinstance(value, Opaque) or not pyeval.is_known(value):
            return None
        if isinstance(value, (dict, list, tuple, frozenset)):
            return None
        return self.scalar(expr, value)

    def scalar(self, expr: Any, value: Any) -> YScalar:
        from sweeplint import pyexpr

        text = pyexpr.source(expr)
        quoted = text[:1] in ("'", '"') or text[:2].lower() in ("r'", 'r"', "u'", 'u"')
        tag = "tag:yaml.org,2002:" + _TAGS.get(type(value), "str")
        return YScalar(value, text, tag, quoted, self.span(expr))

    def mapping(self, base: Any, updates: list, depth: int, seen: tuple[str, ...], where: Any, key_spans: dict | None = None) -> YMap:
        import libcst as cst

        from sweeplint import pyeval, pyexpr

        pairs: list = []
        index: dict[Any, int] = {}
        elements = []
        if base is not None:
            for element in base.elements:
                if isinstance(element, cst.DictElement):
                    elements.append((element.key, element.value))
                elif isinstance(element.value, cst.Name) and element.value.value in self.env:
                    inner = self.node(element.value, depth + 1, seen)
                    if isinstance(inner, YMap):
                        for k, v in inner.pairs:
                            index[k.value] = len(pairs)
                            pairs.append((k, v))
        elements.extend(updates)
        for key_expr, value_expr in elements:
            key_value = pyeval.evaluate(key_expr, self.ctx.constants)
            if not isinstance(key_value, (str, int, float, bool)):
                continue
            key_node = (key_spans or {}).get(id(key_expr))
            key = YScalar(key_value, str(key_value), "tag:yaml.org,2002:str", True, self.span(key_node or key_expr))
            value = self.node(value_expr, depth + 1, seen)
            if value is None:
                # Computed where we cannot follow (an imported constant, a call): the key is there,
                # its value unknown, so the reader must not report it missing.
                value = YScalar(Opaque(pyexpr.source(value_expr)), pyexpr.source(value_expr), OPAQUE_TAG, False,
                                self.span(value_expr))
            if key_value in index:
                pairs[index[key_value]] = (key, value)
            else:
                index[key_value] = len(pairs)
                pairs.append((key, value))
        span = self.span(base if base is not None else where)
        return YMap(pairs, span)
