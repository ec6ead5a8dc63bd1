"""The command line as a user runs it: exit codes, options, output formats, configuration, suppressions."""

from __future__ import annotations

import json
import re

import pytest

from conftest import run_cli, lint_json
from sweeplint.rules import all_rules

# The rules these tests exercise; other rules are left out so that the expectations stay exact.
RULES = "SL000,SL001,SL002,SL003,SL004,SL005,SL006,SL007,SL101,SL102,SL103,SL104,SL105"

BAD = """\
method: random
run_cap: 10
parameters:
  learning_rate:
    min: 0.00001
    max: 0.1
  dropout:
    min: 0
    max: 1
  wd:
    distribution: log_uniform_values
    min: 1e-6
    max: 0.01
"""
# (line, column, code, severity) of what BAD produces with RULES selected.
BAD_FINDINGS = [(5, 10, "SL101", "warning"), (8, 10, "SL103", "warning"), (12, 10, "SL005", "error")]

WARN_ONLY = """\
method: random
run_cap: 10
parameters:
  dropout:
    min: 0
    max: 1
"""

CLEAN = """\
method: random
run_cap: 10
parameters:
  learning_rate:
    distribution: log_uniform_values
    min: 0.00001
    max: 0.1
  dropout:
    min: 0.0
    max: 0.5
"""

JSON_KEYS = {"code", "name", "severity", "message", "path", "line", "column", "end_line", "end_column", "help", "confidence",
             "fix"}


def found(items) -> list[tuple]:
    return [(d["line"], d["column"], d["code"], d["severity"]) for d in items]


# --- exit codes ------------------------------------------------------------------------------


def test_exit_0_when_clean(write):
    folder = write({"sweep.yaml": CLEAN})
    proc = run_cli("check", "sweep.yaml", "--select", RULES, cwd=folder)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "All checks passed (1 sweep file checked).\n"


def test_exit_1_on_findings_at_or_above_the_fail_level(write):
    folder = write({"bad.yaml": BAD, "warn.yaml": WARN_ONLY})
    assert run_cli("check", "bad.yaml", "--select", RULES, cwd=folder).returncode == 1
    assert run_cli("check", "warn.yaml", "--select", RULES, cwd=folder).returncode == 1
    assert run_cli("check", "warn.yaml", "--select", RULES, "--fail-on", "error", cwd=folder).returncode == 0
    assert run_cli("check", "bad.yaml", "--select", RULES, "--fail-on", "error", cwd=folder).returncode == 1


def test_fail_on_info_counts_info_findings(write):
    folder = write({"sweep.yaml": CLEAN.replace("run_cap: 10", "run_cap: 10  # sweeplint: disable=SL101")})
    proc = run_cli("check", "sweep.yaml", "--select", RULES, cwd=folder)
    assert proc.returncode == 0 and "info: SL000" in proc.stdout
    assert run_cli("check", "sweep.yaml", "--select", RULES, "--fail-on", "info", cwd=folder).returncode == 1


def test_exit_zero_overrides_findings(write):
    folder = write({"bad.yaml": BAD})
    proc = run_cli("check", "bad.yaml", "--select", RULES, "--exit-zero", cwd=folder)
    assert proc.returncode == 0 and "SL005" in proc.stdout


def test_a_parse_error_is_a_finding_not_an_internal_error(write):
    folder = write({"sweep.yaml": "method: grid\nparameters:\n  lr: [1, 2\n"})
    code, items = lint_json("check", "sweep.yaml", cwd=folder)
    assert code == 1
    assert [(d["code"], d["line"], d["column"]) for d in items] == [("SL001", 4, 1)]
    assert "did not find expected ',' or ']'" in items[0]["message"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "missing.yaml"], "path does not exist: missing.yaml"),
        (["check", ".", "--select", "SL9"], "unknown rule code or prefix 'SL9'"),
        (["check", ".", "--ignore", "XYZ"], "unknown rule code or prefix 'XYZ'"),
        (["check", ".", "--extend-select", "SL0,nonsense"], "unknown rule code or prefix 'nonsense'"),
        (["check", ".", "--output-format", "yaml"], "unknown output format 'yaml'"),
        (["check", ".", "--fail-on", "fatal"], "invalid choice: 'fatal'"),
        (["check", ".", "--selct", "SL1"], "did you mean --select?"),
        (["check", ".", "--config", "nowhere.toml"], "does not exist"),
        (["rule", "SL998"], "unknown rule 'SL998'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(write, args, message):
    folder = write({"sweep.yaml": CLEAN})
    proc = run_cli(*args, cwd=folder)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sweeplint: error: ") and message in lines[0], proc.stderr


def test_empty_directory_exits_0(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = run_cli("check", "empty", cwd=tmp_path)
    assert proc.returncode == 0
    assert "No sweep files found" in proc.stdout
    code, items = lint_json("check", "empty", cwd=tmp_path)
    assert (code, items) == (0, [])


def test_default_path_is_the_current_directory(write):
    folder = write({"configs/sweep.yaml": WARN_ONLY})
    code, items = lint_json("--select", RULES, cwd=folder)
    assert code == 1 and {d["path"] for d in items} == {"configs/sweep.yaml"}


# --- rule selection --------------------------------------------------------------------------


def test_select_extend_select_and_ignore_with_prefixes(write):
    folder = write({"bad.yaml": BAD})
    _, items = lint_json("check", "bad.yaml", "--select", RULES, cwd=folder)
    assert found(items) == BAD_FINDINGS
    _, items = lint_json("check", "bad.yaml", "--select", "SL1", cwd=folder)
    assert {d["code"][:3] for d in items} == {"SL1"} and {"SL101", "SL103"} <= {d["code"] for d in items}
    _, items = lint_json("check", "bad.yaml", "--select", "SL005", "--extend-select", "SL103", cwd=folder)
    assert found(items) == [(8, 10, "SL103", "warning"), (12, 10, "SL005", "error")]
    _, items = lint_json("check", "bad.yaml", "--select", RULES, "--ignore", "SL10", cwd=folder)
    assert found(items) == [(12, 10, "SL005", "error")]
    _, items = lint_json("check", "bad.yaml", "--select", "string-scientific-notation", cwd=folder)
    assert [d["code"] for d in items] == ["SL005"]


# --- output formats --------------------------------------------------------------------------


def test_concise_format(write):
    folder = write({"bad.yaml": BAD})
    proc = run_cli("check", "bad.yaml", "--select", RULES, "--output-format", "concise", "--color", "never", cwd=folder)
    lines = proc.stdout.splitlines()
    pattern = re.compile(r"^bad\.yaml:(\d+):(\d+): (error|warning|info): (SL\d{3}) \S.*$")
    parsed = [pattern.match(line) for line in lines[:-1]]
    assert all(parsed), lines
    assert [(int(m[1]), int(m[2]), m[4], m[3]) for m in parsed] == BAD_FINDINGS
    assert lines[-1] == "Found 3 problems (1 error, 2 warnings) in 1 sweep file. 1 fixable with --fix; 2 more with --unsafe-fixes."


def test_full_format_shows_the_source_line_a_caret_and_the_fix(write):
    folder = write({"bad.yaml": BAD})
    proc = run_cli("check", "bad.yaml", "--select", "SL005", "--output-format", "full", "--color", "never", cwd=folder)
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("bad.yaml:12:10: error: SL005 ")
    assert lines[1] == "   12 |     min: 1e-6"
    assert lines[2] == " " * (len("   12 | ") + 9) + "^^^^"
    assert lines[3].startswith("      = help: Write `1.0e-6`")


def test_json_format(write, tmp_path):
    folder = write({"b.yaml": BAD, "a/warn.yaml": WARN_ONLY})
    code, items = lint_json("check", ".", "--select", RULES, cwd=folder)
    assert code == 1
    for item in items:
        assert set(item) == JSON_KEYS
        assert item["severity"] in ("error", "warning", "info")
        assert isinstance(item["line"], int) and isinstance(item["end_column"], int)
        assert (item["end_line"], item["end_column"]) > (item["line"], item["column"])
        assert item["help"]
    # Relative input, relative paths; sorted by path, line, column, code.
    assert [(d["path"], d["line"], d["code"]) for d in items] == [
        ("a/warn.yaml", 5, "SL103"), ("b.yaml", 5, "SL101"), ("b.yaml", 8, "SL103"), ("b.yaml", 12, "SL005"),
    ]
    sl005 = items[-1]
    assert (sl005["end_line"], sl005["end_column"]) == (12, 14)
    assert sl005["name"] == "string-scientific-notation"
    assert "`1e-6`" in sl005["message"] and "Write `1.0e-6`" in sl005["help"]
    # Absolute input, absolute paths.
    _, items = lint_json("check", str(folder / "b.yaml"), "--select", RULES, cwd=tmp_path.parent)
    assert {d["path"] for d in items} == {str(folder / "b.yaml")}


def test_same_position_findings_are_sorted_by_code(write):
    folder = write({"s.yaml": "method: grid\nparameters:\n  lr: {min: 1e-5, max: 0.1}\n"})
    _, items = lint_json("check", "s.yaml", "--select", RULES, cwd=folder)
    at = [d["code"] for d in items if (d["line"], d["column"]) == (3, 13)]
    assert at == sorted(at) and {"SL005", "SL101", "SL104"} <= set(at)


def test_stdin_filename(write):
    folder = write({"configs/pyproject.toml": '[tool.sweeplint]\nignore = ["SL101"]\n'})
    code, items = lint_json("check", "--stdin-filename", "configs/sweep.yaml", "--select", RULES, cwd=folder, stdin=BAD)
    assert code == 1
    assert {d["path"] for d in items} == {"configs/sweep.yaml"}
    # The configuration next to the named file applies: SL101 is ignored there.
    assert found(items) == [(8, 10, "SL103", "warning"), (12, 10, "SL005", "error")]


def test_statistics_and_quiet(write):
    folder = write({"bad.yaml": BAD})
    proc = run_cli("check", "bad.yaml", "--select", RULES, "--statistics", "--quiet", cwd=folder)
    lines = proc.stdout.splitlines()
    stats = [line for line in lines if re.match(r"^\s+\d+\s+SL\d{3}\s+\S+$", line)]
    assert sorted(stats) == sorted(["    1  SL005  string-scientific-notation", "    1  SL101  linear-scale-parameter",
                                    "    1  SL103  integer-inferred-range"])
    assert not any(line.startswith("Found") for line in lines)
    assert len(lines) == 3 + 3


def test_color(write):
    folder = write({"bad.yaml": BAD})
    always = run_cli("check", "bad.yaml", "--select", RULES, "--color", "always", cwd=folder).stdout
    never = run_cli("check", "bad.yaml", "--select", RULES, "--color", "never", cwd=folder).stdout
    assert "\033[" in always and "\033[" not in never
    assert re.sub(r"\033\[[0-9;]*m", "", always) == never


def test_no_cache_is_accepted(write):
    folder = write({"bad.yaml": BAD})
    proc = run_cli("check", "bad.yaml", "--select", RULES, "--no-cache", cwd=folder)
    assert proc.returncode == 1 and "SL005" in proc.stdout


# --- rule documentation ----------------------------------------------------------------------


def test_rule_by_code_and_by_name():
    by_code = run_cli("rule", "SL101")
    by_name = run_cli("rule", "linear-scale-parameter")
    assert by_code.returncode == 0 and by_code.stdout == by_name.stdout
    assert by_code.stdout.startswith("SL101 linear-scale-parameter [warning]")
    assert "Example (bad):" in by_code.stdout and "How to fix:" in by_code.stdout


def test_rule_all_lists_every_rule():
    proc = run_cli("rule", "--all")
    assert proc.returncode == 0
    headers = re.findall(r"^(SL\d{3}) (\S+) \[(error|warning|info)\]$", proc.stdout, re.M)
    assert [(c, n) for c, n, _ in headers] == [(r.code, r.name) for r in all_rules()]


# --- configuration ---------------------------------------------------------------------------


def test_pyproject_is_found_by_walking_up_from_the_path(write):
    folder = write({
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.sweeplint]\nignore = ["SL101"]\n',
        "configs/sweeps/bad.yaml": BAD,
    })
    _, items = lint_json("check", "configs/sweeps/bad.yaml", "--select", RULES, cwd=folder)
    assert [d["code"] for d in items] == ["SL103", "SL005"]
    # From inside the folder, the same file finds the same configuration.
    _, items = lint_json("check", "bad.yaml", "--select", RULES, cwd=folder / "configs" / "sweeps")
    assert [d["code"] for d in items] == ["SL103", "SL005"]


def test_sweeplint_toml_and_pyproject_without_a_tool_table(write):
    folder = write({
        "sweeplint.toml": 'ignore = ["SL005"]\n',
        "proj/pyproject.toml": '[project]\nname = "x"\n',       # no [tool.sweeplint]: keep walking up
        "proj/bad.yaml": BAD,
    })
    _, items = lint_json("check", "proj/bad.yaml", "--select", RULES, cwd=folder)
    assert [d["code"] for d in items] == ["SL101", "SL103"]


def test_explicit_config_file(write):
    folder = write({"custom.toml": '[tool.sweeplint]\nignore = ["SL1"]\n', "bad.yaml": BAD})
    _, items = lint_json("check", "bad.yaml", "--select", RULES, "--config", "custom.toml", cwd=folder)
    assert [d["code"] for d in items] == ["SL005"]


def test_per_file_ignores_and_severity_overrides(write):
    folder = write({
        "pyproject.toml": (
            "[tool.sweeplint]\n"
            'fail-on = "error"\n'
            "[tool.sweeplint.per-file-ignores]\n"
            '"legacy/*.yaml" = ["SL005", "SL10"]\n'
            "[tool.sweeplint.severity]\n"
            'SL103 = "error"\n'
            'SL005 = "info"\n'
        ),
        "legacy/old.yaml": BAD,
        "new.yaml": BAD,
    })
    code, items = lint_json("check", ".", "--select", RULES, cwd=folder)
    assert [(d["path"], d["code"], d["severity"]) for d in items] == [
        ("new.yaml", "SL101", "warning"), ("new.yaml", "SL103", "error"), ("new.yaml", "SL005", "info"),
    ]
    assert code == 1   # SL103 is now an error, and fail-on is error
    code, _ = lint_json("check", "legacy", "--select", RULES, cwd=folder)
    assert code == 0


@pytest.mark.parametrize(
    "table, message",
    [
        ('[tool.sweeplint]\nignor = ["SL101"]\n', "unknown option 'ignor' in [tool.sweeplint]; did you mean 'ignore'?"),
        ('[tool.sweeplint]\nselect = ["SL9"]\n', "unknown rule code or prefix 'SL9'"),
        ('[tool.sweeplint]\nfail-on = "sometimes"\n', "unknown severity 'sometimes'"),
        ('[tool.sweeplint.severity]\nSL101 = "loud"\n', "unknown severity 'loud'"),
        ("[tool.sweeplint\n", "invalid TOML"),
        ('[tool.sweeplint.severity]\nSL1 = "error"\n', "'SL1' is not a rule code"),
        ('[tool.sweeplint.per-file-ignores]\n"*.yaml" = ["SL77"]\n', "per-file-ignores '*.yaml': unknown rule code or prefix 'SL77'"),
    ],
)
def test_configuration_errors_exit_2(write, table, message):
    folder = write({"pyproject.toml": table, "bad.yaml": BAD})
    proc = run_cli("check", "bad.yaml", cwd=folder)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and message in proc.stderr, proc.stderr


# --- inline suppressions ---------------------------------------------------------------------


def test_line_and_file_suppressions_and_unused_ones(write):
    text = (
        "# sweeplint: disable-file=SL005\n"               # used (line 13)
        "method: random\n"
        "run_cap: 10\n"
        "parameters:\n"
        "  learning_rate:\n"
        "    min: 0.00001  # sweeplint: disable=SL101\n"     # used
        "    max: 0.1\n"
        "  dropout:\n"
        "    min: 0  # sweeplint: disable=SL104,SL103\n"     # SL103 used, SL104 unused
        "    max: 1\n"
        "  wd:\n"
        "    distribution: log_uniform_values\n"
        "    min: 1e-6  # sweeplint: disable=SL9999\n"      # no such rule
        "    max: 0.01\n"
    )
    folder = write({"s.yaml": text})
    _, items = lint_json("check", "s.yaml", "--select", RULES, cwd=folder)
    got = [(d["line"], d["column"], d["code"], d["message"]) for d in items]
    line9 = text.splitlines()[8]
    line13 = text.splitlines()[12]
    assert got == [
        (9, line9.index("SL104") + 1, "SL000", "suppression of SL104 is unused (no such finding on this line); remove it"),
        (13, line13.index("SL9999") + 1, "SL000", "suppression of SL9999 is unused (there is no such rule); remove it"),
    ]
    sl000 = items[0]
    assert (sl000["end_line"], sl000["end_column"]) == (9, sl000["column"] + len("SL104"))


def test_unused_file_suppression_and_suppressions_of_rules_that_did_not_run(write):
    header = "# sweeplint: disable-file=SL104\n"
    folder = write({"s.yaml": header + CLEAN})
    _, items = lint_json("check", "s.yaml", "--select", RULES, cwd=folder)
    assert [(d["line"], d["column"], d["code"]) for d in items] == [(1, header.index("SL104") + 1, "SL000")]
    assert "no such finding in this file" in items[0]["message"]
    # With SL104 not selected nobody can tell whether the suppression is needed: no SL000.
    _, items = lint_json("check", "s.yaml", "--select", RULES, "--ignore", "SL104", cwd=folder)
    assert items == []


def test_json_output_of_no_findings_is_an_empty_array(write):
    folder = write({"s.yaml": CLEAN})
    proc = run_cli("check", "s.yaml", "--select", RULES, "--output-format", "json", cwd=folder)
    assert proc.returncode == 0 and json.loads(proc.stdout) == []


def test_suppressions_by_rule_name_and_per_file_ignores_by_name(write):
    text = BAD.replace("    min: 0\n", "    min: 0  # sweeplint: disable=integer-inferred-range\n")
    folder = write({
        "s.yaml": text,
        "pyproject.toml": '[tool.sweeplint.per-file-ignores]\n"s.yaml" = ["linear-scale-parameter"]\n',
    })
    _, items = lint_json("check", "s.yaml", "--select", RULES, cwd=folder)
    assert found(items) == [(12, 10, "SL005", "error")]
