"""The rule catalogue: one module per rule, discovered by name (`sl<code>_<name>.py`).

`all_rules()` imports every rule module; the engine, selection and documentation read
`rule_index()` instead, which imports none. Both live in sweeplint.rules.registry and are
reached here on first use, so importing a rule module (or running the registry's table writer)
does not load the registry first."""

from __future__ import annotations

_FROM_REGISTRY = ("all_rules", "by_code", "rule_index")


def __getattr__(name: str):
    if name in _FROM_REGISTRY:
        from sweeplint.rules import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
