"""Warm-up and training lengths by unit: data in rules/knowledge/lengths.yaml, validated on load."""

from __future__ import annotations

from functools import lru_cache

from sweeplint.knowledge import normalise, shipped_data
from sweeplint.records import record
from sweeplint.settings import ConfigError

_SHOWN = "rules/knowledge/lengths.yaml"


@record(frozen=True)
class Lengths:
    """What the knowledge base says about training lengths and warm-ups."""

    max_share: float
    fractions: frozenset[str]    # the tables hold names as `key` gives them
    warmups: dict[str, str]      # warm-up name -> unit
    trainings: dict[str, str]    # training-length name -> unit

    @staticmethod
    def key(name: str) -> str:
        """A parameter's name as the tables hold it (a rule works it out once per parameter)."""
        return normalise(name)


def _names(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{_SHOWN}: {where} must be a list of names")
    return [normalise(v) for v in value]


@lru_cache(maxsize=1)
def load_lengths() -> Lengths:
    data = shipped_data("lengths.yaml")
    if not isinstance(data, dict):
        raise ConfigError(f"{_SHOWN}: must be a mapping")
    share = data.get("max_share")
    if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 < share < 1:
        raise ConfigError(f"{_SHOWN}: max_share must be a number between 0 and 1")
    units = data.get("units")
    if not isinstance(units, dict):
        raise ConfigError(f"{_SHOWN}: units must map each unit to its warmup and training names")
    warmups: dict[str, str] = {}
    trainings: dict[str, str] = {}
    for unit, spec in units.items():
        if not isinstance(spec, dict) or set(spec) != {"warmup", "training"}:
            raise ConfigError(f"{_SHOWN}: units.{unit} must have exactly the keys warmup and training")
        warmups.update((n, unit) for n in _names(spec["warmup"], f"units.{unit}.warmup"))
        trainings.update((n, unit) for n in _names(spec["training"], f"units.{unit}.training"))
    return Lengths(float(share), frozenset(_names(data.get("fractions"), "fractions")), warmups, trainings)
