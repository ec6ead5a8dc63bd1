"""Walks an objective function: its suggest calls with the `if`/`match` conditions and loops around them."""

from __future__ import annotations

import libcst as cst

from sweeplint import pyeval, pyexpr
from sweeplint.formats.optuna_suggest import SUGGEST, WalkedModule, Suggest
from sweeplint.model import CallSite, Condition
from sweeplint.records import replace

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


_COMPREHENSIONS = frozenset({cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp})


class FunctionWalker:
    """Walks one objective function: suggest calls with their `if` conditions and loops."""

    def __init__(self, reader: WalkedModule, trial: str, scope: str | None = None):
        self.reader = reader
        self.trial = trial
        self.scope = scope                         # the function walked, for its call sites
        self.variables: dict[str, str] = {}       # local variable -> parameter name
        self.choices: dict[str, tuple[Any, ...]] = {}

    def walk(self, body: Any, condition: Condition | None = None, loop: bool = False) -> None:
        statements = body.body if isinstance(body, cst.IndentedBlock) else [body] if isinstance(body, cst.SimpleStatementSuite) else body
        for statement in statements:
            self.statement(statement, condition, loop)

    def statement(self, node: cst.CSTNode, condition: Condition | None, loop: bool) -> None:
        if isinstance(node, cst.SimpleStatementSuite):
            for small in node.body:
                self.small(small, condition, loop)
        elif isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self.small(small, condition, loop)
        elif isinstance(node, cst.If):
            self.if_chain(node, condition, loop, tested=())
        elif isinstance(node, (cst.For, cst.While)):
            header = node.iter if isinstance(node, cst.For) else node.test
            self.calls(header, condition, loop)
            self.walk(node.body, condition, True)
            if node.orelse is not None:
                self.walk(node.orelse.body, condition, loop)
        elif isinstance(node, cst.With):
            for item in node.items:
                self.calls(item.item, condition, loop)
            self.walk(node.body, condition, loop)
        elif isinstance(node, cst.Try):
            self.walk(node.body, condition, loop)
            for handler in node.handlers:
                self.walk(handler.body, condition, loop)
            if node.orelse is not None:
                self.walk(node.orelse.body, condition, loop)
            if node.finalbody is not None:
                self.walk(node.finalbody.body, condition, loop)
        elif isinstance(node, cst.Match):
            self.match(node, condition, loop)
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            return  # nested definitions run later; functions taking `trial` are walked on their own
        else:
            self.calls(node, condition, loop)

    def small(self, node: cst.BaseSmallStatement, condition: Condition | None, loop: bool) -> None:
        assigned: dict[int, str] = {}
        if isinstance(node, (cst.Assign, cst.AnnAssign)) and node.value is not None:
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            if len(targets) == 1 and pyexpr.dotted(targets[0]):
                assigned[id(node.value)] = pyexpr.dotted(targets[0])
        self.calls(node, condition, loop, assigned)
        if isinstance(node, (cst.Assign, cst.AnnAssign)):
            value = node.value
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            if value is not None and self.is_suggest(value):
                name = pyeval.evaluate(pyexpr.argument(value, 0, "name"), self.reader.names) if pyexpr.argument(value, 0, "name") is not None else None
                for target in targets:
                    if isinstance(target, cst.Name) and isinstance(name, str):
                        self.variables[target.value] = name
                        choices = pyexpr.argument(value, 1, "choices")
                        if value.func.attr.value == "suggest_categorical" and choices is not None:
                            evaluated = pyeval.evaluate(choices, self.reader.names)
                            if isinstance(evaluated, (list, tuple)) and pyeval.is_known(evaluated):
                                self.choices[name] = tuple(evaluated)

    def if_chain(self, node: cst.If, outer: Condition | None, loop: bool, tested: tuple[Any, ...]) -> None:
        self.calls(node.test, outer, loop)
        parsed = self.condition_of(node.test)
        here = outer
        parent = None
        if parsed is not None:
            parent, values = parsed
            here = Condition(parent, values)
        self.walk(node.body, here, loop)
        orelse = node.orelse
        if orelse is None:
            return
        if isinstance(orelse, cst.If):
            next_tested = tested + (here.values if parsed is not None else ())
            if parsed is not None and isinstance(orelse.test, cst.BaseExpression):
                nested = self.condition_of(orelse.test)
                if nested is not None and nested[0] == parent:
                    self.if_chain(orelse, outer, loop, next_tested)
                    return
            self.if_chain(orelse, outer, loop, ())
            return
        rest = outer
        if parsed is not None:
            all_tested = tested + here.values
            choices = self.choices.get(parent)
            if choices is not None:
                remaining = tuple(c for c in choices if c not in all_tested)
                if remaining:
                    rest = Condition(parent, remaining)
        self.walk(orelse.body, rest, loop)

    def match(self, node: cst.Match, outer: Condition | None, loop: bool) -> None:
        """`match optimizer:` with `case "sgd":`, `case "a" | "b":` and a final `case _:`."""
        self.calls(node.subject, outer, loop)
        parent = self.variables.get(node.subject.value) if isinstance(node.subject, cst.Name) else None
        tested: tuple[Any, ...] = ()
        for case in node.cases:
            here = outer
            values = _match_values(case.pattern, self.reader.names) if parent is not None and case.guard is None else None
            if values is not None:
                here = Condition(parent, values)
                tested += values
            elif (parent is not None and case.guard is None and isinstance(case.pattern, cst.MatchAs)
                  and case.pattern.pattern is None and parent in self.choices):
                remaining = tuple(c for c in self.choices[parent] if c not in tested)
                if remaining:
                    here = Condition(parent, remaining)
            self.walk(case.body, here, loop)

    def condition_of(self, test: cst.BaseExpression) -> tuple[str, tuple[Any, ...]] | None:
        """`x == "a"`, `"a" == x`, `x in ("a", "b")`, `x` / `not x` for a suggested categorical x."""
        if isinstance(test, cst.Name) and test.value in self.variables:
            return self.variables[test.value], (True,)
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            inner = test.expression
            if isinstance(inner, cst.Name) and inner.value in self.variables:
                return self.variables[inner.value], (False,)
            return None
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            target = test.comparisons[0]
            left, right = test.left, target.comparator
            if isinstance(target.operator, cst.Equal):
                for var, other in ((left, right), (right, left)):
                    if isinstance(var, cst.Name) and var.value in self.variables:
                        value = pyeval.evaluate(other, self.reader.names)
                        if pyeval.is_known(value) and not isinstance(value, (list, dict, set, frozenset)):
                            return self.variables[var.value], (value,)
            if isinstance(target.operator, cst.In) and isinstance(left, cst.Name) and left.value in self.variables:
                value = pyeval.evaluate(right, self.reader.names)
                if isinstance(value, (list, tuple, set, frozenset)) and pyeval.is_known(value):
                    return self.variables[left.value], tuple(value)
        return None

    def is_suggest(self, node: cst.CSTNode) -> bool:
        return (
            type(node) is cst.Call  # not isinstance: libcst's classes are abstract base classes, slow to test
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in SUGGEST
            and pyexpr.dotted(node.func.value) in (self.trial, f"self.{self.trial}")
        )

    def calls(self, node: cst.CSTNode, condition: Condition | None, loop: bool, assigned: dict[int, str] | None = None) -> None:
        """Every suggest call under `node`; `assigned` maps a call to the variable receiving its value."""
        stack: list[tuple[cst.CSTNode, bool]] = [(node, loop)]
        found: list[tuple[cst.Call, bool]] = []
        while stack:
            current, in_loop = stack.pop()
            kind = type(current)  # see is_suggest (none of these classes has subclasses)
            if kind is cst.Lambda or kind is cst.FunctionDef:
                continue
            if self.is_suggest(current):
                found.append((current, in_loop))
            inner_loop = in_loop or kind in _COMPREHENSIONS
            stack.extend((child, inner_loop) for child in reversed(pyexpr.children(current)))
        for call, in_loop in found:
            suggest = Suggest(self.reader, call)
            param, constant = suggest.parameter(condition)
            self.reader.problems.extend(suggest.problems)
            if param is not None:
                site = CallSite(param.key_span, call.func.attr.value, in_loop=in_loop, fixed_name=constant,  # type: ignore[union-attr]
                                target=(assigned or {}).get(id(call)), condition=condition, scope=self.scope)
                self.reader.found.append((replace(param, sites=(site,)), call))



def _match_values(pattern: cst.MatchPattern, names: dict) -> tuple[Any, ...] | None:
    if isinstance(pattern, cst.MatchValue):
        value = pyeval.evaluate(pattern.value, names)
        return (value,) if pyeval.is_known(value) else None
    if isinstance(pattern, cst.MatchSingleton):
        value = pyeval.evaluate(pattern.value, names)
        return (value,)
    if isinstance(pattern, cst.MatchOr):
        out: tuple[Any, ...] = ()
        for element in pattern.patterns:
            inner = _match_values(element.pattern, names)
            if inner is None:
                return None
            out += inner
        return out
    return None


