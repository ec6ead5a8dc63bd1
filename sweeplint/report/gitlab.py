"""GitLab Code Quality: a JSON array of issues (`artifacts: reports: codequality:`).

Every issue has the keys GitLab documents as required: description, check_name, fingerprint,
severity, location.path (relative to the repository root, whatever the
working directory) and location.lines.begin.

The fingerprint identifies a finding across runs and pipelines, so GitLab can tell new findings
from old ones in a merge request. It hashes the path, the rule code, the message and the text of
the flagged line (whitespace-trimmed), not the line number: a finding keeps its fingerprint when
lines are added above it, and gets a new one when the flagged line itself changes. When the text
is not available the line number stands in for it. Identical findings on identical lines of one
file are told apart by their order.
"""

from __future__ import annotations

import hashlib
import json

from sweeplint.diagnostics import Severity

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _line_text(d, texts: dict | None) -> str | None:
    text = (texts or {}).get(d.path)
    if text is None:
        return None
    from sweeplint.source import split_lines

    lines = split_lines(text)
    if 0 < d.span.line <= len(lines):
        return lines[d.span.line - 1].strip()
    return ""


def fingerprint(d, texts: dict | None, occurrence: int = 0, root: str | None = None) -> str:
    from sweeplint.report.sarif import relative_path

    line = _line_text(d, texts)
    anchor = f"text:{line}" if line is not None else f"line:{d.span.line}"
    key = "\0".join((relative_path(d.path, root), d.code, d.message, anchor, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def render(diagnostics, ctx) -> str:
    from sweeplint.report.sarif import relative_path

    root = getattr(ctx, "root", None)
    issues = []
    seen: dict[str, int] = {}
    for d in diagnostics:
        base = fingerprint(d, ctx.texts, root=root)
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        issue = {
            "type": "issue",
            "description": f"{d.code} {d.message}",
            "check_name": f"{d.code} {d.name}",
            "fingerprint": base if occurrence == 0 else fingerprint(d, ctx.texts, occurrence, root),
            "severity": SEVERITIES[d.severity],
            "categories": ["Bug Risk"] if d.severity == Severity.ERROR else ["Style"] if d.severity == Severity.INFO else ["Clarity"],
            "location": {
                "path": relative_path(d.path, root),
                "lines": {"begin": max(1, d.span.line), "end": max(1, d.span.line, d.span.end_line)},
            },
        }
        issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
