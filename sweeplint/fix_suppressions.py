"""Fixes about suppression comments: removing one that suppresses nothing (SL000), and adding one
for a finding (the editor's "Disable SLnnn for this line", with the syntax `--add-noqa` writes)."""

from __future__ import annotations

import re

from sweeplint.fixes import Applicability, Edit, Fix, lines_of
from sweeplint.model import Span

_COMMENT = re.compile(r"\s*#\s*sweeplint\s*:\s*$", re.IGNORECASE)


def unused_suppression_fix(text: str, path: str, directive, code: Span | None) -> Fix | None:
    """Remove an unused code from its directive, or the whole directive when it is the only thing
    it names (the comment too when nothing else is in it; the line too when the comment was alone
    on it). Safe: nothing was suppressed by it. None when the comment holds more than the directive."""
    codes = [span for _, span in directive.codes]
    if code is not None and len(codes) > 1 and code in codes:
        index = codes.index(code)
        if index > 0:
            return _fix(Span(code.line, codes[index - 1].end_column, code.line, code.end_column), "")
        return _fix(Span(code.line, code.column, code.line, codes[1].column), "")
    lines = lines_of(text, path)
    span = directive.span
    if not 0 < span.line <= len(lines):
        return None
    line = lines[span.line - 1]
    head, tail = line[: span.column - 1], line[span.end_column - 1:]
    comment = _COMMENT.search(head)
    if comment is None or tail.strip():
        return None
    if not head[: comment.start()].strip():   # the comment is the whole line: the line goes
        if span.line < len(lines):
            return _fix(Span(span.line, 1, span.line + 1, 1), "")
        return _fix(Span(span.line, 1, span.line, len(line) + 1), "")
    return _fix(Span(span.line, comment.start() + 1, span.line, len(line) + 1), "")


def _fix(span: Span, text: str) -> Fix:
    return Fix("Remove the unused suppression", (Edit(span, text),), Applicability.SAFE)


def disable_line_edit(text: str, path: str, line: int, code: str) -> Edit | None:
    """The edit that suppresses `code` on `line` (merged into a directive already there), or None
    where no comment can go (JSON, a line inside a multi-line string) or should not (findings about
    reading the file or about suppressions themselves, which `--add-noqa` leaves alone too)."""
    from sweeplint.noqa import NOT_SUPPRESSED, _python_blocked, _yaml_blocked, with_directive

    if code in NOT_SUPPRESSED or not path.lower().endswith((".yaml", ".yml", ".py")):
        return None
    lines = lines_of(text, path)
    if not 0 < line <= len(lines):
        return None
    blocked = _python_blocked(text) if path.lower().endswith(".py") else _yaml_blocked(text)
    if line in blocked:
        return None
    new, added = with_directive(lines[line - 1], line, [code])
    if not added:
        return None
    return Edit(Span(line, 1, line, len(lines[line - 1]) + 1), new)
