"""A JSON array; every object has exactly the keys editors and scripts rely on."""

from __future__ import annotations

import json
from functools import lru_cache

from sweeplint.catalogue import fix_hint
from sweeplint.diagnostics import Confidence, Severity
from sweeplint.fixes import Applicability


def help_text(d) -> str:
    """How to fix this finding: its own help, else the rule's fix hint from the catalogue."""
    return d.help or fix_hint(d.code)


def as_dict(d) -> dict:
    return {
        "code": d.code,
        "name": d.name,
        "severity": str(d.severity),
        "message": d.message,
        "path": d.path,
        "line": d.span.line,
        "column": d.span.column,
        "end_line": d.span.end_line,
        "end_column": d.span.end_column,
        "help": help_text(d),  # the concrete fix for this finding (the rule's fix hint when it has none)
        # declared | strong | weak for findings resting on roles or phase; null otherwise
        "confidence": str(d.confidence) if d.confidence is not None else None,
        # the edits `--fix` (safe) or `--fix --unsafe-fixes` (unsafe) would make; null when none
        "fix": fix_as_dict(d.fix, d.path),
    }


def fix_as_dict(fix, path: str) -> dict | None:
    """A fix: its title, applicability and edits (1-based lines and columns, end exclusive; an empty
    range inserts `content`)."""
    if fix is None:
        return None
    return {
        "title": fix.title,
        "applicability": str(fix.applicability),
        "edits": [{"path": e.path or path, "line": e.span.line, "column": e.span.column,
                   "end_line": e.span.end_line, "end_column": e.span.end_column, "content": e.text} for e in fix.edits],
    }


def render(diagnostics, ctx) -> str:
    """json.dumps([as_dict(d) for d in diagnostics], indent=2), byte for byte (see below): the
    values of as_dict are taken from each finding directly, in its order (building the
    dictionaries cost a third of the render)."""
    flat: list = []
    parts = []
    for d in diagnostics:
        span = d.span
        flat += (d.code, d.name, _SEVERITY.get(d.severity) or str(d.severity), d.message, d.path, span.line, span.column,
                 span.end_line, span.end_column, help_text(d),
                 _CONFIDENCE.get(d.confidence) or str(d.confidence) if d.confidence is not None else None)
        fix = d.fix
        if fix is None:
            parts.append(_WITHOUT_FIX)
            continue
        parts.append(_with_fix(len(fix.edits)))
        flat += (fix.title, _APPLICABILITY.get(fix.applicability) or str(fix.applicability))
        for e in fix.edits:
            flat += (e.path or d.path, e.span.line, e.span.column, e.span.end_line, e.span.end_column, e.text)
    return _filled(parts, flat) + "\n"


# The text of a level or an applicability is a Python call per finding: looked up instead.
_SEVERITY = {level: str(level) for level in Severity}
_CONFIDENCE = {level: str(level) for level in Confidence}
_APPLICABILITY = {kind: str(kind) for kind in Applicability}

# json.dumps(..., indent=2) runs the pure-Python encoder, a visible share of a large run's serial
# part. The same text is built here from fixed templates around values that the C encoder encodes
# in one call, the whole document filled by one `%` (formatting each finding on its own cost more
# than encoding the values); json.dumps stays the reference (tests compare the two).
_FINDING_KEYS = ("code", "name", "severity", "message", "path", "line", "column", "end_line", "end_column",
                 "help", "confidence", "fix")
_FIX_KEYS = ("title", "applicability", "edits")
_EDIT_KEYS = ("path", "line", "column", "end_line", "end_column", "content")


def _template(keys: tuple[str, ...], indent: int) -> str:
    inner = " " * (indent + 2)
    return "{\n" + ",\n".join(f'{inner}"{key}": %s' for key in keys) + "\n" + " " * indent + "}"


_FINDING = "  " + _template(_FINDING_KEYS, 2)
_FIX = _template(_FIX_KEYS, 4)
_EDIT = "        " + _template(_EDIT_KEYS, 8)
# A NUL never appears in encoded JSON (a NUL in a string is written \u0000): it separates the values.
_VALUES = json.JSONEncoder(separators=("\0", ":"))


def _filled(parts: list[str], flat: list) -> str:
    """The findings' templates joined into an array, filled with the values, JSON-encoded in order."""
    if not parts:
        return "[]"
    values = _VALUES.encode(flat)[1:-1].split("\0")
    return ("[\n" + ",\n".join(parts) + "\n]") % tuple(values)


_HOLES = ("%s",) * (len(_FINDING_KEYS) - 1)
_WITHOUT_FIX = _FINDING % (*_HOLES, "null")


@lru_cache(maxsize=None)
def _with_fix(edits: int) -> str:
    """The template of a finding whose fix has this many edits."""
    listed = "[\n" + ",\n".join([_EDIT % (("%s",) * len(_EDIT_KEYS))] * edits) + "\n      ]" if edits else "[]"
    return _FINDING % (*_HOLES, _FIX % ("%s", "%s", listed))
