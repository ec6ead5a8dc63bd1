from __future__ import annotations

import math
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.fixes import Applicability, replace
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import Parameter, Space, Study, number
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`Space.INT`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the tests run for every parameter use these.
_STEPPED = (Space.INT, Space.QUANTIZED)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:g}"


def _step(p: Parameter) -> float | None:
    q = number(p.q) if p.q is not None else 1.0
    return q if q is not None and math.isfinite(q) and q > 0 else None


def _on_grid(low: float, high: float, step: float) -> bool:
    steps = (high - low) / step
    return abs(steps - round(steps)) <= 1e-9 * max(1.0, abs(steps))


def _round(x: float) -> bool:
    if x == 0:
        return False
    ax = abs(x)
    if float(ax).is_integer():
        n = int(ax)
        if (n >= 2 and n & (n - 1) == 0) or n % 5 == 0:
            return True
    mantissa = ax / 10 ** math.floor(math.log10(ax))
    return any(abs(mantissa - c) < 1e-9 for c in (1.0, 2.0, 5.0))


def _tried(low: float, high: float, step: float) -> str:
    count = round((high - low) / step)
    if count <= 6:
        return ", ".join(_fmt(round(low + i * step, 12)) for i in range(count))
    return f"{_fmt(low)}, {_fmt(round(low + step, 12))}, ..., {_fmt(round(high - step, 12))}"


class ExclusiveUpperBound(Rule):
    code = "SL106"
    name = "exclusive-upper-bound"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            for p in study.parameters:
                finding = self._check(study, p)
                if finding is not None:
                    yield finding

    def _check(self, study: Study, p: Parameter) -> Finding | None:
        if p.high_inclusive or p.space not in _STEPPED or p.low is None or p.high is None:
            return None
        low, high, step = number(p.low), number(p.high), _step(p)
        if low is None or high is None or step is None or not (math.isfinite(low) and math.isfinite(high)):
            return None
        # Ranges that hold nothing or one value are SL004's and SL105's findings.
        if high <= low + step:
            return None
        # The excluded bound would not be tried anyway when it is off the step grid.
        if not _on_grid(low, high, step):
            return None
        # A range from 0 to n is the usual way to ask for n values (Python's range(n)); a range that
        # starts elsewhere reads as "from a to b", and b is then left out.
        if low == 0:
            return None
        # A round upper bound (a power of two, a multiple of 5, 1/2/5 times a power of ten) is the value
        # people name when they mean it; `range(1, 6)` or `randint(1, 11)` already add the one.
        if not _round(high):
            return None
        hi = p.high.text or _fmt(high)
        raised = _fmt(round(high + step, 12))
        # the tool's own spelling of the excluded-upper-bound range, to show the fix in its words
        spelling = dialect_of(study).spell_exclusive_range(p.low.text or _fmt(low), raised, p.distribution)
        fix = f"write {spelling}" if spelling else f"raise the upper bound to {raised}"
        return Finding.split(
            p.high.span,
            f"{p.name}: the upper bound {hi} is excluded, so the search tries {_tried(low, high, step)} and never "
            f"{hi}; if {hi} was meant to be tried, {fix}",
            # the bound raised by one step: unsafe, as it adds a value to the search
            fix=replace(p.high.span, raised, f"Raise the upper bound to {raised}", Applicability.UNSAFE)
            if p.high.text is not None and p.high.text.strip().lstrip("-").replace(".", "", 1).isdigit()
            and not p.linked_from else None,
        )
