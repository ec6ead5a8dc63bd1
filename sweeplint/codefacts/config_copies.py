"""Swept values copied somewhere nothing reads: a tool's parameters merged into a dict that is never
used (`params.update(nni.get_next_parameter())`), or one value stored into a key of the function's own
config that the function never reads after the copy (`cfg.data.rate = wandb.config.rate`). Parsing
only, with the standard library's `ast` (through codefacts.interproc); any use we cannot place counts
as a read.
"""

from __future__ import annotations

import ast

from sweeplint.codefacts.interproc import (
    FunctionNode,
    Interproc,
    ParsedModule,
    declares_nonlocal,
    enclosing_scope,
    scope_names,
    uses_dynamic,
    walk,
)
from sweeplint.model import Span

# --- a configuration copied into a dict nobody reads ---------------------------------------------

_LOGGERS = {"print", "debug", "info", "warning", "warn", "error", "exception", "critical", "log", "pprint"}


def _is_logging_argument(mod: ParsedModule, node: ast.AST) -> bool:
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
    scope = enclosing_scope(mod, call)
    given = node.id if isinstance(node, ast.Name) else None
    if scope is None or uses_dynamic(scope) or declares_nonlocal(scope, target) or (given and declares_nonlocal(scope, given)):
        return None
    for name, allowed in ((target, "update"), (given, None)):
        for load in scope_names(scope).loads.get(name, ()):
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
    scope = enclosing_scope(mod, statement)
    if not isinstance(scope, FunctionNode) or uses_dynamic(scope) or declares_nonlocal(scope, chain[0]):
        return None
    args = scope.args  # type: ignore[attr-defined]
    own = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs} | {
        n.id for n in walk(scope) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if chain[0] not in own or chain[0] in ("self", "cls"):
        return None  # a module-level or instance config: other code may read the key later
    if _inside_loop(mod, statement, scope):
        return None  # a later iteration may read what an earlier one wrote
    after = (statement.end_lineno or statement.lineno, statement.end_col_offset or 0)
    for load in walk(scope):
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


def _outermost(mod: ParsedModule, name: ast.Name) -> ast.AST:
    node: ast.AST = name
    while isinstance(mod.parent(node), ast.Attribute) and mod.parent(node).value is node:  # type: ignore[union-attr]
        node = mod.parent(node)  # type: ignore[assignment]
    return node


def _use_chain(mod: ParsedModule, name: ast.Name) -> list[str] | None:
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


def _inside_logging_call(mod: ParsedModule, node: ast.AST) -> bool:
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


def _inside_loop(mod: ParsedModule, node: ast.AST, scope: ast.AST) -> bool:
    current = mod.parent(node)
    while current is not None and current is not scope:
        if isinstance(current, (ast.For, ast.AsyncFor, ast.While)):
            return True
        current = mod.parent(current)
    return False
