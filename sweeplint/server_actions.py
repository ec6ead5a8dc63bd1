"""The language server's code actions and hover (see sweeplint.server).

Code actions: each finding's fix as a quick fix (the safe one preferred), "Disable SLnnn for this
line" (the `# sweeplint: disable=...` comment `--add-noqa` writes), and "Fix all safe sweeplint
problems" for the whole document. Hover over a finding's range shows its rule's documentation
(what, why, how to fix) from the catalogue. Fixes are offered only while the document is the text
that was linted: edits on spans of an older text would land in the wrong place.
"""

from __future__ import annotations

import os
import threading

FIX_ALL_KIND = "source.fixAll.sweeplint"


class Findings:
    """The last linted text of each document and its findings (with their fixes), by uri. The lint
    worker writes; the message loop reads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_uri: dict[str, tuple[str, list]] = {}

    def remember(self, uri: str, path: str, text: str, diagnostics) -> None:
        mine = [d for d in diagnostics if os.path.abspath(d.path) == os.path.abspath(path)]
        with self._lock:
            self._by_uri[uri] = (text, mine)

    def forget(self, uri: str) -> None:
        with self._lock:
            self._by_uri.pop(uri, None)

    def of(self, uri: str, current: str | None) -> list:
        """The findings of a document, if it is still the text they were found in."""
        with self._lock:
            text, found = self._by_uri.get(uri, (None, []))
        return found if current is not None and text == current else []


def _position(lines: list[str], line: int, column: int):
    from lsprotocol import types as lsp

    from sweeplint.server_io import utf16_column

    text = lines[line - 1] if 0 < line <= len(lines) else None
    return lsp.Position(line=max(0, line - 1), character=utf16_column(text, column))


def _range(lines: list[str], span):
    from lsprotocol import types as lsp

    return lsp.Range(start=_position(lines, span.line, span.column), end=_position(lines, span.end_line, span.end_column))


def _lines(text: str, path: str) -> list[str]:
    from sweeplint.fixes import lines_of

    return lines_of(text, path)


def _overlaps(lines: list[str], span, wanted) -> bool:
    found = _range(lines, span)
    start, end = (found.start.line, found.start.character), (found.end.line, found.end.character)
    low, high = (wanted.start.line, wanted.start.character), (wanted.end.line, wanted.end.character)
    return start <= high and low <= end


def code_actions(uri: str, path: str, text: str, findings: list, wanted, client_diagnostics) -> list:
    """The actions for the findings whose range meets `wanted`."""
    from lsprotocol import types as lsp

    from sweeplint.fix_suppressions import disable_line_edit

    lines = _lines(text, path)
    actions = []
    disabled: set[tuple[int, str]] = set()
    for d in findings:
        if not _overlaps(lines, d.span, wanted):
            continue
        related = [c for c in client_diagnostics or [] if c.code == d.code and c.range.start.line == d.span.line - 1]
        if d.fix is not None and all(e.path in (None, d.path) for e in d.fix.edits):
            title = f"{d.fix.title} ({d.code})" + ("" if d.fix.safe else " - unsafe fix")
            edits = [lsp.TextEdit(range=_range(lines, e.span), new_text=e.text) for e in d.fix.edits]
            actions.append(lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=related or None,
                                          is_preferred=d.fix.safe, edit=lsp.WorkspaceEdit(changes={uri: edits})))
        if (d.span.line, d.code) in disabled:
            continue
        disabled.add((d.span.line, d.code))
        edit = disable_line_edit(text, path, d.span.line, d.code)
        if edit is not None:
            actions.append(lsp.CodeAction(
                title=f"Disable {d.code} for this line", kind=lsp.CodeActionKind.QuickFix, diagnostics=related or None,
                edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=_range(lines, edit.span), new_text=edit.text)]})))
    fix_all = _fix_all(uri, path, text, findings, lines)
    if fix_all is not None:
        actions.append(fix_all)
    return actions


def _fix_all(uri: str, path: str, text: str, findings: list, lines: list[str]):
    """Every safe fix at once, as one edit of the whole document."""
    from lsprotocol import types as lsp

    from sweeplint.fix_command import apply_fixes

    safe = [d.fix for d in findings if d.fix is not None and d.fix.safe]
    if not safe:
        return None
    new, count = apply_fixes(text, safe, path)
    if not count:
        return None
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=len(lines), character=0))
    return lsp.CodeAction(title="Fix all safe sweeplint problems", kind=FIX_ALL_KIND,
                          edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=whole, new_text=new)]}))


def hover(path: str, text: str, findings: list, position):
    """The documentation of the rules whose findings cover `position`, as Markdown."""
    from lsprotocol import types as lsp

    from sweeplint.catalogue import rule_doc
    from sweeplint.docs import rule_url

    lines = _lines(text, path)
    at = lsp.Range(start=position, end=position)
    parts, seen = [], set()
    span = None
    for d in findings:
        if d.code in seen or not _overlaps(lines, d.span, at):
            continue
        seen.add(d.code)
        span = span or d.span
        doc = rule_doc(d.code)
        section = [f"**{d.code} {d.name}** ({d.severity})"]
        for key, label in (("summary", ""), ("why", "**Why.** "), ("fix", "**How to fix.** ")):
            value = str(doc.get(key, "")).strip()
            if value:
                section.append(label + value)
        if doc.get("fix_applicability"):
            section.append(f"**Automatic fix:** {doc['fix_applicability']} (see the quick fixes)")
        if doc:
            section.append(f"[Rule reference]({rule_url(d.code, d.name)})")
        parts.append("\n\n".join(section))
    if not parts:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
                     range=_range(lines, span))


def _kind(kind) -> str:
    return str(getattr(kind, "value", kind))


def register(server, findings: Findings, text_of) -> None:
    """Add the code action and hover features to a pygls server. `text_of(uri)` is the open
    document's current text (None when it is not open)."""
    from lsprotocol import types as lsp
    from pygls.uris import to_fs_path

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND]))
    def on_code_action(ls, params: lsp.CodeActionParams):
        uri = params.text_document.uri
        text = text_of(uri)
        found = findings.of(uri, text)
        if not found:
            return None
        actions = code_actions(uri, to_fs_path(uri) or "", text, found, params.range, params.context.diagnostics)
        only = params.context.only
        if only:
            actions = [a for a in actions if any(_kind(a.kind).startswith(_kind(kind)) for kind in only)]
        return actions or None

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def on_hover(ls, params: lsp.HoverParams):
        uri = params.text_document.uri
        text = text_of(uri)
        found = findings.of(uri, text)
        return hover(to_fs_path(uri) or "", text, found, params.position) if found else None
