"""The language server under frames and edit storms no editor should send, but some do."""

from __future__ import annotations

import io
import json

import pytest

from sweeplint.server_io import INVALID_REQUEST, PARSE_ERROR, frames
from tests.test_server import BAD, GOOD, Client, start, uri_of

pytest.importorskip("pygls")


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


# --- framing, on its own ----------------------------------------------------------------------------


def test_bad_frames_are_reported_and_reading_goes_on():
    good = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "shutdown"}).encode()
    stream = io.BytesIO(
        frame(b"[1, 2, 3]")                                   # JSON, but not an object
        + b"Content-Length: twelve\r\n\r\n"                  # a header without a usable length
        + frame(b"{not json")                                 # not JSON
        + b"X-Junk: 1\r\n\r\n"                               # no Content-Length at all
        + frame(json.dumps({"jsonrpc": "2.0", "id": 3, "method": 5}).encode())
        + frame(good)
    )
    seen = list(frames(stream))
    assert [f.error[0] if f.error else None for f in seen] == [
        INVALID_REQUEST, INVALID_REQUEST, PARSE_ERROR, INVALID_REQUEST, INVALID_REQUEST, None,
    ]
    assert seen[4].request_id == 3
    assert seen[-1].message == {"jsonrpc": "2.0", "id": 7, "method": "shutdown"}


def test_a_truncated_stream_ends_reading_without_an_error():
    assert list(frames(io.BytesIO(b"Content-Length: 100\r\n\r\n{\"a\": 1"))) == []
    assert list(frames(io.BytesIO(b""))) == []


# --- the running server -------------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path):
    c = Client(tmp_path)
    yield c
    c.close()


def test_the_server_answers_bad_frames_and_keeps_serving(client, tmp_path):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(GOOD)
    client.proc.stdin.write(frame(b"[1, 2]") + b"Content-Length: x\r\n\r\n" + frame(b"{oops"))
    client.proc.stdin.flush()
    errors = [client.wait(lambda m: "error" in m and m.get("id") is None) for _ in range(3)]
    assert sorted(e["error"]["code"] for e in errors) == [PARSE_ERROR, INVALID_REQUEST, INVALID_REQUEST]
    start(client, tmp_path)
    uri = uri_of(sweep)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": BAD}})
    assert "SL102" in [d["code"] for d in client.diagnostics(uri)]
    # An unknown request gets an error answer, not silence, and nothing on stderr.
    answer = client.request("sweeplint/noSuchThing", {})
    assert "error" in answer
    assert client.request("shutdown", None)["result"] is None
    client.notify("exit")
    assert client.proc.wait(timeout=60) == 0
    assert "Traceback" not in client.proc.stderr.read().decode("utf-8", "replace")


def test_an_edit_storm_ends_with_the_last_version_and_skips_stale_ones(client, tmp_path):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(GOOD)
    start(client, tmp_path)
    uri = uri_of(sweep)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": GOOD}})
    edits = 300
    for version in range(2, edits + 2):
        text = BAD if version == edits + 1 else GOOD + f"# edit {version}\n"
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                  "contentChanges": [{"text": text}]})
    published = 0
    while True:
        diagnostics = client.diagnostics(uri)
        published += 1
        if any(d["code"] == "SL102" for d in diagnostics):
            break
    # Latest version wins: far fewer lints than edits, and the last one is what the buffer holds.
    assert published < edits // 3, published


def test_a_huge_document_gets_one_clear_diagnostic(client, tmp_path):
    sweep = tmp_path / "huge.yaml"
    start(client, tmp_path)
    uri = uri_of(sweep)
    text = "parameters:\n" + "  # padding\n" * (800 * 1024)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
    (diagnostic,) = client.diagnostics(uri)
    assert "sweeplint checks files up to 8 MiB and skipped it" in diagnostic["message"]
    assert diagnostic["range"]["start"] == {"line": 0, "character": 0}
