"""Python expressions read with libcst, never executed: literal values and source positions.

The small API every Python reader (Optuna, Ray Tune, W&B sweeps written in Python) and the
training-code analysis share:

    parse(text) -> libcst.Module                 raises PySyntaxError (message + Span)
    Positions(module).span(node) -> Span         1-based line/column, end exclusive
    evaluate(node, names=None) -> value          a literal's value, or an `Opaque` stand-in
    is_known(value) -> bool                      no `Opaque` anywhere inside
    to_lit(node, positions, names=None) -> Lit   value + span + source spelling
    source(node) -> str                          the source code of a node
    dotted(node) -> "a.b.c" | None               a name or attribute chain
    call_name(call) -> "tune.uniform" | None     the dotted name of what a call calls
    argument(call, index, keyword) -> node       a positional-or-keyword argument
    constants(module) -> {name: expression}      simple module-level `NAME = ...` assignments
    random_calls(node) -> [(call, "np.random.x")]  calls that draw random numbers when evaluated
    children(node) -> [child, ...]               child nodes in source order (cheap; no whitespace)
    iter_calls(node) -> calls in a subtree       in source order

What `evaluate` understands: numbers (negative, scientific, with underscores), strings (also
implicitly concatenated), True/False/None, tuples/lists/sets/dicts of those, + - * / // % ** on
numbers, `math`/`numpy` log/log10/log2/exp/sqrt and pi/e, float()/int()/abs()/round() of
numbers, and names found in `names` (module constants). Anything else evaluates to
`Opaque(source, kind)`, so a list of classes keeps one distinct stand-in per element.

Positions come from libcst's PositionProvider, resolved once per module and only when a reader
asks for its first span (so a file that turns out to hold no sweep never pays for it). The module
is not copied (`unsafe_skip_copy`): readers never change the tree, and the deep copy costs about
as much as the positions themselves. Computing positions by hand would mean re-implementing
libcst's code generation, which is what the provider does in one pass; measured, that pass costs
1.5-2.5x the parse, so readers ask for spans only once they know the file holds a sweep.
Walks use `children()` below rather than libcst visitors or `node.children`, whose visitor
machinery costs more than the parse.
"""

from __future__ import annotations

import math
import operator
import re
from typing import Any, Iterator, Mapping

import libcst as cst

from sweeplint.model import Lit, Opaque, Span

__all__ = [
    "PySyntaxError", "Positions", "parse", "evaluate", "is_known", "to_lit", "source", "dotted",
    "call_name", "argument", "constants", "random_calls", "children", "iter_calls", "Opaque",
]

_EMPTY = cst.Module(body=[])
MAX_POWER = 10_000          # larger integer exponents are not search-space bounds
# Larger integers are not search-space bounds either (floats end near 2**1024), and past ~14,000 bits
# Python refuses to print them, so a message quoting one would crash its rule.
MAX_INT_BITS = 4096
MAX_STRING = 10_000
MAX_DEPTH = 50              # names resolving through names


class PySyntaxError(Exception):
    """The text is not valid Python; `span` points at the error."""

    def __init__(self, message: str, span: Span):
        super().__init__(message)
        self.message = message
        self.span = span


def parse(text: str) -> cst.Module:
    """Parse a module with libcst. Never raises anything but PySyntaxError.

    Python's own parser checks the text first (it only builds a syntax tree; nothing runs): it
    gives precise syntax errors, and it refuses nesting so deep that libcst's native parser would
    overflow its stack and take the process down instead of raising.
    """
    check_size(text)
    _guard(text)
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        precise = _python_syntax_error(text)
        if precise is not None:
            raise precise from None
        line = max(1, exc.raw_line)
        column = max(0, exc.raw_column) + 1
        message = " ".join(str(exc.message).split()) or "invalid syntax"
        raise PySyntaxError(f"Python syntax error: {message}", Span.point(line, column)) from None
    except RecursionError:
        raise PySyntaxError("the Python code is nested too deeply to read", Span.point(1, 1)) from None
    except Exception as exc:  # noqa: BLE001 - the parser's own failures are the file's problem
        raise PySyntaxError(f"cannot parse the Python code: {exc}", Span.point(1, 1)) from None


# libcst keeps about 3 KB per token of source (a 100,000-token list costs ~290 MB): past this many
# tokens a file is refused before libcst sees it, so memory stays bounded whatever the input. A
# 3,000-line training script has about 30,000.
MAX_TOKENS = 250_000
_TOKEN = re.compile(r"\w+|[^\w\s]")


def check_size(text: str) -> None:
    """Raise PySyntaxError when the text has more tokens than sweeplint parses (see MAX_TOKENS)."""
    if len(text) < MAX_TOKENS:
        return  # fewer characters than the budget: fewer tokens too
    count = 0
    for count, _match in enumerate(_TOKEN.finditer(text), start=1):
        if count > MAX_TOKENS:
            raise PySyntaxError(
                f"the Python file has more than {MAX_TOKENS} tokens, more than sweeplint reads; not read",
                Span.point(1, 1),
            )


MAX_BOOL_TERMS = 5_000      # libcst nests `a and b and ...` one level per term
_BOOL_WORDS = re.compile(r"\b(?:and|or)\b")
_NESTING_ERRORS = ("too many nested", "too many statically nested", "too many levels of indentation")


def _guard(text: str) -> None:
    import ast

    try:
        tree = _quiet_parse(ast, text)
    except SyntaxError as exc:
        if any(m in (exc.msg or "") for m in _NESTING_ERRORS):
            raise PySyntaxError(f"Python syntax error: {exc.msg}", Span.point(exc.lineno or 1, max(1, exc.offset or 1))) from None
        return  # perhaps newer syntax than this Python knows: libcst decides
    except (RecursionError, MemoryError):
        raise PySyntaxError("the Python code is nested too deeply to read", Span.point(1, 1)) from None
    except ValueError as exc:  # e.g. NUL bytes
        raise PySyntaxError(f"cannot parse the Python code: {exc}", Span.point(1, 1)) from None
    if len(_BOOL_WORDS.findall(text)) <= MAX_BOOL_TERMS:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.BoolOp) and len(node.values) > MAX_BOOL_TERMS:
            raise PySyntaxError(
                f"an expression joins {len(node.values)} terms with `and`/`or`; too long to read safely",
                Span.point(node.lineno, node.col_offset + 1),
            )


def _python_syntax_error(text: str) -> PySyntaxError | None:
    import ast

    try:
        _quiet_parse(ast, text)
    except SyntaxError as exc:
        line = exc.lineno or 1
        column = exc.offset or 1
        return PySyntaxError(f"Python syntax error: {exc.msg}", Span.point(line, max(1, column)))
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


class Positions:
    """Spans of the nodes of one module, computed once on the first request.

    A parenthesised node's span includes its parentheses (a tuple `(128, 64)` starts at `(`);
    give the module's text to get that, otherwise spans are libcst's, inside the parentheses.
    """

    __slots__ = ("module", "_ranges", "_lines")

    def __init__(self, module: cst.Module, text: str | None = None):
        self.module = module
        self._ranges: Mapping[cst.CSTNode, Any] | None = None
        self._lines = re.split(r"\r\n|\r|\n", text) if text is not None else None

    def span(self, node: cst.CSTNode) -> Span:
        if self._ranges is None:
            from libcst.metadata import MetadataWrapper, PositionProvider

            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._ranges = wrapper.resolve(PositionProvider)
        found = self._ranges.get(node)
        if found is None:
            return Span.point(1, 1)
        line, col, end_line, end_col = found.start.line, found.start.column, found.end.line, found.end.column
        opened = len(getattr(node, "lpar", ()) or ())
        closed = len(getattr(node, "rpar", ()) or ())
        if self._lines is not None and (opened or closed):
            line, col = self._outward(line, col, opened, "(", -1)
            end_line, end_col = self._outward(end_line, end_col, closed, ")", 1)
        return Span(line, col + 1, end_line, end_col + 1)

    def _outward(self, line: int, col: int, count: int, bracket: str, step: int) -> tuple[int, int]:
        """Move from a position over `count` brackets (and whitespace) backwards or forwards."""
        lines = self._lines or []
        best = (line, col)
        while count > 0:
            # the character to look at: before the position going back, at it going forward
            i = col - 1 if step < 0 else col
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            if 0 <= i < len(text):
                char = text[i]
                if char == bracket:
                    count -= 1
                    col = i if step < 0 else i + 1
                    best = (line, col)
                    continue
                if char in " \t\\":
                    col = i if step < 0 else i + 1
                    continue
                return best
            # off the end of the line: continue on the neighbouring line
            line += step
            if not 0 < line <= len(lines):
                return best
            col = len(lines[line - 1]) if step < 0 else 0
        return best


def source(node: cst.CSTNode) -> str:
    """The source code of a node (for messages and `Lit.text`)."""
    try:
        return _EMPTY.code_for_node(node)
    except Exception:  # noqa: BLE001 - a spelling is a nicety, never a failure
        return "..."


def dotted(node: cst.CSTNode | None) -> str | None:
    """`a.b.c` for a chain of names, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def call_name(node: cst.CSTNode | None) -> str | None:
    """The dotted name a call calls (`tune.uniform` for `tune.uniform(0, 1)`), else None."""
    return dotted(node.func) if isinstance(node, cst.Call) else None


def argument(call: cst.Call, index: int | None, keyword: str | None) -> cst.BaseExpression | None:
    """The argument at a position or with a keyword; `*args`/`**kwargs` are not looked into."""
    if keyword is not None:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == keyword:
                return arg.value
    if index is not None:
        positional = [a for a in call.args if a.keyword is None]
        for i, arg in enumerate(positional):
            if arg.star:
                return None
            if i == index:
                return arg.value
    return None


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
        try:
            return node.evaluated_value
        except (ValueError, SyntaxError):
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


# --- randomness ------------------------------------------------------------------------------

_RANDOM_PREFIXES = ("random.", "np.random.", "numpy.random.", "torch.rand", "secrets.")
_RANDOM_EXCLUDED = {"random.seed", "np.random.seed", "numpy.random.seed", "np.random.default_rng", "numpy.random.default_rng"}


def random_calls(node: cst.CSTNode) -> list[tuple[cst.Call, str]]:
    """Calls in an expression that draw random numbers as soon as it is evaluated.

    Lambda bodies and nested function definitions are not entered: they run later, per trial.
    """
    found: list[tuple[cst.Call, str]] = []
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Lambda, cst.FunctionDef)):
            continue
        if isinstance(current, cst.Call):
            name = call_name(current)
            if name and name not in _RANDOM_EXCLUDED and name.startswith(_RANDOM_PREFIXES):
                found.append((current, name))
            elif name is None and _is_generator_draw(current):
                found.append((current, f"{call_name(current.func.value)}(...).{current.func.attr.value}"))
        stack.extend(reversed(children(current)))
    return found


def _is_generator_draw(call: cst.Call) -> bool:
    """`np.random.default_rng(0).integers(...)`: a draw from a generator built on the spot."""
    func = call.func
    return isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call) and call_name(func.value) in (
        "np.random.default_rng", "numpy.random.default_rng", "random.Random",
    )


def iter_calls(node: cst.CSTNode) -> Iterator[cst.Call]:
    """Every call in a subtree, in source order."""
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Call):
            yield current
        stack.extend(reversed(children(current)))


_FIELDS: dict[type, tuple[str, ...]] = {}
_SKIPPED_FIELDS = frozenset({
    "whitespace", "whitespace_before", "whitespace_after", "lpar", "rpar", "leading_lines", "lines_after_decorators",
    "header", "footer", "trailing_whitespace", "newline", "comma", "semicolon", "equal", "colon", "dot",
    "whitespace_before_colon", "whitespace_after_colon", "whitespace_before_params", "whitespace_after_def",
    "whitespace_after_star", "whitespace_after_param", "whitespace_before_indent", "whitespace_after_arg",
    "whitespace_after_kwds", "whitespace_before_as", "whitespace_after_as", "whitespace_after_await",
    "whitespace_after_for", "whitespace_before_in", "whitespace_after_in", "whitespace_before_if",
    "whitespace_after_if", "whitespace_after_lambda", "whitespace_before_from", "whitespace_after_from",
    "whitespace_after_import", "whitespace_after_case", "whitespace_after_match", "whitespace_after_else",
    "whitespace_before_else", "whitespace_before_expression", "whitespace_after_test",
})


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The child nodes of a node in source order, whitespace and punctuation left out.

    Much cheaper than libcst's `node.children`, which runs its visitor machinery for every call.
    """
    cls = type(node)
    names = _FIELDS.get(cls)
    if names is None:
        import dataclasses

        names = tuple(f.name for f in dataclasses.fields(cls) if f.name not in _SKIPPED_FIELDS)
        _FIELDS[cls] = names
    out: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            out.extend(v for v in value if isinstance(v, cst.CSTNode))
    return out


def _quiet_parse(ast, text: str):
    """ast.parse without printing the SyntaxWarnings of the user's code (`1if x`) to our stderr."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)
