"""Where a Hydra sweeper's config sits and which sweeper it is: `hydra.sweeper` in a primary config,
a `# @package hydra.sweeper` file of its own, the `defaults` list choosing `hydra/sweeper`, and sweeper
settings misplaced where the sweeper never reads them."""

from __future__ import annotations

import re

from sweeplint.formats.hydra.ax import AX_KEYS
from sweeplint.formats.hydra.basic import BASIC_KEYS
from sweeplint.formats.hydra.nevergrad import NEVERGRAD_KEYS
from sweeplint.formats.hydra.optuna import OPTUNA_KEYS
from sweeplint.formats.nodes import key_text, text_of
from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# Keys some sweeper accepts: where the sweeper is not known for sure, a key outside all of them is
# still certainly unknown.
ANY_SWEEPER_KEYS = tuple(dict.fromkeys(BASIC_KEYS + OPTUNA_KEYS + AX_KEYS + NEVERGRAD_KEYS))

FORMATS = {"basic": "hydra-basic", "optuna": "hydra-optuna", "ax": "hydra-ax", "nevergrad": "hydra-nevergrad"}
SWEEPER_NAMES = {"basic": "basic", "optuna": "optuna", "optuna_v2": "optuna", "ax": "ax", "nevergrad": "nevergrad"}
DEFAULT_BUDGET = {"optuna": 20, "ax": 10, "nevergrad": 80}

# Top-level keys that only mean something to a sweeper (for misplaced-key reports).
SWEEPER_ONLY = ("n_trials", "sampler", "search_space", "custom_search_space", "ax_config", "optim", "max_failure_rate",
                "study_name", "direction", "params")
_LAUNCHER_SWEEPER_KEYS = ("direction", "n_trials", "params", "sampler", "search_space", "custom_search_space",
                          "ax_config", "optim", "max_failure_rate", "study_name")
_SWEEP_CALL = re.compile(r"\b(choice|range|interval|tag|glob|shuffle)\s*\(")
_PACKAGE = re.compile(r"#\s*@package\s+(\S+)")


def _sweeper_class(node: Any) -> str | None:
    """basic / optuna / ax / nevergrad for a sweeper `_target_` class path, else None."""
    text = text_of(node)
    if not text:
        return None
    if "hydra_optuna_sweeper" in text or text.endswith("OptunaSweeper"):
        return "optuna"
    if "hydra_ax_sweeper" in text or text.endswith("AxSweeper"):
        return "ax"
    if "hydra_nevergrad_sweeper" in text or text.endswith("NevergradSweeper"):
        return "nevergrad"
    if text.endswith("basic_sweeper.BasicSweeper"):
        return "basic"
    return None


def _looks_like_sweeper(node: Any) -> bool:
    if not isinstance(node, YMap):
        return False
    if _sweeper_class(node.get("_target_")) is not None:
        return True
    for key in ("ax_config", "optuna_config"):
        if isinstance(node.get(key), YMap):
            return True
    params = node.get("params")
    if isinstance(params, YMap) and params.pairs:
        return True
    return isinstance(node.get("optim"), YMap) or isinstance(node.get("search_space"), YMap) or (
        isinstance(node.get("sampler"), YMap) and node.get("n_trials") is not None)


def _other_sweeper(block: YMap, defaults: dict) -> bool:
    """A sweeper plugin other than the four known ones is selected (its schema is its own)."""
    target = block.get("_target_")
    if target is not None and _sweeper_class(target) is None:
        return True
    chosen = defaults.get("hydra/sweeper")
    return chosen is not None and chosen[0] not in SWEEPER_NAMES and chosen[0] != "null"


def _ax_params_root(node: YMap) -> bool:
    specs = [v for _, v in node.items()]
    return bool(specs) and all(
        isinstance(v, YMap) and text_of(v.get("type")) in ("range", "choice", "fixed")
        and any(v.get(k) is not None for k in ("bounds", "values", "value"))
        for v in specs
    )


def _misplaced(node: YMap, keys: tuple[str, ...]) -> list[tuple[YScalar, Any]]:
    out = []
    for k, v in node.items():
        name = key_text(k)
        if name not in keys:
            continue
        if name == "direction" and not (text_of(v) in ("minimize", "maximize") or isinstance(v, YSeq)):
            continue
        if name == "params" and not (isinstance(v, YMap) and any(isinstance(x, YScalar) and isinstance(x.value, str)
                                                                 and (_SWEEP_CALL.search(x.value) or "," in x.value)
                                                                 for _, x in v.items())):
            continue
        out.append((k, v))
    return out


def package_of(text: str) -> str | None:
    """The `# @package` of a config file's header (its leading comment lines), or None."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _PACKAGE.match(stripped)
        if m:
            return m.group(1)
    return None


def _defaults(root: YMap) -> dict[str, tuple[str, YScalar]]:
    """`hydra/sweeper` and `hydra/sweeper/sampler` choices made in the defaults list."""
    out: dict[str, tuple[str, YScalar]] = {}
    items = root.get("defaults")
    if not isinstance(items, YSeq):
        return out
    for item in items.items:
        if not isinstance(item, YMap) or len(item.pairs) != 1:
            continue
        key, value = item.pairs[0]
        if not isinstance(key, YScalar) or not isinstance(key.value, str):
            continue
        group = key.value.strip()
        if group.startswith("override "):
            group = group[len("override "):].strip()
        group = group.lstrip("/").split("@", 1)[0]
        if group in ("hydra/sweeper", "hydra/sweeper/sampler") and isinstance(value, YScalar):
            out[group] = (str(value.value) if value.value is not None else "null", value)
    return out
