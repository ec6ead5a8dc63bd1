"""A JSON array; every object has exactly the keys editors and scripts rely on."""

from __future__ import annotations

import json

from sweeplint.catalogue import fix_hint


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
    return json.dumps([as_dict(d) for d in diagnostics], indent=2) + "\n"
