"""Inline suppressions as a user writes them: every spelling a `noqa` comment allows, a parameter's
key line covering its block, `disable` ... `enable` blocks, and malformed directives reported."""

from __future__ import annotations

import pytest

from conftest import lint_json

RULES = "SL000,SL002,SL005,SL101,SL103,SL104"

SWEEP = """\
method: random
run_cap: 10
parameters:
  learning_rate:{lr}
    min: 0.00001{lr_min}
    max: 0.1
  dropout:{dropout}
    min: 0
    max: 1
  wd:
    distribution: log_uniform_values
    min: 1e-6
    max: 0.01
"""
# Without suppressions: SL101 at (5, 10), SL103 at (8, 10), SL005 at (12, 10).


def sweep(**comments: str) -> str:
    fields = {"lr": "", "lr_min": "", "dropout": ""}
    fields.update(comments)
    return SWEEP.format(**fields)


def check(write, text: str) -> list[tuple]:
    folder = write({"s.yaml": text})
    _, items = lint_json("check", "s.yaml", "--select", RULES, cwd=folder)
    return [(d["line"], d["column"], d["code"], d["message"]) for d in items]


def codes(found: list[tuple]) -> list[tuple[int, str]]:
    return [(line, code) for line, _, code, _ in found]


def test_no_suppression(write):
    assert codes(check(write, sweep())) == [(5, "SL101"), (8, "SL103"), (12, "SL005")]


@pytest.mark.parametrize("comment", [
    "  # sweeplint: disable=SL101",
    "  # sweeplint: disable SL101",
    "  # sweeplint: disable = SL101",
    "  # sweeplint: disable: SL101",
    "  #sweeplint:disable=SL101",
    "  # SweepLint: DISABLE sl101",
    "  # sweeplint: disable SL101 -- linear on purpose, the range is narrow",
    "  # sweeplint: disable=SL101  # linear on purpose",
    "  # sweeplint: disable linear-scale-parameter",
    "  # sweeplint: disable SL1",
    "  # sweeplint: disable",
    "  # sweeplint: disable because the range is narrow",
])
def test_every_spelling_of_a_line_suppression_works(write, comment):
    assert codes(check(write, sweep(lr_min=comment))) == [(8, "SL103"), (12, "SL005")]


@pytest.mark.parametrize("comment", [
    "  # sweeplint: disable=SL101,SL103",
    "  # sweeplint: disable SL101, SL103",
    "  # sweeplint: disable SL101 SL103",
])
def test_lists_of_codes_with_commas_or_spaces(write, comment):
    # the key line of `dropout` covers its block: SL103 on `min: 0` one line below
    found = check(write, sweep(dropout=comment))
    assert codes(found) == [(5, "SL101"), (7, "SL000"), (12, "SL005")]
    line, column, _, message = found[1]
    assert message == "suppression of SL101 is unused (no such finding on this line or in this parameter); remove it"
    assert column == sweep(dropout=comment).splitlines()[6].index("SL101") + 1


def test_a_suppression_on_a_parameters_key_line_covers_its_block(write):
    assert codes(check(write, sweep(lr="  # sweeplint: disable SL101"))) == [(8, "SL103"), (12, "SL005")]
    # a bare one covers every rule in the block, and only there
    assert codes(check(write, sweep(dropout="  # sweeplint: disable"))) == [(5, "SL101"), (12, "SL005")]


def test_an_unused_bare_suppression_is_reported(write):
    text = sweep().replace("run_cap: 10", "run_cap: 10  # sweeplint: disable")
    found = check(write, text)
    assert found[0] == (2, text.splitlines()[1].index("disable") + 1, "SL000",
                        "suppression of every rule is unused (no such finding on this line); remove it")


@pytest.mark.parametrize("comment, column_of, why", [
    ("  # sweeplint: disable=", "disable", "`disable=` names no rule"),
    ("  # sweeplint: disable=,", "disable", "`disable=` names no rule"),
    ("  # sweeplint: disable SLl01", "disable", "'SLl01' is not a rule code"),
    ("  # sweeplint: disable=SL101x", "disable", "'SL101x' is not a rule code"),
])
def test_a_malformed_suppression_is_reported_and_suppresses_nothing(write, comment, column_of, why):
    text = sweep(lr_min=comment)
    found = check(write, text)
    assert codes(found) == [(5, "SL101"), (5, "SL002"), (8, "SL103"), (12, "SL005")]
    line, column, _, message = found[1]
    assert column == text.splitlines()[4].index(column_of) + 1
    assert message.startswith("malformed suppression: ") and why in message


def test_an_unknown_code_is_an_unused_suppression(write):
    found = check(write, sweep(lr_min="  # sweeplint: disable E501"))
    assert (5, "SL000") in codes(found) and (5, "SL101") in codes(found)
    assert "suppression of E501 is unused (there is no such rule)" in [m for _, _, c, m in found if c == "SL000"][0]


def test_disable_and_enable_blocks(write):
    text = (
        "method: random\n"
        "run_cap: 10\n"
        "parameters:\n"
        "  # sweeplint: disable SL101, SL103\n"
        "  learning_rate:\n"
        "    min: 0.00001\n"
        "    max: 0.1\n"
        "  # sweeplint: enable SL101\n"
        "  lr_head:\n"
        "    min: 0.00001\n"            # SL101 again: the block of SL101 ended
        "    max: 0.1\n"
        "  dropout:\n"
        "    min: 0\n"                  # SL103: still disabled until the bare enable
        "    max: 1\n"
        "  # sweeplint: enable\n"
        "  depth_dropout:\n"
        "    min: 0\n"                  # SL103 again
        "    max: 1\n"
    )
    assert codes(check(write, text)) == [(10, "SL101"), (17, "SL103")]


def test_an_enable_that_closes_nothing_and_an_unused_block(write):
    text = (
        "# sweeplint: disable SL005\n"
        "method: random\n"
        "run_cap: 10\n"
        "# sweeplint: enable SL005\n"
        "# sweeplint: enable SL104\n"
        "parameters:\n"
        "  dropout: {min: 0.0, max: 0.5}\n"
    )
    found = check(write, text)
    assert [(line, column, code) for line, column, code, _ in found] == [(1, 22, "SL000"), (5, 14, "SL000")]
    assert "no such finding between this line and its `enable`" in found[0][3]
    assert found[1][3] == "this `enable` closes no `disable` above it; remove it"


def test_bare_disable_file(write):
    assert check(write, "# sweeplint: disable-file\n" + sweep()) == []


def test_malformed_directives_follow_the_selection(write):
    folder = write({"s.yaml": sweep(lr_min="  # sweeplint: disable=")})
    _, items = lint_json("check", "s.yaml", "--select", "SL101", cwd=folder)
    assert [(d["line"], d["code"]) for d in items] == [(5, "SL101")]


def test_python_suppression_on_a_suggest_line(write):
    program = (
        "import optuna\n"
        "\n"
        "def objective(trial):\n"
        "    lr = trial.suggest_float('lr', 1e-5, 1e-1)  # sweeplint: disable SL101\n"
        "    wd = trial.suggest_float('weight_decay', 1e-6, 1e-2)\n"
        "    return lr + wd\n"
        "\n"
        "study = optuna.create_study(direction='minimize')\n"
        "study.optimize(objective, n_trials=50)\n"
    )
    folder = write({"search.py": program})
    _, items = lint_json("check", "search.py", "--select", "SL000,SL002,SL101", cwd=folder)
    assert [(d["line"], d["code"]) for d in items] == [(5, "SL101")]
