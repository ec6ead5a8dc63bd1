"""Python expressions read with libcst, never executed: literal values and source positions.

The small API every Python reader (Optuna, Ray Tune, W&B sweeps written in Python) and the
training-code analysis share:

    parse(text) -> libcst.Module                 raises PySyntaxError (message + Span)
    Positions(module).span(node) -> Span         1-based line/column, end exclusive
    source(node) -> str                          the source code of a node
    dotted(node) -> "a.b.c" | None               a name or attribute chain
    call_name(call) -> "tune.uniform" | None     the dotted name of what a call calls
    argument(call, index, keyword) -> node       a positional-or-keyword argument
    random_calls(node) -> [(call, "np.random.x")]  calls that draw random numbers when evaluated
    children(node) -> [child, ...]               child nodes in source order (cheap; no whitespace)
    iter_calls(node) -> calls in a subtree       in source order

Values of expressions (`evaluate`, `is_known`, `to_lit`, `constants`) are `sweeplint.pyeval`'s.
What `evaluate` understands: numbers (negative, scientific, with underscores), strings (also
implicitly concatenated), True/False/None, tuples/lists/sets/dicts of those, + - * / // % ** on
numbers, `math`/`numpy` log/log10/log2/exp/sqrt and pi/e, float()/int()/abs()/round() of
numbers, and names found in `names` (module constants). Anything else evaluates to
`Opaque(source, kind)`, so a list of classes keeps one distinct stand-in per element.

Positions are libcst's PositionProvider's, computed once per module and only when a reader asks
for its first span (so a file that turns out to hold no sweep never pays for it), by one code
generation that records each node's character offsets (sweeplint.codefacts.positions) rather
than the provider's two position objects per node, which cost about five times as much. The
module is not copied: readers never change the tree.

Walks use `children()` below rather than libcst visitors or `node.children`, whose visitor
machinery costs more than the parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from sweeplint.model import Opaque, Span

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "PySyntaxError", "Positions", "parse", "source", "dotted",
    "call_name", "argument", "random_calls", "children", "iter_calls", "Opaque",
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


# The last tree parse() made, with its text. A file that is both a sweep and the program the sweep
# runs (an Optuna objective) is read as a sweep, then analysed as code: the analysis takes this tree
# (`take_parsed`) instead of parsing the same text again, a sixth of such a file's time. Keyed by the
# whole text it cannot go stale; it holds one tree, given up when taken or at the next parse.
_last_parsed: tuple[str, cst.Module] | None = None


def take_parsed(text: str) -> cst.Module | None:
    """The tree parse() made of exactly this text, when it was the last one parsed; the tree is
    given up either way (the caller owns it: it is no longer kept here)."""
    global _last_parsed
    last, _last_parsed = _last_parsed, None
    if last is not None and (last[0] is text or last[0] == text):
        return last[1]
    return None


def parse(text: str) -> cst.Module:
    """Parse a module with libcst. Never raises anything but PySyntaxError.

    Python's own parser checks the text first (it only builds a syntax tree; nothing runs): it
    gives precise syntax errors, and it refuses nesting so deep that libcst's native parser would
    overflow its stack and take the process down instead of raising.
    """
    global _last_parsed
    _last_parsed = None  # the tree kept before is not kept alive while this one is made
    check_size(text)
    _guard(text)
    try:
        module = cst.parse_module(text)
        _last_parsed = (text, module)
        return module
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


# libcst keeps about 3 KB per token of source (a 100,000-token list costs ~290 MB; a 63,000-token
# function, checked with its sweep, 210 MiB at the peak): past this many tokens a file is refused
# before libcst sees it, so a run stays under 200 MiB whatever the input. A 3,000-line training
# script has about 30,000; the largest of 500 training files from public sweep repositories, 12,000.
MAX_TOKENS = 50_000
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
        self._ranges: Any = None   # codefacts.positions.node_positions, on the first request
        self._lines = re.split(r"\r\n|\r|\n", text) if text is not None else None

    def span(self, node: cst.CSTNode) -> Span:
        if self._ranges is None:
            # Offsets recorded in one code generation of the module: the spans libcst's
            # PositionProvider gives, at a fifth of its cost (codefacts.positions)
            from sweeplint.codefacts.positions import node_positions

            self._ranges = node_positions(self.module)
        found = self._ranges.span(node)
        if found is None:
            return Span.point(1, 1)
        opened = len(getattr(node, "lpar", ()) or ())
        closed = len(getattr(node, "rpar", ()) or ())
        if self._lines is None or not (opened or closed):
            return found
        line, col = self._outward(found.line, found.column - 1, opened, "(", -1)
        end_line, end_col = self._outward(found.end_line, found.end_column - 1, closed, ")", 1)
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

        # every whitespace field (whitespace_after_func, whitespace_between, ...): a fifth of the
        # nodes of a walk were whitespace, which never holds a node a reader looks for
        names = tuple(f.name for f in dataclasses.fields(cls)
                      if f.name not in _SKIPPED_FIELDS and not f.name.startswith(("whitespace", "leading_whitespace")))
        _FIELDS[cls] = names
    out: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        if _IS_NODE[type(value)]:
            out.append(value)
        elif isinstance(value, (list, tuple)):
            out.extend(v for v in value if _IS_NODE[type(v)])
    return out


class IsInstance(dict):
    """`table[type(node)]` is `isinstance(node, classes)`, worked out once per node class.

    libcst's node classes are ABCs: a failing `isinstance` goes through a Python-level
    `__instancecheck__`, which on the walk's dispatch costs more than the work dispatched."""

    def __init__(self, *classes: type) -> None:
        super().__init__()
        self.classes = classes

    def __missing__(self, kind: type) -> bool:
        found = self[kind] = issubclass(kind, self.classes)
        return found


_IS_NODE = IsInstance(cst.CSTNode)


def _quiet_parse(ast, text: str):
    """ast.parse without printing the SyntaxWarnings of the user's code (`1if x`) to our stderr."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)
