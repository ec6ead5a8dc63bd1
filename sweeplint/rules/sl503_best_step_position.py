"""SL503: the best trials peak early in training, or are still improving when it stops."""

from __future__ import annotations

import math
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule

DECLINE = 0.1   # after an early peak, the curve ends at least this share of its range worse


class BestStepPosition(Rule):
    code = "SL503"
    name = "best-step-position"
    severity = Severity.WARNING
    formats = ()  # judges results (`sweeplint results`), never a config

    def check(self, ctx: Context) -> Iterator[Finding]:
        round_ = ctx.extras.get("results")
        if round_ is None:
            return
        from sweeplint.results.analysis import names

        limits = round_.limits
        maximize = round_.results.goal == "maximize"
        early, late, judged = [], [], 0
        for trial in round_.top():
            curve = [(s, v) for s, v in trial.history if math.isfinite(v)]
            if len(curve) < limits.min_steps:
                continue
            judged += 1
            values = [v for _, v in curve]
            spread = max(values) - min(values)
            if spread == 0:
                continue  # a flat curve peaks nowhere
            index = max(range(len(curve)), key=lambda i: curve[i][1] if maximize else -curve[i][1])
            fraction = index / (len(curve) - 1)
            # an early peak counts when the curve then gets clearly worse, not when it just levels off
            if fraction < limits.early_peak and abs(values[-1] - values[index]) >= DECLINE * spread:
                early.append((trial, curve[index][0], curve[-1][0]))
            elif fraction >= limits.late_improvement:
                late.append((trial, curve[index][0], curve[-1][0]))
        if judged < 2:
            return
        if len(early) > judged / 2:
            steps = ", ".join(f"{t.label} at step {s} of {last}" for t, s, last in early[:3])
            yield Finding.split(round_.span, (f"{len(early)} of the {judged} best trials peak before "
                                        f"{limits.early_peak:.0%} of training ({steps}); training runs longer than "
                                        f"it helps, or overfits"), path=round_.path)
        elif len(late) > judged / 2:
            yield Finding.split(round_.span, (f"{len(late)} of the {judged} best trials are still improving when training "
                                        f"stops (their best value is in the last {1 - limits.late_improvement:.0%} of "
                                        f"steps: {names([t for t, _, _ in late])}); training may be too short"),
                          path=round_.path)
