"""The smallest study in which a family is worth tuning: data in rules/knowledge/trial_budgets.yaml."""

from __future__ import annotations

from functools import lru_cache

from sweeplint.knowledge import shipped_data
from sweeplint.records import record
from sweeplint.settings import ConfigError

_SHOWN = "rules/knowledge/trial_budgets.yaml"


@record(frozen=True)
class TrialBudget:
    """The fewest trials in which tuning a family pays."""

    family: str
    fewest: int          # the fewest trials in which the family is tuned
    when: str            # "from 10 trials on", for messages

    def too_small(self, trials: float) -> bool:
        return trials < self.fewest


@lru_cache(maxsize=1)
def load_trial_budgets() -> dict[str, TrialBudget]:
    data = shipped_data("trial_budgets.yaml")
    if not isinstance(data, dict):
        raise ConfigError(f"{_SHOWN}: must map families to their smallest study")
    found = {}
    for family, spec in data.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("when"), str) or len(set(spec) & {"at_least", "more_than"}) != 1:
            raise ConfigError(f"{_SHOWN}: {family} needs `when` and exactly one of at_least, more_than")
        unknown = set(spec) - {"at_least", "more_than", "when"}
        if unknown:
            raise ConfigError(f"{_SHOWN}: {family}: unknown key {sorted(unknown)[0]!r}")
        count = spec.get("at_least", spec.get("more_than"))
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ConfigError(f"{_SHOWN}: {family}: the trial count must be a positive integer")
        fewest = count if "at_least" in spec else count + 1
        found[str(family)] = TrialBudget(str(family), fewest, spec["when"].strip())
    return found
