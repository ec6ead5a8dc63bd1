"""`sweeplint server`: a Language Server over stdio (install with `pip install 'sweeplint[lsp]'`).

Diagnostics are published when a sweep config or a training script is opened, edited or saved.
The open buffer is linted as it is in the editor (unsaved text included); files it refers to are
read from disk. When a Python file changes, the sweep configs known to run it (open ones, and the
configs of the workspace found when the first Python file is opened) are linted again, so that
findings about the program show up in the config as soon as the program is saved.

Each diagnostic carries the rule code, a link to the rule's documentation, and related
information pointing into the other file (the training-code line a config key relates to).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from sweeplint import __version__

CONFIG_SUFFIXES = (".yaml", ".yml", ".json")
MAX_WORKSPACE_CONFIGS = 2000    # configs read to learn which programs they run


def utf16_column(line_text: str | None, column: int) -> int:
    """A 1-based code-point column as the 0-based UTF-16 offset LSP positions use."""
    index = max(0, column - 1)
    if line_text is None:
        return index
    head = line_text[:index]
    return len(head.encode("utf-16-le")) // 2 + max(0, index - len(head))


class _Linter:
    """The editor-independent part: lint a buffer, remember which configs run which programs."""

    def __init__(self):
        self.programs: dict[str, set[str]] = {}    # program path -> config paths that run it
        self.scanned = False

    def lint(self, path: str, text: str):
        """Diagnostics for one buffer; a config also records the programs it runs."""
        from sweeplint.lint import lint_paths
        from sweeplint.settings import load_settings

        settings = load_settings(None, Path(path).parent)
        result = lint_paths([path], settings, stdin=(path, text))
        if path.lower().endswith(CONFIG_SUFFIXES):
            self.remember(path, text, settings)
        return result.diagnostics

    def remember(self, path: str, text: str | None, settings=None) -> None:
        for program in self._programs_of(path, text, settings):
            self.programs.setdefault(program, set()).add(path)

    def _programs_of(self, path: str, text: str | None, settings) -> list[str]:
        from sweeplint.read import read_path

        try:
            file = read_path(path, False, text)
        except Exception:  # noqa: BLE001 - the index is a convenience; never break linting for it
            return []
        found = []
        for study in file.studies:
            resolved = None
            try:
                from sweeplint.codefacts.program import resolve_program

                resolution = resolve_program(study, path, settings)
                resolved = resolution.path if resolution.status == "python" else None
            except Exception:  # noqa: BLE001 - fall back to the program key next to the config
                program = getattr(study.program, "value", None)
                if isinstance(program, str) and program.strip().endswith(".py"):
                    candidate = Path(path).parent / program.strip()
                    resolved = str(candidate) if candidate.is_file() else None
            if resolved:
                found.append(os.path.abspath(resolved))
        return found

    def configs_running(self, program: str, root: str | None) -> set[str]:
        if not self.scanned and root:
            self.scanned = True
            self._scan(root)
        return set(self.programs.get(os.path.abspath(program), ()))

    def _scan(self, root: str) -> None:
        from sweeplint.discover import discover
        from sweeplint.settings import ConfigError, load_settings

        try:
            settings = load_settings(None, Path(root))
            for count, target in enumerate(discover([root], settings.exclude, settings.root, python=False)):
                if count >= MAX_WORKSPACE_CONFIGS:
                    break
                self.remember(os.path.abspath(target.path), None, settings)
        except (ConfigError, OSError):
            pass


def lsp_diagnostic(d, lines_of):
    """One sweeplint Diagnostic as an LSP Diagnostic. `lines_of(path)` gives a file's lines."""
    from lsprotocol import types as lsp
    from pygls.uris import from_fs_path

    from sweeplint.diagnostics import Severity
    from sweeplint.docs import rule_url
    from sweeplint.rules import by_code

    severities = {
        Severity.ERROR: lsp.DiagnosticSeverity.Error,
        Severity.WARNING: lsp.DiagnosticSeverity.Warning,
        Severity.INFO: lsp.DiagnosticSeverity.Information,
    }

    def to_range(path: str, span) -> lsp.Range:
        lines = lines_of(path)

        def position(line: int, column: int) -> lsp.Position:
            text = lines[line - 1].rstrip("\r\n") if 0 < line <= len(lines) else None
            return lsp.Position(line=max(0, line - 1), character=utf16_column(text, column))

        start = position(span.line, span.column)
        end = position(max(span.line, span.end_line), span.end_column)
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return lsp.Range(start=start, end=end)

    related = [
        lsp.DiagnosticRelatedInformation(
            location=lsp.Location(uri=from_fs_path(os.path.abspath(r.path)), range=to_range(os.path.abspath(r.path), r.span)),
            message=r.message,
        )
        for r in d.related
    ]
    return lsp.Diagnostic(
        range=to_range(os.path.abspath(d.path), d.span),
        message=d.message,
        severity=severities[d.severity],
        code=d.code,
        code_description=lsp.CodeDescription(href=rule_url(d.code, d.name)) if d.code in by_code() else None,
        source="sweeplint",
        related_information=related or None,
    )


def build_server():
    from lsprotocol import types as lsp
    from pygls.server import LanguageServer
    from pygls.uris import from_fs_path, to_fs_path

    server = LanguageServer("sweeplint", __version__)
    linter = _Linter()
    # source document -> {target uri -> diagnostics}; a target shows the union over its sources
    published: dict[str, dict[str, list]] = {}
    last_error: list[str] = []

    def lines_of(path: str) -> list[str]:
        uri = from_fs_path(path)
        document = server.workspace.text_documents.get(uri)
        if document is not None:
            return document.lines
        try:
            from sweeplint.source import read_text

            return read_text(path).splitlines(True)
        except Exception:  # noqa: BLE001
            return []

    def convert(d, cache: dict):
        return lsp_diagnostic(d, lambda path: cache.setdefault(path, lines_of(path)))

    def publish(targets: set[str]) -> None:
        for target in targets:
            merged = [diag for by_target in published.values() for diag in by_target.get(target, [])]
            server.publish_diagnostics(target, merged)

    def lint_uri(uri: str) -> set[str]:
        """Lint one document (open buffer or file on disk); returns the uris whose view changed."""
        path = to_fs_path(uri)
        if not path or not path.lower().endswith(CONFIG_SUFFIXES + (".py",)):
            return set()
        document = server.workspace.text_documents.get(uri)
        if document is not None:
            text = document.source
        else:
            try:
                from sweeplint.source import read_text

                text = read_text(path)
            except Exception:  # noqa: BLE001 - a vanished file simply has nothing to show
                text = None
        before = set(published.get(uri, {}))
        if text is None:
            published.pop(uri, None)
            return before | {uri}
        from sweeplint.settings import ConfigError

        try:
            diagnostics = linter.lint(path, text)
        except ConfigError as exc:
            message = f"sweeplint: {exc}"
            if last_error != [message]:
                last_error[:] = [message]
                server.show_message(message, lsp.MessageType.Error)
            published.pop(uri, None)
            return before | {uri}
        except Exception as exc:  # noqa: BLE001 - the editor session must survive anything
            server.show_message_log(f"sweeplint: internal error on {path}: {type(exc).__name__}: {exc}", lsp.MessageType.Error)
            return set()
        last_error.clear()
        cache: dict = {}
        by_target: dict[str, list] = {uri: []}
        for d in diagnostics:
            target = from_fs_path(os.path.abspath(d.path))
            by_target.setdefault(target, []).append(convert(d, cache))
        published[uri] = by_target
        return before | set(by_target)

    def refresh(uri: str) -> None:
        changed = lint_uri(uri)
        path = to_fs_path(uri) or ""
        if path.lower().endswith(".py"):
            for config in sorted(linter.configs_running(path, server.workspace.root_path)):
                changed |= lint_uri(from_fs_path(config))
        publish(changed)

    @server.feature(lsp.INITIALIZED)
    def initialized(ls, params):
        root = ls.workspace.root_path
        if root and os.path.isdir(root):
            os.chdir(root)   # relative paths in findings, and settings lookup, start at the workspace

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls, params: lsp.DidOpenTextDocumentParams):
        refresh(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls, params: lsp.DidChangeTextDocumentParams):
        refresh(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    def did_save(ls, params: lsp.DidSaveTextDocumentParams):
        refresh(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: lsp.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        targets = set(published.pop(uri, {})) | {uri}
        publish(targets)

    return server


def main(argv: list[str] | None = None) -> int:
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        print("sweeplint: error: the language server needs pygls; install it with: pip install 'sweeplint[lsp]'", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    build_server().start_io()
    return 0
