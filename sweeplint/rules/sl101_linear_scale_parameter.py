from __future__ import annotations

import math
from typing import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Space, number
from sweeplint.rule import Context, Rule

MIN_DECADES = 1.5
# A range this wide is searched badly on a linear scale whatever the parameter is called.
ANY_NAME_DECADES = 3.0

# How each tool spells "the same range, on a log scale".
LOG_SPELLING = {
    "wandb": "distribution: log_uniform_values",
    "hydra-optuna": "tag(log, interval(low, high))",
    "hydra-ax": "log_scale: true",
    "hydra-nevergrad": "tag(log, interval(low, high))",
    "optuna": "suggest_float(..., log=True) with no step, which Optuna refuses on a log scale",
    "ray": "tune.loguniform(low, high)",
    "katib": "feasibleSpace.distribution: logUniform",
    "determined": "type: log with exponent bounds",
    "nni": "_type: loguniform",
}


def log_spelling(fmt: str) -> str:
    return LOG_SPELLING.get(fmt, "a log-uniform distribution")


class LinearScaleParameter(Rule):
    code = "SL101"
    name = "linear-scale-parameter"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            for p in study.parameters:
                if p.log or p.space not in (Space.UNIFORM, Space.QUANTIZED) or p.low is None or p.high is None:
                    continue
                low, high = number(p.low), number(p.high)
                if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)) or not 0 <= low < high:
                    continue
                family = ctx.knowledge.family_of(p.name)
                known = family is not None and family.log_scale
                what = f"{p.name} ({family.title})" if known else p.name
                spelling = log_spelling(study.format)
                if low == 0:
                    if known:
                        yield Finding(p.low.span.cover(p.high.span), _from_zero(what, high, spelling))
                    continue
                decades = math.log10(high / low)
                if decades < MIN_DECADES:
                    continue
                if not known:
                    # A name the knowledge base does not know: only a very wide range says "scale". A
                    # known linear family (momentum, dropout, counts) is never advised a log scale.
                    if family is not None or decades < ANY_NAME_DECADES:
                        continue

                top = (high - high / 10) / (high - low)
                yield Finding(
                    p.low.span.cover(p.high.span),
                    f"{what} is searched on a linear scale over {_fmt(low)} .. {_fmt(high)} "
                    f"({'' if known else 'the range spans '}{decades:.1f} decades): {top:.0%} of trials land in the top decade and the small values are "
                    f"barely tried; search it on a log scale ({spelling})",
                )


def _from_zero(what: str, high: float, spelling: str) -> str:
    return (f"{what} is searched on a linear scale from 0 to {_fmt(high)}: a linear range from 0 spends 90% of trials "
            f"in the top decade ({_fmt(high / 10)} .. {_fmt(high)}) and never tries the small values; search it on a "
            f"log scale ({spelling}), which needs a positive lower bound such as {_fmt(high / 1e4)}")


def _fmt(value: float) -> str:
    return f"{value:g}"


