"""The walk over one file: a single pass in source order over statements and expressions, keeping

- an environment of names: what a name stands for (a config object and the key path below it,
  a W&B run, a literal dict of metrics, or the hyperparameter reads its value was computed from);
- the stack of `if`/`elif`/`else`/`match` conditions around the current node;
- the reads made inside each call argument (so a read knows the calls it flows into).

Each concern lives in a mixin of its own module; this one holds scopes, statements and expressions.
"""

from __future__ import annotations

import libcst as cst

from sweeplint.codefacts.calls import CallsMixin
from sweeplint.codefacts.config_reads import ConfigReadsMixin, returned_root
from sweeplint.codefacts.cst_helpers import Binding, Collector, Ref, child_nodes, is_param, plain
from sweeplint.codefacts.data_splits import SplitsMixin
from sweeplint.codefacts.derived import DerivationsMixin
from sweeplint.codefacts.facts import (
    ArgDef,
    CallFact,
    Cond,
    ConfigWrite,
    Derivation,
    Escape,
    FileFacts,
    FunctionDef,
    ImportFact,
    MetricLog,
    Pass,
    Read,
    Selection,
)
from sweeplint.codefacts.flow import FlowMixin
from sweeplint.codefacts.metric_logs import MetricLogsMixin, fixed_trips
from sweeplint.codefacts.name_uses import name_counts, used_names
from sweeplint.model import Span
from sweeplint.pyexpr import IsInstance, dotted
from sweeplint.records import replace


# The walk dispatches on node classes; these tables answer `isinstance` per class once.
_PRESCAN_OPENS = IsInstance(cst.BaseCompoundStatement, cst.IndentedBlock, cst.Else, cst.ExceptHandler, cst.Finally)
_PRESCAN_INTO = IsInstance(cst.BaseCompoundStatement, cst.BaseSuite, cst.Else, cst.ExceptHandler, cst.Finally, cst.If)
_EXPRESSION = IsInstance(cst.BaseExpression)
_STATEMENT = IsInstance(cst.BaseCompoundStatement, cst.SimpleStatementLine)
_SMALL_STATEMENT = IsInstance(cst.BaseSmallStatement)


class Walker(FlowMixin, ConfigReadsMixin, CallsMixin, MetricLogsMixin, DerivationsMixin, SplitsMixin):
    def __init__(self, module: cst.Module, positions) -> None:  # positions: codefacts.positions.node_positions
        self.module = module
        self.positions = positions
        self.scopes: list[dict[str, Binding]] = [{}]
        self.aliases: dict[str, str] = {}          # local name -> dotted module/name it was imported as
        self.conds: list[Cond] = []
        self.collectors: list[Collector] = []
        self.functions: list[FunctionDef] = []
        self.returns: dict[str, str] = {}          # function name -> root its return value is
        self.qual: list[str] = []
        self.validation_data: tuple | None = None   # (split, span) of Determined's validation loader
        self.keras_metrics: dict[str, list[str]] = {}   # compiled Keras model -> the metrics its fit prints
        self.classes: list[str] = []
        self.class_attrs: dict[str, dict[str, Binding]] = {}
        self.reads: list[dict] = []
        self.args: list[ArgDef] = []
        self.metrics: list[MetricLog] = []
        self.loop_depth = 0                        # for/while loops around the current statement, in its function
        self.loop_trips: list[int | None] = []     # each enclosing loop's fixed trip count (None: not fixed)
        self.writes: list[ConfigWrite] = []
        self.calls: list[CallFact] = []
        self.escapes: list[Escape] = []
        self.passes: list[Pass] = []
        self.imports: list[ImportFact] = []
        self._assigned: cst.BaseExpression | None = None
        self._derived_from: set = set()
        self.derivations: list[Derivation] = []
        self.selections: list[Selection] = []
        self.in_arithmetic = False                 # inside an arithmetic expression whose reads are being collected
        self.hydra_main = False
        self.uses_argparse = False
        self.uses_wandb = False
        # per function being walked (the module first): (local, read index) of `lr = config["lr"]`
        self.stored_reads: list[list[tuple[str, int]]] = [[]]

    # --- helpers -------------------------------------------------------------------------------

    def span(self, node: cst.CSTNode) -> Span:
        return self.positions.span(node) or Span.point(1, 1)

    def line(self, node: cst.CSTNode) -> int:
        """The line a node starts on (for a definition, without generating its body's code)."""
        return self.positions.line(node) or 1

    def code(self, node: cst.CSTNode, limit: int = 120) -> str:
        text = " ".join(self.positions.code(node).split())
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
        if self.validation_data is not None:
            # Determined computes the validation metrics on build_validation_data_loader's data.
            split, where = self.validation_data
            self.metrics = [replace(m, split=split, split_span=where) if m.api == "determined" and m.split is None else m
                            for m in self.metrics]
        return FileFacts(
            reads=reads, args=tuple(self.args), metrics=tuple(self.metrics), writes=tuple(self.writes),
            calls=tuple(self.calls), escapes=tuple(dict.fromkeys(self.escapes)), passes=tuple(self.passes),
            functions=tuple(self.functions), imports=tuple(self.imports), derivations=tuple(dict.fromkeys(self.derivations)),
            selections=tuple(self.selections), hydra_main=self.hydra_main,
            uses_argparse=self.uses_argparse, uses_wandb=self.uses_wandb,
        )

    def note_stored_read(self, target: cst.BaseExpression, value: cst.BaseExpression, direct: list[int]) -> None:
        """`lr = config["lr"]`: remember it, to tell later whether anything uses `lr`."""
        if self.classes and self.qual and self.classes[-1].rsplit(".", 1)[-1] == self.qual[-1]:
            return  # a class attribute, used as `Config.lr` from anywhere
        if isinstance(target, cst.Name) and len(direct) == 1 and self.ref_of(value) is not None:
            self.stored_reads[-1].append((target.value, direct[0]))

    def settle_stored_reads(self, scope: cst.CSTNode, stored: list[tuple[str, int]]) -> None:
        """Mark the reads stored in a local that occurs nowhere else in its function (or module)."""
        if not stored:
            return
        counts = name_counts(scope)
        if any(counts.get(n) for n in ("locals", "vars", "eval", "exec", "globals")):
            return  # the locals may be used by name
        assigned: dict[str, int] = {}
        for local, _ in stored:
            assigned[local] = assigned.get(local, 0) + 1
        for local, index in stored:
            if counts.get(local, 0) <= assigned[local]:
                self.reads[index]["dead_local"] = local

    # --- statements ----------------------------------------------------------------------------

    def run(self) -> None:
        self.prescan(self.module)
        for stmt in self.module.body:
            self.stmt(stmt)
        self.settle_stored_reads(self.module, self.stored_reads[0])

    def prescan(self, module: cst.Module) -> None:
        """Functions that return an argparse namespace or a config, wherever they are defined.

        A plain walk over statements (libcst's visitor machinery rebuilds every node, which costs
        more than the whole analysis)."""
        stack: list[cst.CSTNode] = list(module.body)
        while stack:
            node = stack.pop()
            if type(node) is cst.FunctionDef:
                root = returned_root(node)
                if root:
                    self.returns[node.name.value] = root
            if _PRESCAN_OPENS[type(node)]:
                stack.extend(c for c in child_nodes(node) if _PRESCAN_INTO[type(c)])

    def stmt(self, node: cst.CSTNode) -> None:
        self.positions.enter(node)  # the positions of the nodes asked about are generated per statement
        try:
            self.statement(node)
        finally:
            self.positions.leave()

    def statement(self, node: cst.CSTNode) -> None:
        kind = type(node)  # libcst's concrete node classes have no subclasses
        if kind is cst.SimpleStatementLine:
            for small in node.body:
                self.small(small)
        elif kind is cst.If:
            self.if_chain(node, [])
        elif kind is cst.FunctionDef:
            self.function(node)
        elif kind is cst.ClassDef:
            self.klass(node)
        elif kind is cst.For:
            self.for_iter(node.iter)
            held = self.held_split(node.iter)  # `for x, y in test_loader`: the batches are test data
            self.bind_targets(node.target, Binding(split=held) if held else None)
            self.loop(node)
        elif kind is cst.While:
            self.expr(node.test)
            self.loop(node)
        elif kind is cst.With:
            for item in node.items:
                value = self.expr(item.item)
                if item.asname is not None and isinstance(item.asname.name, cst.Name):
                    self.bind(item.asname.name.value, value or Binding())
            self.block(node.body)
        elif kind is cst.Try or kind.__name__ == "TryStar":
            self.block(node.body)
            for handler in node.handlers:
                self.block(handler.body)
            if node.orelse:
                self.block(node.orelse.body)
            if node.finalbody:
                self.block(node.finalbody.body)
        elif kind is cst.Match:
            self.match(node)
        else:
            self.generic(node)

    def loop(self, node: cst.For | cst.While) -> None:
        self.loop_depth += 1
        self.loop_trips.append(fixed_trips(node))
        try:
            self.block(node.body)
        finally:
            self.loop_depth -= 1
            self.loop_trips.pop()
        if node.orelse:
            self.block(node.orelse.body)

    def block(self, body: cst.BaseSuite) -> None:
        if type(body) is cst.IndentedBlock:
            for stmt in body.body:
                self.stmt(stmt)
        elif type(body) is cst.SimpleStatementSuite:
            for small in body.body:
                self.small(small)

    def small(self, node: cst.CSTNode) -> None:
        kind = type(node)
        if kind is cst.Expr:
            self.expr(node.value)
        elif kind is cst.Assign:
            self.assign([t.target for t in node.targets], node.value)
        elif kind is cst.AnnAssign:
            if node.value is not None:
                self.assign([node.target], node.value)
        elif kind is cst.AugAssign:
            self.augmented(node)  # `args.lr *= scale` derives the value from the swept one: not an overwrite
        elif kind is cst.Return:
            if node.value is not None and not self.determined_return(node):
                self.returned_metric(node)
                value = self.expr(node.value)
                if value is not None and value.ref is not None and not value.ref.key and self.qual and self.qual[-1] not in self.returns:
                    self.escape(value.ref, node, "returned")
        elif kind is cst.Import:
            for alias in node.names:
                name = dotted(alias.name) or ""
                local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name.split(".")[0]
                self.aliases[local] = name if alias.asname else name.split(".")[0]
                self.imports.append(ImportFact(name, None, local))
                self.note_module(name, (local,))
        elif kind is cst.ImportFrom:
            module = dotted(node.module) if node.module is not None else ""
            level = len(node.relative)
            if isinstance(node.names, cst.ImportStar):
                self.imports.append(ImportFact(module or "", "*", "*", level))
                self.note_module(module or "", ("*",))
                return
            bound = []
            for alias in node.names:
                name = dotted(alias.name) or ""
                local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
                self.aliases[local] = f"{module}.{name}" if module else name
                self.imports.append(ImportFact(module or "", name, local, level))
                bound.append(local)
            self.note_module(module or "", tuple(bound))
        else:
            self.generic(node)

    def note_module(self, name: str, bound: tuple[str, ...]) -> None:
        top = name.split(".")[0]
        if top == "wandb":
            self.uses_wandb = True
        elif top == "argparse":
            self.uses_argparse = True
        elif top in ("fire", "click", "typer", "tyro", "jsonargparse", "simple_parsing", "absl"):
            # Another command-line parser may read any setting - if the file uses what it imported.
            if "*" in bound or used_names(self.module.code, bound):
                self.escapes.append(Escape("*", (), Span.point(1, 1), f"command-line parsing with {top}"))

    def generic(self, node: cst.CSTNode) -> None:
        for child in child_nodes(node):
            kind = type(child)
            if _EXPRESSION[kind]:
                self.expr(child)
            elif _STATEMENT[kind]:
                self.stmt(child)
            elif _SMALL_STATEMENT[kind]:
                self.small(child)
            else:
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
            qualname, names, self.line(node), has_kwargs=isinstance(node.params.star_kwarg, cst.Param),
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
        self.stored_reads.append([])
        try:
            self.block(node.body)
            self.settle_stored_reads(node, self.stored_reads[-1])
        finally:
            self.stored_reads.pop()
            self.conds = saved
            self.loop_depth = saved_loops
            self.qual.pop()
            self.scopes.pop()

    def klass(self, node: cst.ClassDef) -> None:
        qualname = ".".join(self.qual + [node.name.value])
        for base in node.bases:
            self.expr(base.value)
        self.functions.append(FunctionDef(qualname, (), self.line(node), is_method=False, is_class=True))
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

    # --- expressions ---------------------------------------------------------------------------

    def read(self, ref: Ref, node: cst.CSTNode) -> int:
        index = len(self.reads)
        self.reads.append({
            "root": ref.root, "key": ref.key, "span": self.span(node), "how": ref.how,
            "default": plain(ref.default), "has_default": ref.has_default,
            "conditions": tuple(self.conds), "consumers": (), "bool_cast": False, "dead_local": "",
        })
        for c in self.collectors:
            c.direct.append(index)
        return index

    def escape(self, ref: Ref, node: cst.CSTNode, reason: str) -> None:
        self.escapes.append(Escape(ref.root, ref.key, self.span(node), reason))

    def expr(self, node: cst.BaseExpression) -> Binding | None:
        kind = type(node)
        ref = None if kind is cst.Name else self.ref_of(node)
        if ref is not None:
            taint: tuple[int, ...] = ()
            if ref.key or is_param(ref):
                taint = (self.read(ref, node),)
            if kind is cst.Call:
                for arg in node.args[1:]:
                    self.expr(arg.value)
            return Binding(ref=ref, taint=taint)
        if kind is cst.Name:
            binding = self.lookup(node.value)
            if binding is not None and binding.ref is not None and is_param(binding.ref) and not binding.taint:
                # a function parameter used as a value: a read of whatever the callers pass in
                return Binding(ref=binding.ref, taint=(self.read(binding.ref, node),))
            if binding is not None and binding.taint:
                for c in self.collectors:
                    c.via.extend((i, node.value) for i in binding.taint)
            return binding
        if kind is cst.Call:
            return self.call(node)
        if kind is cst.IfExp:
            self.expr(node.test)
            conds = self.conditions(node.test)
            self.with_conds(conds, lambda: self.expr(node.body))
            self.with_conds(self.negate(conds, node.test), lambda: self.expr(node.orelse))
            return None
        if kind is cst.List or kind is cst.Tuple or kind is cst.Set:
            for element in node.elements:
                value = self.expr(element.value)
                if value is not None and value.ref is not None and not value.ref.key:
                    self.escape(value.ref, element, "stored in a container")
            return None
        if kind is cst.Dict:
            for element in node.elements:
                if type(element) is cst.DictElement:
                    self.expr(element.key)
                    value = self.expr(element.value)
                    if value is not None and value.ref is not None and not value.ref.key:
                        self.escape(value.ref, element, "stored in a container")
                else:
                    value = self.expr(element.value)
                    if value is not None and value.ref is not None:
                        self.escape(value.ref, element, "unpacked into a dict")
            return None
        if kind is cst.Attribute:
            if self.qualify(node) == "sys.argv":
                self.escapes.append(Escape("*", (), self.span(node), "reads sys.argv itself"))
            self.expr(node.value)
            return None
        if kind is cst.Subscript:
            base = self.expr(node.value)
            for element in node.slice:
                if type(element.slice) is cst.Index:
                    self.expr(element.slice.value)
            if base is not None and base.ref is not None:
                self.escape(base.ref, node, "indexed with a computed key")
            return None
        if kind is cst.BinaryOperation:
            self.arithmetic(node)
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
