"""Checking that facts decoded from a cache have the types their dataclass declares.

A cache folder may hold anything (a corrupt write, a hand edit, a folder from another machine), and a
fact of the wrong type would crash a rule on every later run. `check(value, annotation)` compares a
decoded value with its field's annotation, written as a string (`tuple[Read, ...]`, `str | None`),
and raises ValueError on the first mismatch; the caller then ignores the entry and rebuilds it.
"""

from __future__ import annotations

from functools import lru_cache

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

_SCALARS: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "None": (type(None),),
}


def check(value: Any, annotation: str, classes: dict[str, type]) -> None:
    """Raise ValueError unless `value` fits `annotation`; `classes` maps the names of nested fact types."""
    if not _fits(value, _parse(annotation), classes):
        raise ValueError(f"cached fact of the wrong shape for {annotation}")


def _fits(value: Any, shape: tuple, classes: dict[str, type]) -> bool:
    kind = shape[0]
    if kind == "any":
        return True
    if kind == "union":
        return any(_fits(value, option, classes) for option in shape[1])
    if kind == "name":
        name = shape[1]
        if name in _SCALARS:
            # bool is an int to Python, but a count of True is not what a field of ints holds.
            return isinstance(value, _SCALARS[name]) and (name == "bool" or not isinstance(value, bool))
        if name == "Span":
            from sweeplint.model import Span

            return isinstance(value, Span) and all(
                isinstance(v, int) and not isinstance(v, bool)
                for v in (value.line, value.column, value.end_line, value.end_column)
            )
        cls = classes.get(name)
        return cls is not None and isinstance(value, cls)
    if kind == "tuple":
        if not isinstance(value, tuple):
            return False
        items = shape[1]
        if items is None:
            return True
        if len(items) == 2 and items[1] == ("ellipsis",):
            return all(_fits(v, items[0], classes) for v in value)
        return len(value) == len(items) and all(_fits(v, s, classes) for v, s in zip(value, items))
    return False


@lru_cache(maxsize=None)
def _parse(annotation: str) -> tuple:
    shape, rest = _parse_union(annotation.replace(" ", ""))
    if rest:
        raise ValueError(f"cannot read the annotation {annotation!r}")
    return shape


def _parse_union(text: str) -> tuple[tuple, str]:
    options = []
    while True:
        shape, text = _parse_one(text)
        options.append(shape)
        if not text.startswith("|"):
            break
        text = text[1:]
    return (options[0] if len(options) == 1 else ("union", tuple(options))), text


def _parse_one(text: str) -> tuple[tuple, str]:
    if text.startswith("..."):
        return ("ellipsis",), text[3:]
    end = 0
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    name, text = text[:end], text[end:]
    if name == "Any":
        return ("any",), text
    if name == "tuple":
        if not text.startswith("["):
            return ("tuple", None), text
        items = []
        text = text[1:]
        while True:
            shape, text = _parse_union(text)
            items.append(shape)
            if text.startswith(","):
                text = text[1:]
                continue
            if text.startswith("]"):
                return ("tuple", tuple(items)), text[1:]
            raise ValueError("unbalanced tuple annotation")
    if not name:
        raise ValueError("empty annotation")
    return ("name", name), text
