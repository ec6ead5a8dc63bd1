"""Assignments and control flow: how values move between names, and the conditions around a site
(a mixin of the walker)."""

from __future__ import annotations

import libcst as cst

from sweeplint.codefacts.config_reads import source_call
from sweeplint.codefacts.cst_helpers import (
    ESCAPE_METHODS,
    Binding,
    Collector,
    is_param,
    match_values,
    plain,
    subscript_key,
    subscript_node,
    try_evaluate,
)
from sweeplint.codefacts.facts import Cond, ConfigWrite
from sweeplint.codefacts.names import CONSTRUCTORS
from sweeplint.pyexpr import dotted

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

_OPS = {
    cst.Equal: "==", cst.NotEqual: "!=", cst.In: "in", cst.NotIn: "not in", cst.Is: "==", cst.IsNot: "!=",
    cst.GreaterThan: ">", cst.LessThan: "<", cst.GreaterThanEqual: ">=", cst.LessThanEqual: "<=",
}
_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "in": "contains", "not in": "not contains"}
_NEGATE = {"==": "!=", "!=": "==", "in": "not in", "not in": "in", "truthy": "falsy", "falsy": "truthy",
           ">": "<=", "<=": ">", "<": ">=", ">=": "<"}
_CASTS = {"str", "lower", "upper", "strip", "casefold"}


# A value computed from a chain of earlier ones (`v = cfg.lr * k + v`, line after line) would carry
# every read of the chain: its taint, and the work of each use, would grow with the chain's length.
MAX_TAINT = 16


def bounded_taint(taint: tuple, reads: list) -> tuple:
    """The reads a value comes from, at most the first and the last read of each key once there are
    more than MAX_TAINT: which keys it comes from stays exact (a dict of forty keys keeps forty)."""
    if len(taint) <= MAX_TAINT:
        return taint
    first: dict[tuple, int] = {}
    last: dict[tuple, int] = {}
    for index in taint:
        key = (reads[index]["root"], reads[index]["key"])
        first.setdefault(key, index)
        last[key] = index
    kept = set(first.values()) | set(last.values())
    return tuple(index for index in taint if index in kept)


class FlowMixin:
    # --- assignments ---------------------------------------------------------------------------

    def assign(self, targets: list[cst.BaseExpression], value: cst.BaseExpression) -> None:
        self._assigned = value
        collector = Collector()
        self.collectors.append(collector)
        try:
            binding = self.expr(value)
        finally:
            self.collectors.pop()
        if len(targets) == 1:
            self.note_stored_read(targets[0], value, collector.direct)
        taint = bounded_taint(tuple(dict.fromkeys(collector.direct + [i for i, _ in collector.via])), self.reads)
        # keys the new value is computed from: `args.lr = args.lr * world_size` derives, not overwrites
        self._derived_from = {(self.reads[i]["root"], self.reads[i]["key"]) for i in taint}
        if isinstance(value, cst.Call):
            leaf = (dotted(value.func) or "").rsplit(".", 1)[-1]
            if leaf in CONSTRUCTORS or leaf[:1].isupper():
                taint = ()  # an optimizer built from lr is not itself "the learning rate"
        if binding is None:
            binding = Binding()
        held = self.held_split(value)
        binding = Binding(binding.ref, taint or binding.taint, binding.marker, list(binding.metric_keys), held)
        if isinstance(value, cst.Dict) and binding.marker is None:
            binding.marker = "metrics"
            binding.metric_keys = self.dict_keys(value)
        for target in targets:
            if isinstance(target, (cst.Tuple, cst.List)):
                # args, unknown = parser.parse_known_args()
                elements = [e.value for e in target.elements]
                if binding.ref is not None and elements and isinstance(elements[0], cst.Name) and source_call(value) == "argparse":
                    self.bind(elements[0].value, Binding(ref=binding.ref))
                    for e in elements[1:]:
                        self.bind_targets(e, None)
                else:
                    for e in elements:
                        self.bind_targets(e, Binding(taint=taint, split=held) if taint or held else None)
            else:
                self.bind_targets(target, binding)

    def bind_targets(self, target: cst.BaseExpression, binding: Binding | None) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, binding or Binding())
        elif isinstance(target, (cst.Tuple, cst.List)):
            for e in target.elements:
                self.bind_targets(e.value, Binding(split=binding.split) if binding is not None and binding.split else None)
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
            key = subscript_key(target)
            if base_name in ("wandb.run.summary", "wandb.summary") or (
                isinstance(target.value, cst.Attribute) and target.value.attr.value == "summary"
                and self._is_run(target.value.value)
            ):
                self.metrics.append(self.metric_from_key_node(subscript_node(target), "summary", target, self._assigned))
                return True
            if base_binding is not None and base_binding.marker == "metrics" and base_binding.ref is None:
                node_key = subscript_node(target)
                if node_key is not None:
                    base_binding.metric_keys.extend(self.key_infos(node_key, self._assigned))
                return True
            self.expr(target.slice[0].slice.value if target.slice and isinstance(target.slice[0].slice, cst.Index) else target.value)
            if key is None:
                return False
        ref = self.ref_of(target)
        if ref is not None and ref.key and (ref.root, ref.key) not in self._derived_from:
            # `args.lr = wandb.config.lr` copies the swept value in: record where it comes from.
            value = self.ref_of(self._assigned) if getattr(self, "_assigned", None) is not None else None
            source = value.root if value is not None and value.root != ref.root and value.key[-1:] == ref.key[-1:] else None
            self.writes.append(ConfigWrite("assign", self.span(node), root=ref.root, keys=(".".join(ref.key),), source=source))
            return True
        return False

    # --- control flow --------------------------------------------------------------------------

    def if_chain(self, node: cst.If, prior: list[Cond]) -> None:
        self.expr(node.test)
        conds = self.conditions(node.test)
        self.with_conds(prior + conds, lambda: self.block(node.body))
        negated = prior + self.negate(conds, node.test)
        if isinstance(node.orelse, cst.If):
            self.positions.enter(node.orelse)   # an elif is a statement of its own for the positions
            try:
                self.if_chain(node.orelse, negated)
            finally:
                self.positions.leave()
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
            values = match_values(case.pattern)
            line = self.span(case).line
            text = f"{self.code(node.subject)} matches {self.code(case.pattern)}"
            if subject is not None and values is not None:
                conds = [Cond(text, line, "==" if len(values) == 1 else "in", subject[0], subject[1], tuple(plain(v) for v in values))]
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
                    return [Cond(text, line, op, param[0], param[1], tuple(plain(v) for v in values))]
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
        if ref is not None and (ref.key or is_param(ref)):
            return ref.root, ref.key
        if isinstance(node, cst.Name):
            binding = self.lookup(node.value)
            if binding is not None and len(binding.taint) == 1:
                r = self.reads[binding.taint[0]]
                return r["root"], r["key"]
        return None

    def for_iter(self, node: cst.BaseExpression) -> None:
        target = node
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in ESCAPE_METHODS:
            target = node.func.value
        ref = self.ref_of(target)
        if ref is not None:
            self.escape(ref, node, "iterated over")
            return
        self.expr(node)
