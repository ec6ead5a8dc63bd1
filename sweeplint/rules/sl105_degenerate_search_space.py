from __future__ import annotations

import json
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import Lit, MethodKind, Parameter, Space, Study, number
from sweeplint.rule import Context, Rule
from sweeplint.rules.sl005_string_scientific_notation import scientific_text, yaml11_float

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# An enum member looked up on its class (`Space.INT`, `MethodKind.GRID`) goes through
# EnumType.__getattr__'s slow path, some ten times a global's cost: the tests run for every
# study and parameter use these.
_BANDIT, _MODEL_BASED = MethodKind.BANDIT, MethodKind.MODEL_BASED
_CATEGORICAL, _INT, _UNKNOWN = Space.CATEGORICAL, Space.INT, Space.UNKNOWN
_RANGES = (Space.INT, Space.UNIFORM, Space.QUANTIZED)

# How the tool writes a constant, for the fix, is its dialect's constant_spelling. (A list of one
# value is a constant in every tool and is not reported; W&B, NNI and Katib readers make it one already.)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _spelled(lit: Lit, loader: str) -> str:
    """A literal as it should be written back: its source spelling, made safe for YAML 1.1."""
    if lit.text is None:
        return _shown(lit.value)
    if loader == "python":
        return lit.text            # Python source, quotes included
    if lit.quoted:
        return json.dumps(lit.text)
    if scientific_text(lit):
        return yaml11_float(lit.text)
    return lit.text


def _fmt(x: float) -> str:
    return str(int(x)) if x.is_integer() else f"{x:g}"


class DegenerateSearchSpace(Rule):
    code = "SL105"
    name = "degenerate-search-space"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            varied = ctx.varied(study)
            resource = _algorithm_resource(study)  # (looked up once per study, not per parameter)
            for p in study.parameters:
                if resource is not None and resource.value == p.name:
                    continue  # the algorithm sets its range per bracket
                # A one-element list is how users of every tool fix a parameter in a search space
                # (`tune.choice(["adam"])`, `choice(0.1)`): a constant. The same value listed
                # several times is a slip: a list meant to hold different values.
                if p.space is _CATEGORICAL and len(p.values) > 1 and not p.varies and varied:
                    yield self._single_choice(study, p)
                elif p.space is _INT:
                    finding = self._single_integer(study, p)
                    if finding is not None:
                        yield finding
            method = study.method
            if (
                method is not None
                and method.kind in (_MODEL_BASED, _BANDIT)
                and study.parameters
                and not any(p.space is _UNKNOWN for p in study.parameters)
                and not any(not _pinned(p) for p in varied)
            ):
                what = "a model-based search" if method.kind is _MODEL_BASED else "an early-stopping search"
                yield Finding.split(
                    method.span,
                    f"the method is {method.name}, {what}, but no parameter varies: every trial "
                    f"runs the same configuration and the search has nothing to learn; give the parameters you "
                    f"want tuned a range or several values",
                )

    def _single_choice(self, study: Study, p: Parameter) -> Finding:
        value = _spelled(p.values[0], study.loader)
        if len(p.values) == 1:
            what = f"{p.name} is searched over a single value ({value}), so it never varies"
        else:
            what = f"{p.name} lists the same value {len(p.values)} times ({value}), so it never varies"
        spelling = dialect_of(study).spell_constant(p.name, value)
        constant = f"make it a constant (`{spelling}`)" if spelling else "make it a constant"
        span = p.values[0].span.cover(p.values[-1].span)
        return Finding.split(span, f"{what}; {constant}, or list the values you meant to compare")

    def _single_integer(self, study: Study, p: Parameter) -> Finding | None:
        low, high = number(p.low), number(p.high)
        if low is None or high is None or p.low is None or p.high is None:
            return None
        if p.high_inclusive and low == high:
            return None  # `suggest_int("depth", 1, 1)` pins the value, as a one-element list does
        if not p.high_inclusive and high == low + 1:
            return Finding.split(p.low.span.cover(p.high.span), f"{p.name} ranges over {_fmt(low)} .. {_fmt(high)} with the upper bound excluded, so "
                                 f"it is always {_fmt(low)}; raise the upper bound to {_fmt(high + 1)} to include "
                                 f"{_fmt(high)}, or make it a constant")
        return None


def _pinned(p: Parameter) -> bool:
    """A range that holds one value: equal bounds, or an integer range whose excluded upper bound
    is one above the lower one."""
    if p.space not in _RANGES:
        return False
    low, high = number(p.low), number(p.high)
    if low is None or high is None:
        return False
    if p.space is _INT and not p.high_inclusive:
        return high == low + 1
    return low == high


def _algorithm_resource(study: Study):
    """The parameter a bandit search uses as its resource (Katib hyperband's `resource_name`), as
    a literal: the algorithm sets its range per bracket, so the range written in the config is
    only a placeholder. None for other searches."""
    method = study.method
    return method.get("resource_name") if method is not None else None
