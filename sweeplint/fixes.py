"""Fixes: what a finding offers to change in the text, as edits on the exact spans readers keep.

A `Fix` is a short title, one or more `Edit`s (a span replaced by new text; an empty span inserts),
and an applicability: SAFE fixes keep what the sweep means and are applied by `--fix`; UNSAFE ones
change what is searched (a distribution, a goal, a bound's type) and need `--unsafe-fixes`.
Edits touch only their span, so comments, quoting and layout around them survive.

This module holds the model and the small helpers rules use to build edits from the source text;
applying fixes to files is sweeplint.fix_command.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from sweeplint.model import Span

# Line breaks as each reader counts lines: PyYAML also breaks at NEL and the Unicode separators.
_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_PYTHON_BREAK = re.compile(r"\r\n|[\r\n]")


class Applicability(str, enum.Enum):
    SAFE = "safe"        # the sweep means the same after the fix
    UNSAFE = "unsafe"    # the fix changes what is searched or how; review it

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `span` (1-based, end exclusive) with `text`; an empty span inserts at its start."""

    span: Span
    text: str
    path: str | None = None     # the file the finding is in when None


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE

    @property
    def safe(self) -> bool:
        return self.applicability is Applicability.SAFE


def replace(span: Span, text: str, title: str, applicability: Applicability = Applicability.SAFE) -> Fix:
    """The usual fix: one span replaced."""
    return Fix(title, (Edit(span, text),), applicability)


def insertion(line: int, column: int, text: str) -> Edit:
    return Edit(Span(line, column, line, column), text)


# --- reading the source around a span ------------------------------------------------------------


def line_breaks(path: str):
    return _PYTHON_BREAK if path.lower().endswith(".py") else _YAML_BREAK


def lines_of(text: str, path: str = "") -> list[str]:
    """The file's lines without their breaks, split as its reader counts them."""
    return line_breaks(path).split(text)


def span_text(text: str, span: Span, path: str = "") -> str:
    """The source text a span covers (as far as it is in the text)."""
    starts = line_starts(text, path)
    start, end = offset(starts, text, span.line, span.column), offset(starts, text, span.end_line, span.end_column)
    return text[start:end] if start is not None and end is not None else ""


def line_starts(text: str, path: str = "") -> list[int]:
    return [0] + [m.end() for m in line_breaks(path).finditer(text)]


def offset(starts: list[int], text: str, line: int, column: int) -> int | None:
    """The character offset of a 1-based line and column, None when it is not in the text."""
    if not 0 < line <= len(starts):
        return None
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    at = start + column - 1
    return at if start <= at <= end else None


def quoted_replacement(text: str, span: Span, new: str, path: str = "") -> str:
    """`new` in the quotes the span's text is written in (a YAML or Python string), if any."""
    old = span_text(text, span, path)
    match = re.match(r"""^([rRuU]?)(['"])""", old)
    if match and old.endswith(match.group(2)) and len(old) >= 2 + len(match.group(1)):
        return f"{match.group(1)}{match.group(2)}{new}{match.group(2)}"
    return new


def indentation(text: str, line: int, path: str = "") -> str:
    """The leading whitespace of a line."""
    lines = lines_of(text, path)
    if not 0 < line <= len(lines):
        return ""
    current = lines[line - 1]
    return current[: len(current) - len(current.lstrip(" \t"))]


def newline_of(text: str) -> str:
    """The line break the file uses (its first one), for inserted lines."""
    match = _YAML_BREAK.search(text)
    return match.group(0) if match else "\n"


def key_line_insertion(text: str, key: Span, value: Span, line_text: str, path: str = "") -> Edit | None:
    """An edit adding `line_text` as a new key after the one-line `key: value` (a key of the same
    block mapping, so at its indentation). None when the pair is in a flow mapping (`{name: x}`)
    or spans several lines: there a new line would not land in the same mapping."""
    lines = lines_of(text, path)
    if not 0 < key.line <= len(lines) or value.end_line != key.line:
        return None
    current = lines[key.line - 1]
    head = current[: key.column - 1]
    if head.strip() not in ("", "-"):   # in a flow mapping, or not the first key on its line
        return None
    indent = head.replace("-", " ")
    end = len(current) + 1
    return Edit(Span(key.line, end, key.line, end), newline_of(text) + indent + line_text)


# --- as JSON (the cache) ---------------------------------------------------------------------------


def encode_fix(fix: Fix | None) -> list | None:
    if fix is None:
        return None
    return [fix.title, str(fix.applicability),
            [[[e.span.line, e.span.column, e.span.end_line, e.span.end_column], e.text, e.path] for e in fix.edits]]


def decode_fix(data) -> Fix | None:
    if data is None:
        return None
    title, applicability, edits = data
    return Fix(str(title),
               tuple(Edit(Span(*(int(v) for v in span)), str(text), None if path is None else str(path))
                     for span, text, path in edits),
               Applicability(applicability))


def respell(text: str, span: Span, new: str, title: str, applicability: Applicability = Applicability.SAFE,
            path: str = "") -> Fix:
    """A word (a distribution's name, a goal) written anew, in the quotes it had."""
    return replace(span, quoted_replacement(text, span, new, path), title, applicability)


def respell_word(text: str, span: Span, old: str, new: str, path: str = "") -> Edit | None:
    """An edit replacing the last whole word `old` inside a one-line span (`tune.uniform` -> the
    `uniform` of it) with `new`."""
    if span.end_line != span.line:
        return None
    found = [m for m in re.finditer(rf"(?<![\w]){re.escape(old)}(?![\w])", span_text(text, span, path))]
    if not found:
        return None
    start = span.column + found[-1].start()
    return Edit(Span(span.line, start, span.line, start + len(old)), new)


def log_scale_fix(text: str, path: str, dialect, p) -> Fix | None:
    """A linear range put on a log scale as the tool spells it (the dialect's log_scale_* fields).
    Unsafe: it changes how the range is sampled."""
    if p.linked_from:   # its spans are in the file that defines it
        return None
    title = f"Search {p.name} on a log scale"
    unsafe = Applicability.UNSAFE
    if p.distribution and p.distribution_span is not None:
        for linear, log in dialect.log_scale_names:
            if p.distribution == linear:
                edit = respell_word(text, p.distribution_span, linear, log, path)
                return Fix(title, (edit,), unsafe) if edit else None
    if dialect.log_scale_keyword is not None and p.distribution == dialect.log_scale_keyword[0]:
        return _keyword_fix(text, path, p.value_span, dialect.log_scale_keyword[1], title)
    if dialect.log_scale_wrapper is not None and p.distribution_span is not None and p.high is not None:
        return _wrap_fix(text, path, p, dialect.log_scale_wrapper, title)
    written = p.distribution_span is not None and p.distribution in dict(dialect.log_scale_names)
    if dialect.log_scale_key is not None and not written and p.space.value == "uniform" and p.low is not None:
        return _key_fix(text, path, p.low.span, dialect.log_scale_key, title)
    return None


def _keyword_fix(text: str, path: str, call: Span, keyword: str, title: str) -> Fix | None:
    """`keyword` added as the call's last argument, before its closing parenthesis (after a
    trailing comma, keeping one, when the call has it)."""
    starts = line_starts(text, path)
    end = offset(starts, text, call.end_line, call.end_column)
    if end is None or end == 0 or text[end - 1] != ")":
        return None
    before = text[:end - 1].rstrip()
    if before.endswith(","):
        at, new = len(before), f" {keyword},"
    else:
        at, new = end - 1, f", {keyword}"
    line = max(i for i, start in enumerate(starts, start=1) if start <= at)
    column = at - starts[line - 1] + 1
    return Fix(title, (Edit(Span(line, column, line, column), new),), Applicability.UNSAFE)


def _wrap_fix(text: str, path: str, p, wrapper: tuple[str, str], title: str) -> Fix | None:
    """The range's function call wrapped (`interval(a, b)` -> `tag(log, interval(a, b))`), when the
    call is on one line: its closing parenthesis is the first after the upper bound."""
    start, high = p.distribution_span, p.high.span
    lines = lines_of(text, path)
    if start.line != high.end_line or not 0 < start.line <= len(lines):
        return None
    rest = lines[start.line - 1][high.end_column - 1:]
    close = rest.find(")")
    if close < 0 or rest[:close].strip():
        return None
    at = high.end_column + close + 1
    return Fix(title, (Edit(Span(start.line, start.column, start.line, start.column), wrapper[0]),
                       Edit(Span(start.line, at, start.line, at), wrapper[1])), Applicability.UNSAFE)


def _key_fix(text: str, path: str, bound: Span, key_value: tuple[str, str], title: str) -> Fix | None:
    """`key: value` added before the key of the lower bound: a line of its own in a block mapping,
    an item in a flow mapping (quoted as that key is: JSON, a Python dict)."""
    lines = lines_of(text, path)
    if not 0 < bound.line <= len(lines):
        return None
    head = lines[bound.line - 1][: bound.column - 1]
    match = re.search(r"""(["']?)[\w-]+\1\s*:\s*$""", head)
    if match is None:
        return None
    quote = match.group(1)
    key, value = key_value
    at = match.start() + 1
    if not head[: match.start()].strip():
        indent = head[: match.start()]
        item = f"{quote}{key}{quote}: {quote}{value}{quote}"
        if quote:   # JSON or a Python dict spread over lines: items end with commas
            item += ","
        return Fix(title, (Edit(Span(bound.line, 1, bound.line, 1), indent + item + newline_of(text)),),
                   Applicability.UNSAFE)
    return Fix(title, (Edit(Span(bound.line, at, bound.line, at), f"{quote}{key}{quote}: {quote}{value}{quote}, "),),
               Applicability.UNSAFE)


_OPPOSITE = {"maximize": "minimize", "minimize": "maximize", "max": "min", "min": "max", "true": "false",
             "false": "true", "True": "False", "False": "True"}


def reverse_goal_fix(text: str, path: str, goal: Span, title: str) -> Fix | None:
    """The goal as written turned around: maximize <-> minimize, max <-> min, or a direction flag
    (`smaller_is_better: false`) negated. Unsafe: the search then optimizes the other way."""
    written = span_text(text, goal, path)
    for word, other in _OPPOSITE.items():
        if written.strip("'\" ") == word:
            edit = respell_word(text, goal, word, other, path)
            return Fix(title, (edit,), Applicability.UNSAFE) if edit else None
    return None


def sibling_key_fix(text: str, path: str, value: Span, key: str, new: str, title: str,
                    applicability: Applicability = Applicability.UNSAFE) -> Fix | None:
    """`key: new` added to the mapping holding the one-line value at `value` (`metric.name`): a
    line after it in a block mapping, an item after it in a flow mapping, quoted as its key is."""
    lines = lines_of(text, path)
    if not 0 < value.line <= len(lines) or value.end_line != value.line:
        return None
    head = lines[value.line - 1][: value.column - 1]
    match = re.search(r"""(["']?)[\w-]+\1\s*:\s*$""", head)
    if match is None:
        return None
    quote = match.group(1)
    item = f"{quote}{key}{quote}: {quote}{new}{quote}"
    before = head[: match.start()]
    if before.strip() in ("", "-"):   # a block mapping: a line of its own at the key's indentation
        line = lines[value.line - 1]
        end = len(line) + 1
        indent = before.replace("-", " ")
        comma = line[value.end_column - 1:].lstrip().startswith(",")
        edits = [Edit(Span(value.line, end, value.line, end), newline_of(text) + indent + item + ("," if comma else ""))]
        if quote and not comma:   # JSON or Python, the mapping's last item: the value gets a comma
            edits.insert(0, Edit(Span(value.line, value.end_column, value.line, value.end_column), ","))
        return Fix(title, tuple(edits), applicability)
    at = value.end_column
    return Fix(title, (Edit(Span(value.line, at, value.line, at), f", {item}"),), applicability)


def merge_fixes(fixes: list[Fix | None]) -> Fix | None:
    """One fix doing what all of them do (the same fix at every use of a spelling); None unless
    every one exists. Unsafe when any is."""
    if not fixes or any(f is None for f in fixes):
        return None
    if len(fixes) == 1:
        return fixes[0]
    safe = all(f.safe for f in fixes)
    return Fix(fixes[0].title, tuple(e for f in fixes for e in f.edits),
               Applicability.SAFE if safe else Applicability.UNSAFE)


def modern_spelling_fix(text: str, path: str, p) -> Fix | None:
    """A deprecated distribution written the current way: Optuna's suggest_uniform / loguniform /
    discrete_uniform as suggest_float (safe: the same distribution), W&B's log_uniform with exponent
    bounds as log_uniform_values with the values they stand for (unsafe: the bounds are rounded to
    six digits)."""
    import math

    from sweeplint.model import number

    if p.linked_from or p.distribution_span is None:
        return None
    rename = respell_word(text, p.distribution_span, p.distribution or "", "suggest_float", path)
    if p.distribution in ("suggest_uniform", "suggest_loguniform") and rename is not None:
        edits = [rename]
        if p.distribution == "suggest_loguniform":
            keyword = _keyword_fix(text, path, p.value_span, "log=True", "")
            if keyword is None:
                return None
            edits += keyword.edits
        return Fix("Use suggest_float", tuple(edits))
    if p.distribution == "suggest_discrete_uniform" and rename is not None and p.q is not None:
        step = _step_keyword(text, path, p.q.span)
        return Fix("Use suggest_float(..., step=q)", (rename, step)) if step else None
    if p.exponent_bounds and p.distribution in ("log_uniform", "q_log_uniform") and p.low and p.high:
        low, high = number(p.low), number(p.high)
        if low is None or high is None or max(low, high) > 700:
            return None
        base = p.base or math.e
        new = f"{p.distribution}_values"
        edits = (respell(text, p.distribution_span, new, "", path=path).edits[0],
                 Edit(p.low.span, _float_text(base ** low)), Edit(p.high.span, _float_text(base ** high)))
        return Fix(f"Use {new} with the bounds as values", edits, Applicability.UNSAFE)
    return None


def _float_text(value: float) -> str:
    """Six significant digits, spelled so that YAML 1.1 and JSON read a float (`1.0e-05`)."""
    text = f"{value:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        mantissa = mantissa if "." in mantissa else mantissa + ".0"
        return f"{mantissa}e{exponent}"
    return text if "." in text else text + ".0"


def _step_keyword(text: str, path: str, q: Span) -> Edit | None:
    """`q` given by position or as `q=` turned into `step=`."""
    lines = lines_of(text, path)
    if not 0 < q.line <= len(lines):
        return None
    head = lines[q.line - 1][: q.column - 1]
    keyword = re.search(r"\bq\s*=\s*$", head)
    if keyword:
        column = keyword.start() + 1
        return Edit(Span(q.line, column, q.line, q.column), "step=")
    return Edit(Span(q.line, q.column, q.line, q.column), "step=")
