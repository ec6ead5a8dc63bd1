"""SARIF 2.1.0, as GitHub code scanning reads it (upload with github/codeql-action/upload-sarif).

One run; `tool.driver.rules` lists every rule with its documentation, results point into it by
`ruleIndex`. Locations are relative to the repository root (`uriBaseId: %SRCROOT%`), with forward
slashes. Columns count Unicode code points (`columnKind`), end columns are exclusive as SARIF wants.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from sweeplint import __version__
from sweeplint.diagnostics import Severity
from sweeplint.report import relative_path

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _artifact(path: str, root: str | None) -> dict:
    rel = relative_path(path, root)
    if rel.startswith("/") or (len(rel) > 1 and rel[1] == ":"):
        return {"uri": "file://" + _quote(rel if rel.startswith("/") else "/" + rel)}
    return {"uri": _quote(rel), "uriBaseId": "%SRCROOT%"}


def _quote(path: str) -> str:
    # A name that was not valid UTF-8 on disk holds its raw bytes as surrogates: a URI gives them back
    # percent-encoded, as they are on disk.
    return quote(path, errors="surrogateescape")


def _region(span) -> dict:
    line = max(1, span.line)
    column = max(1, span.column)
    end_line = max(line, span.end_line)
    end_column = max(1, span.end_column)
    if end_line == line and end_column < column:
        end_column = column
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _location(path: str, span, root: str | None) -> dict:
    return {"physicalLocation": {"artifactLocation": _artifact(path, root), "region": _region(span)}}


def escape_message(text: str) -> str:
    """Plain SARIF message text with literal brackets escaped (`\\[`), as SARIF requires wherever a
    message may hold embedded links, and the backslashes before them doubled."""
    return re.sub(r"(\\*)([\[\]])", lambda m: m.group(1) * 2 + "\\" + m.group(2), text)


def _message(d, root: str | None) -> str:
    """The finding's message, then a link to each related location (`[train.py:12](0)`, where 0 is
    the relatedLocation's id), so code scanning shows them as links into the code."""
    text = escape_message(d.message)
    if d.related:
        links = ", ".join(
            f"[{escape_message(relative_path(r.path, root))}:{r.span.line}]({i})" for i, r in enumerate(d.related)
        )
        text += f" (see {links})"
    return text


def _message_object(d, root: str | None) -> dict:
    """The one-sentence message as text; with the finding's help as a second paragraph of the
    markdown form, for viewers that show it (the rule's general help is in its descriptor)."""
    message = {"text": _message(d, root)}
    if d.help:
        message["markdown"] = f"{message['text']}\n\n{escape_message(d.help)}"
    return message


def _descriptor(code: str, name: str, severity: Severity, documented: bool = True) -> dict:
    from sweeplint.catalogue import rule_doc
    from sweeplint.docs import rule_url

    doc = rule_doc(code)
    summary = " ".join(str(doc.get("summary", "")).split()) or name.replace("-", " ")
    why = " ".join(str(doc.get("why", "")).split())
    fix = str(doc.get("how_to_fix", "") or doc.get("fix", "")).strip()
    full = f"{summary} {why}".strip()
    help_text = "\n\n".join(p for p in (summary, why and f"Why: {why}", fix and f"How to fix: {fix}") if p)
    help_markdown = "\n\n".join(p for p in (summary, why and f"**Why.** {why}", fix and f"**How to fix.** {fix}") if p)
    if documented:
        help_markdown += f"\n\n[Rule reference]({rule_url(code, name)})"
    descriptor = {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": ["hyperparameter-sweep"]},
    }
    if documented:
        descriptor["helpUri"] = rule_url(code, name)
    return descriptor


def fingerprint_keys(diagnostics, texts: dict | None, root: str | None = None) -> list[str]:
    """What identifies each finding across runs, whatever lines were added above it (see
    sweeplint.fingerprint)."""
    from sweeplint.fingerprint import fingerprint

    keys, seen = [], {}
    for d in diagnostics:
        base = fingerprint(d, texts, root=root)
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        keys.append(base if occurrence == 0 else fingerprint(d, texts, occurrence, root=root))
    return keys


def render(diagnostics, ctx) -> str:
    from sweeplint.rules import rule_index

    rules = list(rule_index())
    known = {r.code for r in rules}
    descriptors = [_descriptor(r.code, r.name, r.severity) for r in rules]
    extra: dict[str, int] = {}
    for d in diagnostics:  # codes that are not rule classes (the internal-error diagnostic)
        if d.code not in known and d.code not in extra:
            extra[d.code] = len(descriptors)
            descriptors.append(_descriptor(d.code, d.name, Severity.ERROR, documented=False))
    index = {r.code: i for i, r in enumerate(rules)} | extra

    texts = ctx.texts or {}
    root = getattr(ctx, "root", None)
    results = []
    for d, key in zip(diagnostics, fingerprint_keys(diagnostics, texts, root)):
        result = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": LEVELS[d.severity],
            "message": _message_object(d, root),
            "locations": [_location(d.path, d.span, root)],
            "partialFingerprints": {"sweeplint/v1": key},
        }
        properties = {}
        if d.confidence is not None:
            properties["confidence"] = str(d.confidence)
        if d.help:
            properties["help"] = d.help  # plain text, for scripts reading the log
        if properties:
            result["properties"] = properties
        if d.fix is not None:
            result["fixes"] = [_fix(d.fix, d.path, root)]
        if d.related:
            result["relatedLocations"] = [
                dict(_location(r.path, r.span, root), id=i, message={"text": escape_message(r.message)})
                for i, r in enumerate(d.related)
            ]
        results.append(result)

    run = _run(descriptors, [{"executionSuccessful": True}], results)
    if root:
        # where %SRCROOT% is, for viewers that open the files (code scanning uses the checkout)
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": Path(root).resolve().as_uri() + "/"}}
    return _log(run)


def _fix(fix, path: str, root: str | None) -> dict:
    """A SARIF fix: the replacements per file (an empty deleted region inserts), and whether
    `--fix` applies it (safe) or only `--fix --unsafe-fixes` (unsafe)."""
    by_path: dict[str, list] = {}
    for edit in fix.edits:
        region = {"startLine": edit.span.line, "startColumn": edit.span.column,
                  "endLine": edit.span.end_line, "endColumn": edit.span.end_column}
        by_path.setdefault(edit.path or path, []).append({"deletedRegion": region, "insertedContent": {"text": edit.text}})
    return {
        "description": {"text": f"{fix.title} ({fix.applicability} fix)"},
        "artifactChanges": [{"artifactLocation": _artifact(p, root), "replacements": r} for p, r in by_path.items()],
        "properties": {"applicability": str(fix.applicability)},
    }


def _run(descriptors: list, invocations: list, results: list) -> dict:
    from sweeplint.docs import REPOSITORY

    return {
        "tool": {
            "driver": {
                "name": "sweeplint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": REPOSITORY,
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "invocations": invocations,
        "results": results,
    }


def _log(run: dict) -> str:
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False) + "\n"


def error_log(message: str, exit_code: int = 2) -> str:
    """A SARIF log for a run that could not check anything (a usage or configuration error): no
    results, and the error as a tool execution notification, so an upload still has a valid file."""
    invocation = {
        "executionSuccessful": False,
        "exitCode": exit_code,
        "toolExecutionNotifications": [
            {"level": "error", "message": {"text": message}, "descriptor": {"id": "usage-error"}},
        ],
    }
    return _log(_run([], [invocation], []))
