from __future__ import annotations

import math
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import Lit, MethodKind, Parameter, Space, Study, number
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`Space.INT`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the tests run for every parameter use these.
_NORMAL, _BETA, _INT = Space.NORMAL, Space.BETA, Space.INT
_RANGES = (Space.UNIFORM, Space.INT, Space.QUANTIZED)

# Whether `min == max` is an error (SL004) or a degenerate search space (SL105), and how q / step
# applies, are the tool's decisions: its dialect says (rejects_equal_bounds, step_semantics).

# W&B compares probabilities with numpy.isclose(sum, 1.0).
_RTOL, _ATOL = 1e-5, 1e-8


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:.6g}"


def _text(lit: Lit, value: float) -> str:
    return lit.text if lit.text is not None else _fmt(value)


def _smallest(p: Parameter, high: float) -> str:
    """A positive lower bound to propose; integers on a log scale start at 1 (Optuna refuses less)."""
    if p.integer:
        return "1"
    return _fmt(high / 1000) if high > 0 else "1e-6"


def _whole(x: float) -> bool:
    return abs(x - round(x)) <= 1e-9 * max(1.0, abs(x))


class InvalidBounds(Rule):
    code = "SL004"
    name = "invalid-bounds"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            for p in study.parameters:
                # (each check only for the spaces it reads: most parameters are a range or a list)
                if p.low is not None and p.high is not None:
                    yield from self._bounds(study, p)
                if p.space is _NORMAL or p.space is _BETA:
                    yield from self._spread(p)
                if p.probabilities:
                    yield from self._probabilities(p)

    # --- low / high / q -------------------------------------------------------------------------

    def _bounds(self, study: Study, p: Parameter) -> Iterator[Finding]:
        if p.space not in _RANGES or p.low is None or p.high is None:
            return
        low, high = number(p.low), number(p.high)
        if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
            return
        if low < high and not (p.log and not p.exponent_bounds and low <= 0):
            if p.q is not None:  # the usual case, a valid range: only its step to check
                yield from self._q(study, p, low, high)
            return
        span = p.low.span.cover(p.high.span)
        lo, hi = _text(p.low, low), _text(p.high, high)
        dialect = dialect_of(study)
        if low > high or (low == high and dialect.rejects_equal_bounds):
            what = "greater than" if low > high else "equal to"
            yield Finding.split(
                span,
                f"{p.name}: the lower bound {lo} is {what} the upper bound {hi}, so there is nothing to "
                f"sample{f' ({dialect.tool} reports it as a schema violation)' if dialect.validates_schema else ''}; "
                f"{'swap them' if low > high else 'widen the range, or make it a constant'}",
            )
            return
        if p.space is _INT and not p.high_inclusive and high <= low:
            yield Finding.split(
                span,
                f"{p.name}: the upper bound {hi} is excluded, so the range {lo} .. {hi} holds no integer; "
                f"raise the upper bound to at least {_fmt(low + 1)}",
            )
            return
        if p.log and not p.exponent_bounds and low <= 0:
            yield Finding.split(
                p.low.span,
                f"{p.name} is searched on a log scale, which needs a positive lower bound, but it is {lo}"
                f"{f' ({dialect.tool} requires min > 0)' if dialect.validates_schema else ''}; start the range at the smallest "
                f"value worth trying, e.g. {_smallest(p, high)}",
            )
        if p.q is not None:
            yield from self._q(study, p, low, high)

    def _q(self, study: Study, p: Parameter, low: float, high: float) -> Iterator[Finding]:
        q = number(p.q)
        if q is None or not math.isfinite(q):
            return
        step = _text(p.q, q)
        if q <= 0:
            yield Finding.split(p.q.span, f"{p.name}: q (the step) must be positive, not {step}")
            return
        semantics = dialect_of(study).step_semantics
        if semantics == "multiple" and study.method is not None and study.method.kind is MethodKind.GRID:
            # A grid enumerates min, min + q, ... up to max: always inside the bounds.
            return
        if semantics == "multiple" and not p.exponent_bounds and math.isfinite(low / q) and math.isfinite(high / q):
            # Every draw is round(x / q) * q: the extremes are the rounded bounds.
            first, last = round(low / q) * q, round(high / q) * q
            outside = []
            if first < low - 1e-12 * max(1.0, abs(low)):
                outside.append(f"{_fmt(first)} (below {_text(p.low, low)})")
            if last > high + 1e-12 * max(1.0, abs(high)):
                outside.append(f"{_fmt(last)} (above {_text(p.high, high)})")
            if outside:
                yield Finding.split(
                    p.q.span,
                    f"{p.name}: values are rounded to multiples of q={step}, and the bounds are not "
                    f"multiples of it, so the search can return {' and '.join(outside)}; use bounds that "
                    f"are multiples of {step}",
                )
        elif semantics == "offset":
            steps = (high - low) / q
            if math.isfinite(steps) and not _whole(steps):  # (a step of 5e-324 makes steps infinite)
                last = low + math.floor(steps + 1e-9) * q
                yield Finding.split(
                    p.q.span,
                    f"{p.name}: the range {_text(p.low, low)} .. {_text(p.high, high)} is not a whole number of "
                    f"steps of {step}, so the upper bound is never tried (the last value is {_fmt(last)}); "
                    f"make the range a multiple of the step",
                    severity=Severity.WARNING,  # the tool runs it (and warns); only the top value is lost
                )

    # --- sigma, beta a/b -------------------------------------------------------------------------

    def _spread(self, p: Parameter) -> Iterator[Finding]:
        if p.space is Space.NORMAL and p.sigma is not None:
            sigma = number(p.sigma)
            if sigma is not None and sigma < 0:
                yield Finding.split(p.sigma.span, f"{p.name}: sigma (a standard deviation) cannot be negative, "
                                            f"but it is {_text(p.sigma, sigma)}; write {_fmt(-sigma)}")
        if p.space is Space.BETA:
            for label, lit in (("a", p.alpha), ("b", p.beta)):
                value = number(lit)
                if lit is not None and value is not None and value <= 0:
                    yield Finding.split(lit.span, f"{p.name}: the beta distribution's {label} must be positive, "
                                            f"but it is {_text(lit, value)}")

    # --- categorical probabilities ---------------------------------------------------------------

    def _probabilities(self, p: Parameter) -> Iterator[Finding]:
        if not p.probabilities or p.space is not Space.CATEGORICAL:
            return
        span = p.probabilities[0].span.cover(p.probabilities[-1].span)
        if len(p.probabilities) != len(p.values):
            yield Finding.split(
                span,
                f"{p.name} has {len(p.values)} value{'s' if len(p.values) != 1 else ''} but "
                f"{len(p.probabilities)} probabilit{'ies' if len(p.probabilities) != 1 else 'y'}; "
                f"give exactly one probability per value",
            )
            return
        numbers = []
        for lit in p.probabilities:
            value = number(lit)
            if value is None or not math.isfinite(value):
                yield Finding.split(lit.span, f"{p.name}: the probability {lit.text or lit.value!r} is not a number")
                return
            if value < 0:
                yield Finding.split(lit.span, f"{p.name}: the probability {_text(lit, value)} is negative")
                return
            numbers.append(value)
        total = math.fsum(numbers)
        if abs(total - 1.0) > _ATOL + _RTOL:
            yield Finding.split(
                span,
                f"{p.name}: the probabilities sum to {total:.6g}, not 1; scale them so that they add up to 1",
            )
