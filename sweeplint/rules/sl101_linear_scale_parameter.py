from __future__ import annotations

import math
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.fix_builders import log_scale_fix
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import Lit, Opaque, Space, number
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`Space.INT`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the tests run for every parameter use these.
_LINEAR_RANGES = (Space.UNIFORM, Space.QUANTIZED)

MIN_DECADES = 1.5
# A range this wide is searched badly on a linear scale whatever the parameter is called.
ANY_NAME_DECADES = 3.0


class LinearScaleParameter(Rule):
    code = "SL101"
    name = "linear-scale-parameter"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            for p in study.parameters:
                if p.log or p.space not in _LINEAR_RANGES or p.low is None or p.high is None:
                    continue
                low, high = number(p.low), number(p.high)
                if low is None or high is None:
                    relative = relative_bounds(p.low, p.high)
                    if relative is not None:
                        yield from self._relative(ctx, study, p, *relative)
                    continue
                if not (math.isfinite(low) and math.isfinite(high)) or not 0 <= low < high:
                    continue
                family = ctx.knowledge.family_of(p.name)
                known = family is not None and family.log_scale
                what = f"{p.name} ({family.title})" if known else p.name
                if low == 0:
                    if known:
                        message, fix = _from_zero(what, high, dialect_of(study).log_scale_spelling)
                        yield Finding(p.low.span.cover(p.high.span), message, help=fix)
                    continue
                decades = math.log10(high / low)
                if decades < MIN_DECADES:
                    continue
                if not known:
                    # A name the knowledge base does not know: only a very wide range says "scale". A
                    # known linear family (momentum, dropout, counts) is never advised a log scale.
                    if family is not None or decades < ANY_NAME_DECADES:
                        continue

                spelling = dialect_of(study).log_scale_spelling   # "the same range, on a log scale" in its words
                top = (high - high / 10) / (high - low)
                yield Finding(
                    p.low.span.cover(p.high.span),
                    f"{what} is searched on a linear scale over {_fmt(low)} .. {_fmt(high)} "
                    f"({'' if known else 'the range spans '}{decades:.1f} decades)",
                    help=f"Search it on a log scale ({spelling}): on a linear scale {top:.0%} of trials land in the top "
                         f"decade and the small values are barely tried.",
                    fix=log_scale_fix(ctx.file.text, ctx.file.path, dialect_of(study), p),
                )


    def _relative(self, ctx: Context, study, p, base: str, ratio: float) -> Iterator[Finding]:
        """Bounds written around one value the code computes (`base / 10` .. `base * 10`): the value is
        unknown, but the ratio of the bounds, and so the number of decades searched, is not."""
        family = ctx.knowledge.family_of(p.name)
        if family is None or not family.log_scale:
            return  # only a known scale family: the base could be negative or the name a linear one
        decades = math.log10(ratio)
        if decades < MIN_DECADES:
            return
        top = 0.9 / (1 - 1 / ratio)
        yield Finding(
            p.low.span.cover(p.high.span),
            f"{p.name} ({family.title}) is searched on a linear scale from {p.low.text or p.low.value} to "
            f"{p.high.text or p.high.value}, a ratio of {ratio:g} ({decades:.1f} decades) whatever {base} is",
            help=f"Search it on a log scale ({dialect_of(study).log_scale_spelling}): on a linear scale {top:.0%} of "
                 f"trials land in the top decade and the small values are barely tried.",
            fix=log_scale_fix(ctx.file.text, ctx.file.path, dialect_of(study), p),
        )


def relative_bounds(low: Lit | None, high: Lit | None) -> tuple[str, float] | None:
    """(base, high / low) when both bounds are one unknown value times a known factor (the reader
    keeps it: `base_lr / 10` and `base_lr * 10` give ("base_lr", 100.0)), else None."""
    if low is None or high is None or not isinstance(low.value, Opaque) or not isinstance(high.value, Opaque):
        return None
    a, b = _scaled(low.value), _scaled(high.value)
    if a is None or b is None or a[0] != b[0] or b[1] <= a[1]:
        return None
    return a[0], b[1] / a[1]


def _scaled(value: Opaque) -> tuple[str, float] | None:
    if value.factor is not None and value.base is not None:
        return value.base, value.factor
    return value.text.strip(), 1.0  # the unknown value itself, as a bound


def _from_zero(what: str, high: float, spelling: str) -> tuple[str, str]:
    """(message, help) for a linear range that starts at 0."""
    return (f"{what} is searched on a linear scale from 0 to {_fmt(high)}",
            f"Search it on a log scale ({spelling}) with a positive lower bound such as {_fmt(high / 1e4)}: a linear "
            f"range from 0 spends 90% of trials in the top decade ({_fmt(high / 10)} .. {_fmt(high)}) and never tries "
            f"the small values.")


def _fmt(value: float) -> str:
    return f"{value:g}"


