"""From one Python file's text to its FileFacts, with libcst. Never imports or runs the file.

The walk is a single pass in source order over statements and expressions, keeping:
- an environment of names: what a name stands for (a config object and the key path below it,
  a W&B run, a literal dict of metrics, or the hyperparameter reads its value was computed from);
- the stack of `if`/`elif`/`else`/`match` conditions around the current node;
- the reads made inside each call argument (so a read knows the calls it flows into).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from sweeplint.codefacts.facts import (
    ArgDef,
    CallArg,
    CallFact,
    Cond,
    ConfigWrite,
    Consumer,
    Escape,
    FileFacts,
    FunctionDef,
    ImportFact,
    MetricLog,
    Pass,
    Read,
)
from sweeplint.pyexpr import dotted, evaluate, is_known
from sweeplint.model import Span

from sweeplint.codefacts.names import AUTOLOGGERS, CONSTRUCTORS, OPTIMIZERS, SCHEDULERS, TRAINERS  # noqa: F401

_WRAPPERS = {
    "dict", "vars", "copy", "deepcopy", "EasyDict", "edict", "AttrDict", "Munch", "munchify", "DotMap",
    "SimpleNamespace", "Namespace", "ConfigDict", "Box", "DictConfig", "create", "to_container", "to_object",
    "OmegaConf.create", "OmegaConf.to_container", "OmegaConf.to_object", "OmegaConf.structured",
}
_REF_METHODS = {"as_dict", "to_dict", "copy", "__dict__"}
_ESCAPE_METHODS = {"items", "keys", "values", "__iter__"}
_CASTS = {"str", "lower", "upper", "strip", "casefold"}
_PRINTS = {"print", "info", "debug", "warning", "write"}
_ARGS_FUNCTIONS = re.compile(r"(?:get|parse|load|read|build)_?(?:args|arguments|argparse|opts|options|flags|cli_args)\Z|\Aparse_args\Z")
_KATIB = re.compile(r"([\w|-]+)\s*=\s*(?:\x00|\{[^}]*\}|%[-+ #0-9.]*[sdifgeEr]|[-+]?\d|$)")
HARMLESS_CONSUMERS = {"float", "int", "str", "round", "abs", "len", "print", "bool", "min", "max"}


@dataclass
class Ref:
    root: str
    key: tuple[str, ...] = ()
    how: str = "attr"
    default: Any = None
    has_default: bool = False


@dataclass
class Binding:
    ref: Ref | None = None
    taint: tuple[int, ...] = ()
    marker: str | None = None          # "run", "metrics"
    metric_keys: list = field(default_factory=list)   # for a literal dict of metrics: (key, pattern, dynamic, span)


class _Collector:
    def __init__(self) -> None:
        self.direct: list[int] = []
        self.via: list[tuple[int, str]] = []


_BRACKETS = re.compile(r"[\[\](){}]")


def _deeply_nested(text: str, limit: int = 100) -> bool:
    """Brackets nested deeper than `limit` (strings and comments counted too: only a cheap filter)."""
    if text.count("(") + text.count("[") + text.count("{") < limit:
        return False
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth += 1 if match.group() in "([{" else -1
        if depth > limit:
            return True
    return False


def extract(text: str) -> FileFacts:
    """The facts of one file; a syntax error gives FileFacts with `error` set."""
    if _deeply_nested(text):  # libcst's native parser would overflow its stack and kill the process
        from sweeplint import pyexpr

        try:
            pyexpr._guard(text)
        except pyexpr.PySyntaxError as exc:
            return FileFacts(error=f"invalid Python: {exc.message}", error_span=exc.span)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        message = " ".join(str(exc.message).split()) or "invalid syntax"
        return FileFacts(error=f"invalid Python: {message}", error_span=Span.point(max(1, exc.raw_line), max(0, exc.raw_column) + 1))
    except (RecursionError, MemoryError):
        return FileFacts(error="invalid Python: the file is nested too deeply to read", error_span=Span.point(1, 1))
    except Exception as exc:  # noqa: BLE001 - libcst raises a few other kinds on odd input
        return FileFacts(error=f"invalid Python: {exc}", error_span=Span.point(1, 1))
    try:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        walker = _Walker(module, positions)
        walker.run()
        return walker.facts()
    except RecursionError:
        return FileFacts(error="the file is nested too deeply to analyse", error_span=Span.point(1, 1), internal=True)
    except Exception as exc:  # noqa: BLE001 - an analysis bug must not stop the run
        return FileFacts(error=f"sweeplint could not analyse it ({type(exc).__name__}: {exc})", internal=True)


class _Walker:
    def __init__(self, module: cst.Module, positions) -> None:
        self.module = module
        self.positions = positions
        self.scopes: list[dict[str, Binding]] = [{}]
        self.aliases: dict[str, str] = {}          # local name -> dotted module/name it was imported as
        self.conds: list[Cond] = []
        self.collectors: list[_Collector] = []
        self.functions: list[FunctionDef] = []
        self.returns: dict[str, str] = {}          # function name -> root its return value is
        self.qual: list[str] = []
        self.classes: list[str] = []
        self.class_attrs: dict[str, dict[str, Binding]] = {}
        self.reads: list[dict] = []
        self.args: list[ArgDef] = []
        self.metrics: list[MetricLog] = []
        self.loop_depth = 0                        # for/while loops around the current statement, in its function
        self.writes: list[ConfigWrite] = []
        self.calls: list[CallFact] = []
        self.escapes: list[Escape] = []
        self.passes: list[Pass] = []
        self.imports: list[ImportFact] = []
        self._assigned: cst.BaseExpression | None = None
        self._derived_from: set = set()
        self.hydra_main = False
        self.uses_argparse = False
        self.uses_wandb = False

    # --- helpers -------------------------------------------------------------------------------

    def span(self, node: cst.CSTNode) -> Span:
        r = self.positions.get(node)
        if r is None:
            return Span.point(1, 1)
        return Span(r.start.line, r.start.column + 1, r.end.line, r.end.column + 1)

    def code(self, node: cst.CSTNode, limit: int = 120) -> str:
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= limit else text[: limit - 3] + "..."

    def qualify(self, node: cst.BaseExpression) -> str | None:
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head == "self" and self.classes and rest:
            return f"{self.classes[-1]}.{rest}"
        full = self.aliases.get(head)
        if full is not None:
            return f"{full}.{rest}" if rest else full
        return name

    def lookup(self, name: str) -> Binding | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def bind(self, name: str, binding: Binding) -> None:
        self.scopes[-1][name] = binding

    def facts(self) -> FileFacts:
        reads = tuple(Read(**r) for r in self.reads)
        return FileFacts(
            reads=reads, args=tuple(self.args), metrics=tuple(self.metrics), writes=tuple(self.writes),
            calls=tuple(self.calls), escapes=tuple(dict.fromkeys(self.escapes)), passes=tuple(self.passes),
            functions=tuple(self.functions), imports=tuple(self.imports), hydra_main=self.hydra_main,
            uses_argparse=self.uses_argparse, uses_wandb=self.uses_wandb,
        )

    # --- statements ----------------------------------------------------------------------------

    def run(self) -> None:
        self.prescan(self.module)
        for stmt in self.module.body:
            self.stmt(stmt)

    def prescan(self, module: cst.Module) -> None:
        """Functions that return an argparse namespace or a config, wherever they are defined.

        A plain walk over statements (libcst's visitor machinery rebuilds every node, which costs
        more than the whole analysis)."""
        stack: list[cst.CSTNode] = list(module.body)
        while stack:
            node = stack.pop()
            if isinstance(node, cst.FunctionDef):
                root = _returned_root(node)
                if root:
                    self.returns[node.name.value] = root
            if isinstance(node, (cst.BaseCompoundStatement,)) or isinstance(node, (cst.IndentedBlock, cst.Else, cst.ExceptHandler, cst.Finally)):
                stack.extend(c for c in node.children if isinstance(c, (cst.BaseCompoundStatement, cst.BaseSuite, cst.Else, cst.ExceptHandler, cst.Finally, cst.If)))

    def stmt(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self.small(small)
        elif isinstance(node, cst.If):
            self.if_chain(node, [])
        elif isinstance(node, cst.FunctionDef):
            self.function(node)
        elif isinstance(node, cst.ClassDef):
            self.klass(node)
        elif isinstance(node, cst.For):
            self.for_iter(node.iter)
            self.bind_targets(node.target, None)
            self.loop_depth += 1
            try:
                self.block(node.body)
            finally:
                self.loop_depth -= 1
            if node.orelse:
                self.block(node.orelse.body)
        elif isinstance(node, cst.While):
            self.expr(node.test)
            self.loop_depth += 1
            try:
                self.block(node.body)
            finally:
                self.loop_depth -= 1
            if node.orelse:
                self.block(node.orelse.body)
        elif isinstance(node, cst.With):
            for item in node.items:
                value = self.expr(item.item)
                if item.asname is not None and isinstance(item.asname.name, cst.Name):
                    self.bind(item.asname.name.value, value or Binding())
            self.block(node.body)
        elif isinstance(node, cst.Try) or type(node).__name__ == "TryStar":
            self.block(node.body)
            for handler in node.handlers:
                self.block(handler.body)
            if node.orelse:
                self.block(node.orelse.body)
            if node.finalbody:
                self.block(node.finalbody.body)
        elif isinstance(node, cst.Match):
            self.match(node)
        else:
            self.generic(node)

    def block(self, body: cst.BaseSuite) -> None:
        if isinstance(body, cst.IndentedBlock):
            for stmt in body.body:
                self.stmt(stmt)
        elif isinstance(body, cst.SimpleStatementSuite):
            for small in body.body:
                self.small(small)

    def small(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Expr):
            self.expr(node.value)
        elif isinstance(node, cst.Assign):
            self.assign([t.target for t in node.targets], node.value)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                self.assign([node.target], node.value)
        elif isinstance(node, cst.AugAssign):
            self.expr(node.value)  # `args.lr *= scale` derives the value from the swept one: not an overwrite
        elif isinstance(node, cst.Return):
            if node.value is not None:
                value = self.expr(node.value)
                if value is not None and value.ref is not None and not value.ref.key and self.qual and self.qual[-1] not in self.returns:
                    self.escape(value.ref, node, "returned")
        elif isinstance(node, cst.Import):
            for alias in node.names:
                name = dotted(alias.name) or ""
                local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name.split(".")[0]
                self.aliases[local] = name if alias.asname else name.split(".")[0]
                self.imports.append(ImportFact(name, None, local))
                self.note_module(name)
        elif isinstance(node, cst.ImportFrom):
            module = dotted(node.module) if node.module is not None else ""
            level = len(node.relative)
            if isinstance(node.names, cst.ImportStar):
                self.imports.append(ImportFact(module or "", "*", "*", level))
                return
            for alias in node.names:
                name = dotted(alias.name) or ""
                local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
                self.aliases[local] = f"{module}.{name}" if module else name
                self.imports.append(ImportFact(module or "", name, local, level))
            self.note_module(module or "")
        else:
            self.generic(node)

    def note_module(self, name: str) -> None:
        top = name.split(".")[0]
        if top == "wandb":
            self.uses_wandb = True
        elif top == "argparse":
            self.uses_argparse = True
        elif top in ("fire", "click", "typer", "tyro", "jsonargparse", "simple_parsing", "absl"):
            self.escapes.append(Escape("*", (), Span.point(1, 1), f"command-line parsing with {top}"))

    def generic(self, node: cst.CSTNode) -> None:
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.expr(child)
            elif isinstance(child, (cst.BaseCompoundStatement, cst.SimpleStatementLine)):
                self.stmt(child)
            elif isinstance(child, cst.BaseSmallStatement):
                self.small(child)
            elif isinstance(child, cst.CSTNode):
                self.generic(child)

    # --- definitions ---------------------------------------------------------------------------

    def function(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        qualname = ".".join(self.qual + [name])
        is_method = bool(self.classes) and bool(self.qual) and self.qual[-1] == self.classes[-1]
        params = [p for p in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params)]
        names = tuple(p.name.value for p in params)
        hydra = False
        for deco in node.decorators:
            target = deco.decorator.func if isinstance(deco.decorator, cst.Call) else deco.decorator
            if self.qualify(target) in ("hydra.main",):
                hydra = True
        if hydra:
            self.hydra_main = True
        self.functions.append(FunctionDef(
            qualname, names, self.span(node).line, has_kwargs=isinstance(node.params.star_kwarg, cst.Param),
            is_method=is_method, returns_root=self.returns.get(name),
        ))
        for deco in node.decorators:
            self.expr(deco.decorator)
        scope: dict[str, Binding] = {}
        for index, pname in enumerate(names):
            if is_method and index == 0 and pname in ("self", "cls"):
                continue
            if hydra and pname == next((n for n in names if n not in ("self", "cls")), None):
                scope[pname] = Binding(ref=Ref("hydra"))
            else:
                scope[pname] = Binding(ref=Ref(f"param:{qualname}:{pname}"))
        for p in params:
            if p.default is not None:
                self.expr(p.default)
        self.scopes.append(scope)
        self.qual.append(name)
        saved = self.conds
        self.conds = []
        saved_loops, self.loop_depth = self.loop_depth, 0
        try:
            self.block(node.body)
        finally:
            self.conds = saved
            self.loop_depth = saved_loops
            self.qual.pop()
            self.scopes.pop()

    def klass(self, node: cst.ClassDef) -> None:
        qualname = ".".join(self.qual + [node.name.value])
        for base in node.bases:
            self.expr(base.value)
        self.functions.append(FunctionDef(qualname, (), self.span(node).line, is_method=False, is_class=True))
        self.classes.append(qualname)
        self.qual.append(node.name.value)
        self.class_attrs.setdefault(qualname, {})
        self.scopes.append({})
        try:
            self.block(node.body)
        finally:
            self.scopes.pop()
            self.qual.pop()
            self.classes.pop()

    # --- assignments ---------------------------------------------------------------------------

    def assign(self, targets: list[cst.BaseExpression], value: cst.BaseExpression) -> None:
        self._assigned = value
        collector = _Collector()
        self.collectors.append(collector)
        try:
            binding = self.expr(value)
        finally:
            self.collectors.pop()
        taint = tuple(dict.fromkeys(collector.direct + [i for i, _ in collector.via]))
        # keys the new value is computed from: `args.lr = args.lr * world_size` derives, not overwrites
        self._derived_from = {(self.reads[i]["root"], self.reads[i]["key"]) for i in taint}
        if isinstance(value, cst.Call):
            leaf = (dotted(value.func) or "").rsplit(".", 1)[-1]
            if leaf in CONSTRUCTORS or leaf[:1].isupper():
                taint = ()  # an optimizer built from lr is not itself "the learning rate"
        if binding is None:
            binding = Binding()
        binding = Binding(binding.ref, taint or binding.taint, binding.marker, list(binding.metric_keys))
        if isinstance(value, cst.Dict) and binding.marker is None:
            binding.marker = "metrics"
            binding.metric_keys = self.dict_keys(value)
        for target in targets:
            if isinstance(target, (cst.Tuple, cst.List)):
                # args, unknown = parser.parse_known_args()
                elements = [e.value for e in target.elements]
                if binding.ref is not None and elements and isinstance(elements[0], cst.Name) and _source_call(value) == "argparse":
                    self.bind(elements[0].value, Binding(ref=binding.ref))
                    for e in elements[1:]:
                        self.bind_targets(e, None)
                else:
                    for e in elements:
                        self.bind_targets(e, Binding(taint=taint) if taint else None)
            else:
                self.bind_targets(target, binding)

    def bind_targets(self, target: cst.BaseExpression, binding: Binding | None) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, binding or Binding())
        elif isinstance(target, (cst.Tuple, cst.List)):
            for e in target.elements:
                self.bind_targets(e.value, None)
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self" and self.classes:
            if self.write_target(target, target):
                return
            self.class_attrs[self.classes[-1]][target.attr.value] = binding or Binding()
        else:
            self.write_target(target, target)

    def write_target(self, target: cst.BaseExpression, node: cst.CSTNode) -> bool:
        """An assignment to a config key (`wandb.config.lr = 0.1`, `args.lr = ...`) or a metric summary."""
        if isinstance(target, cst.Subscript):
            base_name = self.qualify(target.value)
            base_binding = self.lookup(target.value.value) if isinstance(target.value, cst.Name) else None
            key = _subscript_key(target)
            if base_name in ("wandb.run.summary", "wandb.summary") or (
                isinstance(target.value, cst.Attribute) and target.value.attr.value == "summary"
                and self._is_run(target.value.value)
            ):
                self.metrics.append(self.metric_from_key_node(_subscript_node(target), "summary", target, self._assigned))
                return True
            if base_binding is not None and base_binding.marker == "metrics" and base_binding.ref is None:
                node_key = _subscript_node(target)
                if node_key is not None:
                    base_binding.metric_keys.extend(self.key_infos(node_key, self._assigned))
                return True
            self.expr(target.slice[0].slice.value if target.slice and isinstance(target.slice[0].slice, cst.Index) else target.value)
            if key is None:
                return False
        ref = self.ref_of(target)
        if ref is not None and ref.key and (ref.root, ref.key) not in self._derived_from:
            self.writes.append(ConfigWrite("assign", self.span(node), root=ref.root, keys=(".".join(ref.key),)))
            return True
        return False

    # --- control flow --------------------------------------------------------------------------

    def if_chain(self, node: cst.If, prior: list[Cond]) -> None:
        self.expr(node.test)
        conds = self.conditions(node.test)
        self.with_conds(prior + conds, lambda: self.block(node.body))
        negated = prior + self.negate(conds, node.test)
        if isinstance(node.orelse, cst.If):
            self.if_chain(node.orelse, negated)
        elif isinstance(node.orelse, cst.Else):
            self.with_conds(negated, lambda: self.block(node.orelse.body))

    def with_conds(self, conds: list[Cond], action) -> Any:
        saved = self.conds
        self.conds = saved + conds
        try:
            return action()
        finally:
            self.conds = saved

    def match(self, node: cst.Match) -> None:
        self.expr(node.subject)
        subject = self.param_of(node.subject)
        prior: list[Cond] = []
        for case in node.cases:
            conds: list[Cond] = []
            values = _match_values(case.pattern)
            line = self.span(case).line
            text = f"{self.code(node.subject)} matches {self.code(case.pattern)}"
            if subject is not None and values is not None:
                conds = [Cond(text, line, "==" if len(values) == 1 else "in", subject[0], subject[1], tuple(_plain(v) for v in values))]
            elif isinstance(case.pattern, cst.MatchAs) and case.pattern.pattern is None:
                conds = []
            else:
                conds = [Cond(text, line)]
            self.with_conds(prior + conds, lambda c=case: self.block(c.body))
            prior = prior + self.negate(conds, None)

    def conditions(self, test: cst.BaseExpression) -> list[Cond]:
        line = self.span(test).line
        text = self.code(test)
        if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
            return self.conditions(test.left) + self.conditions(test.right)
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            inner = self.conditions(test.expression)
            return self.negate(inner, test.expression)
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            comp = test.comparisons[0]
            left, right = test.left, comp.comparator
            op = _OPS.get(type(comp.operator))
            param, other = self.param_of(left), right
            if param is None:
                param, other = self.param_of(right), left
                op = _FLIP.get(op, op) if op else op
            if param is not None and op is not None:
                ok, value = try_evaluate(other)
                if ok:
                    values = tuple(value) if isinstance(value, (tuple, list, frozenset)) and op in ("in", "not in") else (value,)
                    return [Cond(text, line, op, param[0], param[1], tuple(_plain(v) for v in values))]
            if param is not None:
                return [Cond(text, line, "other", param[0], param[1])]
            return [Cond(text, line)]
        param = self.param_of(test)
        if param is not None:
            return [Cond(text, line, "truthy", param[0], param[1])]
        return [Cond(text, line)]

    def negate(self, conds: list[Cond], test: cst.BaseExpression | None) -> list[Cond]:
        if not conds:
            return []
        if len(conds) == 1:
            c = conds[0]
            flipped = _NEGATE.get(c.op)
            text = f"not ({c.text})"
            if flipped is not None:
                return [Cond(text, c.line, flipped, c.root, c.key, c.values)]
            return [Cond(text, c.line, "other", c.root, c.key, c.values)]
        text = f"not ({self.code(test)})" if test is not None else "not (" + " and ".join(c.text for c in conds) + ")"
        return [Cond(text, conds[0].line)]

    def param_of(self, node: cst.BaseExpression) -> tuple[str, tuple[str, ...]] | None:
        """The (root, key) a test expression is about: a config read, or a local holding one."""
        # config.optimizer.lower(), str(config.optimizer)
        if isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute) and node.func.attr.value in _CASTS:
            return self.param_of(node.func.value)
        if isinstance(node, cst.Call) and len(node.args) == 1 and isinstance(node.func, cst.Name) and node.func.value in _CASTS:
            return self.param_of(node.args[0].value)
        ref = self.ref_of(node)
        if ref is not None and (ref.key or _is_param(ref)):
            return ref.root, ref.key
        if isinstance(node, cst.Name):
            binding = self.lookup(node.value)
            if binding is not None and len(binding.taint) == 1:
                r = self.reads[binding.taint[0]]
                return r["root"], r["key"]
        return None

    def for_iter(self, node: cst.BaseExpression) -> None:
        target = node
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in _ESCAPE_METHODS:
            target = node.func.value
        ref = self.ref_of(target)
        if ref is not None:
            self.escape(ref, node, "iterated over")
            return
        self.expr(node)

    # --- expressions ---------------------------------------------------------------------------

    def read(self, ref: Ref, node: cst.CSTNode) -> int:
        index = len(self.reads)
        self.reads.append({
            "root": ref.root, "key": ref.key, "span": self.span(node), "how": ref.how,
            "default": _plain(ref.default), "has_default": ref.has_default,
            "conditions": tuple(self.conds), "consumers": (), "bool_cast": False,
        })
        for c in self.collectors:
            c.direct.append(index)
        return index

    def escape(self, ref: Ref, node: cst.CSTNode, reason: str) -> None:
        self.escapes.append(Escape(ref.root, ref.key, self.span(node), reason))

    def expr(self, node: cst.BaseExpression) -> Binding | None:
        ref = None if isinstance(node, cst.Name) else self.ref_of(node)
        if ref is not None:
            taint: tuple[int, ...] = ()
            if ref.key or _is_param(ref):
                taint = (self.read(ref, node),)
            if isinstance(node, cst.Call):
                for arg in node.args[1:]:
                    self.expr(arg.value)
            return Binding(ref=ref, taint=taint)
        if isinstance(node, cst.Name):
            binding = self.lookup(node.value)
            if binding is not None and binding.ref is not None and _is_param(binding.ref) and not binding.taint:
                # a function parameter used as a value: a read of whatever the callers pass in
                return Binding(ref=binding.ref, taint=(self.read(binding.ref, node),))
            if binding is not None and binding.taint:
                for c in self.collectors:
                    c.via.extend((i, node.value) for i in binding.taint)
            return binding
        if isinstance(node, cst.Call):
            return self.call(node)
        if isinstance(node, cst.IfExp):
            self.expr(node.test)
            conds = self.conditions(node.test)
            self.with_conds(conds, lambda: self.expr(node.body))
            self.with_conds(self.negate(conds, node.test), lambda: self.expr(node.orelse))
            return None
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            for element in node.elements:
                value = self.expr(element.value)
                if value is not None and value.ref is not None and not value.ref.key:
                    self.escape(value.ref, element, "stored in a container")
            return None
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    self.expr(element.key)
                    value = self.expr(element.value)
                    if value is not None and value.ref is not None and not value.ref.key:
                        self.escape(value.ref, element, "stored in a container")
                else:
                    value = self.expr(element.value)
                    if value is not None and value.ref is not None:
                        self.escape(value.ref, element, "unpacked into a dict")
            return None
        if isinstance(node, cst.Attribute):
            if self.qualify(node) == "sys.argv":
                self.escapes.append(Escape("*", (), self.span(node), "reads sys.argv itself"))
            self.expr(node.value)
            return None
        if isinstance(node, cst.Subscript):
            base = self.expr(node.value)
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    self.expr(element.slice.value)
            if base is not None and base.ref is not None:
                self.escape(base.ref, node, "indexed with a computed key")
            return None
        self.generic(node)
        return None

    def _is_metrics(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            b = self.lookup(node.value)
            return b is not None and b.marker == "metrics"
        return False

    def _is_run(self, node: cst.BaseExpression) -> bool:
        if self.qualify(node) == "wandb.run":
            return True
        if isinstance(node, cst.Name):
            b = self.lookup(node.value)
            return b is not None and b.marker == "run"
        if isinstance(node, cst.Call):
            return self.qualify(node.func) == "wandb.init"
        return False

    def ref_of(self, node: cst.BaseExpression) -> Ref | None:
        """The config object (and key path) an expression denotes, if it denotes one."""
        if isinstance(node, cst.Name):
            b = self.lookup(node.value)
            return b.ref if b is not None else None
        if isinstance(node, cst.Attribute):
            attr = node.attr.value
            if self.qualify(node) in ("wandb.config", "wandb.run.config"):
                self.uses_wandb = True
                return Ref("wandb")
            if attr == "config" and self._is_run(node.value):
                return Ref("wandb")
            if isinstance(node.value, cst.Name) and node.value.value == "self" and self.classes:
                if attr == "hparams":
                    return Ref("hparams")
                b = self.class_attrs.get(self.classes[-1], {}).get(attr)
                return b.ref if b is not None else None
            base = self.ref_of(node.value)
            if base is None or attr in _ESCAPE_METHODS or attr in ("get", "update", "pop", "setdefault", "update", "as_dict", "to_dict", "copy"):
                return None
            if attr == "__dict__":
                return base
            return Ref(base.root, base.key + (attr,))
        if isinstance(node, cst.Subscript):
            base = self.ref_of(node.value)
            if base is None or len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
                return None
            ok, key = try_evaluate(node.slice[0].slice.value)
            if not ok:
                return None
            if isinstance(key, str):
                return Ref(base.root, base.key + (key,), "item")
            if isinstance(key, int):
                return Ref(base.root, base.key, base.how, base.default, base.has_default)
            return None
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute):
                attr = func.attr.value
                base = self.ref_of(func.value)
                if base is not None:
                    if attr in ("get", "pop", "setdefault") and node.args:
                        ok, key = try_evaluate(node.args[0].value)
                        if ok and isinstance(key, str):
                            has, default = try_evaluate(node.args[1].value) if len(node.args) > 1 else (False, None)
                            return Ref(base.root, base.key + (key,), "get", default, has)
                        return None
                    if attr in _REF_METHODS:
                        return base
                    return None
            name = self.qualify(func)
            if name is None:
                source = _source_call(node)
                if source == "argparse":
                    self.uses_argparse = True
                return Ref(source) if source else None
            leaf = name.rsplit(".", 1)[-1]
            if leaf == "getattr" and len(node.args) >= 2:
                base = self.ref_of(node.args[0].value)
                ok, key = try_evaluate(node.args[1].value)
                if base is not None and ok and isinstance(key, str):
                    has, default = try_evaluate(node.args[2].value) if len(node.args) > 2 else (False, None)
                    return Ref(base.root, base.key + (key,), "getattr", default, has)
                return None
            if (name in _WRAPPERS or leaf in _WRAPPERS) and node.args:
                first = node.args[0]
                return self.ref_of(first.value)
            source = _source_call(node)
            if source is not None:
                if source == "argparse":
                    self.uses_argparse = True
                if source == "hydra":
                    self.hydra_main = True
                return Ref(source)
            root = self.returns.get(leaf) if "." not in name or name.startswith(tuple(self.classes)) else None
            if root is None and _ARGS_FUNCTIONS.search(leaf):
                root = "argparse"
            if root is not None:
                return Ref(root)
        return None

    # --- calls ---------------------------------------------------------------------------------

    def call(self, node: cst.Call) -> Binding | None:
        name = self.qualify(node.func)
        leaf = name.rsplit(".", 1)[-1] if name else (node.func.attr.value if isinstance(node.func, cst.Attribute) else None)
        func_text = name or self.code(node.func, 60)
        written = dotted(node.func)
        if written and written.startswith("self.") and self.classes:
            written = f"{self.classes[-1]}.{written[5:]}"
        callee = written or func_text
        result: Binding | None = None

        if isinstance(node.func, cst.Attribute):
            base = self.ref_of(node.func.value)
            if base is not None:
                attr = node.func.attr.value
                if attr == "update":
                    self.config_update(node, base)
                    return None
                if attr in _ESCAPE_METHODS:
                    self.escape(base, node, f"its .{attr}() are used")
                    return None
            elif node.func.attr.value not in ("log", "log_dict"):
                if node.func.attr.value == "update" and self._is_metrics(node.func.value) and node.args:
                    self.lookup(node.func.value.value).metric_keys.extend(self.key_infos_of_data(node.args[0].value))
                self.expr(node.func.value)

        if name in ("hydra.compose", "hydra.initialize", "hydra.initialize_config_dir", "hydra.initialize_config_module"):
            self.hydra_main = True
        if name == "wandb.init" or (name and name.startswith("wandb.")):
            self.uses_wandb = True
        if name == "wandb.init":
            self.wandb_init(node)
            result = Binding(marker="run")
        elif leaf == "add_argument" and isinstance(node.func, cst.Attribute):
            self.add_argument(node)
        elif (name or "").startswith(("subprocess.", "os.system", "os.exec", "os.spawn")) or leaf in ("parse_args_into_dataclasses", "parse_json_file", "parse_yaml_file", "Fire"):
            self.escapes.append(Escape("*", (), self.span(node), "arguments handled by code we do not follow"))
        logged = len(self.metrics)
        self.metric_call(node, name, leaf)
        if len(self.metrics) > logged:
            where = ".".join(self.qual)
            self.metrics[logged:] = [replace(m, in_loop=self.loop_depth > 0, loops=self.loop_depth, function=where) for m in self.metrics[logged:]]
        if leaf in AUTOLOGGERS and leaf != "Trainer" or (leaf == "Trainer" and any(
            a.keyword is not None and a.keyword.value in ("args",) for a in node.args
        )):
            self.metrics.append(MetricLog("framework", self.span(node), dynamic=True))

        call_args: list[CallArg] = []
        position = 0
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            pos = None if keyword is not None or arg.star else position
            if keyword is None and not arg.star:
                position += 1
            collector = _Collector()
            self.collectors.append(collector)
            try:
                value = self.expr(arg.value)
            finally:
                self.collectors.pop()
            line = self.span(node).line
            for index in collector.direct:
                self._consume(index, Consumer(func_text, keyword, pos, line))
            for index, var in collector.via:
                self._consume(index, Consumer(func_text, keyword, pos, line, via=var))
            if leaf == "bool" and name == "bool":
                for index in collector.direct + [i for i, _ in collector.via]:
                    self.reads[index]["bool_cast"] = True
            if value is not None and value.ref is not None and name not in ("wandb.init", "print") and leaf not in HARMLESS_CONSUMERS:
                self.passes.append(Pass(value.ref.root, value.ref.key, callee, self.span(arg), pos, keyword, arg.star))
            if leaf in CONSTRUCTORS:
                reads = tuple(dict.fromkeys(
                    (self.reads[i]["root"], self.reads[i]["key"]) for i in collector.direct + [i for i, _ in collector.via]
                ))
                ok, literal = try_evaluate(arg.value)
                kind = "literal" if ok else "read" if reads else "expr"
                call_args.append(CallArg(keyword, pos, kind, self.code(arg.value, 80), self.span(arg.value), _plain(literal) if ok else None, reads))
        if leaf in CONSTRUCTORS:
            self.calls.append(CallFact(func_text, self.span(node), tuple(call_args), tuple(self.conds)))
        return result

    def _consume(self, index: int, consumer: Consumer) -> None:
        existing = self.reads[index]["consumers"]
        if consumer not in existing:
            self.reads[index]["consumers"] = existing + (consumer,)

    def config_update(self, node: cst.Call, base: Ref) -> None:
        allow = any(a.keyword is not None and a.keyword.value == "allow_val_change" and try_evaluate(a.value) == (True, True) for a in node.args)
        keys: tuple[str, ...] = ()
        all_args = unknown = False
        source = None
        positional = [a for a in node.args if a.keyword is None and not a.star]
        kwargs = [a.keyword.value for a in node.args if a.keyword is not None and a.keyword.value != "allow_val_change"]
        if positional:
            target = positional[0].value
            ok, value = try_evaluate(target)
            if ok and isinstance(value, dict):
                keys = tuple(str(k) for k in value)
            elif isinstance(target, cst.Dict):
                keys = tuple(
                    str(try_evaluate(e.key)[1]) for e in target.elements if isinstance(e, cst.DictElement) and try_evaluate(e.key)[0]
                )
                unknown = any(not isinstance(e, cst.DictElement) or not try_evaluate(e.key)[0] for e in target.elements)
            else:
                ref = self.ref_of(target)
                if ref is not None:
                    source = ref.root
                if ref is not None and ref.root == "argparse" and not ref.key:
                    all_args = True
                elif isinstance(target, cst.Name) and (self.lookup(target.value) or Binding()).marker == "metrics":
                    keys = tuple(info[0] for info in self.lookup(target.value).metric_keys if info[0])
                else:
                    unknown = True
                self.expr(target)
        keys = keys + tuple(kwargs)
        root = base.root
        self.writes.append(ConfigWrite(
            "update", self.span(node), root=root, keys=tuple(".".join(base.key + (k,)) for k in keys),
            all_args=all_args, unknown=unknown, allow_val_change=allow, source=source,
        ))

    def wandb_init(self, node: cst.Call) -> None:
        allow = False
        keys: tuple[str, ...] = ()
        all_args = unknown = False
        for a in node.args:
            if a.keyword is None:
                continue
            kw = a.keyword.value
            if kw == "allow_val_change":
                allow = try_evaluate(a.value) == (True, True)
            elif kw == "config":
                ok, value = try_evaluate(a.value)
                ref = self.ref_of(a.value)
                if ok and isinstance(value, dict):
                    keys = tuple(str(k) for k in value)
                elif ref is not None and ref.root == "argparse":
                    all_args = True
                else:
                    unknown = True
        if allow or keys or all_args or unknown:
            self.writes.append(ConfigWrite("init", self.span(node), "wandb", keys, all_args, unknown, allow))

    def add_argument(self, node: cst.Call) -> None:
        flags: list[str] = []
        kwargs: dict[str, cst.BaseExpression] = {}
        for a in node.args:
            if a.keyword is None:
                ok, value = try_evaluate(a.value)
                if ok and isinstance(value, str):
                    flags.append(value)
            else:
                kwargs[a.keyword.value] = a.value
        if not flags:
            return
        self.uses_argparse = True
        dest = None
        if "dest" in kwargs:
            ok, value = try_evaluate(kwargs["dest"])
            dest = value if ok and isinstance(value, str) else None
        if dest is None:
            long = [f for f in flags if f.startswith("--")]
            chosen = long[0] if long else flags[0]
            dest = chosen.lstrip("-").replace("-", "_")
        type_name = None
        if "type" in kwargs:
            type_name = dotted(kwargs["type"]) or self.code(kwargs["type"], 40)
        action = None
        if "action" in kwargs:
            ok, value = try_evaluate(kwargs["action"])
            action = value if ok and isinstance(value, str) else (dotted(kwargs["action"]) or None)
        has_default, default = try_evaluate(kwargs.get("default"))
        if action in ("store_true", "store_false") and "default" not in kwargs:
            has_default, default = True, action == "store_false"
        self.args.append(ArgDef(dest, tuple(flags), self.span(node), type_name, action, _plain(default), has_default))

    # --- metrics -------------------------------------------------------------------------------

    def metric_call(self, node: cst.Call, name: str | None, leaf: str | None) -> None:
        func = node.func
        api = None
        if name in ("wandb.log", "wandb.run.log") or (
            isinstance(func, cst.Attribute) and func.attr.value == "log" and self._is_run(func.value)
        ):
            api = "wandb.log"
        elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self" and func.attr.value in ("log", "log_dict"):
            api = "self." + func.attr.value
        elif name and (name.endswith(("tune.report", "session.report", "train.report")) or name in ("ray.train.report", "ray.tune.report")):
            api = "tune.report"
        elif name in ("nni.report_final_result", "nni.report_intermediate_result"):
            api = "nni"
        elif isinstance(func, cst.Attribute) and func.attr.value == "update" and isinstance(func.value, cst.Attribute) and func.value.attr.value == "summary":
            api = "summary"
        elif leaf in _PRINTS and (name == "print" or (name or "").split(".")[0] in ("logging", "logger", "log", "LOGGER", "_logger", "sys")):
            self.stdout_metrics(node)
            return
        elif isinstance(func, cst.Attribute) and func.attr.value in ("log", "log_metrics", "log_dict") and node.args and (
            isinstance(node.args[0].value, cst.Dict) or self._is_metrics(node.args[0].value)
        ):
            api = "wandb.log"  # a logger or tracker fed a dict of metrics (accelerator.log, logger.log_metrics...)
        if api is None:
            return
        span = self.span(node)
        if api == "nni":
            self.metrics.append(MetricLog(api, span, key="default"))
            return
        if api == "self.log":
            key_node = node.args[0].value if node.args and node.args[0].keyword is None else next(
                (a.value for a in node.args if a.keyword is not None and a.keyword.value == "name"), None)
            value_node = node.args[1].value if len(node.args) > 1 and node.args[1].keyword is None else next(
                (a.value for a in node.args if a.keyword is not None and a.keyword.value == "value"), None)
            self.metrics.append(self.metric_from_key_node(key_node, api, node, value_node))
            return
        data = None
        for a in node.args:
            if a.keyword is None and not a.star:
                data = a.value
                break
            if a.keyword is not None and a.keyword.value in ("data", "metrics", "dictionary", "row"):
                data = a.value
                break
        kw_keys = [a for a in node.args if a.keyword is not None and api == "tune.report" and a.keyword.value not in ("metrics", "checkpoint")]
        for a in kw_keys:
            self.metrics.append(MetricLog(api, self.span(a.keyword), key=a.keyword.value))
        if data is None:
            if not kw_keys:
                self.metrics.append(MetricLog(api, span, dynamic=True))
            return
        for key, pattern, dynamic, kspan, text in self.key_infos_of_data(data):
            self.metrics.append(MetricLog(api, kspan or span, key=key, pattern=pattern, dynamic=dynamic, value=text))

    def key_infos_of_data(self, data: cst.BaseExpression) -> list:
        if isinstance(data, cst.Dict):
            return self.dict_keys(data)
        if isinstance(data, cst.Name):
            b = self.lookup(data.value)
            if b is not None and b.marker == "metrics":
                return list(b.metric_keys) or [(None, None, True, None, None)]
        if isinstance(data, cst.Call) and dotted(data.func) == "dict":
            out = [(a.keyword.value, None, False, self.span(a.keyword), self.code(a.value, 80)) for a in data.args if a.keyword is not None]
            if any(a.keyword is None for a in data.args):
                out.append((None, None, True, None, None))
            return out
        return [(None, None, True, None, None)]

    def dict_keys(self, node: cst.Dict) -> list:
        out = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                out.extend(self.key_infos(element.key, element.value))
            else:
                inner = element.value
                out.extend(self.key_infos_of_data(inner) if isinstance(inner, (cst.Name, cst.Dict)) else [(None, None, True, None, None)])
        return out

    def key_infos(self, node: cst.BaseExpression | None, value: cst.BaseExpression | None = None) -> list:
        text = self.code(value, 80) if value is not None else None
        if node is None:
            return [(None, None, True, None, text)]
        ok, key = try_evaluate(node)
        if ok and isinstance(key, str):
            return [(key, None, False, self.span(node), text)]
        if isinstance(node, cst.FormattedString):
            pattern = "".join(
                re.escape(part.value) if isinstance(part, cst.FormattedStringText) else ".+" for part in node.parts
            )
            return [(None, pattern, True, self.span(node), text)]
        return [(None, None, True, self.span(node), text)]

    def metric_from_key_node(self, key_node: cst.BaseExpression | None, api: str, node: cst.CSTNode,
                             value: cst.BaseExpression | None = None) -> MetricLog:
        key, pattern, dynamic, kspan, text = self.key_infos(key_node, value)[0]
        return MetricLog(api, kspan or self.span(node), key=key, pattern=pattern, dynamic=dynamic, value=text)

    def stdout_metrics(self, node: cst.Call) -> None:
        pieces = []
        for a in node.args:
            if a.keyword is not None:
                continue
            pieces.append(_static_text(a.value))
        text = " ".join(pieces)
        if "=" not in text:
            return
        for m in _KATIB.finditer(text):
            self.metrics.append(MetricLog("stdout", self.span(node), key=m.group(1)))


# --- module-level helpers --------------------------------------------------------------------

_OPS = {
    cst.Equal: "==", cst.NotEqual: "!=", cst.In: "in", cst.NotIn: "not in", cst.Is: "==", cst.IsNot: "!=",
    cst.GreaterThan: ">", cst.LessThan: "<", cst.GreaterThanEqual: ">=", cst.LessThanEqual: "<=",
}
_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "in": "contains", "not in": "not contains"}
_NEGATE = {"==": "!=", "!=": "==", "in": "not in", "not in": "in", "truthy": "falsy", "falsy": "truthy",
           ">": "<=", "<=": ">", "<": ">=", ">=": "<"}


def try_evaluate(node: cst.BaseExpression | None) -> tuple[bool, Any]:
    """(True, value) for a literal expression (see sweeplint.pyexpr), else (False, None)."""
    if node is None:
        return False, None
    value = evaluate(node)
    if not is_known(value):
        return False, None
    return True, value


def _is_param(ref: Ref) -> bool:
    """A whole function parameter (its callers decide which config value it is)."""
    return not ref.key and ref.root.startswith("param:")


def _statements(body: cst.BaseSuite):
    """Simple statements of a function body, nested blocks included, nested functions excluded."""
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(node, cst.SimpleStatementLine):
            yield from node.body
        elif isinstance(node, cst.SimpleStatementSuite):
            yield from node.body
        else:
            stack.extend(reversed([c for c in node.children if isinstance(c, (cst.BaseStatement, cst.BaseSuite, cst.Else, cst.ExceptHandler, cst.Finally, cst.MatchCase))]))


def _returned_root(func: cst.FunctionDef) -> str | None:
    assigned: dict[str, str] = {}
    for small in _statements(func.body):
        if isinstance(small, cst.Assign):
            root = _source_call(small.value)
            if root:
                for t in small.targets:
                    if isinstance(t.target, cst.Name):
                        assigned[t.target.value] = root
        elif isinstance(small, cst.Return) and small.value is not None:
            root = _source_call(small.value)
            if root is None and dotted(small.value) in ("wandb.config", "wandb.run.config"):
                root = "wandb"
            if root is None and isinstance(small.value, cst.Name):
                root = assigned.get(small.value.value)
            if root:
                return root
    return None


def _source_call(node: cst.BaseExpression) -> str | None:
    """The root a call creates: parser.parse_args() -> argparse, nni.get_next_parameter() -> nni..."""
    if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Call):
        node = node.value
    if not isinstance(node, cst.Call):
        return None
    name = dotted(node.func) or ""
    leaf = name.rsplit(".", 1)[-1] if name else (node.func.attr.value if isinstance(node.func, cst.Attribute) else "")
    if leaf in ("parse_args", "parse_known_args", "parse_intermixed_args"):
        return "argparse"
    if leaf in ("vars",) and node.args:
        return _source_call(node.args[0].value)
    if leaf == "get_next_parameter" or name.endswith("nni.get_next_parameter"):
        return "nni"
    if leaf == "compose" and (name.startswith("hydra") or name == "compose"):
        return "hydra"
    return None


def _subscript_key(node: cst.Subscript) -> Any:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        ok, key = try_evaluate(node.slice[0].slice.value)
        return key if ok else None
    return None


def _subscript_node(node: cst.Subscript) -> cst.BaseExpression | None:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return node.slice[0].slice.value
    return None


def _match_values(pattern: cst.MatchPattern) -> tuple | None:
    if isinstance(pattern, cst.MatchValue):
        ok, value = try_evaluate(pattern.value)
        return (value,) if ok else None
    if isinstance(pattern, cst.MatchSingleton):
        ok, value = try_evaluate(pattern.value)
        return (value,) if ok else None
    if isinstance(pattern, cst.MatchOr):
        out: list = []
        for element in pattern.patterns:
            inner = _match_values(element.pattern)
            if inner is None:
                return None
            out.extend(inner)
        return tuple(out)
    return None


def _static_text(node: cst.BaseExpression) -> str:
    """The literal text of a printed expression, with \\x00 where a value is formatted in."""
    ok, value = try_evaluate(node)
    if ok and isinstance(value, str):
        return value
    if isinstance(node, cst.FormattedString):
        return "".join(p.value if isinstance(p, cst.FormattedStringText) else "\x00" for p in node.parts)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Modulo)):
        left = _static_text(node.left)
        return left if isinstance(node.operator, cst.Modulo) else left + _static_text(node.right)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        return _static_text(node.func.value)
    return "\x00"


def _plain(value: Any) -> Any:
    """A JSON-compatible copy of a literal value (dict keys as strings, tuples kept as tuples)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted((_plain(v) for v in value), key=repr))
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)
