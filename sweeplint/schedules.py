"""Learning-rate schedules and the settings that exist under only some of them.

Data in rules/knowledge/schedules.yaml, validated on load (a ConfigError names the key at fault).
SL304 asks it which schedule a value of a schedule choice names (`CosineAnnealingLR` -> cosine)
and under which schedules a setting has an effect (a step size only under a step schedule).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sweeplint.records import field, record
from sweeplint.settings import ConfigError

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


def _key(value: Any) -> str | None:
    """A name or value as the data spells it: last dotted segment, lower case, `-` as `_`."""
    if not isinstance(value, str):
        return None
    return _text_key(value)


# SL304 asks it of every parameter of every study, mostly the same few names: a pure function of the text.
@lru_cache(maxsize=4096)
def _text_key(text: str) -> str | None:
    if not text.strip():
        return None
    return text.strip().rsplit(".", 1)[-1].lower().replace("-", "_").lstrip("_")


@record(frozen=True, slots=True)
class Setting:
    """A schedule setting and the schedules under which it has an effect."""

    name: str
    under: tuple[str, ...]    # the schedules it has an effect under
    label: str


@record
class Schedules:
    """The learning-rate schedules the knowledge base knows, and their settings."""

    choosers: frozenset[str] = frozenset()
    labels: dict[str, str] = field(default_factory=dict)       # schedule -> how messages name it
    names: dict[str, str] = field(default_factory=dict)        # spelled value -> schedule
    settings: dict[str, Setting] = field(default_factory=dict)

    def chooses(self, parameter: str) -> bool:
        """Whether a parameter (dotted name) chooses the learning-rate schedule."""
        return _key(parameter) in self.choosers

    def schedule_of(self, value: Any) -> str | None:
        """The schedule a value names (`torch.optim.lr_scheduler.StepLR` -> "step"), None if unknown."""
        key = _key(value)
        return self.names.get(key) if key is not None else None

    def setting(self, parameter: str) -> Setting | None:
        """The schedule setting a parameter is (`scheduler.step_size`), None when it is none of them."""
        key = _key(parameter)
        return self.settings.get(key) if key is not None else None

    def label(self, schedule: str) -> str:
        return self.labels.get(schedule, f"{schedule} schedule")


def parse_schedules(data: Any, origin: str) -> Schedules:
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: must be a mapping with choosers, schedules and settings")
    for key in data:
        if key not in ("choosers", "schedules", "settings"):
            raise ConfigError(f"{origin}: unknown key {key!r} (valid: choosers, schedules, settings)")
    choosers = data.get("choosers", [])
    if not isinstance(choosers, list) or not all(isinstance(c, str) and c.strip() for c in choosers):
        raise ConfigError(f"{origin}: choosers must be a list of parameter names")
    out = Schedules(choosers=frozenset(_key(c) for c in choosers))
    schedules = data.get("schedules", {})
    if not isinstance(schedules, dict):
        raise ConfigError(f"{origin}: schedules must map a schedule to its label and names")
    for name, spec in schedules.items():
        where = f"{origin}: schedule {name!r}"
        if not isinstance(spec, dict) or set(spec) - {"label", "names"}:
            raise ConfigError(f"{where} must be a mapping with label and names")
        names = spec.get("names", [])
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise ConfigError(f"{where}: names must be a list of spellings")
        out.labels[name] = str(spec.get("label") or f"{name} schedule")
        for spelled in names:
            out.names[_key(spelled)] = name
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise ConfigError(f"{origin}: settings must map a parameter name to the schedules it exists under")
    for name, spec in settings.items():
        where = f"{origin}: setting {name!r}"
        if not isinstance(spec, dict) or set(spec) - {"under", "label"}:
            raise ConfigError(f"{where} must be a mapping with under and label")
        under = spec.get("under", [])
        if not isinstance(under, list) or not under or not all(u in out.labels for u in under):
            raise ConfigError(f"{where}: under must list schedules named under `schedules`, not {under!r}")
        key = _key(name)
        out.settings[key] = Setting(key, tuple(under), str(spec.get("label") or name))
    return out


def load_schedules(path: Path) -> Schedules:
    from sweeplint.catalogue import load_yaml

    if not path.is_file():
        return Schedules()
    return parse_schedules(load_yaml(path), path.name)
