"""A round of results set against its search space: what the SL5xx rules look at.

`Round` pairs each searched parameter (bounds and scale from the space config when one is given,
else from the storage) with where a finding about it should point, and offers the few measures
the rules share: positions on a parameter's scale, the best trials, the noise of a curve.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from sweeplint.model import NOWHERE, Parameter, Space, Span, number
from sweeplint.results.model import ResultSet, Trial
from sweeplint.results.thresholds import Thresholds


@dataclass(frozen=True)
class Searched:
    parameter: Parameter
    key: str            # the name trials store the value under
    path: str           # where findings about it point: the space config, or the storage
    span: Span

    def position(self, value) -> float | None:
        """Where a value sits in the range, 0 at low and 1 at high, on the parameter's scale."""
        p = self.parameter
        low, high = number(p.low), number(p.high)
        if p.space not in (Space.UNIFORM, Space.INT, Space.QUANTIZED) or low is None or high is None or high <= low:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return None
        if p.log:
            if low <= 0 or value <= 0:
                return None
            low, high, value = math.log(low), math.log(high), math.log(value)
        return (value - low) / (high - low)

    def at(self, position: float) -> float:
        """The value at a position on the scale (for messages)."""
        low, high = number(self.parameter.low), number(self.parameter.high)
        if self.parameter.log:
            return math.exp(math.log(low) + position * (math.log(high) - math.log(low)))
        return low + position * (high - low)


@dataclass
class Round:
    results: ResultSet
    searched: tuple[Searched, ...]
    path: str                  # where study-wide findings point
    span: Span
    limits: Thresholds
    _ranked: list | None = None
    _positions: dict = field(default_factory=dict)

    def ranked(self) -> list[Trial]:
        if self._ranked is None:   # every rule asks; sorting 10,000 trials once is enough
            self._ranked = self.results.ranked()
        return self._ranked

    def position(self, searched: Searched, trial: Trial) -> float | None:
        """`searched.position` of the trial's value, computed once per trial and parameter."""
        cache = self._positions.setdefault(searched.key, {})
        if id(trial) not in cache:
            cache[id(trial)] = searched.position(trial.params.get(searched.key))
        return cache[id(trial)]

    def top(self) -> list[Trial]:
        return self.ranked()[: max(1, self.limits.top_trials)]

    def enough(self) -> bool:
        return sum(1 for t in self.results.trials if t.usable) >= self.limits.min_trials


def make_round(results: ResultSet, limits: Thresholds, space_file=None, study=None) -> Round:
    """Searched parameters from the space config's study when given (bounds as designed, findings
    at its lines), else from the storage's own distributions (findings at the storage file)."""
    stored = {p.name: p for p in results.parameters}
    seen_keys = {k for t in results.trials[:1000] for k in t.params}
    searched = []
    if study is not None:
        for p in study.varied:
            key = p.name if p.name in seen_keys or p.name in stored else next(
                (k for k in sorted(seen_keys) if k.rsplit(".", 1)[-1] == p.leaf), p.name)
            searched.append(Searched(p, key, space_file, p.key_span))
        span = study.objective.span if study.objective is not None else study.span
        return Round(results, tuple(searched), space_file, span, limits)
    for p in stored.values():
        searched.append(Searched(p, p.name, results.path, NOWHERE))
    return Round(results, tuple(searched), results.path, NOWHERE, limits)


def late_noise(trial: Trial, steps: int) -> float | None:
    """How much one reading of a curve wobbles, from its last `steps` values: the median size of
    their second differences, scaled to a standard deviation (for independent noise of spread s a
    second difference has spread s*sqrt(6); 1.4826 turns a median into a spread). The median lets a
    curve bend once, as when it levels off, without that bend counting as noise."""
    tail = [v for _, v in trial.history[-steps:] if math.isfinite(v)]
    if len(tail) < max(3, steps):
        return None
    second = [abs(tail[i - 1] - 2 * tail[i] + tail[i + 1]) for i in range(1, len(tail) - 1)]
    return statistics.median(second) * 1.4826 / math.sqrt(6)


def names(trials: list[Trial], limit: int = 5) -> str:
    shown = ", ".join(t.label for t in trials[:limit])
    return shown + (f" and {len(trials) - limit} more" if len(trials) > limit else "")


def fmt(value: float) -> str:
    return f"{value:.3g}"
