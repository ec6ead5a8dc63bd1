"""A finding says what is wrong in one sentence; how to fix it goes to its help, which every format
that has room for it shows (full, JSON, JSON lines, SARIF, GitHub, GitLab, JUnit, `sweeplint rule`)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from conftest import run_cli
from sweeplint.diagnostics import split_help

SWEEP = """\
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  weight_decay:
    min: 0.000001
    max: 0.01
"""

MESSAGE = "weight_decay (weight decay) is searched on a linear scale over 1e-06 .. 0.01 (4.0 decades)"
HELP = ("Search it on a log scale (distribution: log_uniform_values): on a linear scale 90% of trials land in "
        "the top decade and the small values are barely tried.")


@pytest.fixture
def folder(write):
    return write({"sweep.yaml": SWEEP})


def report(folder, fmt: str) -> str:
    proc = run_cli("check", "sweep.yaml", "--output-format", fmt, "--color", "never", cwd=folder)
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def test_concise_shows_the_message_only(folder):
    out = report(folder, "concise")
    assert out.splitlines()[0] == f"sweep.yaml:6:10: warning: SL101 {MESSAGE}"
    assert HELP not in out


def test_full_shows_the_help_under_the_source_line(folder):
    out = report(folder, "full")
    assert f"warning: SL101 {MESSAGE}\n    6 |     min: 0.000001\n" in out
    assert f"      = help: {HELP}" in out


def test_json_and_json_lines_carry_the_help(folder):
    [item] = json.loads(report(folder, "json"))
    assert (item["message"], item["help"]) == (MESSAGE, HELP)
    [line] = report(folder, "json-lines").splitlines()
    assert json.loads(line) == item


def test_sarif_has_the_help_in_the_markdown_message_and_properties(folder):
    [result] = json.loads(report(folder, "sarif"))["runs"][0]["results"]
    assert result["message"]["text"] == MESSAGE
    assert result["message"]["markdown"] == f"{MESSAGE}\n\n{HELP}"
    assert result["properties"]["help"] == HELP


def test_ci_formats_show_the_help(folder):
    annotation = report(folder, "github").strip()
    assert annotation.endswith(f"::{MESSAGE}%0A%0A{HELP}".replace("% of", "%25 of"))
    [issue] = json.loads(report(folder, "gitlab"))
    assert issue["description"] == f"SL101 {MESSAGE}" and issue["content"] == {"body": HELP}
    failure = ET.fromstring(report(folder, "junit")).find(".//failure")
    assert failure.get("message") == MESSAGE
    assert f"sweep.yaml:6:10: warning: SL101 {MESSAGE}\n  help: {HELP}" in failure.text


def test_rule_page_shows_what_the_bad_example_reports():
    page = run_cli("rule", "SL102").stdout
    assert "What sweeplint reports on it (the message, then its help):" in page
    assert "sweep.yaml:6:10: error: SL102 learning_rate uses log_uniform with exponent bounds 0.00001 .. 0.1" in page
    assert "help: The bounds of log_uniform are exponents, but these look like values;" in page


@pytest.mark.parametrize("text, message, help_text", [
    ("metric.goal must be minimize or maximize; W&B replaces 'x' with minimize",
     "metric.goal must be minimize or maximize", "W&B replaces 'x' with minimize."),
    ("momentum is searched up to 1, the edge of the range (below 1): trials near it are wasted",
     "momentum is searched up to 1, the edge of the range (below 1)", "Trials near it are wasted."),
    # a name before a colon is part of the message; separators inside brackets or quotes do not count
    ("lr: the bound (a; b) is `x: y`, so nothing", "lr: the bound (a; b) is `x: y`, so nothing", None),
    ("step_size is searched on a grid of three values - step_size has no effect",
     "step_size is searched on a grid of three values", "step_size has no effect."),
])
def test_split_help(text, message, help_text):
    assert split_help(text) == (message, help_text)


def test_split_help_leaves_a_long_consequence_to_the_help():
    text = ("hyperparameter 'dropout' is a double range but the searcher is grid and it has no `count`, so "
            "Determined rejects the experiment")
    assert split_help(text) == ("hyperparameter 'dropout' is a double range but the searcher is grid and it has no `count`",
                                "Determined rejects the experiment.")
    short = "dropout has integer bounds, so W&B samples only 0 or 1"
    assert split_help(short) == (short, None)
