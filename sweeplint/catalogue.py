"""The rule documentation and knowledge base shipped as data in `rules/`.

In a checkout the folder sits at the top of the repository; in an installed wheel it is packed
inside the package as `sweeplint/_data`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


@lru_cache(maxsize=1)
def data_dir() -> Path:
    package = Path(__file__).resolve().parent
    for candidate in (package / "_data", package.parent / "rules"):
        if (candidate / "catalogue").is_dir():
            return candidate
    raise FileNotFoundError("sweeplint's rule catalogue is missing (expected sweeplint/_data or rules/)")


def load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=None)
def rule_doc(code: str) -> dict:
    """The documentation of one rule: summary, why, fix, examples. Empty if it has none."""
    path = data_dir() / "catalogue" / f"{code}.yaml"
    if not path.is_file():
        return {}
    doc = load_yaml(path)
    return doc if isinstance(doc, dict) else {}


@lru_cache(maxsize=None)  # (asked for every finding without help of its own, in a report of thousands)
def fix_hint(code: str) -> str:
    return str(rule_doc(code).get("fix", "")).strip()
