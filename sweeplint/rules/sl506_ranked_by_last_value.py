"""SL506: trials are ranked by their last logged value where their best value was meant."""

from __future__ import annotations

import math
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule

LAST_SHARE = 0.8   # the share of curves whose reported value is their last point: the tool ranks by the last value


class RankedByLastValue(Rule):
    code = "SL506"
    name = "ranked-by-last-value"
    severity = Severity.WARNING
    formats = ()  # judges results (`sweeplint results`), never a config

    def check(self, ctx: Context) -> Iterator[Finding]:
        round_ = ctx.extras.get("results")
        if round_ is None:
            return
        from sweeplint.results.analysis import fmt

        maximize = round_.results.goal == "maximize"
        pick = max if maximize else min
        curves = []
        for trial in round_.ranked():
            if len(trial.history) < round_.limits.min_steps:
                continue
            finite = [(s, v) for s, v in trial.history if math.isfinite(v)]
            if len(finite) >= round_.limits.min_steps:
                curves.append((trial, finite))
        if len(curves) < 2:
            return
        last = sum(1 for t, c in curves if math.isclose(t.value, c[-1][1], rel_tol=1e-9, abs_tol=1e-12))
        if last < LAST_SHARE * len(curves):
            return
        first, _ = curves[0]
        peak_of = {t.label: pick(c, key=lambda p: p[1]) for t, c in curves}
        by_peak = pick(curves, key=lambda tc: peak_of[tc[0].label][1])[0]
        if by_peak is first or peak_of[by_peak.label][1] == peak_of[first.label][1]:
            return
        step, value = peak_of[by_peak.label]
        yield Finding.split(round_.span, (f"{first.label} ranks first by its last value ({fmt(first.value)}), but "
                                    f"{by_peak.label} reached {fmt(value)} at step {step}: trials are ranked by their "
                                    f"last logged value, and {by_peak.label} ended at {fmt(by_peak.value)}"), path=round_.path)
