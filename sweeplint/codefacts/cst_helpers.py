"""Small pure helpers of the code-facts walk: the walk's bindings and literal evaluation of libcst nodes."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import libcst as cst
from libcst import MaybeSentinel

from sweeplint.pyexpr import dotted
from sweeplint.pyeval import evaluate, is_known

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

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


_CONSTANTS = {"True": True, "False": False, "None": None}
# What `evaluate` computes without names: the leaves it knows, the functions and constants it calls
# (a superset: `evaluate` has the last word). Anything else makes the whole expression unknown.
# Deciding that here skips building `evaluate`'s stand-ins for the unknown, which spell out each
# unknown part's source code (most of the cost of walking a call with names in its arguments).
_LEAF_LITERALS = frozenset({cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString})
_SEQUENCES = frozenset({cst.Tuple, cst.List, cst.Set})
_KNOWN_FUNCTIONS = frozenset({"log", "log10", "log2", "exp", "sqrt", "float", "int", "abs", "round"})
_KNOWN_CONSTANTS = frozenset({"pi", "e"})


def _may_be_known(node: cst.CSTNode) -> bool:
    """False only when `evaluate(node)` surely holds an unknown part (it is known only when every
    part is); True when it may be known."""
    kind = type(node)
    if kind in _LEAF_LITERALS:
        return True
    if kind is cst.Name:
        return node.value in _CONSTANTS
    if kind is cst.Attribute:
        return node.attr.value in _KNOWN_CONSTANTS
    if kind is cst.UnaryOperation:
        return _may_be_known(node.expression)
    if kind is cst.BinaryOperation:
        return _may_be_known(node.left) and _may_be_known(node.right)
    if kind in _SEQUENCES:
        return all(type(e) is not cst.StarredElement and _may_be_known(e.value) for e in node.elements)
    if kind is cst.Dict:
        return all(type(e) is cst.DictElement and _may_be_known(e.key) and _may_be_known(e.value) for e in node.elements)
    if kind is cst.Call:
        name = dotted(node.func)
        return (name is not None and name.rpartition(".")[2] in _KNOWN_FUNCTIONS
                and all(a.keyword is None and not a.star and _may_be_known(a.value) for a in node.args))
    return False


def try_evaluate(node: cst.BaseExpression | None) -> tuple[bool, Any]:
    """(True, value) for a literal expression (see sweeplint.pyexpr), else (False, None)."""
    if node is None:
        return False, None
    if type(node) is cst.Name:
        return (True, _CONSTANTS[node.value]) if node.value in _CONSTANTS else (False, None)
    try:
        if not _may_be_known(node):
            return False, None
    except RecursionError:
        pass  # nested too deeply to tell here: `evaluate` bounds its own depth
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


# --- children in source order, without libcst's visitor machinery -----------------------------

_VISITED_FIELDS: dict[type, tuple[str, ...] | None] = {}
_UNKNOWN = object()


def child_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The same list as `node.children` (every child node, source order), read from the fields.

    `node.children` runs libcst's visitor machinery, which rebuilds and validates the node: on
    the walk's generic paths that cost more than the parse. The fields a node's children come from,
    in order, are the field names its `_visit_and_replace_children` passes to libcst's visit
    helpers; they are read once per node class, and checked once against `node.children`."""
    cls = type(node)
    names = _VISITED_FIELDS.get(cls, _UNKNOWN)
    if names is _UNKNOWN:
        names = _learn_visited_fields(node)
    if names is None:
        return list(node.children)
    return _from_fields(node, names)


def _from_fields(node: cst.CSTNode, names: tuple[str, ...]) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            out.extend(value)
        elif value is not None and kind is not MaybeSentinel:
            out.append(value)  # a visited field holds a node, a sequence of them, None or MaybeSentinel
    return out


def _learn_visited_fields(node: cst.CSTNode) -> tuple[str, ...] | None:
    """The visited field names of the node's class in visiting order, or None (use `children`)."""
    cls = type(node)
    names: tuple[str, ...] | None = None
    try:
        code = cls._visit_and_replace_children.__code__
        own = {f.name for f in fields(cls)}
        constants = code.co_consts
        # a nested function or comprehension could visit fields in an order the constants do not show
        if not any(hasattr(c, "co_code") for c in constants):
            names = tuple(dict.fromkeys(c for c in constants if isinstance(c, str) and c in own))
            expected = list(node.children)
            got = _from_fields(node, names)
            if len(got) != len(expected) or any(a is not b for a, b in zip(got, expected)):
                names = None
    except (AttributeError, TypeError):
        names = None
    _VISITED_FIELDS[cls] = names
    return names
