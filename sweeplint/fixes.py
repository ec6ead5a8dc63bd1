"""Fixes: what a finding offers to change in the text, as edits on the exact spans readers keep.

A `Fix` is a short title, one or more `Edit`s (a span replaced by new text; an empty span inserts),
and an applicability: SAFE fixes keep what the sweep means and are applied by `--fix`; UNSAFE ones
change what is searched (a distribution, a goal, a bound's type) and need `--unsafe-fixes`.
Edits touch only their span, so comments, quoting and layout around them survive.

This module holds the model and the small helpers that build edits from the source text; the fixes
several rules share (a log scale, a goal, a current spelling) are built in sweeplint.fix_builders,
and applying fixes to files is sweeplint.fix_command.
"""

from __future__ import annotations

import enum
import re
from itertools import accumulate

from sweeplint.model import Span
from sweeplint.records import record

# Line breaks as each reader counts lines: PyYAML also breaks at NEL and the Unicode separators.
# (The separators in a class of their own: in one class with the others, `re` compiles a bitmap of
# 65536 characters, a third of what the rest of this module costs to import.)
_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85]|[\u2028\u2029]")
_PYTHON_BREAK = re.compile(r"\r\n|[\r\n]")
# The characters of each pattern's breaks besides `\n`: a text holding none of them is split at `\n` alone.
_YAML_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
_PYTHON_OTHER_BREAKS = ("\r",)


class Applicability(str, enum.Enum):
    SAFE = "safe"        # the sweep means the same after the fix
    UNSAFE = "unsafe"    # the fix changes what is searched or how; review it

    def __str__(self) -> str:
        return self.value


@record(frozen=True, slots=True)
class Edit:
    """Replace `span` (1-based, end exclusive) with `text`; an empty span inserts at its start."""

    span: Span
    text: str
    path: str | None = None     # the file the finding is in when None


@record(frozen=True, slots=True)
class Fix:
    """An edit a finding offers: a title, the text edits, and how safe it is to apply."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE

    @property
    def safe(self) -> bool:
        return self.applicability is Applicability.SAFE


def replace(span: Span, text: str, title: str, applicability: Applicability = Applicability.SAFE) -> Fix:
    """The usual fix: one span replaced."""
    return Fix(title, (Edit(span, text),), applicability)


# --- reading the source around a span ------------------------------------------------------------


def _is_python(path: str) -> bool:
    return path.lower().endswith(".py")


def line_breaks(path: str):
    return _PYTHON_BREAK if _is_python(path) else _YAML_BREAK


def _only_newlines(text: str, path: str) -> bool:
    """Whether `\n` is the only line break the file's reader counts in it (most files): str.split
    then splits it as the break pattern does, several times faster."""
    return not any(ch in text for ch in (_PYTHON_OTHER_BREAKS if _is_python(path) else _YAML_OTHER_BREAKS))


def lines_of(text: str, path: str = "") -> list[str]:
    """The file's lines without their breaks, split as its reader counts them (read-only: shared)."""
    return _split_once("lines", text, path,
                       lambda: text.split("\n") if _only_newlines(text, path) else line_breaks(path).split(text))


# Every finding of a file builds its fix from the same text: split it once per file, not once per
# finding (a sweep with thousands of findings was quadratic here).
_LAST_SPLIT: dict[str, tuple[str, str, list]] = {}


def _split_once(kind: str, text: str, path: str, split) -> list:
    last = _LAST_SPLIT.get(kind)
    if last is not None and last[0] is text and last[1] == path:
        return last[2]
    result = split()
    _LAST_SPLIT[kind] = (text, path, result)
    return result


def span_text(text: str, span: Span, path: str = "") -> str:
    """The source text a span covers (as far as it is in the text)."""
    starts = line_starts(text, path)
    start, end = offset(starts, text, span.line, span.column), offset(starts, text, span.end_line, span.end_column)
    return text[start:end] if start is not None and end is not None else ""


def line_starts(text: str, path: str = "") -> list[int]:
    """Offsets of the file's line starts (read-only: shared)."""
    return _split_once("starts", text, path, lambda: _starts(text, path))


def _starts(text: str, path: str) -> list[int]:
    if _only_newlines(text, path):  # each line starts one `\n` after the end of the one before
        return list(accumulate((len(line) + 1 for line in lines_of(text, path)[:-1]), initial=0))
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


def newline_of(text: str) -> str:
    """The line break the file uses (its first one), for inserted lines."""
    match = _YAML_BREAK.search(text)
    return match.group(0) if match else "\n"


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
