"""A JSON array; every object has exactly the keys editors and scripts rely on."""

from __future__ import annotations

import json

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
    texts = _Texts()
    objects = []
    for d in diagnostics:
        line, column, end_line, end_column = _numbers(d.span)
        fix = d.fix
        objects.append(
            f'  {{\n    "code": {texts[d.code]},\n    "name": {texts[d.name]},\n'
            f'    "severity": {_SEVERITY.get(d.severity) or texts[str(d.severity)]},\n'
            f'    "message": {texts[d.message]},\n    "path": {texts[d.path]},\n'
            f'    "line": {line},\n    "column": {column},\n    "end_line": {end_line},\n    "end_column": {end_column},\n'
            f'    "help": {texts[help_text(d)]},\n'
            f'    "confidence": {"null" if d.confidence is None else _CONFIDENCE.get(d.confidence) or texts[str(d.confidence)]},\n'
            f'    "fix": {"null" if fix is None else _fix_text(fix, d.path, texts)}\n  }}'
        )
    if not objects:
        return "[]\n"
    return "[\n" + ",\n".join(objects) + "\n]\n"


def _fix_text(fix, path: str, texts: _Texts) -> str:
    """A fix's object as json.dumps(..., indent=2) writes it inside a finding (fix_as_dict)."""
    edits = []
    for e in fix.edits:
        line, column, end_line, end_column = _numbers(e.span)
        edits.append(
            f'        {{\n          "path": {texts[e.path or path]},\n'
            f'          "line": {line},\n          "column": {column},\n'
            f'          "end_line": {end_line},\n          "end_column": {end_column},\n'
            f'          "content": {texts[e.text]}\n        }}'
        )
    listed = "[\n" + ",\n".join(edits) + "\n      ]" if edits else "[]"
    return (f'{{\n      "title": {texts[fix.title]},\n'
            f'      "applicability": {_APPLICABILITY.get(fix.applicability) or texts[str(fix.applicability)]},\n'
            f'      "edits": {listed}\n    }}')


# json.dumps(..., indent=2) runs the pure-Python encoder, a visible share of a large run's serial
# part. The same text is built here, each finding's object by one f-string of the JSON texts of its
# values (a `%` template of the whole document was scanned character by character: a third of the
# render). A large report repeats its strings (help texts were a third of the 500 bench configs'
# report, messages an eighth, in under two hundred distinct texts), so each distinct string is
# encoded once; json.dumps stays the reference (tests compare the two).
_ENCODE = json.JSONEncoder().encode  # (a string: the C encoder of json.dumps's default ensure_ascii)


class _Texts(dict):
    """value -> its JSON text, each distinct string encoded once (for one report)."""

    __slots__ = ()

    def __missing__(self, value) -> str:
        text = _ENCODE(value)
        if type(value) is str:  # (1, 1.0 and True are one key with three texts: only strings are kept)
            self[value] = text
        return text


def _numbers(span) -> tuple:
    """A span's four numbers as they are written: an int as it is (formatted, it is written as JSON writes it)."""
    numbers = (span.line, span.column, span.end_line, span.end_column)
    if type(numbers[0]) is type(numbers[1]) is type(numbers[2]) is type(numbers[3]) is int:
        return numbers
    return tuple(map(_ENCODE, numbers))


# The text of a level or an applicability is a Python call per finding: looked up instead.
_SEVERITY = {level: _ENCODE(str(level)) for level in Severity}
_CONFIDENCE = {level: _ENCODE(str(level)) for level in Confidence}
_APPLICABILITY = {kind: _ENCODE(str(kind)) for kind in Applicability}
