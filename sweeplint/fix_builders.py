"""Fixes several rules share, built from the source text around the spans readers keep: a range put
on a log scale as the tool spells it, a goal turned around or added, a deprecated spelling written
the current way. Each returns a `Fix` or None when the text is not laid out as the fix expects
(a flow mapping where a line would be added, a call spread so an edit could land elsewhere).
"""

from __future__ import annotations

import re

from sweeplint.fixes import (Applicability, Edit, Fix, line_starts, lines_of, newline_of, offset, respell,
                             respell_word, span_text)
from sweeplint.model import Span


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
