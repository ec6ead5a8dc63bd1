"""What both Optuna storages share: distributions as JSON, and internal parameter values.

Optuna stores every distribution as JSON, `{"name": "FloatDistribution", "attributes": {...}}`
(older studies: UniformDistribution, LogUniformDistribution, IntUniformDistribution...), and every
parameter value in its internal float form (a categorical choice as its index).
"""

from __future__ import annotations

import json

from sweeplint.model import NOWHERE, Lit, Parameter, Space

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

_LEGACY = {  # old distribution names: (space, log, integer)
    "UniformDistribution": (Space.UNIFORM, False, False),
    "LogUniformDistribution": (Space.UNIFORM, True, False),
    "DiscreteUniformDistribution": (Space.QUANTIZED, False, False),
    "IntUniformDistribution": (Space.INT, False, True),
    "IntLogUniformDistribution": (Space.INT, True, True),
}

STATES = {0: "running", 1: "complete", 2: "pruned", 3: "failed", 4: "running",
          "RUNNING": "running", "COMPLETE": "complete", "PRUNED": "pruned", "FAIL": "failed", "WAITING": "running"}


def parameter(name: str, distribution_json: Any) -> Parameter | None:
    """The common model's parameter for one stored distribution; None when it cannot be read."""
    try:
        data = json.loads(distribution_json) if isinstance(distribution_json, str) else distribution_json
        kind, attrs = data["name"], data["attributes"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(attrs, dict):
        return None
    if kind == "CategoricalDistribution":
        choices = attrs.get("choices")
        if not isinstance(choices, list):
            return None
        return Parameter(name, Space.CATEGORICAL, NOWHERE, NOWHERE, distribution=kind,
                         values=tuple(Lit(c, NOWHERE) for c in choices))
    if kind in ("FloatDistribution", "IntDistribution"):
        integer = kind == "IntDistribution"
        log = bool(attrs.get("log"))
        step = attrs.get("step")
        space = Space.INT if integer else (Space.QUANTIZED if step not in (None, 0) else Space.UNIFORM)
    elif kind in _LEGACY:
        space, log, integer = _LEGACY[kind]
        step = attrs.get("q")
    else:
        return None
    low, high = attrs.get("low"), attrs.get("high")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)):
        return None
    return Parameter(name, space, NOWHERE, NOWHERE, distribution=kind, low=Lit(low, NOWHERE), high=Lit(high, NOWHERE),
                     q=Lit(step, NOWHERE) if isinstance(step, (int, float)) and space is Space.QUANTIZED else None,
                     log=log, integer=integer)


def external(param: Parameter | None, internal: Any) -> Any:
    """A stored internal value as the trial saw it: a categorical index becomes its choice."""
    if param is None or internal is None:
        return internal
    if param.space is Space.CATEGORICAL:
        try:
            return param.values[int(internal)].value
        except (ValueError, TypeError, IndexError, OverflowError):
            return None
    if param.integer and isinstance(internal, float) and internal.is_integer():
        return int(internal)
    return internal
