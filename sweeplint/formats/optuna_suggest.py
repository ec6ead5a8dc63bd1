"""One `trial.suggest_*(...)` call read as a Parameter, and how calls of one name are compared."""

from __future__ import annotations

import math
import re
from typing import Any, Protocol

import libcst as cst

from sweeplint import pyeval, pyexpr
from sweeplint.model import Condition, Lit, Parameter, Problem, Space, Span


class WalkedModule(Protocol):
    """What the walk of an objective needs from its module's reader (formats.optuna.ModuleReader),
    declared here so the reader's helpers do not import the reader."""

    names: dict[str, Any]                       # module constants and assignments the walk can evaluate
    problems: list[Problem]
    found: list[tuple[Parameter, cst.Call]]    # each suggest call, read on its own

    def span(self, node: cst.CSTNode) -> Span: ...


SUGGEST = ("suggest_float", "suggest_int", "suggest_categorical", "suggest_uniform", "suggest_loguniform",
           "suggest_discrete_uniform")
DEPRECATED = {
    "suggest_uniform": "trial.suggest_uniform is deprecated since Optuna 3.0; write trial.suggest_float({args})",
    "suggest_loguniform": "trial.suggest_loguniform is deprecated since Optuna 3.0; write trial.suggest_float({args}, log=True)",
    "suggest_discrete_uniform": "trial.suggest_discrete_uniform is deprecated since Optuna 3.0; write trial.suggest_float({args}, step={q})",
}


class Suggest:
    """One `trial.suggest_*(...)` call as a Parameter."""

    def __init__(self, reader: WalkedModule, call: cst.Call):
        self.reader = reader
        self.call = call
        self.method = call.func.attr.value  # type: ignore[union-attr]
        self.problems: list[Problem] = []  # what Optuna refuses when the call runs

    def arg(self, index: int | None, keyword: str) -> cst.BaseExpression | None:
        return pyexpr.argument(self.call, index, keyword)

    def parameter(self, condition: Condition | None) -> tuple[Parameter | None, bool]:
        r = self.reader
        name_node = self.arg(0, "name")
        if name_node is None:
            return None, False
        value = pyeval.evaluate(name_node, r.names)
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
            if isinstance(resolved, cst.Subscript):
                # `config["optimizer"]["values"]` of a config file the script loads: the listed values
                known = pyeval.evaluate(resolved, r.names)
                if isinstance(known, (list, tuple)) and known and pyeval.is_known(known):
                    where = r.span(choices)
                    values = tuple(Lit(v, where) for v in known)
                    return Parameter(space=Space.CATEGORICAL, values=values, **fields), constant
            if isinstance(resolved, (cst.List, cst.Tuple)):
                values = tuple(r.lit(e.value) for e in resolved.elements if not isinstance(e, cst.StarredElement))
                if not resolved.elements:
                    self.refuse(choices, f"trial.suggest_categorical({name!r}, {pyexpr.source(choices)}) has no choices: "
                                         f"Optuna raises ValueError (\"The `choices` must contain one or more elements\") "
                                         f"when the trial reaches it; list the values to try")
                return Parameter(space=Space.CATEGORICAL, values=values, **fields), constant
            return Parameter(space=Space.UNKNOWN, **fields), constant

        low, high = self.arg(1, "low"), self.arg(2, "high")
        if low is None or high is None:
            return Parameter(space=Space.UNKNOWN, **fields), constant
        fields["low"], fields["high"] = r.lit(low), r.lit(high)
        if method == "suggest_int":
            step_node, log_node = self.arg(3, "step"), self.arg(4, "log")
            positional = [a for a in self.call.args if a.keyword is None]
            log = pyeval.evaluate(log_node, r.names) is True if log_node is not None else False
            step = r.lit(step_node) if step_node is not None else None
            deprecated = None
            if len(positional) > 3:
                extra = "step and log" if len(positional) > 4 else "step"
                deprecated = (f"passing {extra} to trial.suggest_int by position is deprecated since Optuna 3.5; "
                              f"write them as keywords (step=..., log=...)")
            q = step if step is not None and step.value != 1 else None
            self.check_int_log(name, log, step_node, q, fields["low"])
            return self.checked(Parameter(space=Space.INT, integer=True, log=log, q=q, deprecated=deprecated, **fields)), constant
        if method == "suggest_float":
            step_node, log_node = self.arg(None, "step"), self.arg(None, "log")
            log = pyeval.evaluate(log_node, r.names) is True if log_node is not None else False
            if step_node is not None and not (isinstance(step_node, cst.Name) and step_node.value == "None"):
                if log:
                    self.refuse(step_node, f"trial.suggest_float({name!r}, ...) has both step={pyexpr.source(step_node)} and "
                                           f"log=True: Optuna raises ValueError (\"The parameter `step` is not supported when "
                                           f"`log` is true\") when the trial reaches it; drop step to search on a log scale, "
                                           f"or drop log=True to keep the steps")
                return self.checked(Parameter(space=Space.QUANTIZED, q=r.lit(step_node), log=log, **fields)), constant
            return self.checked(Parameter(space=Space.UNIFORM, log=log, **fields)), constant
        args = f"{pyexpr.source(name_node)}, {pyexpr.source(low)}, {pyexpr.source(high)}"
        if method == "suggest_uniform":
            return self.checked(Parameter(space=Space.UNIFORM, deprecated=DEPRECATED[method].format(args=args), **fields)), constant
        if method == "suggest_loguniform":
            return self.checked(Parameter(space=Space.UNIFORM, log=True, deprecated=DEPRECATED[method].format(args=args), **fields)), constant
        q_node = self.arg(3, "q")
        q = r.lit(q_node) if q_node is not None else None
        message = DEPRECATED[method].format(args=args, q=pyexpr.source(q_node) if q_node is not None else "...")
        return self.checked(Parameter(space=Space.QUANTIZED, q=q, deprecated=message, **fields)), constant


    def checked(self, p: Parameter) -> Parameter:
        """Optuna samples only finite numbers, and truncates an integer step to an int."""
        numbers = [lit for lit in (p.low, p.high, p.q) if lit is not None and lit.is_number]
        infinite_bounds = [lit for lit in (p.low, p.high) if lit in numbers and math.isinf(lit.value)]
        equal = p.low is not None and p.high is not None and p.low.value == p.high.value
        if any(math.isnan(lit.value) for lit in numbers) or (
            # Equal bounds are returned without sampling, but a step is first fitted to the range.
            any(math.isinf(lit.value) for lit in numbers) and not (equal and (p.q is None or not infinite_bounds))
        ):
            bad = next(lit for lit in numbers if not math.isfinite(lit.value))
            self.refuse(bad.span, f"trial.{self.method}({p.name!r}, ...) is given {bad.text}, which is not a finite "
                                  f"number: Optuna cannot sample from such a range and the trial fails with an "
                                  f"exception; use finite bounds and step")
        elif not all(lit is not None and lit.is_number and math.isfinite(lit.value) for lit in (p.low, p.high)):
            # Equal infinite bounds: Optuna returns the bound without sampling, once its own checks pass
            # (finite ranges are judged by the bounds rules, as for every tool).
            if p.log and p.low is not None and p.low.is_number and p.low.value <= 0:
                self.refuse(p.low.span, f"trial.{self.method}({p.name!r}, ...) searches a log scale from {p.low.text}: "
                                        f"Optuna raises ValueError (a log scale needs a positive lower bound)")
        elif p.integer and p.q is not None and p.q.is_number and 0 < p.q.value < 1:
            self.refuse(p.q.span, f"trial.suggest_int({p.name!r}, ...) has step={p.q.text}, which Optuna truncates "
                                  f"to the integer 0 and then divides by: the trial fails with ZeroDivisionError; "
                                  f"use an integer step of at least 1")
        return p

    def refuse(self, where: cst.CSTNode | Span, message: str) -> None:
        span = where if isinstance(where, Span) else self.reader.span(where)
        self.problems.append(Problem("SL003", span, message))

    def check_int_log(self, name: str, log: bool, step_node: cst.BaseExpression | None, q: Lit | None,
                      low: Lit) -> None:
        """Optuna's integer log scale: step 1 only, and a lower bound of at least 1."""
        if not log:
            return
        if step_node is not None and q is not None:
            self.refuse(step_node, f"trial.suggest_int({name!r}, ...) has both step={pyexpr.source(step_node)} and "
                                   f"log=True: Optuna raises ValueError (a log scale takes only step=1) when the "
                                   f"trial reaches it; drop step to search on a log scale, or drop log=True to keep "
                                   f"the steps")
        if low.is_number and 0 < low.value < 1:
            # A lower bound <= 0 is already an invalid log bound for every tool; this one is Optuna's own.
            self.refuse(low.span,
                        f"trial.suggest_int({name!r}, {low.text}, ...) searches integers on a log scale from "
                        f"{low.text}: Optuna raises ValueError (`low >= 1` must hold for `log=True`) when the trial "
                        f"reaches it; start the range at 1")


def signature(p: Parameter) -> tuple:
    def v(lit: Lit | None) -> Any:
        return None if lit is None else repr(lit.value)

    return (p.space, p.log, p.integer, v(p.low), v(p.high), v(p.q), tuple(repr(x.value) for x in p.values))


def merge_conditions(a: Condition | None, b: Condition | None) -> Condition | None:
    if a is None or b is None or a.parent != b.parent:
        return None
    values = a.values + tuple(x for x in b.values if x not in a.values)
    return Condition(a.parent, values)


