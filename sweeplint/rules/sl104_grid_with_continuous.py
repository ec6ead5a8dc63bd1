from __future__ import annotations

import math
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import MethodKind, Parameter, Space, number
from sweeplint.rule import Context, Rule
from sweeplint.rules.sl005_string_scientific_notation import number_text

# An enum member looked up on its class (`Space.INT`, `MethodKind.GRID`) goes through
# EnumType.__getattr__'s slow path, some ten times a global's cost: the tests run for every
# study and parameter use these.
_GRID = MethodKind.GRID
_QUANTIZED = Space.QUANTIZED
_ENUMERABLE = (Space.CONSTANT, Space.CATEGORICAL, Space.INT, Space.UNKNOWN)

# A grid enumerates every parameter. Integer ranges can be enumerated (W&B expands int_uniform into
# min..max), and so can a linear range with a step (W&B q_uniform, Katib step); a continuous range
# cannot: W&B rejects the sweep ("disallowed type with grid search"), others never finish.
# Some grids do handle ranges (NNI's, Determined's): the dialect says (grid_enumerates_ranges).

_DESCRIPTION = {
    Space.UNIFORM: "a continuous range",
    Space.QUANTIZED: "a log-scale quantized range",
    Space.NORMAL: "an unbounded normal distribution",
    Space.BETA: "a beta distribution",
}


def _enumerable(p: Parameter) -> bool:
    if p.space in _ENUMERABLE:
        return True
    return p.space is _QUANTIZED and not p.log


def _suggest(p: Parameter) -> str | None:
    """A handful of grid points over the same range, on the parameter's own scale."""
    low, high = number(p.low), number(p.high)
    if low is None or high is None or not low < high or p.exponent_bounds or (p.log and low <= 0):
        return None
    if p.log and low > 0:
        points = [math.exp(math.log(low) + i * (math.log(high) - math.log(low)) / 4) for i in range(5)]
    else:
        points = [low + i * (high - low) / 4 for i in range(5)]
    return "[" + ", ".join(number_text(float(f"{x:.2g}")) for x in points) + "]"


class GridWithContinuous(Rule):
    code = "SL104"
    name = "grid-with-continuous"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            method = study.method
            dialect = dialect_of(study)
            if method is None or method.kind is not _GRID or dialect.grid_enumerates_ranges:
                continue
            for p in study.parameters:
                if _enumerable(p):
                    continue
                kind = p.distribution or p.space.value
                if p.inferred:
                    kind += ", inferred from its float bounds"
                what = _DESCRIPTION.get(p.space, "a distribution")
                effect = dialect.grid_refuses_range
                points = _suggest(p)
                fix = f"list the values to try (e.g. `values: {points}`)" if points else "list the values to try"
                span = p.distribution_span or (p.low.span.cover(p.high.span) if p.low and p.high else p.key_span)
                yield Finding(
                    span,
                    f"{p.name} is searched over {what} ({kind}) but the method is {method.name}",
                    help=f"{fix[0].upper()}{fix[1:]}, or switch to random or Bayesian search: {effect}.",
                    related=(Related(ctx.file.path, method.span, f"the method is {method.name} here"),),
                )
