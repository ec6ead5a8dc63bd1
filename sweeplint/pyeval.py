"""The value of a Python expression read with libcst, never executed (see `sweeplint.pyexpr` for
what it understands and for parsing, positions and navigation):

    evaluate(node, names=None) -> value          a literal's value, or an `Opaque` stand-in
    is_known(value) -> bool                      no `Opaque` anywhere inside
    to_lit(node, positions, names=None) -> Lit   value + span + source spelling
    constants(module) -> {name: expression}      simple module-level `NAME = ...` assignments

Integer powers and big integers are bounded (MAX_POWER, MAX_INT_BITS in pyexpr), so a hostile
literal costs nothing to evaluate.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping

import libcst as cst

from sweeplint.model import Lit, Opaque
from sweeplint.pyexpr import MAX_DEPTH, MAX_INT_BITS, MAX_POWER, MAX_STRING, Positions, call_name, dotted, source

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


def constants(module: cst.Module) -> dict[str, cst.BaseExpression]:
    """Module-level `NAME = expression` assignments (the last one wins), for `evaluate(names=)`."""
    found: dict[str, cst.BaseExpression] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                found[small.targets[0].target.value] = small.value
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
                found[small.target.value] = small.value
    return found


# --- evaluation ------------------------------------------------------------------------------

_BINARY = {
    cst.Add: operator.add, cst.Subtract: operator.sub, cst.Multiply: operator.mul,
    cst.Divide: operator.truediv, cst.FloorDivide: operator.floordiv, cst.Modulo: operator.mod,
    cst.Power: operator.pow,
}
_MATH_MODULES = ("math", "np", "numpy")
_MATH_FUNCTIONS = {"log": math.log, "log10": math.log10, "log2": math.log2, "exp": math.exp, "sqrt": math.sqrt}
_MATH_CONSTANTS = {"pi": math.pi, "e": math.e}
_BUILTINS = {"float": float, "int": int, "abs": abs, "round": round}
_CONSTANT_NAMES = {"True": True, "False": False, "None": None}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _opaque(node: cst.CSTNode) -> Opaque:
    if isinstance(node, cst.Name):
        kind = "name"
    elif isinstance(node, cst.Attribute):
        kind = "attribute"
    elif isinstance(node, cst.Call):
        kind = "call"
    elif isinstance(node, cst.Lambda):
        kind = "lambda"
    else:
        kind = "expression"
    scaled = _scaled(node) if isinstance(node, cst.BinaryOperation) else None
    return Opaque(source(node), kind, *(scaled or (None, None)))


def _scaled(node: cst.BinaryOperation) -> tuple[str, float] | None:
    """`x / 10` -> ("x", 0.1), `3 * x` -> ("x", 3.0): an unknown expression times a known positive
    factor (numeric literals only are computed)."""
    factor = 1.0
    while isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Multiply, cst.Divide)):
        left, right = evaluate(node.left), evaluate(node.right)
        if _positive(right):
            factor = factor * right if isinstance(node.operator, cst.Multiply) else factor / right
            node = node.left
        elif _positive(left) and isinstance(node.operator, cst.Multiply):
            factor *= left
            node = node.right
        else:
            break
    if factor == 1.0 or is_known(evaluate(node)):
        return None
    return source(node).strip(), factor


def _positive(value: Any) -> bool:
    return _is_number(value) and math.isfinite(value) and value > 0


def is_known(value: Any) -> bool:
    """True when no part of the value is an `Opaque` stand-in."""
    if isinstance(value, Opaque):
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_known(v) for v in value)
    if isinstance(value, dict):
        return all(is_known(k) and is_known(v) for k, v in value.items())
    return True


def evaluate(node: cst.BaseExpression, names: Mapping[str, cst.BaseExpression] | None = None) -> Any:
    """The value of a literal expression, or `Opaque` for what only running the code would tell."""
    try:
        return _evaluate(node, _Names(names or {}), 0)
    except RecursionError:
        return _opaque(node)


def _evaluate(node: cst.BaseExpression, names: Mapping[str, cst.BaseExpression], depth: int) -> Any:
    if isinstance(node, (cst.Integer, cst.Float)):
        # what Python's literal evaluation (libcst's evaluated_value) gives a number token, without
        # compiling it: that compile cost a sweep reader more than the rest of its work on the number
        try:
            return float(node.value) if type(node) is cst.Float else int(node.value, 0)
        except ValueError:
            return _opaque(node)
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd escapes
            return _opaque(node)
        return value if isinstance(value, str) else _opaque(node)
    if isinstance(node, cst.Name):
        if node.value in _CONSTANT_NAMES:
            return _CONSTANT_NAMES[node.value]
        return _resolve_name(node, names, depth)
    if isinstance(node, cst.Attribute):
        name = dotted(node)
        if name:
            module, _, attr = name.rpartition(".")
            if module in _MATH_MODULES and attr in _MATH_CONSTANTS:
                return _MATH_CONSTANTS[attr]
        return _opaque(node)
    if isinstance(node, cst.UnaryOperation):
        value = _evaluate(node.expression, names, depth)
        if _is_number(value):
            if isinstance(node.operator, cst.Minus):
                return -value
            if isinstance(node.operator, cst.Plus):
                return +value
        if isinstance(node.operator, cst.Not) and is_known(value):
            return not value
        return _opaque(node)
    if isinstance(node, cst.BinaryOperation):
        return _binary(node, names, depth)
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        items = []
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                return _opaque(node)
            items.append(_evaluate(element.value, names, depth))
        if isinstance(node, cst.Tuple):
            return tuple(items)
        if isinstance(node, cst.List):
            return items
        try:
            return frozenset(items)
        except TypeError:
            return _opaque(node)
    if isinstance(node, cst.Dict):
        out: dict[Any, Any] = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return _opaque(node)
            key = _evaluate(element.key, names, depth)
            try:
                out[key] = _evaluate(element.value, names, depth)
            except TypeError:
                return _opaque(node)
        return out
    if isinstance(node, cst.Call):
        return _call(node, names, depth)
    if isinstance(node, cst.Subscript):
        return _subscript(node, names, depth)
    return _opaque(node)


def _subscript(node: cst.Subscript, names: Mapping[str, cst.BaseExpression], depth: int) -> Any:
    """`table["key"]`, `items[0]` of a known dict, list or tuple (a config loaded from a file)."""
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return _opaque(node)
    base = _evaluate(node.value, names, depth)
    key = _evaluate(node.slice[0].slice.value, names, depth)
    if isinstance(base, dict) and is_known(key):
        try:
            return base[key] if key in base else _opaque(node)
        except TypeError:
            return _opaque(node)
    if isinstance(base, (list, tuple)) and isinstance(key, int) and not isinstance(key, bool) and -len(base) <= key < len(base):
        return base[key]
    return _opaque(node)


class _Names(dict):
    """The names given to `evaluate`, with the values already worked out (each name once)."""

    def __init__(self, names: Mapping[str, cst.BaseExpression]):
        super().__init__()
        self.source = names
        self.active: set[str] = set()


def _resolve_name(node: cst.Name, names: Mapping[str, cst.BaseExpression], depth: int) -> Any:
    if not isinstance(names, _Names):
        return _opaque(node)
    name = node.value
    if name in names:
        value = names[name]
        return value if is_known(value) else _opaque(node)
    target = names.source.get(name)
    if target is None or name in names.active or depth >= MAX_DEPTH:
        return _opaque(node)
    names.active.add(name)
    try:
        value = _evaluate(target, names, depth + 1)
    finally:
        names.active.discard(name)
    names[name] = value
    return value if is_known(value) else _opaque(node)


def _binary(node: cst.BinaryOperation, names: Mapping[str, cst.BaseExpression], depth: int) -> Any:
    op = _BINARY.get(type(node.operator))
    left = _evaluate(node.left, names, depth)
    right = _evaluate(node.right, names, depth)
    if op is None:
        return _opaque(node)
    if isinstance(left, str) and isinstance(right, str) and op is operator.add and len(left) + len(right) <= MAX_STRING:
        return left + right
    if not (_is_number(left) and _is_number(right)):
        return _opaque(node)
    if op is operator.pow and abs(right) > MAX_POWER:
        return _opaque(node)
    if isinstance(left, int) and isinstance(right, int) and _too_big(op, left, right):
        return _opaque(node)
    try:
        result = op(left, right)
    except (ArithmeticError, ValueError, TypeError):
        return _opaque(node)
    if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
        return _opaque(node)
    return result if _is_number(result) else _opaque(node)


def _too_big(op: Any, left: int, right: int) -> bool:
    """Whether an integer product or power would exceed MAX_INT_BITS, judged before computing it."""
    if op is operator.mul:
        return left.bit_length() + right.bit_length() > MAX_INT_BITS + 1
    if op is operator.pow and right > 0 and abs(left) > 1:
        return (abs(left).bit_length() - 1) * right > MAX_INT_BITS
    return False


def _call(node: cst.Call, names: Mapping[str, cst.BaseExpression], depth: int) -> Any:
    name = call_name(node)
    if name is None or any(a.keyword is not None or a.star for a in node.args):
        return _opaque(node)
    args = [_evaluate(a.value, names, depth) for a in node.args]
    module, _, attr = name.rpartition(".")
    if module in _MATH_MODULES and attr in _MATH_FUNCTIONS:
        func = _MATH_FUNCTIONS[attr]
    elif not module and attr in _BUILTINS:
        func = _BUILTINS[attr]
    else:
        return _opaque(node)
    if len(args) != 1 and not (attr == "log" and len(args) == 2):
        return _opaque(node)
    if not all(_is_number(a) or (attr in ("float", "int") and isinstance(a, str)) for a in args):
        return _opaque(node)
    try:
        result = func(*args)
    except (ArithmeticError, ValueError, TypeError):
        return _opaque(node)
    return result if _is_number(result) else _opaque(node)


def to_lit(node: cst.BaseExpression, positions: Positions, names: Mapping[str, cst.BaseExpression] | None = None) -> Lit:
    """A model literal: the value (or Opaque), where it is, and how it was written."""
    value = evaluate(node, names)
    quoted = isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))
    return Lit(value, positions.span(node), source(node), quoted)
