"""Small helpers readers share for turning positioned nodes into model literals."""

from __future__ import annotations

from sweeplint.model import KeyRef, Lit, Problem, Span
from sweeplint.yamldoc import YMap, YScalar, YSeq, to_python

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


def lit(node: Any) -> Lit:
    """A model literal for any node: scalars keep their spelling, collections their data."""
    if isinstance(node, YScalar):
        return Lit(node.value, node.span, node.text, node.quoted)
    return Lit(to_python(node), node.span)


def text_of(node: Any) -> str | None:
    return node.value if isinstance(node, YScalar) and isinstance(node.value, str) else None


def is_map(node: Any) -> bool:
    return isinstance(node, YMap)


def is_seq(node: Any) -> bool:
    return isinstance(node, YSeq)


def key_text(key: YScalar) -> str:
    return key.value if isinstance(key.value, str) else key.text


def type_name(node: Any) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    value = node.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    return "a string"


def span_of(node: Any) -> Span:
    return node.span


class Collector:
    """What a reader gathers besides its studies: unknown keys (SL002) and structural problems."""

    def __init__(self) -> None:
        self.unknown: list[KeyRef] = []
        self.problems: list[Problem] = []

    def problem(self, node_or_span: Any, message: str, code: str = "SL003") -> None:
        """Record a problem at a node (or a span) for the rule with `code` to report."""
        self.problems.append(Problem(code, getattr(node_or_span, "span", node_or_span), message))

    def check_keys(self, node: YMap, allowed: tuple[str, ...], where: str) -> None:
        for key, _ in node.items():
            name = key.value if type(key.value) is str else key_text(key)  # (every key of every mapping read)
            if name not in allowed:
                self.unknown.append(KeyRef(name, key.span, allowed, where))
