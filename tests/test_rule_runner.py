"""How check_file runs the rules: one instance per rule for the whole run, and rules that cannot
fire on a file (no revision to compare with, no program read) skipped without changing a finding."""

from __future__ import annotations

import pytest

import sweeplint.rules
from sweeplint import cli, file_check
from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Span
from sweeplint.rule import Rule

CONFIG = """\
method: random
run_cap: 10
parameters:
  learning_rate:
    distribution: uniform
    min: 0.0001
    max: 0.1
"""


class Always(Rule):
    """Fires once on every file it runs on."""

    code = "SL997"
    name = "always"
    severity = Severity.WARNING

    def check(self, ctx):
        yield Finding(Span.point(1, 1), "always fires")


class AlwaysComparing(Always):
    code = "SL996"
    name = "always-comparing"
    compares_revisions = True


class AlwaysWithFacts(Always):
    code = "SL995"
    name = "always-with-facts"
    needs_program_facts = True


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / "a.yaml").write_text(CONFIG)
    (tmp_path / "b.yaml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    extra = (Always, AlwaysComparing, AlwaysWithFacts)
    original, index = sweeplint.rules.all_rules(), sweeplint.rules.rule_index()
    monkeypatch.setattr(sweeplint.rules, "all_rules", lambda: tuple(original) + extra)
    monkeypatch.setattr(sweeplint.rules, "rule_index", lambda: tuple(index) + extra)
    return tmp_path


def _codes(capsys) -> list[str]:
    return [line.split(": ")[2].split()[0] for line in capsys.readouterr().out.splitlines() if ": SL99" in line]


def test_rules_that_cannot_fire_on_a_file_are_skipped_and_the_others_run(repo, capsys):
    cli.main(["check", ".", "--no-cache", "--jobs", "1"])
    codes = _codes(capsys)
    assert codes.count("SL997") == 2, "an ordinary rule runs on every file"
    assert "SL996" not in codes, "no --since: nothing to compare the files with"
    assert "SL995" not in codes, "no program named: no program facts"


def test_one_rule_instance_serves_every_file_and_keeps_no_state(repo, capsys):
    cli.main(["check", ".", "--no-cache", "--jobs", "1"])
    runners = [r for rules in file_check._LAST_PLAN._by_formats.values() for r in rules
               if isinstance(r, file_check._Runner)]
    assert runners, "the plan keeps the rules it ran"
    for runner in runners:
        # rules rely on the Context alone: nothing is left on the shared instance after two files
        assert vars(runner.check.__self__) == {}, runner.code


def test_a_run_without_programs_or_revisions_never_imports_the_rules_that_need_them(tmp_path):
    import subprocess
    import sys

    (tmp_path / "a.yaml").write_text(CONFIG)
    script = (
        "import sys\n"
        "from sweeplint import cli\n"
        "try:\n"
        "    cli.main(['check', '.', '--no-cache', '--jobs', '1', '--exit-zero', '--quiet'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "from sweeplint.rules import rule_index\n"
        "for info in rule_index():\n"
        "    imported = 'sweeplint.rules.' + info.module in sys.modules\n"
        "    print(info.code, info.compares_revisions, info.needs_program_facts, imported)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
    rows = [line.split() for line in done.stdout.splitlines() if line.startswith("SL")]
    skipped = {code for code, compares, needs, _ in rows if compares == "True" or needs == "True"}
    assert {"SL201", "SL206", "SL601"} <= skipped
    assert not [code for code, _, _, imported in rows if code in skipped and imported == "True"]
    assert [code for code, _, _, imported in rows if code == "SL101" and imported == "True"], "an ordinary rule ran"
