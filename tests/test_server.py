"""The language server, end to end: a real client speaking JSON-RPC over stdio to `sweeplint server`."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT

pytest.importorskip("pygls")
pytest.importorskip("lsprotocol")

TIMEOUT = 60  # seconds for any single answer; generous for slow CI machines

BAD = """\
program: train.py
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate:
    distribution: log_uniform
    min: 0.00001
    max: 0.1
"""
GOOD = BAD.replace("log_uniform\n", "log_uniform_values\n")
TRAIN = "import wandb\nrun = wandb.init()\nlr = wandb.config.learning_rate\nwandb.log({'val_loss': lr})\n"


class Client:
    """A minimal LSP client: Content-Length framing, requests matched by id, notifications queued."""

    def __init__(self, cwd: Path):
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sweeplint", "server"],
            cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )
        self.messages: queue.Queue = queue.Queue()
        self.pending: list[dict] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def send(self, message: dict) -> None:
        body = json.dumps(dict(message, jsonrpc="2.0")).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict | None = None) -> None:
        self.send({"method": method, "params": params} if params is not None else {"method": method})

    def request(self, method: str, params: dict | None) -> dict:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)

    def wait(self, predicate) -> dict:
        for index, message in enumerate(self.pending):
            if predicate(message):
                return self.pending.pop(index)
        while True:
            try:
                message = self.messages.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError(f"no answer within {TIMEOUT}s; stderr: {self._stderr()}") from None
            if message is None:
                raise AssertionError(f"the server exited; stderr: {self._stderr()}")
            if "id" in message and "method" in message:  # a request from the server: answer it
                self.send({"id": message["id"], "result": None})
                continue
            if predicate(message):
                return message
            self.pending.append(message)

    def diagnostics(self, uri: str) -> list[dict]:
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
        return message["params"]["diagnostics"]

    def _stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        return self.proc.stderr.read().decode("utf-8", "replace")[-2000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)


@pytest.fixture
def client(tmp_path):
    c = Client(tmp_path)
    yield c
    c.close()


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


def start(client: Client, root: Path) -> dict:
    result = client.request("initialize", {"processId": os.getpid(), "rootUri": uri_of(root), "capabilities": {}})
    client.notify("initialized", {})
    return result["result"]


def test_diagnostics_on_open_change_and_save_then_clean_shutdown(client, tmp_path):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(GOOD, encoding="utf-8")       # on disk: fine; in the editor: the bad version
    (tmp_path / "train.py").write_text(TRAIN, encoding="utf-8")
    capabilities = start(client, tmp_path)["capabilities"]
    assert capabilities["textDocumentSync"]["openClose"] is True
    assert capabilities["textDocumentSync"]["change"] in (1, 2)

    uri = uri_of(sweep)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": BAD}})
    (diagnostic,) = [d for d in client.diagnostics(uri) if d["code"] == "SL102"]
    # `    min: 0.00001` is line 8 (0-based 7); the value starts at character 9 and the span ends after `0.1`
    assert diagnostic["range"] == {"start": {"line": 7, "character": 9}, "end": {"line": 8, "character": 12}}
    assert diagnostic["severity"] == 1
    assert diagnostic["source"] == "sweeplint"
    assert diagnostic["codeDescription"]["href"].endswith("docs/rules.md#sl102-exponent-bounds-as-values")
    assert diagnostic["message"].startswith("learning_rate uses log_uniform with exponent bounds")

    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"text": GOOD}],
    })
    assert [d["code"] for d in client.diagnostics(uri)] == []

    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 3},
        "contentChanges": [{"text": BAD.replace("max: 0.1", "max: 0.5")}],
    })
    codes = [d["code"] for d in client.diagnostics(uri)]
    assert "SL102" in codes

    sweep.write_text(BAD, encoding="utf-8")
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert "SL102" in [d["code"] for d in client.diagnostics(uri)]

    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []

    assert client.request("shutdown", None)["result"] is None
    client.notify("exit")
    assert client.proc.wait(timeout=TIMEOUT) == 0


def test_opening_the_program_relints_the_config_that_runs_it(client, tmp_path):
    sweep = tmp_path / "sweeps" / "sweep.yaml"
    sweep.parent.mkdir()
    sweep.write_text(BAD, encoding="utf-8")
    train = tmp_path / "sweeps" / "train.py"
    train.write_text(TRAIN, encoding="utf-8")
    start(client, tmp_path)

    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri_of(train), "languageId": "python", "version": 1, "text": TRAIN}})
    assert client.diagnostics(uri_of(train)) == []          # the program itself is not a sweep
    config = client.diagnostics(uri_of(sweep))              # ...but the config that runs it is linted again
    assert "SL102" in [d["code"] for d in config]

    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri_of(train), "version": 2},
        "contentChanges": [{"text": TRAIN + "\n# edited\n"}],
    })
    assert client.diagnostics(uri_of(train)) == []
    assert "SL102" in [d["code"] for d in client.diagnostics(uri_of(sweep))]
    client.request("shutdown", None)
    client.notify("exit")
    assert client.proc.wait(timeout=TIMEOUT) == 0


def test_a_broken_settings_file_is_reported_to_the_user_not_crashed_on(client, tmp_path):
    (tmp_path / "sweeplint.toml").write_text("select = [SL1\n", encoding="utf-8")
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(BAD, encoding="utf-8")
    start(client, tmp_path)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri_of(sweep), "languageId": "yaml", "version": 1, "text": BAD}})
    shown = client.wait(lambda m: m.get("method") == "window/showMessage")
    assert shown["params"]["type"] == 1 and "invalid TOML" in shown["params"]["message"]
    assert client.request("shutdown", None)["result"] is None
    client.notify("exit")
    assert client.proc.wait(timeout=TIMEOUT) == 0


def test_related_information_travels_over_the_protocol(client, tmp_path):
    grid = "method: grid\nmetric: {name: val_loss, goal: minimize}\nparameters:\n  dropout:\n    distribution: uniform\n    min: 0.0\n    max: 0.5\n"
    sweep = tmp_path / "grid.yaml"
    sweep.write_text(grid, encoding="utf-8")
    start(client, tmp_path)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri_of(sweep), "languageId": "yaml", "version": 1, "text": grid}})
    (diagnostic,) = [d for d in client.diagnostics(uri_of(sweep)) if d["code"] == "SL104"]
    # `distribution: uniform` on line 5: the value `uniform` is characters 18..25 (0-based)
    assert diagnostic["range"] == {"start": {"line": 4, "character": 18}, "end": {"line": 4, "character": 25}}
    (related,) = diagnostic["relatedInformation"]
    # ...and the related place is `grid` in `method: grid`, line 1
    assert related["location"] == {"uri": uri_of(sweep), "range": {"start": {"line": 0, "character": 8}, "end": {"line": 0, "character": 12}}}
    assert "grid" in related["message"]
    client.request("shutdown", None)
    client.notify("exit")
    assert client.proc.wait(timeout=TIMEOUT) == 0


def test_related_information_points_into_the_other_file(tmp_path):
    from sweeplint.diagnostics import Diagnostic, Related, Severity
    from sweeplint.model import Span
    from sweeplint.server import lsp_diagnostic

    config = tmp_path / "sweep.yaml"
    program = tmp_path / "train.py"
    lines = {str(config): ["  lr: 1\n"], str(program): ["x = 'é😀'; lr = cfg.lr\n"]}
    d = Diagnostic(
        "SL201", "unused-parameter", Severity.WARNING, "lr is swept but never read", str(config), Span(1, 3, 1, 5),
        related=(Related(str(program), Span(1, 11, 1, 13), "read here"),),
    )
    converted = lsp_diagnostic(d, lambda path: lines.get(path, []))
    assert converted.severity == 2 and converted.code == "SL201" and converted.source == "sweeplint"
    (info,) = converted.related_information
    assert info.location.uri == program.resolve().as_uri()
    assert info.message == "read here"
    # `lr` is code point column 11 (1-based); the emoji before it takes two UTF-16 units: character 11
    assert (info.location.range.start.line, info.location.range.start.character) == (0, 11)
    assert info.location.range.end.character == 13
    assert converted.range.start.character == 2 and converted.range.end.character == 4


def test_without_pygls_the_server_command_says_how_to_install_it(tmp_path):
    code = "import sys; sys.modules['pygls'] = None; from sweeplint.cli import main; sys.exit(main(['server']))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "sweeplint: error: the language server needs pygls; install it with: pip install 'sweeplint[lsp]'"
    ]
