"""The knowledge base: which names mean which hyperparameter family, and which families interact.

It is data (`rules/knowledge/*.yaml`), validated on load, extended by users through
`[tool.sweeplint.knowledge]` (inline `families`/`interactions` tables, or `files` to read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sweeplint.catalogue import data_dir, load_yaml
from sweeplint.settings import ConfigError

KINDS = (
    "scale", "architecture", "optimizer-choice", "optimizer", "regularizer-strength", "regularizer-toggle",
    "schedule", "training-length", "batch", "seed", "activation", "normalization", "data", "feature-toggle",
)
ROLES = ("scientific", "nuisance", "fixed")
FAMILY_KEYS = ("aliases", "suffixes", "kind", "log_scale", "role", "conditional_on")


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    kind: str
    role: str
    log_scale: bool = False
    aliases: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    conditional_on: tuple[str, ...] = ()


def normalise(name: str) -> str:
    """The part of a dotted parameter name that identifies it: last segment, lower case, `-` as `_`."""
    leaf = name.rsplit(".", 1)[-1].rsplit("/", 1)[-1]
    return leaf.strip().lower().replace("-", "_").lstrip("_")


@dataclass
class Knowledge:
    families: dict[str, Family] = field(default_factory=dict)
    interactions: set[frozenset[str]] = field(default_factory=set)
    _exact: dict[str, str] = field(default_factory=dict)
    _suffixes: list[tuple[str, str]] = field(default_factory=list)

    def add_family(self, family: Family) -> None:
        self.families[family.name] = family
        for alias in family.aliases:
            self._exact[normalise(alias)] = family.name
        self._suffixes = sorted(
            ((normalise(s) if not s.startswith("_") else s.lower(), f.name) for f in self.families.values() for s in f.suffixes),
            key=lambda pair: -len(pair[0]),
        )

    def family_of(self, name: str) -> Family | None:
        """The family a parameter name belongs to; exact aliases win over suffixes."""
        leaf = normalise(name)
        exact = self._exact.get(leaf)
        if exact is not None:
            return self.families[exact]
        for suffix, family in self._suffixes:
            if leaf.endswith(suffix) and leaf != suffix:
                return self.families[family]
        return None

    def interact(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.interactions


def _family(name: str, spec: Any, origin: str) -> Family:
    where = f"{origin}: family {name!r}"
    if not isinstance(spec, dict):
        raise ConfigError(f"{where} must be a mapping")
    for key in spec:
        if key not in FAMILY_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r} (valid: {', '.join(FAMILY_KEYS)})")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    role = spec.get("role", "fixed")
    if role not in ROLES:
        raise ConfigError(f"{where}: role must be one of {', '.join(ROLES)}, not {role!r}")

    def strings(key: str) -> tuple[str, ...]:
        value = spec.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: {key} must be a list of strings")
        return tuple(value)

    log_scale = spec.get("log_scale", False)
    if not isinstance(log_scale, bool):
        raise ConfigError(f"{where}: log_scale must be true or false")
    return Family(name, kind, role, log_scale, strings("aliases"), strings("suffixes"),
                  tuple(v.lower() for v in strings("conditional_on")))


def _merge(kb: Knowledge, families: Any, interactions: Any, origin: str) -> None:
    if families is not None:
        if not isinstance(families, dict):
            raise ConfigError(f"{origin}: families must be a mapping of family name to its description")
        for name, spec in families.items():
            existing = kb.families.get(name)
            if existing is not None and isinstance(spec, dict) and "kind" not in spec:
                # Extending a built-in family: only new aliases/suffixes.
                extra = _family(name, {"kind": existing.kind, "role": existing.role, **spec}, origin)
                kb.add_family(Family(name, existing.kind, existing.role, existing.log_scale,
                                     existing.aliases + extra.aliases, existing.suffixes + extra.suffixes,
                                     existing.conditional_on + extra.conditional_on))
            else:
                kb.add_family(_family(name, spec, origin))
    if interactions is not None:
        if not isinstance(interactions, list):
            raise ConfigError(f"{origin}: interactions must be a list of [family, family] pairs")
        for pair in interactions:
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                raise ConfigError(f"{origin}: each interaction must be a pair [family, family], not {pair!r}")
            for p in pair:
                if p not in kb.families:
                    raise ConfigError(f"{origin}: interaction names unknown family {p!r}")
            kb.interactions.add(frozenset(pair))


def load_knowledge(settings: Any = None) -> Knowledge:
    """The shipped knowledge base plus the user's extensions."""
    kb = Knowledge()
    folder = data_dir() / "knowledge"
    _merge(kb, load_yaml(folder / "families.yaml"), None, "families.yaml")
    _merge(kb, None, (load_yaml(folder / "interactions.yaml") or {}).get("interactions"), "interactions.yaml")
    extra = getattr(settings, "knowledge", None) or {}
    if extra:
        origin = "[tool.sweeplint.knowledge]"
        for key in extra:
            if key not in ("families", "interactions", "files"):
                raise ConfigError(f"{origin}: unknown key {key!r} (valid: families, interactions, files)")
        root = getattr(settings, "root", Path.cwd())
        for file in extra.get("files", []):
            path = Path(root) / file
            try:
                data = load_yaml(path) or {}
            except OSError as exc:
                raise ConfigError(f"{origin}: cannot read {file}: {exc.strerror}") from None
            except Exception as exc:  # a YAML error in the user's file
                raise ConfigError(f"{origin}: {file} is not valid YAML: {exc}") from None
            _merge(kb, data.get("families"), data.get("interactions"), str(file))
        _merge(kb, extra.get("families"), extra.get("interactions"), origin)
    return kb
