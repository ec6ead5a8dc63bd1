"""Which choices (an optimizer picked per trial) govern which parameters.

A choice governs the parameters of its own group and of the groups nested in it: in a sweep with one
`optimizer` and `learning_rate` per nested group, `encoder.optimizer` decides how `encoder.learning_rate`
behaves and says nothing about `decoder.learning_rate`. Pairing every parameter with every choice
would cost a number of checks, and of findings, quadratic in the number of groups, nearly all of
them about unrelated groups. A parameter with no choice in its own chain of groups is paired with the
study's choice only when there is exactly one (a top-level `lr` with `model.optimizer`); with several,
which of them the program applies to it cannot be read from the config.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")


def group_of(name: str) -> str:
    """The group a dotted name lives in: `a.b.lr` -> `a.b`; a top-level name -> ``."""
    return name.rpartition(".")[0]


def index_choices(parents: Iterable[T], name_of=lambda p: p["name"]) -> dict[str, list[T]]:
    """Choices by the group they live in."""
    by_group: dict[str, list[T]] = {}
    for parent in parents:
        by_group.setdefault(group_of(name_of(parent)), []).append(parent)
    return by_group


def governing(index: dict[str, list[T]], parents: Sequence[T], child_name: str) -> list[T]:
    """The choices among `parents` (indexed by `index_choices`) that govern the parameter
    `child_name`: those of its own group and of the groups it is nested in. Linear in the depth of
    the child's name."""
    found: list[T] = list(index.get("", ()))
    group = group_of(child_name)
    if group:
        at = 0
        while True:
            dot = group.find(".", at)
            prefix = group if dot < 0 else group[:dot]
            found.extend(index.get(prefix, ()))
            if dot < 0:
                break
            at = dot + 1
    if not found and len(parents) == 1:
        return list(parents)
    return found
