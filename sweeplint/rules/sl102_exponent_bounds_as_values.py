from __future__ import annotations

import math
from typing import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import number
from sweeplint.rule import Context, Rule

# exp(max) beyond this overflows or is absurd for any hyperparameter.
_HUGE_EXPONENT = math.log(1e6)


def effective(value: float, base: float) -> str:
    try:
        result = base**value
        # Near 1 the interesting digits come late: e^0.00001 is 1.00001, not 1.
        return f"{result:.6g}" if abs(result - 1) < 1e-3 else f"{result:.4g}"
    except OverflowError:
        return "overflow"


class ExponentBoundsAsValues(Rule):
    code = "SL102"
    name = "exponent-bounds-as-values"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            for p in study.parameters:
                if not p.exponent_bounds or p.low is None or p.high is None:
                    continue
                low, high = number(p.low), number(p.high)
                if low is None or high is None:
                    continue
                base = p.base or math.e
                looks_like_values = 0 < low < 1 and low < high <= 3
                # (the inverse form's extreme is e^-min: huge when min is far below 0)
                huge = (-low if _inverse(p) else high) * math.log(base) > _HUGE_EXPONENT
                if not (looks_like_values or huge):
                    continue
                base_text = "e" if abs(base - math.e) < 1e-9 else f"{base:g}"
                spelled = (p.low.text or f"{low:g}", p.high.text or f"{high:g}")
                if _inverse(p):
                    # W&B's inv_log_uniform samples e^-x for x uniform in min .. max.
                    rng = (f"{base_text}^-{spelled[1]} .. {base_text}^-{spelled[0]} = "
                           f"{effective(-high, base)} .. {effective(-low, base)}")
                else:
                    rng = f"{base_text}^{spelled[0]} .. {base_text}^{spelled[1]} = {effective(low, base)} .. {effective(high, base)}"
                kind = p.distribution or "log"
                if looks_like_values:
                    what = f"{p.name} uses {kind} with exponent bounds {spelled[0]} .. {spelled[1]}, so it samples {rng}"
                    why = f"The bounds of {kind} are exponents, but these look like values"
                else:
                    what = f"{p.name} uses {kind} with exponent bounds, so it samples {rng}"
                    why = f"The bounds of {kind} are exponents"
                fix = _fix(p, low, high)
                yield Finding(p.low.span.cover(p.high.span), what, help=f"{why}; {fix}.")


def _inverse(p) -> bool:
    return (p.distribution or "").startswith("inv_")


def _fix(p, low: float, high: float) -> str:
    if p.distribution and p.distribution.endswith("log_uniform"):
        return f"use distribution: {p.distribution}_values to give the bounds as values"
    return "give the bounds as exponents of the base (e.g. -5 .. -1 for 1e-5 .. 1e-1 with base 10)"
