"""The rule catalogue: one module per rule, discovered by name (`sl<code>_<name>.py`).

`all_rules()` imports every rule module; the engine, selection and documentation read
`rule_index()` instead (sweeplint.rules.registry), which imports none."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from sweeplint.rule import Rule


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class, sorted by code."""
    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("sl"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.__module__ == module.__name__:
                found.append(value)
    return tuple(sorted(found, key=lambda r: r.code))


def rule_index():
    """Every rule as a RuleInfo (code, name, severity, formats...), without importing rule modules."""
    from sweeplint.rules.registry import rule_index as index

    return index()


def by_code() -> dict[str, type[Rule]]:
    return {r.code: r for r in all_rules()}
