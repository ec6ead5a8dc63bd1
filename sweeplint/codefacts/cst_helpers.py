"""Small pure helpers of the code-facts walk: the walk's bindings and literal evaluation of libcst nodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from sweeplint.pyexpr import dotted
from sweeplint.pyeval import evaluate, is_known

ESCAPE_METHODS = {"items", "keys", "values", "__iter__"}
HARMLESS_CONSUMERS = {"float", "int", "str", "round", "abs", "len", "print", "bool", "min", "max"}


@dataclass
class Ref:
    root: str
    key: tuple[str, ...] = ()
    how: str = "attr"
    default: Any = None
    has_default: bool = False


@dataclass
class Binding:
    ref: Ref | None = None
    taint: tuple[int, ...] = ()
    marker: str | None = None          # "run", "metrics"
    metric_keys: list = field(default_factory=list)   # for a literal dict of metrics: (key, pattern, dynamic, span)
    split: tuple = ()                  # ("test" | "val", span): the data the value was computed on, when known


class Collector:
    def __init__(self) -> None:
        self.direct: list[int] = []
        self.via: list[tuple[int, str]] = []


# What `evaluate` can compute without names: anything else is unknown at once. Deciding that
# here skips building its stand-in for the unknown, which spells out the node's source code (for a
# call with a long argument list, most of the cost of walking it).
_MAYBE_LITERAL = (
    cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString, cst.UnaryOperation,
    cst.BinaryOperation, cst.Tuple, cst.List, cst.Set, cst.Dict, cst.Attribute,
)
_CONSTANTS = {"True": True, "False": False, "None": None}


def try_evaluate(node: cst.BaseExpression | None) -> tuple[bool, Any]:
    """(True, value) for a literal expression (see sweeplint.pyexpr), else (False, None)."""
    if node is None:
        return False, None
    if isinstance(node, cst.Name):
        return (True, _CONSTANTS[node.value]) if node.value in _CONSTANTS else (False, None)
    if isinstance(node, cst.Call):
        if dotted(node.func) is None or any(a.keyword is not None or a.star for a in node.args):
            return False, None  # only `float("1e-3")`, `math.log(10)`... are computed
    elif not isinstance(node, _MAYBE_LITERAL):
        return False, None
    value = evaluate(node)
    if not is_known(value):
        return False, None
    return True, value


def is_param(ref: Ref) -> bool:
    """A whole function parameter (its callers decide which config value it is)."""
    return not ref.key and ref.root.startswith("param:")


def subscript_key(node: cst.Subscript) -> Any:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        ok, key = try_evaluate(node.slice[0].slice.value)
        return key if ok else None
    return None


def subscript_node(node: cst.Subscript) -> cst.BaseExpression | None:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return node.slice[0].slice.value
    return None


def match_values(pattern: cst.MatchPattern) -> tuple | None:
    if isinstance(pattern, cst.MatchValue):
        ok, value = try_evaluate(pattern.value)
        return (value,) if ok else None
    if isinstance(pattern, cst.MatchSingleton):
        ok, value = try_evaluate(pattern.value)
        return (value,) if ok else None
    if isinstance(pattern, cst.MatchOr):
        out: list = []
        for element in pattern.patterns:
            inner = match_values(element.pattern)
            if inner is None:
                return None
            out.extend(inner)
        return tuple(out)
    return None


def plain(value: Any) -> Any:
    """A JSON-compatible copy of a literal value (dict keys as strings, tuples kept as tuples)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return tuple(plain(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted((plain(v) for v in value), key=repr))
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)
