"""Small helpers readers share for turning positioned nodes into model literals."""

from __future__ import annotations

from typing import Any

from sweeplint.model import Lit, Span
from sweeplint.yamldoc import YMap, YScalar, YSeq, to_python


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
