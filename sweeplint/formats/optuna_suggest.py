"""One `trial.suggest_*(...)` call read as a Parameter, and how calls of one name are compared."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import libcst as cst

from sweeplint import pyexpr
from sweeplint.model import Condition, Lit, Parameter, Space

if TYPE_CHECKING:
    from sweeplint.formats.optuna import ModuleReader


SUGGEST = ("suggest_float", "suggest_int", "suggest_categorical", "suggest_uniform", "suggest_loguniform",
           "suggest_discrete_uniform")
DEPRECATED = {
    "suggest_uniform": "trial.suggest_uniform is deprecated since Optuna 3.0; write trial.suggest_float({args})",
    "suggest_loguniform": "trial.suggest_loguniform is deprecated since Optuna 3.0; write trial.suggest_float({args}, log=True)",
    "suggest_discrete_uniform": "trial.suggest_discrete_uniform is deprecated since Optuna 3.0; write trial.suggest_float({args}, step={q})",
}


class Suggest:
    """One `trial.suggest_*(...)` call as a Parameter."""

    def __init__(self, reader: ModuleReader, call: cst.Call):
        self.reader = reader
        self.call = call
        self.method = call.func.attr.value  # type: ignore[union-attr]

    def arg(self, index: int | None, keyword: str) -> cst.BaseExpression | None:
        return pyexpr.argument(self.call, index, keyword)

    def parameter(self, condition: Condition | None) -> tuple[Parameter | None, bool]:
        r = self.reader
        name_node = self.arg(0, "name")
        if name_node is None:
            return None, False
        value = pyexpr.evaluate(name_node, r.names)
        constant = isinstance(value, str)
        if constant:
            name = value
        elif isinstance(name_node, cst.FormattedString):
            name = pyexpr.source(name_node)
            name = re.sub(r"^[rRbBfF]+", "", name).strip("'\"")
        else:
            name = pyexpr.source(name_node)
        fields: dict[str, Any] = {
            "name": name,
            "key_span": r.span(name_node),
            "value_span": r.span(self.call),
            "distribution": self.method,
            "distribution_span": r.span(self.call.func.attr),  # type: ignore[union-attr]
            "condition": condition,
        }
        method = self.method
        if method == "suggest_categorical":
            choices = self.arg(1, "choices")
            resolved = choices
            while isinstance(resolved, cst.Name) and resolved.value in r.names:
                resolved = r.names[resolved.value]
            if isinstance(resolved, (cst.List, cst.Tuple)):
                values = tuple(r.lit(e.value) for e in resolved.elements if not isinstance(e, cst.StarredElement))
                return Parameter(space=Space.CATEGORICAL, values=values, **fields), constant
            return Parameter(space=Space.UNKNOWN, **fields), constant

        low, high = self.arg(1, "low"), self.arg(2, "high")
        if low is None or high is None:
            return Parameter(space=Space.UNKNOWN, **fields), constant
        fields["low"], fields["high"] = r.lit(low), r.lit(high)
        if method == "suggest_int":
            step_node, log_node = self.arg(3, "step"), self.arg(4, "log")
            positional = [a for a in self.call.args if a.keyword is None]
            log = pyexpr.evaluate(log_node, r.names) is True if log_node is not None else False
            step = r.lit(step_node) if step_node is not None else None
            deprecated = None
            if len(positional) > 3:
                extra = "step and log" if len(positional) > 4 else "step"
                deprecated = (f"passing {extra} to trial.suggest_int by position is deprecated since Optuna 3.5; "
                              f"write them as keywords (step=..., log=...)")
            q = step if step is not None and step.value != 1 else None
            return Parameter(space=Space.INT, integer=True, log=log, q=q, deprecated=deprecated, **fields), constant
        if method == "suggest_float":
            step_node, log_node = self.arg(None, "step"), self.arg(None, "log")
            log = pyexpr.evaluate(log_node, r.names) is True if log_node is not None else False
            if step_node is not None and not (isinstance(step_node, cst.Name) and step_node.value == "None"):
                return Parameter(space=Space.QUANTIZED, q=r.lit(step_node), log=log, **fields), constant
            return Parameter(space=Space.UNIFORM, log=log, **fields), constant
        args = f"{pyexpr.source(name_node)}, {pyexpr.source(low)}, {pyexpr.source(high)}"
        if method == "suggest_uniform":
            return Parameter(space=Space.UNIFORM, deprecated=DEPRECATED[method].format(args=args), **fields), constant
        if method == "suggest_loguniform":
            return Parameter(space=Space.UNIFORM, log=True, deprecated=DEPRECATED[method].format(args=args), **fields), constant
        q_node = self.arg(3, "q")
        q = r.lit(q_node) if q_node is not None else None
        message = DEPRECATED[method].format(args=args, q=pyexpr.source(q_node) if q_node is not None else "...")
        return Parameter(space=Space.QUANTIZED, q=q, deprecated=message, **fields), constant



def signature(p: Parameter) -> tuple:
    def v(lit: Lit | None) -> Any:
        return None if lit is None else repr(lit.value)

    return (p.space, p.log, p.integer, v(p.low), v(p.high), v(p.q), tuple(repr(x.value) for x in p.values))


def merge_conditions(a: Condition | None, b: Condition | None) -> Condition | None:
    if a is None or b is None or a.parent != b.parent:
        return None
    values = a.values + tuple(x for x in b.values if x not in a.values)
    return Condition(a.parent, values)


