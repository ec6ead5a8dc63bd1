"""The results rules' thresholds: `[tool.sweeplint.results]`, with these documented defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sweeplint.settings import ConfigError


@dataclass(frozen=True)
class Thresholds:
    min_trials: int = 10              # completed trials below which no statistical rule judges a study
    top_trials: int = 5               # how many of the best trials count as "the best trials"
    boundary_fraction: float = 0.1    # the outer part of a range, as a fraction of its width on its scale (SL501)
    boundary_share: float = 0.6       # the share of the best trials that must sit in one outer part (SL501)
    infeasible_fraction: float = 0.2  # failed or non-finite trials above this share are reported (SL502)
    early_peak: float = 0.5           # the best step before this fraction of training counts as early (SL503)
    late_improvement: float = 0.9     # the best step at or after this fraction counts as still improving (SL503)
    min_steps: int = 5                # intermediate values a trial needs for its curve to be judged (SL503, SL504)
    noise_steps: int = 5              # the last steps whose spread estimates the noise (SL504)
    near_radius: float = 0.1          # "near" the best: within this fraction of every range on its scale (SL505)
    min_near: int = 2                 # trials near the best below which it rests on too few draws (SL505)


def thresholds(settings) -> Thresholds:
    table = getattr(settings, "results", None) or {}
    known = {f.name.replace("_", "-"): f for f in fields(Thresholds)}
    values = {}
    for key, value in table.items():
        found = known.get(str(key)) or known.get(str(key).replace("_", "-"))
        if found is None:
            raise ConfigError(f"results: unknown threshold {key!r}; known: {', '.join(sorted(known))}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"results: {key} must be a non-negative number, not {value!r}")
        values[found.name] = int(value) if found.type in ("int", int) else float(value)
    return Thresholds(**values)
