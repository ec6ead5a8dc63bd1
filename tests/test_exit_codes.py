"""What a new user meets when something is off: one clear line, the documented exit code, no traceback."""

from __future__ import annotations

import pytest

from conftest import run_cli

SWEEP = """\
method: random
run_cap: 10
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.1
"""


def one_error_line(proc) -> str:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("sweeplint: error: ")
    return lines[0]


def test_empty_directory_says_no_sweep_files_were_found(tmp_path):
    proc = run_cli(cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.strip() == "No sweep files found; nothing to check."
    assert proc.stderr == ""


def test_directory_without_sweeps_counts_the_files_looked_at(write):
    root = write({"a.yaml": "name: not a sweep\n", "b.py": "print(1)\n"})
    proc = run_cli("check", ".", cwd=root)
    assert proc.returncode == 0
    assert proc.stdout.strip() == "No sweep files found among 2 YAML, JSON and Python files; nothing to check."


def test_empty_directory_with_a_machine_format_keeps_stdout_a_document(tmp_path):
    proc = run_cli("--output-format", "json", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.strip() == "[]"
    assert proc.stderr.strip() == "No sweep files found; nothing to check."


def test_path_that_does_not_exist(tmp_path):
    proc = run_cli("check", "sweeps/missing.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert one_error_line(proc) == "sweeplint: error: path does not exist: sweeps/missing.yaml"
    assert proc.stdout == ""


@pytest.mark.parametrize("name", ["pyproject.toml", "sweeplint.toml"])
def test_invalid_toml_in_the_config_file(write, name):
    table = "[tool.sweeplint]\n" if name == "pyproject.toml" else ""
    root = write({name: table + "select = [SL1\n", "sweep.yaml": SWEEP})
    proc = run_cli(cwd=root)
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert name in line and "invalid TOML" in line
    line_no = 2 if table else 1
    assert f"line {line_no}" in line


def test_someone_elses_broken_pyproject_is_not_our_business(write):
    root = write({"pyproject.toml": "[project\nname = 'x'\n", "sweep.yaml": SWEEP})
    proc = run_cli(cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "All checks passed" in proc.stdout


def test_explicit_config_file_that_does_not_exist(tmp_path):
    proc = run_cli("check", "--config", "nowhere.toml", ".", cwd=tmp_path)
    assert proc.returncode == 2
    assert one_error_line(proc) == "sweeplint: error: config file nowhere.toml does not exist"


@pytest.mark.parametrize("option", ["--select", "--extend-select", "--ignore"])
def test_unknown_rule_code_on_the_command_line(write, option):
    root = write({"sweep.yaml": SWEEP})
    proc = run_cli("check", option, "SL101,SL9999", ".", cwd=root)
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert line.startswith(f"sweeplint: error: {option}: unknown rule code or prefix 'SL9999'")
    assert "sweeplint rule --all" in line


def test_empty_selection_on_the_command_line(write):
    root = write({"sweep.yaml": SWEEP})
    proc = run_cli("check", "--select", ",", ".", cwd=root)
    assert proc.returncode == 2
    assert "--select needs at least one rule code" in one_error_line(proc)


def test_unknown_rule_code_in_the_config_file_names_the_file(write):
    root = write({"sweeplint.toml": 'ignore = ["SL1O1"]\n', "sweep.yaml": SWEEP})
    proc = run_cli(cwd=root)
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "sweeplint.toml: ignore: unknown rule code or prefix 'SL1O1'" in line


def test_typo_in_an_option_name_suggests_the_right_one(write):
    root = write({"pyproject.toml": '[tool.sweeplint]\nignroe = ["SL101"]\n', "sweep.yaml": SWEEP})
    proc = run_cli(cwd=root)
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "unknown option 'ignroe'" in line and "did you mean 'ignore'?" in line


def test_typo_in_a_study_table_key(write):
    root = write({"sweeplint.toml": '[[study]]\nconfgi = "sweep.yaml"\n', "sweep.yaml": SWEEP})
    proc = run_cli(cwd=root)
    assert proc.returncode == 2
    assert "unknown key 'confgi'; did you mean 'config'?" in one_error_line(proc)


def test_bad_severity_value(write):
    root = write({"sweeplint.toml": 'fail-on = "errors"\n', "sweep.yaml": SWEEP})
    proc = run_cli(cwd=root)
    assert proc.returncode == 2
    assert "unknown severity 'errors'; use error, warning or info" in one_error_line(proc)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--output-format", "xml"], "unknown output format 'xml'"),
        (["--fail-on", "fatal"], "invalid choice: 'fatal'"),
        (["--jobs", "0"], "--jobs must be a positive number"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["rule", "SL555"], "unknown rule 'SL555'"),
        (["rule"], "name a rule"),
    ],
)
def test_usage_errors(write, args, expected):
    root = write({"sweep.yaml": SWEEP})
    proc = run_cli(*args, cwd=root)
    assert proc.returncode == 2
    assert expected in one_error_line(proc)


def test_findings_exit_1_and_a_clean_run_exits_0(write):
    root = write({"good.yaml": SWEEP, "bad/sweep.yaml": SWEEP.replace("log_uniform_values", "log_uniform")})
    assert run_cli("check", "good.yaml", cwd=root).returncode == 0
    bad = run_cli("check", "bad", cwd=root)
    assert bad.returncode == 1 and "SL102" in bad.stdout
    assert run_cli("check", "bad", "--exit-zero", cwd=root).returncode == 0
