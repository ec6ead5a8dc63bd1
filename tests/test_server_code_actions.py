"""The language server's code actions and hover, over stdio as an editor talks to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_server import TIMEOUT, Client, start, uri_of

pytest.importorskip("pygls")

SWEEP = """\
method: random  # the method
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribution: log_uniform  # v1
    min: 0.0001
    max: 0.1
  eps:
    distribution: log_uniform_values
    min: 1e-8
    max: 1.0e-4
"""


@pytest.fixture
def client(tmp_path):
    c = Client(tmp_path)
    yield c
    c.close()


def open_document(client: Client, root: Path, name: str, text: str) -> tuple[str, list[dict]]:
    path = root / name
    path.write_text(text, encoding="utf-8")
    start(client, root)
    uri = uri_of(path)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
    return uri, client.diagnostics(uri)


def apply(text: str, edits: list[dict]) -> str:
    """Apply LSP text edits (ASCII text: characters are code units) from the end backwards."""
    lines = text.splitlines(True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def at(position: dict) -> int:
        return offsets[min(position["line"], len(lines))] + position["character"]

    for edit in sorted(edits, key=lambda e: at(e["range"]["start"]), reverse=True):
        text = text[:at(edit["range"]["start"])] + edit["newText"] + text[at(edit["range"]["end"]):]
    return text


def actions_at(client: Client, uri: str, diagnostic: dict, only: list[str] | None = None) -> list[dict]:
    context = {"diagnostics": [diagnostic]}
    if only:
        context["only"] = only
    answer = client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": diagnostic["range"],
                                                        "context": context})
    assert "error" not in answer, answer
    return answer["result"] or []


def test_code_actions_offer_the_fix_and_a_suppression(client, tmp_path):
    capabilities = start(client, tmp_path)["capabilities"]
    assert capabilities["codeActionProvider"]["codeActionKinds"] == ["quickfix", "source.fixAll.sweeplint"]
    assert capabilities["hoverProvider"] is True
    path = tmp_path / "sweep.yaml"
    path.write_text(SWEEP, encoding="utf-8")
    uri = uri_of(path)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": SWEEP}})
    diagnostics = client.diagnostics(uri)
    (sl102,) = [d for d in diagnostics if d["code"] == "SL102"]
    actions = actions_at(client, uri, sl102)
    titles = [a["title"] for a in actions]
    assert "Use log_uniform_values (SL102) - unsafe fix" in titles
    assert "Disable SL102 for this line" in titles
    fix = next(a for a in actions if a["title"].startswith("Use log_uniform_values"))
    assert fix["kind"] == "quickfix" and fix["isPreferred"] is False
    assert fix["diagnostics"][0]["code"] == "SL102"
    assert apply(SWEEP, fix["edit"]["changes"][uri]) == SWEEP.replace("log_uniform  # v1", "log_uniform_values  # v1")
    disable = next(a for a in actions if a["title"] == "Disable SL102 for this line")
    assert apply(SWEEP, disable["edit"]["changes"][uri]) == SWEEP.replace(
        "    min: 0.0001\n", "    min: 0.0001  # sweeplint: disable=SL102\n")

    (sl005,) = [d for d in diagnostics if d["code"] == "SL005"]
    actions = actions_at(client, uri, sl005)
    fix = next(a for a in actions if "(SL005)" in a["title"])
    assert fix["title"] == "Write 1e-8 as 1.0e-8 (SL005)" and fix["isPreferred"] is True
    assert apply(SWEEP, fix["edit"]["changes"][uri]) == SWEEP.replace("min: 1e-8", "min: 1.0e-8")
    (fix_all,) = actions_at(client, uri, sl005, only=["source.fixAll"])
    assert fix_all["title"] == "Fix all safe sweeplint problems"
    assert apply(SWEEP, fix_all["edit"]["changes"][uri]) == SWEEP.replace("min: 1e-8", "min: 1.0e-8")


def test_no_fix_is_offered_for_a_text_the_server_has_not_linted(client, tmp_path):
    uri, diagnostics = open_document(client, tmp_path, "sweep.yaml", SWEEP)
    (sl102,) = [d for d in diagnostics if d["code"] == "SL102"]
    # the editor changed the text; until the new lint is published, old spans are not offered as edits
    edited = "# a new first line\n" + SWEEP
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]})
    answer = client.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": sl102["range"],
                                                        "context": {"diagnostics": [sl102]}})
    fixes = [a for a in answer["result"] or [] if "edit" in a]
    for action in fixes:  # answered after the new lint: its edits are on the new text
        assert apply(edited, action["edit"]["changes"][uri]).startswith("# a new first line\n")


def test_hover_shows_the_rule_documentation(client, tmp_path):
    uri, diagnostics = open_document(client, tmp_path, "sweep.yaml", SWEEP)
    (sl102,) = [d for d in diagnostics if d["code"] == "SL102"]
    answer = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": sl102["range"]["start"]})
    hover = answer["result"]
    assert hover["contents"]["kind"] == "markdown"
    text = hover["contents"]["value"]
    assert text.startswith("**SL102 exponent-bounds-as-values** (error)")
    assert "**Why.**" in text and "**How to fix.**" in text and "**Automatic fix:** unsafe" in text
    assert "docs/rules.md#sl102-exponent-bounds-as-values" in text
    assert hover["range"] == sl102["range"]
    # nowhere near a finding: nothing to show
    answer = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 2}})
    assert answer["result"] is None


def test_unknown_requests_answer_method_not_found_without_a_traceback(client, tmp_path):
    start(client, tmp_path)
    answer = client.request("sweeplint/doesNotExist", {"x": 1})
    assert answer["error"]["code"] == -32601
    answer = client.request("textDocument/semanticTokens/full", {"textDocument": {"uri": uri_of(tmp_path / "a.yaml")}})
    assert answer["error"]["code"] == -32601
    assert client.request("shutdown", None)["result"] is None
    client.notify("exit")
    assert client.proc.wait(timeout=TIMEOUT) == 0
    stderr = client.proc.stderr.read().decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
