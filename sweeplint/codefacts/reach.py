"""Which functions of a program may run at all.

A metric logged only in a function the program never calls (a `sweep()` left beside `main()`, a
branch behind `sweep_mode = False`) never reaches the tool. Starting from the code that runs when
the program starts (the module-level code of its files), a function is live when its name is
referenced from live code or it carries a decorator (which may register it); methods are always
live, as frameworks call a class's hooks by name; a branch whose test is a constant (a literal, a module-level name bound once to a
literal, or a parameter every call passes the same literal) is skipped on its dead side. Any
dynamic lookup (`getattr` with a computed name, `globals()`, `importlib`, `eval`/`exec`) or a
Hydra program (whose configs name targets by string) makes everything live. Names are matched
without scopes, so a name shared by two functions keeps both alive: the answer errs towards live.
"""

from __future__ import annotations

import ast

from sweeplint.codefacts.interproc import FunctionNode, Interproc, ParsedModule, walk

_DYNAMIC = {"globals", "eval", "exec", "importlib", "__import__", "import_module", "instantiate", "locate", "get_class", "get_method"}
_UNSET = object()


class Reach:
    def __init__(self, trace: Interproc) -> None:
        self.trace = trace
        self.modules = [m for m in (trace.module(p) for p in trace.files) if m is not None]
        self.everything = any(_dynamic(m) for m in self.modules)
        self.defs: dict[str, list[tuple[ParsedModule, ast.AST]]] = {}
        self.methods: dict[int, list[ast.AST]] = {}
        for mod in self.modules:
            for node in mod.nodes:
                if isinstance(node, (*FunctionNode, ast.ClassDef)):
                    self.defs.setdefault(node.name, []).append((mod, node))
        self.live: set[int] = set()
        self._constants: dict[tuple[int, str], object] = {}
        self._queue: list[tuple[ParsedModule, list[ast.stmt], ast.AST | None]] = []
        if not self.everything:
            for mod in self.modules:
                self._queue.append((mod, mod.tree.body, None))
            self._run()

    # --- queries -------------------------------------------------------------------------------

    def dead_function(self, path: str, line: int) -> str | None:
        """The name of the outermost function around `line` of `path` when it never runs, else None."""
        if self.everything:
            return None
        mod = self.trace.module(path)
        if mod is None or mod not in self.modules:
            return None
        chain = [n for n in mod.nodes if isinstance(n, (*FunctionNode, ast.ClassDef))
                 and n.lineno <= line <= (n.end_lineno or n.lineno)]
        for node in sorted(chain, key=lambda n: n.lineno):
            if isinstance(node, FunctionNode) and id(node) not in self.live:
                return node.name
        return None

    # --- the walk ------------------------------------------------------------------------------

    def _run(self) -> None:
        while self._queue:
            mod, body, fn = self._queue.pop()
            for stmt in body:
                self._visit(mod, stmt, fn)

    def _reference(self, name: str) -> None:
        for mod, node in self.defs.get(name, ()):
            self._make_live(mod, node)

    def _make_live(self, mod: ParsedModule, node: ast.AST) -> None:
        if id(node) in self.live:
            return
        self.live.add(id(node))
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, FunctionNode):
                    self._make_live(mod, item)
        else:
            self._queue.append((mod, node.body, node))  # type: ignore[attr-defined]

    def _visit(self, mod: ParsedModule, node: ast.AST, fn: ast.AST | None) -> None:
        if isinstance(node, FunctionNode):
            for d in node.decorator_list:
                self._visit(mod, d, fn)
            for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                self._visit(mod, default, fn)
            if node.decorator_list:
                self._make_live(mod, node)
            return
        if isinstance(node, ast.ClassDef):
            for part in node.bases + node.decorator_list + [k.value for k in node.keywords]:
                self._visit(mod, part, fn)
            # frameworks and configs instantiate classes by name (an entrypoint `model_def:Trial`, a
            # `_target_`) and call their hooks: every method of a class that is defined counts as live
            self._make_live(mod, node)
            for item in node.body:
                if not isinstance(item, FunctionNode):
                    self._visit(mod, item, fn)
                else:
                    for d in item.decorator_list:
                        self._visit(mod, d, fn)
            return
        if isinstance(node, (ast.If, ast.IfExp)):
            truth = self._truth(mod, node.test, fn)
            if truth is not None:
                branch = node.body if truth else node.orelse
                for part in branch if isinstance(branch, list) else [branch]:
                    self._visit(mod, part, fn)
                return
        if isinstance(node, ast.Name):
            self._reference(node.id)
        elif isinstance(node, ast.Attribute):
            self._reference(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
            for part in node.value.replace(":", ".").split("."):
                if part.isidentifier():
                    self._reference(part)
        for child in ast.iter_child_nodes(node):
            self._visit(mod, child, fn)

    # --- constant tests ------------------------------------------------------------------------

    def _truth(self, mod: ParsedModule, test: ast.expr, fn: ast.AST | None) -> bool | None:
        value = self._constant(mod, test, fn, 0)
        return None if value is _UNSET else bool(value)

    def _constant(self, mod: ParsedModule, node: ast.expr, fn: ast.AST | None, depth: int):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self._constant(mod, node.operand, fn, depth)
            return _UNSET if inner is _UNSET else (not inner)
        if not isinstance(node, ast.Name) or depth > 2:
            return _UNSET
        if fn is not None and node.id in _params(fn):
            key = (id(fn), node.id)
            if key not in self._constants:
                self._constants[key] = _UNSET  # a recursive function asks about itself: not known
                self._constants[key] = self._parameter_constant(mod, fn, node.id, depth)
            return self._constants[key]
        if fn is not None and _assigned_in(fn, node.id):
            return _UNSET
        return _module_constant(mod, node.id)

    def _parameter_constant(self, mod: ParsedModule, fn: ast.AST, name: str, depth: int):
        """The literal every call of a module-level function passes for one of its parameters."""
        if _assigned_in(fn, name) or fn.decorator_list or mod.functions.get(fn.name) != [fn]:  # type: ignore[attr-defined]
            return _UNSET
        if len(self.defs.get(fn.name, ())) != 1:  # type: ignore[attr-defined]
            return _UNSET
        args = fn.args  # type: ignore[attr-defined]
        positional = [a.arg for a in args.posonlyargs + args.args]
        defaults = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
        seen = _UNSET
        calls = 0
        for other in self.modules:
            for node in other.nodes:
                if not (isinstance(node, (ast.Name, ast.Attribute)) and _names(node) == fn.name):  # type: ignore[attr-defined]
                    continue
                call = other.parent(node)
                if not isinstance(call, ast.Call) or call.func is not node:
                    if isinstance(node, ast.Name) and isinstance(other.parent(node), FunctionNode):
                        continue
                    return _UNSET  # handed around as a value: called from somewhere we do not see
                if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
                    return _UNSET
                given = next((k.value for k in call.keywords if k.arg == name), None)
                if given is None and name in positional and positional.index(name) < len(call.args):
                    given = call.args[positional.index(name)]
                if given is None:
                    given = defaults.get(name)
                if given is None:
                    return _UNSET
                caller = _enclosing_function(other, call)
                value = self._constant(other if given in walk(call) else mod, given, caller if given in walk(call) else None, depth + 1)
                if value is _UNSET or (seen is not _UNSET and bool(value) != bool(seen)):
                    return _UNSET
                seen = value
                calls += 1
        return seen if calls else _UNSET


def _names(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr  # type: ignore[attr-defined]


def _params(fn: ast.AST) -> set[str]:
    args = fn.args  # type: ignore[attr-defined]
    found = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    for extra in (args.vararg, args.kwarg):
        if extra is not None:
            found.add(extra.arg)
    return found


def _assigned_in(fn: ast.AST, name: str) -> bool:
    for node in walk(fn):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return True
    return False


def _module_constant(mod: ParsedModule, name: str):
    """The literal a module-level name is bound to, when it is bound exactly once, at module level,
    and no function rebinds it."""
    stores = [n for n in mod.nodes if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
    if len(stores) != 1 or any(isinstance(n, ast.Global) and name in n.names for n in mod.nodes):
        return _UNSET
    assign = mod.parent(stores[0])
    if not (isinstance(assign, ast.Assign) and len(assign.targets) == 1 and isinstance(assign.value, ast.Constant)):
        return _UNSET
    if _enclosing_function(mod, assign) is not None:
        return _UNSET
    if any(isinstance(n, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name) == name for a in n.names) for n in mod.nodes):
        return _UNSET
    return assign.value.value


def _enclosing_function(mod: ParsedModule, node: ast.AST) -> ast.AST | None:
    current = mod.parent(node)
    while current is not None and not isinstance(current, (*FunctionNode, ast.ClassDef, ast.Lambda)):
        current = mod.parent(current)
    return current if isinstance(current, FunctionNode) else None


def _dynamic(mod: ParsedModule) -> bool:
    for node in mod.nodes:
        if isinstance(node, ast.Name) and node.id in _DYNAMIC:
            return True
        if isinstance(node, ast.Attribute) and node.attr in _DYNAMIC:
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" \
                and len(node.args) > 1 and not isinstance(node.args[1], ast.Constant):
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(a.name.split(".")[0] in ("importlib", "hydra") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("importlib", "hydra", "fire", "typer", "click"):
            return True
    return False
