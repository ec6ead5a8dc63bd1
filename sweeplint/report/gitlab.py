"""GitLab Code Quality: a JSON array of issues (`artifacts: reports: codequality:`).

Every issue has the keys GitLab documents as required: description, check_name, fingerprint,
severity, location.path (relative to the repository root, whatever the
working directory) and location.lines.begin.

The fingerprint identifies a finding across runs and pipelines, so GitLab can tell new findings
from old ones in a merge request (sweeplint.fingerprint, shared with SARIF and the baseline): it
hashes the path, the rule code, the message and the text of the flagged line and of the lines
enclosing it, not the line number, so a finding keeps its fingerprint when lines are added above it
and gets a new one when the flagged line itself changes.
"""

from __future__ import annotations

import json

from sweeplint.diagnostics import Severity

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(diagnostics, ctx) -> str:
    from sweeplint.fingerprint import fingerprint
    from sweeplint.report import relative_path

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
        if d.help:  # Code Quality's optional `content.body`: shown when the issue is opened
            issue["content"] = {"body": d.help}
        issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
