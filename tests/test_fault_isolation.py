"""A failing rule or reader becomes one internal-error diagnostic; every other rule and file still reports."""

from __future__ import annotations

import pytest

import sweeplint.rules
from sweeplint import cli
from sweeplint.diagnostics import Severity
from sweeplint.rule import Rule

CONFIG = """\
program: train.py
method: random
run_cap: 10
parameters:
  learning_rate:
    distribution: uniform
    min: 0.0001
    max: 0.1
"""


class Exploding(Rule):
    code = "SL998"
    name = "exploding-rule"
    severity = Severity.WARNING

    def check(self, ctx):
        if ctx.file.path.endswith("a.yaml"):
            raise ZeroDivisionError("boom")
        return iter(())


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / "a.yaml").write_text(CONFIG)
    (tmp_path / "b.yaml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    original, index = sweeplint.rules.all_rules(), sweeplint.rules.rule_index()
    monkeypatch.setattr(sweeplint.rules, "all_rules", lambda: tuple(original) + (Exploding,))
    monkeypatch.setattr(sweeplint.rules, "rule_index", lambda: tuple(index) + (Exploding,))
    return tmp_path


def _lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().out.splitlines() if ": SL" in line]


def test_a_crashing_rule_is_one_diagnostic_and_the_rest_still_report(repo, capsys):
    code = cli.main(["check", ".", "--no-cache", "--jobs", "1"])
    lines = _lines(capsys)
    crash = [line for line in lines if "SL999" in line]
    assert len(crash) == 1
    assert crash[0].startswith("a.yaml:1:1: error: SL999 ")
    assert "SL998 (exploding-rule)" in crash[0] and "ZeroDivisionError: boom" in crash[0]
    assert any(line.startswith("a.yaml:") and "SL101" in line for line in lines), "other rules still ran on the file"
    assert any(line.startswith("b.yaml:") and "SL101" in line for line in lines), "other files still ran"
    assert code == 1


def test_strict_makes_an_internal_error_exit_2(repo, capsys):
    assert cli.main(["check", ".", "--no-cache", "--jobs", "1", "--strict"]) == 2
    assert cli.main(["check", "b.yaml", "--no-cache", "--jobs", "1", "--strict"]) == 1, "no internal error: findings decide"


def test_internal_error_counts_as_an_error_finding(repo, capsys):
    assert cli.main(["check", "a.yaml", "--no-cache", "--select", "SL998"]) == 1
    assert cli.main(["check", "a.yaml", "--no-cache", "--select", "SL998", "--exit-zero"]) == 0


def test_a_crashing_reader_is_one_diagnostic_and_other_files_go_on(repo, capsys, monkeypatch):
    import sweeplint.file_check as file_check

    real = file_check.read_path

    def flaky(path, *args, **kwargs):
        if path.endswith("a.yaml"):
            raise RuntimeError("reader bug")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(file_check, "read_path", flaky)
    code = cli.main(["check", ".", "--no-cache", "--jobs", "1"])
    lines = _lines(capsys)
    assert [line for line in lines if "SL999" in line][0].startswith("a.yaml:1:1: error: SL999 sweeplint failed while reading this file (RuntimeError: reader bug)")
    assert any(line.startswith("b.yaml:") and "SL101" in line for line in lines)
    assert code == 1
