"""SL504: the lead of the best configuration over the next is smaller than the noise of one reading."""

from __future__ import annotations

import statistics
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule


class DifferenceWithinNoise(Rule):
    code = "SL504"
    name = "difference-within-noise"
    severity = Severity.INFO
    formats = ()  # judges results (`sweeplint results`), never a config

    def check(self, ctx: Context) -> Iterator[Finding]:
        round_ = ctx.extras.get("results")
        if round_ is None:
            return
        from sweeplint.results.analysis import fmt, late_noise

        ranked = round_.ranked()
        if len(ranked) < 2:
            return
        best = ranked[0]
        config = _configuration(best)
        runner = next((t for t in ranked[1:] if _configuration(t) != config), None)
        if runner is None:
            return
        estimates = []
        seeds = _seed_spread(ranked)
        if seeds is not None:
            estimates.append((seeds, "the spread between seeds of one configuration"))
        curves = [n for n in (late_noise(t, round_.limits.noise_steps) for t in (best, runner)) if n is not None]
        if curves:
            estimates.append((max(curves), f"the wobble of the last {round_.limits.noise_steps} steps of their curves"))
        if not estimates:
            return
        noise, source = max(estimates, key=lambda e: e[0])
        gap = abs(best.value - runner.value)
        if gap < noise:
            yield Finding.split(round_.span, (f"the best trial {best.label} ({fmt(best.value)}) leads {runner.label} "
                                        f"({fmt(runner.value)}) by {fmt(gap)}, less than the noise of one reading "
                                        f"({fmt(noise)}); the noise is {source}, so the ranking of the leaders is not settled"),
                          path=round_.path)


def _configuration(trial) -> tuple:
    """The trial's parameters without its seeds: what makes it a configuration."""
    return tuple(sorted((k, repr(v)) for k, v in trial.params.items() if "seed" not in k.lower()))


def _seed_spread(ranked) -> float | None:
    """The pooled standard deviation of configurations run more than once (with different seeds)."""
    groups: dict[tuple, list[float]] = {}
    for trial in ranked:
        groups.setdefault(_configuration(trial), []).append(trial.value)
    repeated = [g for g in groups.values() if len(g) > 1]
    if not repeated:
        return None
    pooled = sum(statistics.variance(g) * (len(g) - 1) for g in repeated) / sum(len(g) - 1 for g in repeated)
    return pooled ** 0.5
