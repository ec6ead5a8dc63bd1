from __future__ import annotations

import math
from typing import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Space, number
from sweeplint.rule import Context, Rule

MIN_DECADES = 1.5

# How each tool spells "the same range, on a log scale".
LOG_SPELLING = {
    "wandb": "distribution: log_uniform_values",
    "hydra-optuna": "tag(log, interval(low, high))",
    "hydra-ax": "log_scale: true",
    "hydra-nevergrad": "tag(log, interval(low, high))",
    "optuna": "suggest_float(..., log=True)",
    "ray": "tune.loguniform(low, high)",
    "katib": "feasibleSpace.distribution: logUniform",
    "determined": "type: log with exponent bounds",
    "nni": "_type: loguniform",
}


class LinearScaleParameter(Rule):
    code = "SL101"
    name = "linear-scale-parameter"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            for p in study.parameters:
                if p.log or p.space not in (Space.UNIFORM, Space.QUANTIZED):
                    continue
                family = ctx.knowledge.family_of(p.name)
                if family is None or not family.log_scale:
                    continue
                low, high = number(p.low), number(p.high)
                if low is None or high is None or not 0 < low < high:
                    continue
                decades = math.log10(high / low)
                if decades < MIN_DECADES:
                    continue
                top = (high - high / 10) / (high - low)
                spelling = LOG_SPELLING.get(study.format, "a log-uniform distribution")
                yield Finding(
                    p.low.span.cover(p.high.span),
                    f"{p.name} ({family.name.replace('_', ' ')}) is searched on a linear scale over "
                    f"{_fmt(low)} .. {_fmt(high)} ({decades:.1f} decades): {top:.0%} of trials land in the top "
                    f"decade and the small values are barely tried; search it on a log scale ({spelling})",
                )


def _fmt(value: float) -> str:
    return f"{value:g}"
