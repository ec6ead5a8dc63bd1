"""SL505: hardly any trial lies near the best one, so its value rests on a single draw."""

from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule


class TooFewTrialsNearBest(Rule):
    code = "SL505"
    name = "too-few-trials-near-best"
    severity = Severity.INFO
    formats = ()  # judges results (`sweeplint results`), never a config

    def check(self, ctx: Context) -> Iterator[Finding]:
        round_ = ctx.extras.get("results")
        if round_ is None or not round_.enough():
            return
        ranked = round_.ranked()
        best = ranked[0]
        axes = [(s, round_.position(s, best)) for s in round_.searched]
        axes = [(s, x) for s, x in axes if x is not None]
        if not axes:
            return
        # "near": a box around the best holding `near_radius` of the numeric space's volume, so the
        # expected count of random trials near it does not shrink as dimensions are added
        half = round_.limits.near_radius ** (1 / len(axes)) / 2
        near = []
        for trial in ranked[1:]:
            positions = [round_.position(s, trial) for s, _ in axes]
            if all(p is not None and abs(p - x) <= half for p, (_, x) in zip(positions, axes)):
                near.append(trial)
        if len(near) < round_.limits.min_near:
            listed = ", ".join(t.label for t in near) or "none"
            yield Finding.split(round_.span, (f"only {len(near)} of {len(ranked) - 1} other trials lie near the best trial "
                                        f"{best.label} (within {half:.0%} of every searched range, on its scale: {listed}); "
                                        f"its value rests on too few draws to trust"), path=round_.path)
