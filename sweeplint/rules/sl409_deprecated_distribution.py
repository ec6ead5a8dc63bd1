from __future__ import annotations

import math
from typing import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Parameter, number
from sweeplint.rule import Context, Rule
from sweeplint.rules.sl102_exponent_bounds_as_values import ExponentBoundsAsValues, effective


def _values_form(p: Parameter) -> str:
    """The same range written with the `_values` distribution, when the bounds are known."""
    low, high = number(p.low), number(p.high)
    if low is None or high is None or not p.distribution or p.distribution.startswith("inv_"):
        return ""
    base = p.base or math.e
    return f" (here: distribution: {p.distribution}_values, min: {effective(low, base)}, max: {effective(high, base)})"


class DeprecatedDistribution(Rule):
    code = "SL409"
    name = "deprecated-distribution"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        # Exponent bounds that look wrong are SL102's error; this note is for the ones used as intended.
        misused = {f.span for f in ExponentBoundsAsValues().check(ctx)}
        for study in ctx.studies:
            for p in study.parameters:
                if not p.deprecated:
                    continue
                span = p.distribution_span or p.value_span
                if p.exponent_bounds:
                    if p.low is not None and p.high is not None and p.low.span.cover(p.high.span) in misused:
                        continue
                    yield Finding(
                        span,
                        f"{p.name} uses {p.distribution}, a legacy distribution whose min/max are exponents; "
                        f"these bounds are plausible exponents, but {p.distribution}_values takes the values "
                        f"themselves and says what is sampled{_values_form(p)}",
                    )
                    continue
                yield Finding(span, f"{p.name}: {p.deprecated}")
