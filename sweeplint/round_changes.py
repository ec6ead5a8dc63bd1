"""What changed between two versions of a study, in the common model (for the SL6xx rules).

Format-blind: a parameter is compared by its space (one value, a set of choices, a range on its own
scale), never by how a tool spelled it; exponent bounds are turned into values with the study's base.
Which names are schedule lengths or bookkeeping is data in rules/knowledge/rounds.yaml.
"""

from __future__ import annotations

import math
from functools import lru_cache

from sweeplint.catalogue import data_dir, load_yaml
from sweeplint.knowledge import Knowledge, normalise
from sweeplint.model import Lit, Parameter, Space, Study, number
from sweeplint.records import record
from sweeplint.settings import ConfigError

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

_SHOWN = "rules/knowledge/rounds.yaml"


@record(frozen=True)
class RoundsKnowledge:
    """What the round-to-round rules know about changes between sweep rounds."""

    schedule_lengths: frozenset[str]
    bookkeeping: frozenset[str]
    pipeline_kinds: frozenset[str]
    narrowing_ratio: float
    longer_training: float


def _names(data: dict, key: str) -> frozenset[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{_SHOWN}: {key} must be a list of names")
    return frozenset(normalise(v) for v in value)


def _ratio(data: dict, key: str, low: float, high: float) -> float:
    value = data.get(key)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not low < value < high:
        raise ConfigError(f"{_SHOWN}: {key} must be a number between {low} and {high}")
    return float(value)


@lru_cache(maxsize=1)
def load_rounds() -> RoundsKnowledge:
    data = load_yaml(data_dir() / "knowledge" / "rounds.yaml")
    if not isinstance(data, dict):
        raise ConfigError(f"{_SHOWN}: must be a mapping")
    return RoundsKnowledge(
        _names(data, "schedule_lengths"), _names(data, "bookkeeping"),
        frozenset(str(k) for k in data.get("pipeline_kinds") or ()),
        _ratio(data, "narrowing_ratio", 0, 1), _ratio(data, "longer_training", 1, math.inf),
    )


def leaf(name: str) -> str:
    return normalise(name)


def kind_of(name: str, kb: Knowledge) -> str | None:
    family = kb.family_of(name)
    return family.kind if family is not None else None


def bookkeeping(name: str, kb: Knowledge) -> bool:
    """A setting that records or places a run (paths, project, logging) or seeds it: not a change
    to what is trained."""
    family = kb.family_of(name)
    if family is not None:
        return family.kind in ("seed", "resource")
    words = set(leaf(name).split("_"))
    return bool(words & load_rounds().bookkeeping)


# --- values --------------------------------------------------------------------------------------


def one_value(p: Parameter | None) -> Lit | None:
    """The single value a parameter holds (a constant, or choices that are all the same), else None."""
    if p is None or not p.values:
        return None
    if p.space is Space.CONSTANT or (p.space is Space.CATEGORICAL and not p.varies):
        return p.values[0]
    return None


def same(a: Any, b: Any) -> bool:
    """Equal values, numbers compared as numbers (`1e-3` written as a string under YAML 1.1 too)."""
    x, y = number(Lit(a, _NO_SPAN)), number(Lit(b, _NO_SPAN))
    if x is not None and y is not None and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=0.0)
    if isinstance(a, (list, dict)) or isinstance(b, (list, dict)):
        return a == b
    return type(a) is type(b) and a == b


def shown(lit: Lit | None) -> str:
    if lit is None:
        return "unset"
    if lit.text is not None and not lit.quoted:
        return lit.text
    return repr(lit.value) if isinstance(lit.value, str) else str(lit.value)


def value_range(p: Parameter) -> tuple[float, float] | None:
    """(low, high) of a numeric range on the value scale (exponent bounds raised to their base)."""
    if p.space not in (Space.UNIFORM, Space.INT, Space.QUANTIZED):
        return None
    low, high = number(p.low), number(p.high)
    if low is None or high is None:
        return None
    if p.exponent_bounds:
        base = p.base or math.e
        try:
            low, high = base ** low, base ** high
        except OverflowError:
            return None
    return (low, high) if low <= high else None


def on_log_scale(p: Parameter, kb: Knowledge) -> bool:
    family = kb.family_of(p.name)
    return p.log or p.exponent_bounds or bool(family and family.log_scale)


def searched_values(p: Parameter) -> tuple[Any, ...]:
    return tuple(v.value for v in p.values)


def covers(p: Parameter, value: Any) -> bool:
    """Whether a searched parameter's space can produce `value`."""
    if p.space is Space.CATEGORICAL or (p.space is Space.CONSTANT and p.values):
        return any(same(v.value, value) for v in p.values)
    if p.space in (Space.NORMAL, Space.BETA, Space.UNKNOWN):
        return True  # unbounded, or not known: never claim it was not searched
    bounds = value_range(p)
    x = number(Lit(value, _NO_SPAN))
    if bounds is None or x is None:
        return True
    low, high = bounds
    slack = 1e-9 * max(abs(low), abs(high), 1e-300)
    return low - slack <= x <= high + slack


def describe(p: Parameter) -> str:
    """How a message shows a parameter's space: `0.001`, `{adam, sgd}`, `1e-05..0.1`."""
    single = one_value(p)
    if single is not None:
        return shown(single)
    if p.space is Space.CATEGORICAL:
        return "{" + ", ".join(shown(v) for v in p.values) + "}"
    bounds = value_range(p)
    if bounds is not None:
        if p.exponent_bounds:
            return f"{bounds[0]:.3g}..{bounds[1]:.3g}"
        return f"{shown(p.low)}..{shown(p.high)}"
    return p.distribution or p.space.value


def width(low: float, high: float, log: bool) -> float | None:
    if log:
        if low <= 0 or high <= 0:
            return None
        return math.log(high) - math.log(low)
    return high - low


def searched_names(study: Study) -> dict[str, Parameter]:
    return {p.name: p for p in study.parameters}


_NO_SPAN = None  # Lit positions are never read here
