"""What sweeplint reports: a diagnostic with a code, a severity and a place."""

from __future__ import annotations

import enum
import re
from functools import lru_cache

from sweeplint.fixes import Fix
from sweeplint.model import Span
from sweeplint.records import record


class _Level(enum.IntEnum):
    """An ordered level spelled in lower case in settings, on the command line and in output."""

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str):
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = [str(m) for m in sorted(cls, reverse=True)]
            raise ValueError(f"unknown {cls.__name__.lower()} {text!r}; use {', '.join(names[:-1])} or {names[-1]}") from None


class Severity(_Level):
    INFO = 1
    WARNING = 2
    ERROR = 3


class Confidence(_Level):
    """How sure a finding is when it rests on a role, goal or phase that might be inferred.

    DECLARED: the user declared what the finding rests on. STRONG: inferred, but the evidence
    leaves little doubt. WEAK: an opinion on a guessed role; shown only on request
    (`--confidence weak`). Findings that rest on no inference carry no confidence (None).
    """

    WEAK = 1
    STRONG = 2
    DECLARED = 3


@record(frozen=True, slots=True)
class Related:
    """Another place that explains a finding (the training-code line a config key relates to)."""

    path: str
    span: Span
    message: str


@record(frozen=True, slots=True)
class Finding:
    """What a rule yields: where and what. The engine adds code, name, severity and path.

    `message` says what is wrong in one sentence (the concise line); `help` says how to fix this
    finding, with its numbers, and why it matters (shown by `full`, JSON, SARIF and annotations).
    """

    span: Span
    message: str
    path: str | None = None          # defaults to the file being checked
    related: tuple[Related, ...] = ()
    severity: Severity | None = None  # this finding's level when it differs from the rule's default
    confidence: Confidence | None = None  # set by findings that rest on inferred roles or phase
    fix: Fix | None = None            # the edits that would fix it (sweeplint.fixes), when mechanical
    help: str | None = None          # the fix for this finding and the reasoning behind it

    @classmethod
    def split(cls, span: Span, text: str, **fields) -> "Finding":
        """A finding from one text `what is wrong: why; what to do` (see split_help)."""
        message, help_text = split_help(text)
        return cls(span, message, help=help_text, **fields)


@record(frozen=True, slots=True)
class Diagnostic:
    """One finding as a user sees it: rule, severity, message, place and optional fix."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    span: Span
    related: tuple[Related, ...] = ()
    confidence: Confidence | None = None
    fix: Fix | None = None
    help: str | None = None

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)


# Pure, and asked again for every file that yields the same finding: its answers are kept.
@lru_cache(maxsize=4096)
def split_help(text: str, limit: int = 100, colon: bool = True) -> tuple[str, str | None]:
    """(message, help) from a text written as `what is wrong: why; what to do`: the first clause is
    the message, the rest, made a sentence, the help. The split is at the first `; `, `: ` or ` - `
    outside brackets, quotes and backticks, after at least four words (so `lr: the bound ...` keeps
    its name); a first clause still longer than `limit` also leaves its consequence (`, so ...`)
    to the help. A text without such a place is all message. With `colon` False a `: ` does not
    split (the readers' problems use it for what belongs to the sentence: `needs type: range, ...`)."""
    cut = _separator(text, (";", ":", " - ") if colon else (";", " - "))
    message, rest = (text, "") if cut is None else (text[:cut[0]], text[cut[1]:].strip())
    if len(rest.split()) <= 2:  # `; skipped`, `; not read`: a word or two belongs to the sentence
        message, rest = text, ""
    suggestion = ""
    if rest.startswith("did you mean ") and len(rest) < 60:  # a suggestion is short, and what one acts on
        suggestion, rest = f" ({rest})", ""
    if len(message) > limit:
        so = _separator(message, (", so ",))
        if so is not None:
            rest = f"{_sentence(message[so[1]:])} {_sentence(rest) if rest else ''}".strip()
            message = message[:so[0]]
    message += suggestion
    if not rest:
        return message.rstrip("."), None
    return message, _sentence(rest)


def _separator(text: str, marks: tuple[str, ...]) -> tuple[int, int] | None:
    """(start, end) of the first of `marks` outside brackets, quotes and backticks, followed by a
    space (`: `, `; `), after the first four words."""
    depth, quote = 0, None
    third_space = -1  # a mark counts only after the first four words: past the third space
    for _ in range(3):
        third_space = text.find(" ", third_space + 1)
        if third_space < 0:
            third_space = len(text)
            break
    # Only quotes, brackets and the first characters of marks change anything: visit those alone.
    for found in _visited_characters(marks).finditer(text):
        i = found.start()
        ch = text[i]
        if quote:
            quote = None if ch == quote else quote
            continue
        if ch in "`\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        if depth or i <= third_space:
            continue
        for mark in marks:
            if text.startswith(mark, i) and (mark[-1] == " " or text[i + len(mark):i + len(mark) + 1] == " "):
                return i, i + len(mark) + (0 if mark[-1] == " " else 1)
    return None


_VISITED: dict[tuple[str, ...], re.Pattern] = {}


def _visited_characters(marks: tuple[str, ...]) -> re.Pattern:
    """Quotes, brackets, and the places where a mark starts (not every character a mark starts
    with: the space of ` - ` would visit every word)."""
    found = _VISITED.get(marks)
    if found is None:
        starts = "|".join(f"(?={re.escape(m)})" for m in sorted(set(marks)))
        found = _VISITED[marks] = re.compile("[" + re.escape("`\"()[]{}") + "]|" + starts)
    return found


def _sentence(text: str) -> str:
    """`rest of a clause` as a sentence: a lower-case first word capitalised (not a name such as
    `step_size` or `bool('x')`), a full stop at the end."""
    text = text.strip()
    first = text.split(" ", 1)[0]
    if first.isalpha() and first.islower():
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
