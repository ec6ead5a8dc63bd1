"""`sweeplint server`: a Language Server over stdio (install with `pip install 'sweeplint[lsp]'`).

Diagnostics are published when a sweep config or a training script is opened, edited or saved.
The open buffer is linted as it is in the editor (unsaved text included); files it refers to are
read from disk. When a Python file changes, the sweep configs known to run it (open ones, and the
configs of the workspace found when the first Python file is opened) are linted again, so that
findings about the program show up in the config as soon as the program is saved.

Each diagnostic carries the rule code, a link to the rule's documentation, and related
information pointing into the other file (the training-code line a config key relates to). Code
actions offer each finding's fix and a suppression comment; hover shows the rule's documentation
(sweeplint.server_actions).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from sweeplint import __version__
from sweeplint.server_io import utf16_column

CONFIG_SUFFIXES = (".yaml", ".yml", ".json")
LINT_THREAD_STACK = 8 * 1024 * 1024


class _Linter:
    """The editor-independent part: lint a buffer, remember which configs run which programs
    (sweeplint.program_index, the index `sweeplint check train.py` uses too)."""

    def __init__(self):
        from sweeplint.program_index import ProgramIndex

        self.index = ProgramIndex()
        self.scanned = False

    def lint(self, path: str, text: str):
        """Diagnostics for one buffer; a config also records the programs it runs."""
        from sweeplint.lint import lint_paths
        from sweeplint.settings import load_settings

        settings = load_settings(None, Path(path).parent)
        settings.since = "HEAD"  # round-to-round rules: the buffer against its last committed version
        result = lint_paths([path], settings, stdin=(path, text))
        if path.lower().endswith(CONFIG_SUFFIXES):
            self.index.remember(path, text, settings)
        return result.diagnostics

    def configs_running(self, program: str, root: str | None) -> set[str]:
        if not self.scanned and root:
            self.scanned = True
            self._scan(root)
        return self.index.running(program)

    def _scan(self, root: str) -> None:
        from sweeplint.settings import ConfigError, load_settings

        try:
            settings = load_settings(None, Path(root))
            self.index.scan(root, settings)
            # the workspace's configs are known by absolute path, as the editor names open ones
            self.index.configs = {p: {os.path.abspath(c) for c in cs} for p, cs in self.index.configs.items()}
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


class _Scheduler:
    """Linting off the message loop, latest version wins.

    Handlers hand over a document's newest text; a worker thread lints whatever is newest when it
    gets to it, so a storm of edits costs one lint per pause, not one per keystroke, and the loop
    keeps answering the editor meanwhile.
    """

    def __init__(self, work):
        import threading

        self._work = work                     # work(uri, text_or_None, closed) -> None
        self._pending: dict[str, tuple] = {}  # uri -> (text or None, closed)
        self._ready = threading.Condition()
        # The lint thread composes YAML in C, which recurses once per level up to libyaml's nesting
        # cap (1,000 levels, ~0.4 MB): room for that where a platform's threads get less by default.
        before = threading.stack_size(LINT_THREAD_STACK)
        try:
            threading.Thread(target=self._run, name="sweeplint-lint", daemon=True).start()
        finally:
            threading.stack_size(before)

    def request(self, uri: str, text: str | None = None, closed: bool = False) -> None:
        with self._ready:
            self._pending[uri] = (text, closed)
            self._ready.notify()

    def newer(self, uri: str) -> bool:
        """Whether a newer request for this document is waiting (the current result is stale)."""
        with self._ready:
            return uri in self._pending

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._pending:
                    self._ready.wait()
                uri = next(iter(self._pending))
                text, closed = self._pending.pop(uri)
            try:
                self._work(uri, text, closed)
            except Exception:  # noqa: BLE001 - one document's failure must not stop the worker
                logging.getLogger(__name__).exception("sweeplint: linting %s failed", uri)


def build_server():
    from lsprotocol import types as lsp
    from pygls.server import LanguageServer
    from pygls.uris import from_fs_path, to_fs_path

    from sweeplint.source import MAX_FILE_BYTES

    from sweeplint.server_actions import Findings, register

    server = LanguageServer("sweeplint", __version__)
    linter = _Linter()
    findings = Findings()   # each document's last findings, for code actions and hover
    # source document -> {target uri -> diagnostics}; a target shows the union over its sources.
    # Only the worker thread touches it.
    published: dict[str, dict[str, list]] = {}
    last_error: list[str] = []

    def on_loop(function, *args) -> None:
        """Run on the message loop: the transport is not shared between threads."""
        server.loop.call_soon_threadsafe(function, *args)

    def lines_of(path: str) -> list[str]:
        uri = from_fs_path(path)
        document = server.workspace.text_documents.get(uri)
        if document is not None:
            return document.source.splitlines(True)
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
            on_loop(server.publish_diagnostics, target, merged)

    def too_large(uri: str, size: int) -> list:
        message = (f"this document is {size / (1024 * 1024):.1f} MiB; sweeplint checks files up to "
                   f"{MAX_FILE_BYTES // (1024 * 1024)} MiB and skipped it")
        zero = lsp.Position(line=0, character=0)
        return [lsp.Diagnostic(range=lsp.Range(start=zero, end=zero), message=message,
                               severity=lsp.DiagnosticSeverity.Information, code="SL001", source="sweeplint")]

    def lint_uri(uri: str, text: str | None = None) -> set[str]:
        """Lint one document (the given text, else the open buffer or the file on disk); returns the
        uris whose view changed."""
        path = to_fs_path(uri)
        if not path or not path.lower().endswith(CONFIG_SUFFIXES + (".py",)):
            return set()
        if text is None:
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
        if len(text) > MAX_FILE_BYTES:
            published[uri] = {uri: too_large(uri, len(text))}
            return before | {uri}
        from sweeplint.settings import ConfigError

        try:
            diagnostics = linter.lint(path, text)
        except ConfigError as exc:
            message = f"sweeplint: {exc}"
            if last_error != [message]:
                last_error[:] = [message]
                on_loop(server.show_message, message, lsp.MessageType.Error)
            published.pop(uri, None)
            return before | {uri}
        except Exception as exc:  # noqa: BLE001 - the editor session must survive anything
            on_loop(server.show_message_log, f"sweeplint: internal error on {path}: {type(exc).__name__}: {exc}",
                    lsp.MessageType.Error)
            return set()
        last_error.clear()
        findings.remember(uri, path, text, diagnostics)
        cache: dict = {}
        by_target: dict[str, list] = {uri: []}
        for d in diagnostics:
            target = from_fs_path(os.path.abspath(d.path))
            by_target.setdefault(target, []).append(convert(d, cache))
        published[uri] = by_target
        return before | set(by_target)

    def work(uri: str, text: str | None, closed: bool) -> None:
        if closed:
            findings.forget(uri)
            publish(set(published.pop(uri, {})) | {uri})
            return
        changed = lint_uri(uri, text)
        if scheduler.newer(uri):
            return  # an edit arrived meanwhile: its lint publishes
        path = to_fs_path(uri) or ""
        if path.lower().endswith(".py"):
            for config in sorted(linter.configs_running(path, server.workspace.root_path)):
                changed |= lint_uri(from_fs_path(config))
        publish(changed)

    scheduler = _Scheduler(work)

    def text_of(uri: str) -> str | None:
        document = server.workspace.text_documents.get(uri)
        return document.source if document is not None else None

    register(server, findings, text_of)

    @server.feature(lsp.INITIALIZED)
    def initialized(ls, params):
        root = ls.workspace.root_path
        if root and os.path.isdir(root):
            os.chdir(root)   # relative paths in findings, and settings lookup, start at the workspace

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls, params: lsp.DidOpenTextDocumentParams):
        scheduler.request(params.text_document.uri, text_of(params.text_document.uri))

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls, params: lsp.DidChangeTextDocumentParams):
        scheduler.request(params.text_document.uri, text_of(params.text_document.uri))

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    def did_save(ls, params: lsp.DidSaveTextDocumentParams):
        scheduler.request(params.text_document.uri, text_of(params.text_document.uri))

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: lsp.DidCloseTextDocumentParams):
        scheduler.request(params.text_document.uri, closed=True)

    return server


class _StdioTransport:
    """Writes frames to stdout. Closing never touches stdin: the reading thread may be blocked in it,
    and closing a stream another thread reads would wait for that read forever."""

    def __init__(self, wfile):
        self.wfile = wfile

    def write(self, data) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def close(self) -> None:
        try:
            self.wfile.flush()
        except (OSError, ValueError):
            pass


def start_io(server) -> int:
    """Serve over stdio until `exit` or the end of input; the exit code LSP asks for.

    Frames are read by sweeplint.server_io on a thread (bad ones answered or dropped) and handled on
    the server's loop."""
    import threading

    from sweeplint.server_io import serve

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    server.lsp.connection_made(_StdioTransport(stdout))
    loop = server.loop

    def read() -> None:
        try:
            serve(stdin,
                  lambda data: loop.call_soon_threadsafe(server.lsp.data_received, data),
                  lambda answer: loop.call_soon_threadsafe(server.lsp._send_data, answer))
        except (OSError, ValueError):
            pass  # the client went away
        loop.call_soon_threadsafe(loop.stop)

    threading.Thread(target=read, name="sweeplint-read", daemon=True).start()
    try:
        loop.run_forever()
    except SystemExit as exc:  # the `exit` notification: 0 after `shutdown`, 1 without
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        print("sweeplint: error: the language server needs pygls; install it with: pip install 'sweeplint[lsp]'", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # The server answers bad requests itself; pygls's own tracebacks would only fill the editor's log.
    logging.getLogger("pygls").setLevel(logging.CRITICAL)
    code = start_io(build_server())
    # The reading thread may still be blocked on stdin; end the process without waiting for it.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
