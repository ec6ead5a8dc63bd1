from __future__ import annotations

import math
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.fixes import Applicability, respell
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
                decimal = not (looks_like_values or huge) and _decimal_exponents(ctx, p, low, high, base)
                if not (looks_like_values or huge or decimal):
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
                if decimal:
                    # whole numbers that read as powers of ten: 1e-4 .. 1e-1 was likely meant
                    yield Finding(p.low.span.cover(p.high.span),
                                  f"{p.name} uses {kind} with natural-log exponent bounds {spelled[0]} .. {spelled[1]}, "
                                  f"so it samples {rng}, not 1e{spelled[0]} .. 1e{spelled[1]}",
                                  help=f"The bounds of {kind} are natural-log exponents; {_fix(p, low, high)}.",
                                  severity=Severity.WARNING)
                    continue
                if looks_like_values:
                    what = f"{p.name} uses {kind} with exponent bounds {spelled[0]} .. {spelled[1]}, so it samples {rng}"
                    why = f"The bounds of {kind} are exponents, but these look like values"
                else:
                    what = f"{p.name} uses {kind} with exponent bounds, so it samples {rng}"
                    why = f"The bounds of {kind} are exponents"
                fix = _fix(p, low, high)
                yield Finding(p.low.span.cover(p.high.span), what, help=f"{why}; {fix}.",
                              fix=_values_fix(ctx, p) if looks_like_values else None)


def _decimal_exponents(ctx: Context, p, low: float, high: float, base: float) -> bool:
    """Natural-log bounds written as whole powers of ten (`min: -4, max: -1` for a learning rate):
    a log-scale family whose bounds are negative integers spanning two or more, where e^x covers
    barely more than a decade of what 10^x would."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return False
    if abs(base - math.e) > 1e-9 or _inverse(p) or low != int(low) or high != int(high):
        return False
    if not (-12 <= low and high - low >= 2 and high <= 0):
        return False
    family = ctx.knowledge.family_of(p.name)
    return family is not None and family.log_scale


def _inverse(p) -> bool:
    return (p.distribution or "").startswith("inv_")


def _values_fix(ctx: Context, p):
    """`log_uniform` -> `log_uniform_values`, so the bounds are read as the values they look like.
    Unsafe: the sampled range changes (to the one the author meant)."""
    if not (p.distribution and p.distribution.endswith("log_uniform") and p.distribution_span) or p.linked_from:
        return None
    new = f"{p.distribution}_values"
    return respell(ctx.file.text, p.distribution_span, new, f"Use {new}", Applicability.UNSAFE, ctx.file.path)


def _fix(p, low: float, high: float) -> str:
    if p.distribution and p.distribution.endswith("log_uniform"):
        return f"use distribution: {p.distribution}_values to give the bounds as values"
    return "give the bounds as exponents of the base (e.g. -5 .. -1 for 1e-5 .. 1e-1 with base 10)"
