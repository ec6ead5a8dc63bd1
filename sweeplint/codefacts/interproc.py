"""Where a swept value goes when it is handed to a function of the project: whether the parameter
that receives it is ever used.

A swept value read into a local and passed on as `train(patience=patience)` still has no effect
when `train` never uses its `patience` parameter. The per-file facts do not keep function bodies,
so this module reads the few files concerned with the standard library's `ast` (parsing only,
nothing is imported or run) and answers one question: does every use of the value at a place end
in a parameter that its function never uses? It is conservative: any use it does not recognise as
a plain call argument, a callee it cannot name uniquely among the program's files, a callee with
`*args`/`**kwargs` taking the value, or a body that may reach its locals by name (`locals()`,
`vars()`, `eval`, `exec`) counts as a use.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from sweeplint.model import Span

MAX_DEPTH = 2                      # a parameter passed on unchanged is followed this many calls deep
_DYNAMIC = {"locals", "vars", "eval", "exec", "globals", "inspect"}
FunctionNode = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class DeadEnd:
    """The parameter that receives a swept value and is never used."""

    function: str                  # as the call names it
    parameter: str
    path: str
    line: int                      # the def line


class _Module:
    def __init__(self, path: str, text: str, tree: ast.Module) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.tree = tree
        self.parents: dict[int, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node
        self.functions: dict[str, list[ast.AST]] = {}
        for node in tree.body:
            if isinstance(node, (*FunctionNode, ast.ClassDef)):
                self.functions.setdefault(node.name, []).append(node)

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.parents.get(id(node))

    def byte_column(self, line: int, column: int) -> int | None:
        """A 1-based character column as ast's 0-based UTF-8 byte offset."""
        if not 1 <= line <= len(self.lines):
            return None
        return len(self.lines[line - 1][: column - 1].encode("utf-8"))

    def nodes_at(self, span: Span) -> list[ast.AST]:
        """The expressions that start where `span` starts, outermost first."""
        start = self.byte_column(span.line, span.column)
        if start is None:
            return []
        found = [n for n in ast.walk(self.tree) if isinstance(n, ast.expr)
                 and getattr(n, "lineno", None) == span.line and n.col_offset == start]
        return sorted(found, key=lambda n: (n.end_lineno or 0, n.end_col_offset or 0), reverse=True)


class Interproc:
    """Parsed files of one program, each read at most once."""

    def __init__(self, files: tuple[str, ...] | list[str]) -> None:
        self.files = list(files)
        self._modules: dict[str, _Module | None] = {}

    def module(self, path: str) -> _Module | None:
        if path in self._modules:
            return self._modules[path]
        found = None
        try:
            from sweeplint.source import read_text

            text = read_text(path)
            found = _Module(path, text, ast.parse(text))
        except (OSError, SyntaxError, ValueError, RecursionError, Exception):  # noqa: BLE001 - no answer, not a crash
            found = None
        self._modules[path] = found
        return found

    # --- the question ------------------------------------------------------------------------------

    def dead_ends_of_read(self, path: str, span: Span) -> list[DeadEnd] | None:
        """For the read of a value at `span` (its whole expression), the unused parameters every one of
        its uses ends in, or None when some use may take effect (or we cannot tell)."""
        mod = self.module(path)
        if mod is None:
            return None
        start_byte = mod.byte_column(span.line, span.column)
        end_byte = mod.byte_column(span.end_line, span.end_column)
        for node in mod.nodes_at(span):
            if node.end_lineno == span.end_line and node.end_col_offset == end_byte and start_byte is not None:
                return self._value_dead_ends(mod, node, 0)
        return None

    def dead_ends_of_suggestion(self, path: str, name_span: Span) -> list[DeadEnd] | None:
        """The same for the value of a `trial.suggest_*("name", ...)` call whose name is at `name_span`."""
        mod = self.module(path)
        if mod is None:
            return None
        for node in mod.nodes_at(name_span):
            call = mod.parent(node)
            if isinstance(call, ast.Call) and call.args and call.args[0] is node and isinstance(call.func, ast.Attribute) \
                    and call.func.attr.startswith("suggest_"):
                return self._value_dead_ends(mod, call, 0)
        return None

    def _value_dead_ends(self, mod: _Module, node: ast.AST, depth: int) -> list[DeadEnd] | None:
        parent = mod.parent(node)
        if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1 \
                and isinstance(parent.targets[0], ast.Name):
            return self._local_dead_ends(mod, parent, parent.targets[0].id, depth)
        if isinstance(parent, ast.AnnAssign) and parent.value is node and isinstance(parent.target, ast.Name):
            return self._local_dead_ends(mod, parent, parent.target.id, depth)
        sink = self._sink(mod, node, depth)
        return None if sink is None else sink

    def _local_dead_ends(self, mod: _Module, statement: ast.AST, name: str, depth: int) -> list[DeadEnd] | None:
        scope = _enclosing_scope(mod, statement)
        if scope is None or _declares_nonlocal(scope, name):
            return None
        if _uses_dynamic(scope):
            return None
        loads = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
        if not loads:
            return None  # stored and never used: another rule's question (a dead local)
        out: list[DeadEnd] = []
        for load in loads:
            sink = self._sink(mod, load, depth)
            if sink is None:
                return None
            out.extend(sink)
        return out

    def _sink(self, mod: _Module, node: ast.AST, depth: int) -> list[DeadEnd] | None:
        """A value that is a plain argument of a call to a project function whose receiving parameter
        is never used (followed when the parameter is only passed on)."""
        parent = mod.parent(node)
        keyword = None
        position = None
        if isinstance(parent, ast.keyword):
            if parent.arg is None:
                return None  # **value
            keyword = parent.arg
            call = mod.parent(parent)
        elif isinstance(parent, ast.Call) and node in parent.args:
            position = parent.args.index(node)
            if any(isinstance(a, ast.Starred) for a in parent.args[: position + 1]):
                return None
            call = parent
        else:
            return None
        if not isinstance(call, ast.Call) or node is call.func:
            return None
        callee = self._callee(mod, call.func)
        if callee is None:
            return None
        where, fn, bound = callee
        param = _receiving(fn, keyword, position, bound)
        if param is None:
            return None
        if not _body_uses(fn, param):
            label = _callee_label(call.func)
            return [DeadEnd(label, param, where.path, fn.lineno)]
        if depth + 1 >= MAX_DEPTH or _uses_dynamic(fn):
            return None
        # the parameter is used: it still has no effect if every use hands it on to an unused parameter
        out: list[DeadEnd] = []
        loads = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == param and isinstance(n.ctx, ast.Load)]
        if any(isinstance(n, ast.Name) and n.id == param and not isinstance(n.ctx, ast.Load) for n in ast.walk(fn)):
            return None  # reassigned inside: the loads may see another value
        for load in loads:
            sink = self._sink(where, load, depth + 1)
            if sink is None:
                return None
            out.extend(sink)
        return out or None

    def _callee(self, mod: _Module, func: ast.expr) -> tuple[_Module, ast.AST, bool] | None:
        """(module, def, whether the first parameter is bound) of the one project function or class a
        call names, or None."""
        if isinstance(func, ast.Name):
            local = mod.functions.get(func.id)
            if local is not None:
                rebound = any(isinstance(n, ast.Name) and n.id == func.id and isinstance(n.ctx, ast.Store) for n in ast.walk(mod.tree))
                return None if rebound else _definition(mod, local)  # `fit = wrap(fit)`: another callable
            source = _import_source(mod, func.id)
            if source is None or source[1] is None:
                return None
            module, name = source
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            source = _import_source(mod, func.value.id)
            if source is None:
                return None
            module = source[0] if source[1] is None else f"{source[0]}.{source[1]}"   # `from pkg import mod`
            name = func.attr
        else:
            return None
        hits: list[tuple[_Module, list[ast.AST]]] = []
        for path in self.files:
            if not _is_module_file(path, module):
                continue
            other = self.module(path)
            defs = other.functions.get(name) if other is not None and other is not mod else None
            if defs:
                hits.append((other, defs))
        if len(hits) != 1:
            return None
        return _definition(*hits[0])


def _definition(mod: _Module, defs: list[ast.AST]) -> tuple[_Module, ast.AST, bool] | None:
    if len(defs) != 1:
        return None  # defined twice (a conditional definition, a redefinition): either may run
    node = defs[0]
    if isinstance(node, FunctionNode):
        return mod, node, False
    if isinstance(node, ast.ClassDef):
        if node.decorator_list or node.keywords:
            return None  # a dataclass or a metaclass may build the constructor
        inits = [n for n in node.body if isinstance(n, FunctionNode) and n.name == "__init__"]
        if len(inits) != 1 or any(isinstance(n, FunctionNode) and n.name == "__new__" for n in node.body):
            return None
        return mod, inits[0], True
    return None


def _receiving(fn: ast.AST, keyword: str | None, position: int | None, bound: bool) -> str | None:
    args = fn.args  # type: ignore[attr-defined]
    positional = [a.arg for a in args.posonlyargs + args.args]
    if bound:
        positional = positional[1:]   # self
    if keyword is not None:
        names = [a.arg for a in args.args + args.kwonlyargs]
        if bound and args.args and not args.posonlyargs:
            names = names[1:]
        return keyword if keyword in names else None
    if position is not None and position < len(positional):
        return positional[position]
    return None  # taken by *args, or a call we do not understand


def _body_uses(fn: ast.AST, name: str) -> bool:
    body = fn.body  # type: ignore[attr-defined]
    if _is_stub(body) or fn.decorator_list and not all(_plain_decorator(d) for d in fn.decorator_list):  # type: ignore[attr-defined]
        return True  # an interface to override, or a decorator that may use the arguments
    if _uses_dynamic(fn):
        return True
    return any(isinstance(n, ast.Name) and n.id == name for stmt in body for n in ast.walk(stmt))


def _plain_decorator(node: ast.expr) -> bool:
    text = ast.unparse(node)
    return text in ("staticmethod", "classmethod") or text.startswith(("torch.no_grad", "torch.inference_mode"))


def _is_stub(body: list[ast.stmt]) -> bool:
    rest = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str))]
    if not rest:
        return True
    return all(isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
               or isinstance(s, ast.Raise) for s in rest)


def _uses_dynamic(scope: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id in _DYNAMIC for n in ast.walk(scope))


def _declares_nonlocal(scope: ast.AST, name: str) -> bool:
    return any(isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names for n in ast.walk(scope))


def _enclosing_scope(mod: _Module, node: ast.AST) -> ast.AST | None:
    current = mod.parent(node)
    while current is not None and not isinstance(current, (*FunctionNode, ast.Module, ast.ClassDef, ast.Lambda)):
        current = mod.parent(current)
    return None if isinstance(current, (ast.ClassDef, ast.Lambda)) else current


def _import_source(mod: _Module, local: str) -> tuple[str, str | None] | None:
    """(dotted module, imported name or None for a module) that a local name was imported as, when
    exactly one import binds it."""
    found = []
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Import):
            found += [(a.name, None) for a in node.names if (a.asname or a.name.split(".")[0]) == local and (a.asname or "." not in a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, a.name) for a in node.names if (a.asname or a.name) == local]
    return found[0] if len(found) == 1 else None


def _is_module_file(path: str, module: str) -> bool:
    parts = Path(path).with_suffix("").parts
    wanted = tuple(module.split("."))
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return len(parts) >= len(wanted) and parts[-len(wanted):] == wanted


def _callee_label(func: ast.expr) -> str:
    return ast.unparse(func)


# --- a configuration copied into a dict nobody reads ------------------------------------------------

_LOGGERS = {"print", "debug", "info", "warning", "warn", "error", "exception", "critical", "log", "pprint"}


def _is_logging_argument(mod: _Module, node: ast.AST) -> bool:
    """`print(x)`, `LOG.debug(x)`, `logger.info("%s", x)`: the value is only shown."""
    parent = mod.parent(node)
    if isinstance(parent, ast.Call) and node in parent.args:
        func = parent.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        return name in _LOGGERS
    return False


def copied_into_unused(trace: Interproc, path: str, span: Span) -> tuple[str, int] | None:
    """For a configuration object at `span` handed to `other.update(<it>)`: (other, line) when `other`
    is a local that nothing uses except further updates and logging, and the object itself is used
    only there and in logging; else None."""
    mod = trace.module(path)
    if mod is None:
        return None
    node = next(iter(mod.nodes_at(span)), None)
    if node is None:
        return None
    call = mod.parent(node)
    if not (isinstance(call, ast.Call) and node in call.args and isinstance(call.func, ast.Attribute)
            and call.func.attr == "update" and isinstance(call.func.value, ast.Name)
            and isinstance(mod.parent(call), ast.Expr)):
        return None
    target = call.func.value.id
    scope = _enclosing_scope(mod, call)
    given = node.id if isinstance(node, ast.Name) else None
    if scope is None or _uses_dynamic(scope) or _declares_nonlocal(scope, target) or (given and _declares_nonlocal(scope, given)):
        return None
    for name, allowed in ((target, "update"), (given, None)):
        for load in (n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)):
            if load is node or _is_logging_argument(mod, load):
                continue
            parent = mod.parent(load)
            if allowed and isinstance(parent, ast.Attribute) and parent.attr == allowed and isinstance(mod.parent(parent), ast.Call) \
                    and isinstance(mod.parent(mod.parent(parent)), ast.Expr):
                continue
            return None
    if isinstance(scope, ast.Module) and any(_imports_name(other, path, target) for other in trace.files if other != path):
        return None
    return target, call.lineno


def _imports_name(trace_path: str, path: str, name: str) -> bool:
    """Whether another file of the program may import `name` from this module (a text search)."""
    try:
        from sweeplint.source import read_text

        return name in read_text(trace_path)
    except Exception:  # noqa: BLE001 - unreadable: assume it may
        return True


# --- a value copied into a config key that nothing reads afterwards ------------------------------------


def copied_to_unread_key(trace: Interproc, path: str, span: Span) -> tuple[str, int] | None:
    """For a read at `span` stored as `cfg.data.rate = <read>` in a function: (`cfg.data.rate`, line)
    when the function, after that statement, never uses `cfg` in a way that may reach that key (a
    read of it or of a section above it, `cfg` handed anywhere but a logging call, returned...), and
    `cfg` is the function's own (a parameter or a local). None otherwise."""
    mod = trace.module(path)
    if mod is None:
        return None
    start = mod.byte_column(span.line, span.column)
    end = mod.byte_column(span.end_line, span.end_column)
    node = next((n for n in mod.nodes_at(span) if n.end_lineno == span.end_line and n.end_col_offset == end and start is not None), None)
    statement = mod.parent(node) if node is not None else None
    if not (isinstance(statement, ast.Assign) and statement.value is node and len(statement.targets) == 1):
        return None
    chain = _attribute_chain(statement.targets[0])
    if chain is None or len(chain) < 2:
        return None
    scope = _enclosing_scope(mod, statement)
    if not isinstance(scope, FunctionNode) or _uses_dynamic(scope) or _declares_nonlocal(scope, chain[0]):
        return None
    args = scope.args  # type: ignore[attr-defined]
    own = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs} | {
        n.id for n in ast.walk(scope) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if chain[0] not in own or chain[0] in ("self", "cls"):
        return None  # a module-level or instance config: other code may read the key later
    if _inside_loop(mod, statement, scope):
        return None  # a later iteration may read what an earlier one wrote
    after = (statement.end_lineno or statement.lineno, statement.end_col_offset or 0)
    for load in ast.walk(scope):
        if not (isinstance(load, ast.Name) and load.id == chain[0]) or load is statement.targets[0]:
            continue
        if (load.lineno, load.col_offset) < after:
            continue
        if _is_logging_argument(mod, load) or _inside_logging_call(mod, load):
            continue
        used = _use_chain(mod, load)
        if used is None:
            return None
        if isinstance(mod.parent(_outermost(mod, load)), (ast.Assign, ast.AugAssign)) and \
                any(t is _outermost(mod, load) for t in getattr(mod.parent(_outermost(mod, load)), "targets", [])):
            continue  # written again, not read
        if used[: len(chain)] == chain[: len(used)]:
            return None  # reads the key, a section above it, or below it
    return ".".join(chain), statement.lineno


def _attribute_chain(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id] + parts[::-1]


def _outermost(mod: _Module, name: ast.Name) -> ast.AST:
    node: ast.AST = name
    while isinstance(mod.parent(node), ast.Attribute) and mod.parent(node).value is node:  # type: ignore[union-attr]
        node = mod.parent(node)  # type: ignore[assignment]
    return node


def _use_chain(mod: _Module, name: ast.Name) -> list[str] | None:
    """The attribute path a use of `name` reads (`cfg.data.path` -> [cfg, data, path]), None when the
    use is anything else than a plain attribute read ending in a value we can tell apart."""
    outer = _outermost(mod, name)
    chain = _attribute_chain(outer)
    if chain is None:
        return None
    parent = mod.parent(outer)
    if isinstance(parent, ast.Call) and parent.func is outer:
        return chain[:-1] if len(chain) > 2 else None   # `cfg.data.get(...)`: a read of the section
    return chain


def _inside_logging_call(mod: _Module, node: ast.AST) -> bool:
    """`logger.info(OmegaConf.to_yaml(cfg))`: the value only shown."""
    current = mod.parent(node)
    for _ in range(4):
        if current is None:
            return False
        if isinstance(current, ast.Call):
            func = current.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in _LOGGERS:
                return True
            if name not in ("to_yaml", "dumps", "pformat", "str", "repr", "format"):
                return False
        current = mod.parent(current)
    return False


def _inside_loop(mod: _Module, node: ast.AST, scope: ast.AST) -> bool:
    current = mod.parent(node)
    while current is not None and current is not scope:
        if isinstance(current, (ast.For, ast.AsyncFor, ast.While)):
            return True
        current = mod.parent(current)
    return False
