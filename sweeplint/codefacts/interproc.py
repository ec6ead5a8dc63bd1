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
import bisect
import gc
from pathlib import Path

from sweeplint.model import Span
from sweeplint.records import record

MAX_DEPTH = 2                      # a parameter passed on unchanged is followed this many calls deep
_DYNAMIC = {"locals", "vars", "eval", "exec", "globals", "inspect"}
FunctionNode = (ast.FunctionDef, ast.AsyncFunctionDef)


@record(frozen=True)
class DeadEnd:
    """The parameter that receives a swept value and is never used."""

    function: str                  # as the call names it
    parameter: str
    path: str
    line: int                      # the def line


def walk(root: ast.AST) -> list[ast.AST]:
    """Every node below `root` and itself, in `ast.walk`'s order (breadth first), at half its cost:
    a list grown while it is read, instead of a generator of generators."""
    out = [root]
    append = out.append
    node_class = ast.AST
    for node in out:
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, node_class):
                        append(item)
            elif isinstance(value, node_class):
                append(value)
    return out


class ParsedModule:
    """One parsed file. Its parent links and the index of expressions by where they start are built
    per top-level statement, when a question first reaches into it: most questions concern a few
    statements of a file, and indexing every node of every file cost more than the questions."""

    def __init__(self, path: str, text: str, tree: ast.Module) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.tree = tree
        self.parents: dict[int, ast.AST] = {id(statement): tree for statement in tree.body}
        self.starts: dict[tuple[int, int], list[ast.expr]] = {}   # (line, byte column) -> expressions starting there
        self._stored: set[str] | None = None
        self._nodes: list[ast.AST] | None = None
        self._imports: dict[str, list[tuple[str, str | None]]] | None = None
        # (first line, last line, index) of each top-level statement, its decorators included
        self._ranges = sorted(
            (min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", ()))]),
             statement.end_lineno or statement.lineno, index)
            for index, statement in enumerate(tree.body))
        self._indexed: set[int] = set()
        self._all_indexed = False
        self.functions: dict[str, list[ast.AST]] = {}
        for node in tree.body:
            if isinstance(node, (*FunctionNode, ast.ClassDef)):
                self.functions.setdefault(node.name, []).append(node)

    def _index(self, index: int) -> None:
        """Parent links and start index of one top-level statement's nodes (a walk in the order the
        whole-tree walk took, so expressions starting at one place are listed in the same order)."""
        if index in self._indexed:
            return
        self._indexed.add(index)
        parents = self.parents
        starts = self.starts
        pending: list[ast.AST] = [self.tree.body[index]]
        children = ast.iter_child_nodes
        while pending:
            node = pending.pop()
            if isinstance(node, ast.expr):
                starts.setdefault((node.lineno, node.col_offset), []).append(node)
            for child in children(node):
                parents[id(child)] = node
                pending.append(child)

    def _index_line(self, line: int) -> None:
        """Index the top-level statements whose lines hold `line` (two share one with `a = 1; b = 2`)."""
        ranges = self._ranges
        # statements follow each other, so the last lines grow with the first ones
        for position in range(bisect.bisect_right(ranges, (line, float("inf"), 0)) - 1, -1, -1):
            if ranges[position][1] < line:
                break
            self._index(ranges[position][2])

    def _index_all(self) -> None:
        if not self._all_indexed:
            self._all_indexed = True
            for index in range(len(self.tree.body)):
                self._index(index)

    @property
    def nodes(self) -> list[ast.AST]:
        """Every node of the module, in `ast.walk`'s order."""
        if self._nodes is None:
            self._nodes = walk(self.tree)
        return self._nodes

    @property
    def stored(self) -> set[str]:
        """Every name assigned anywhere in the module."""
        if self._stored is None:
            self._stored = {n.id for n in self.nodes if type(n) is ast.Name and type(n.ctx) is ast.Store}
        return self._stored

    def imports_of(self, local: str) -> list[tuple[str, str | None]]:
        """(dotted module, imported name or None for a module) of each import that binds `local`."""
        if self._imports is None:
            found: dict[str, list[tuple[str, str | None]]] = {}
            for node in self.nodes:
                if isinstance(node, ast.Import):
                    for a in node.names:
                        if a.asname or "." not in a.name:
                            found.setdefault(a.asname or a.name.split(".")[0], []).append((a.name, None))
                elif isinstance(node, ast.ImportFrom) and node.module:
                    for a in node.names:
                        found.setdefault(a.asname or a.name, []).append((node.module, a.name))
            self._imports = found
        return self._imports.get(local, [])

    def parent(self, node: ast.AST) -> ast.AST | None:
        found = self.parents.get(id(node))
        if found is not None or self._all_indexed or not isinstance(node, ast.AST):
            return found
        line = getattr(node, "lineno", None)
        if line is not None:
            self._index_line(line)
            found = self.parents.get(id(node))
            if found is not None:
                return found
        self._index_all()  # a node without a line (or from another tree): every statement
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
        self._index_line(span.line)
        found = self.starts.get((span.line, start), [])
        return sorted(found, key=lambda n: (n.end_lineno or 0, n.end_col_offset or 0), reverse=True)


# Several rules ask about the same program for every config that runs it: parse each file once per
# run (and again when its text changes; a timestamp is too coarse to tell), keeping a few files so
# memory stays bounded.
_PARSED: dict[str, tuple[str, ParsedModule | None]] = {}
_PARSED_KEPT = 16


_TREES: dict[str, ast.Module] = {}   # text -> its parse, made while extracting the file's facts


def standard_parse(text: str) -> ast.Module | None:
    """The standard library's parse of a file's text, or None when it does not parse. Kept for the
    questions about the same file later in the run (a few files, as above)."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # invalid escape sequences and the like: not ours to say
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, Exception):  # noqa: BLE001 - no answer, not a crash
        return None
    _TREES[text] = tree
    while len(_TREES) > _PARSED_KEPT:
        del _TREES[next(iter(_TREES))]
    return tree


def _parsed(path: str) -> ParsedModule | None:
    from sweeplint.source import read_text

    try:
        text = read_text(path)
    except Exception:  # noqa: BLE001 - an unreadable file gives no answer, not a crash
        return None
    kept = _PARSED.pop(path, None)
    if kept is not None and kept[0] == text:
        _PARSED[path] = kept           # most recently used last
        return kept[1]
    # A parse makes tens of thousands of objects and no cycles: the cyclic collector, which would
    # run every few hundred of them over everything the run holds, is paused meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        tree = _TREES.pop(text, None)
        found = ParsedModule(path, text, tree if tree is not None else ast.parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError, Exception):  # noqa: BLE001 - no answer, not a crash
        found = None
    finally:
        if collecting:
            gc.enable()
    _PARSED[path] = (text, found)
    while len(_PARSED) > _PARSED_KEPT:
        del _PARSED[next(iter(_PARSED))]
    return found


class Interproc:
    """Parsed files of one program, each read at most once."""

    def __init__(self, files: tuple[str, ...] | list[str]) -> None:
        self.files = list(files)
        self._modules: dict[str, ParsedModule | None] = {}

    def module(self, path: str) -> ParsedModule | None:
        if path in self._modules:
            return self._modules[path]
        found = _parsed(path)
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

    def _value_dead_ends(self, mod: ParsedModule, node: ast.AST, depth: int) -> list[DeadEnd] | None:
        parent = mod.parent(node)
        if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1 \
                and isinstance(parent.targets[0], ast.Name):
            return self._local_dead_ends(mod, parent, parent.targets[0].id, depth)
        if isinstance(parent, ast.AnnAssign) and parent.value is node and isinstance(parent.target, ast.Name):
            return self._local_dead_ends(mod, parent, parent.target.id, depth)
        sink = self._sink(mod, node, depth)
        return None if sink is None else sink

    def _local_dead_ends(self, mod: ParsedModule, statement: ast.AST, name: str, depth: int) -> list[DeadEnd] | None:
        scope = enclosing_scope(mod, statement)
        if scope is None or declares_nonlocal(scope, name):
            return None
        if uses_dynamic(scope):
            return None
        loads = scope_names(scope).loads.get(name, ())
        if not loads:
            return None  # stored and never used: another rule's question (a dead local)
        out: list[DeadEnd] = []
        for load in loads:
            sink = self._sink(mod, load, depth)
            if sink is None:
                return None
            out.extend(sink)
        return out

    def _sink(self, mod: ParsedModule, node: ast.AST, depth: int) -> list[DeadEnd] | None:
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
        if depth + 1 >= MAX_DEPTH or uses_dynamic(fn):
            return None
        # the parameter is used: it still has no effect if every use hands it on to an unused parameter
        out: list[DeadEnd] = []
        names = scope_names(fn)
        if param in names.rebound:
            return None  # reassigned inside: the loads may see another value
        for load in names.loads.get(param, ()):
            sink = self._sink(where, load, depth + 1)
            if sink is None:
                return None
            out.extend(sink)
        return out or None

    def _callee(self, mod: ParsedModule, func: ast.expr) -> tuple[ParsedModule, ast.AST, bool] | None:
        """(module, def, whether the first parameter is bound) of the one project function or class a
        call names, or None."""
        if isinstance(func, ast.Name):
            local = mod.functions.get(func.id)
            if local is not None:
                return None if func.id in mod.stored else _definition(mod, local)  # `fit = wrap(fit)`: another callable
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
        hits: list[tuple[ParsedModule, list[ast.AST]]] = []
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


def _definition(mod: ParsedModule, defs: list[ast.AST]) -> tuple[ParsedModule, ast.AST, bool] | None:
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
    if uses_dynamic(fn):
        return True
    return any(isinstance(n, ast.Name) and n.id == name for stmt in body for n in walk(stmt))


def _plain_decorator(node: ast.expr) -> bool:
    text = ast.unparse(node)
    return text in ("staticmethod", "classmethod") or text.startswith(("torch.no_grad", "torch.inference_mode"))


def _is_stub(body: list[ast.stmt]) -> bool:
    rest = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str))]
    if not rest:
        return True
    return all(isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
               or isinstance(s, ast.Raise) for s in rest)


class ScopeNames:
    """The names used in one scope (nested scopes included), found in one walk: the questions
    below are asked once per suggested value or argument, and walking the scope each time made an
    objective of a thousand suggestions cost a minute."""

    __slots__ = ("loads", "rebound", "dynamic", "declared")

    def __init__(self, scope: ast.AST) -> None:
        self.loads: dict[str, list[ast.Name]] = {}   # each name read, in ast.walk's order
        self.rebound: set[str] = set()                # names assigned or deleted
        self.dynamic = False                          # `locals()`, `vars()`, `exec`, ... appear
        self.declared: set[str] = set()               # names declared global or nonlocal
        for n in walk(scope):
            if isinstance(n, ast.Name):
                if n.id in _DYNAMIC:
                    self.dynamic = True
                if isinstance(n.ctx, ast.Load):
                    self.loads.setdefault(n.id, []).append(n)
                else:
                    self.rebound.add(n.id)
            elif isinstance(n, (ast.Global, ast.Nonlocal)):
                self.declared.update(n.names)


def scope_names(scope: ast.AST) -> ScopeNames:
    """The names of a scope, worked out on the first question and kept on the scope's node."""
    found = getattr(scope, "_sweeplint_names", None)
    if found is None:
        found = scope._sweeplint_names = ScopeNames(scope)
    return found


def uses_dynamic(scope: ast.AST) -> bool:
    return scope_names(scope).dynamic


def declares_nonlocal(scope: ast.AST, name: str) -> bool:
    return name in scope_names(scope).declared


def enclosing_scope(mod: ParsedModule, node: ast.AST) -> ast.AST | None:
    current = mod.parent(node)
    while current is not None and not isinstance(current, (*FunctionNode, ast.Module, ast.ClassDef, ast.Lambda)):
        current = mod.parent(current)
    return None if isinstance(current, (ast.ClassDef, ast.Lambda)) else current


def _import_source(mod: ParsedModule, local: str) -> tuple[str, str | None] | None:
    """(dotted module, imported name or None for a module) that a local name was imported as, when
    exactly one import binds it."""
    found = mod.imports_of(local)
    return found[0] if len(found) == 1 else None


def _is_module_file(path: str, module: str) -> bool:
    parts = Path(path).with_suffix("").parts
    wanted = tuple(module.split("."))
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return len(parts) >= len(wanted) and parts[-len(wanted):] == wanted


def _callee_label(func: ast.expr) -> str:
    return ast.unparse(func)
