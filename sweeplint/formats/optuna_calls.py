"""Syntax helpers for Optuna modules and the one pass that collects their functions and calls."""

from __future__ import annotations

import libcst as cst

from sweeplint import pyeval, pyexpr

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


def attr_call(node: cst.CSTNode, attr: str | tuple[str, ...]) -> bool:
    names = (attr,) if isinstance(attr, str) else attr
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in names


def last_name(name: str | None) -> str | None:
    return name.rsplit(".", 1)[-1] if name else None


def params_of(fn: cst.FunctionDef | cst.Lambda) -> list[cst.Param]:
    p = fn.params
    return list(p.posonly_params) + list(p.params) + list(p.kwonly_params)


def is_trial_annotation(param: cst.Param) -> bool:
    if param.annotation is None:
        return False
    ann = param.annotation.annotation
    if isinstance(ann, (cst.SimpleString, cst.ConcatenatedString)):
        text = str(pyeval.evaluate(ann))
    else:
        text = pyexpr.dotted(ann) or ""
    return text.rsplit(".", 1)[-1] in ("Trial", "BaseTrial", "FrozenTrial")


class Collector:
    """One pass over the module: functions, assignments, and the Optuna calls we care about.

    A plain walk over `children` (libcst's visitor machinery costs more than the parse itself).
    """

    def __init__(self) -> None:
        self.functions: dict[str, list[cst.FunctionDef]] = {}
        self.all_functions: list[cst.FunctionDef] = []
        self.assigned: dict[str, cst.BaseExpression] = {}
        self.create_study: list[cst.Call] = []
        self.optimize: list[cst.Call] = []
        self.space_functions: list[cst.BaseExpression] = []

    def run(self, module: cst.Module) -> Collector:
        stack: list[cst.CSTNode] = [module]
        while stack:
            node = stack.pop()
            # the exact type: libcst's node classes are abstract base classes, whose isinstance runs
            # Python code for every node that is not one (these three have no subclasses)
            kind = type(node)
            if kind is cst.FunctionDef:
                self.visit_FunctionDef(node)
            elif kind is cst.Assign:
                self.visit_Assign(node)
            elif kind is cst.Call:
                self.visit_Call(node)
            stack.extend(reversed(pyexpr.children(node)))
        return self

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.setdefault(node.name.value, []).append(node)
        self.all_functions.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self.assigned[node.targets[0].target.value] = node.value

    def visit_Call(self, node: cst.Call) -> None:
        name = pyexpr.call_name(node)
        last = last_name(name)
        if last == "create_study":
            self.create_study.append(node)
        elif attr_call(node, "optimize"):
            self.optimize.append(node)
        elif last == "OptunaSearch":
            space = pyexpr.argument(node, 0, "space")
            if space is not None:
                self.space_functions.append(space)


def returns_of(body: Any) -> list[cst.Return]:
    found: list[cst.Return] = []
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        kind = type(node)  # not isinstance, as in Collector.run
        if kind is cst.FunctionDef or kind is cst.ClassDef or kind is cst.Lambda:
            continue
        if kind is cst.Return:
            found.append(node)
            continue
        if kind is cst.SimpleStatementLine or kind is cst.SimpleStatementSuite:
            # a return is one of a line's statements, never inside their expressions: not walked into
            found.extend(statement for statement in node.body if type(statement) is cst.Return)
            continue
        stack.extend(reversed(pyexpr.children(node)))
    return found


def metric_name(node: cst.BaseExpression, names: dict) -> str:
    """A readable name for what a function returns: `val_loss`, `metrics["val_loss"]`, `h.val_loss`."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        key = pyeval.evaluate(node.slice[0].slice.value, names)
        if isinstance(key, str):
            return key
    if isinstance(node, cst.UnaryOperation):
        return metric_name(node.expression, names)
    if isinstance(node, cst.Call):
        # `float(val_loss)`, `np.mean(scores)`, `history.history["val_acc"][-1]`-style wrappers
        args = [a.value for a in node.args if a.keyword is None]
        if len(args) == 1 and last_name(pyexpr.call_name(node)) in ("float", "mean", "max", "min", "item", "abs"):
            return metric_name(args[0], names)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in ("item", "mean") and not args:
            return metric_name(node.func.value, names)
    if isinstance(node, cst.Subscript):
        return metric_name(node.value, names)
    return "objective"


