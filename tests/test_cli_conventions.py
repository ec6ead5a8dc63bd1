"""Command-line conventions a ruff user expects: `-` for stdin, --show-settings, --show-files,
--output-file, FORCE_COLOR / NO_COLOR, and a JSON schema for the settings that editors can use."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

BAD = """\
method: random
run_cap: 10
parameters:
  learning_rate:
    min: 0.00001
    max: 0.1
"""
CONCISE_FINDING = re.compile(r"^(?P<path>.+?):5:10: .*SL101")


def run_with_env(*args: str, cwd, env_update: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(env_update)
    return subprocess.run([sys.executable, "-m", "sweeplint", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)


# --- `-` reads standard input ---------------------------------------------------------------


def test_dash_reads_standard_input(write):
    folder = write({"pyproject.toml": "[tool.sweeplint]\nselect = [\"SL101\"]\n"})
    proc = run_cli("check", "-", cwd=folder, stdin=BAD)
    assert proc.returncode == 1, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert CONCISE_FINDING.match(first).group("path") == "-"
    # named with --stdin-filename, as ruff does
    proc = run_cli("check", "-", "--stdin-filename", "sweeps/lr.yaml", "--output-format", "json", cwd=folder, stdin=BAD)
    assert proc.returncode == 1
    assert [(d["path"], d["line"], d["column"], d["code"]) for d in json.loads(proc.stdout)] == [("sweeps/lr.yaml", 5, 10, "SL101")]
    # without a command, too
    assert run_cli("-", cwd=folder, stdin=BAD).returncode == 1


def test_dash_cannot_be_mixed_with_paths(write):
    folder = write({"a.yaml": BAD})
    proc = run_cli("check", "-", "a.yaml", cwd=folder, stdin=BAD)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("sweeplint: error: `-` reads one file from standard input")


# --- --output-file ---------------------------------------------------------------------------


def test_output_file_holds_the_report_and_stdout_stays_empty(write):
    folder = write({"sweeps/a.yaml": BAD})
    proc = run_cli("check", "sweeps", "--select", "SL101", "--output-file", "reports/out.json", "--output-format", "json", cwd=folder)
    assert proc.returncode == 1 and proc.stdout == ""
    items = json.loads((folder / "reports" / "out.json").read_text(encoding="utf-8"))
    assert [(d["path"], d["line"], d["code"]) for d in items] == [("sweeps/a.yaml", 5, "SL101")]
    # the concise report and its summary go there too, never coloured by --color auto
    proc = run_with_env("check", "sweeps", "--select", "SL101", "-o", "out.txt", cwd=folder, env_update={})
    text = (folder / "out.txt").read_text(encoding="utf-8")
    assert proc.stdout == "" and "\033[" not in text
    assert text.splitlines()[0].startswith("sweeps/a.yaml:5:10:") and text.splitlines()[-1].startswith("Found 1 problem")
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_an_output_file_that_is_a_fifo_is_written_to_and_stays_a_fifo(write):
    # (as /dev/null or /dev/stdout: a report renamed over it would have taken its place)
    import stat
    import threading

    folder = write({"a.yaml": BAD})
    fifo = folder / "report.pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    proc = run_cli("check", "a.yaml", "--select", "SL101", "--output-file", str(fifo), cwd=folder)
    reader.join(timeout=30)
    assert proc.returncode == 1 and proc.stdout == ""
    assert received and received[0].splitlines()[0].startswith("a.yaml:5:10: warning: SL101")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# --- colour ----------------------------------------------------------------------------------


@pytest.mark.parametrize("env, args, coloured", [
    ({}, (), False),                                       # not a terminal
    ({"FORCE_COLOR": "1"}, (), True),
    ({"FORCE_COLOR": "0"}, (), False),
    ({"FORCE_COLOR": ""}, (), False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, (), True),     # forcing wins, as in ruff
    ({"NO_COLOR": "1"}, ("--color", "always"), True),      # the command line wins over both
    ({"FORCE_COLOR": "1"}, ("--color", "never"), False),
])
def test_force_color_and_no_color(write, env, args, coloured):
    folder = write({"a.yaml": BAD})
    proc = run_with_env("check", "a.yaml", "--select", "SL101", *args, cwd=folder, env_update=env)
    assert proc.returncode == 1
    assert ("\033[" in proc.stdout) is coloured


# --- --show-settings and --show-files -------------------------------------------------------


PROJECT = {
    "pyproject.toml": (
        "[tool.sweeplint]\n"
        "ignore = [\"SL313\"]\n"
        "exclude = [\"old/*\"]\n"
        "per-file-ignores = { \"sweeps/legacy_*.yaml\" = [\"SL101\"] }\n"
        "severity = { SL305 = \"error\" }\n"
        "\n"
        "[[tool.sweeplint.study]]\n"
        "config = \"sweeps/depth_*.yaml\"\n"
        "scientific = [\"num_layers\"]\n"
        "phase = \"exploration\"\n"
    ),
    "sweeps/depth_a.yaml": BAD,
    "sweeps/notes.yaml": "title: not a sweep\n",
    "old/b.yaml": BAD,
    "train.py": "print('hello')\n",
}


def test_show_settings_prints_the_resolved_settings_as_toml(write):
    folder = write(PROJECT)
    proc = run_cli("check", "--show-settings", "--ignore", "SL312", "--fail-on", "error", cwd=folder / "sweeps")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert f"# Settings file: {(folder / 'pyproject.toml').resolve()}" in text
    codes = re.search(r"^# Rules enabled \((\d+)\): (.*)$", text, re.M)
    enabled = codes.group(2).split()
    assert int(codes.group(1)) == len(enabled) and "SL101" in enabled and "SL313" not in enabled and "SL312" not in enabled
    table = tomllib.loads(text)["tool"]["sweeplint"]
    assert table["ignore"] == ["SL313", "SL312"]            # configuration, then the command line
    assert table["fail-on"] == "error" and table["severity"] == {"SL305": "error"}
    assert table["study"][0] == {"config": "sweeps/depth_*.yaml", "scientific": ["num_layers"], "phase": "exploration"}
    assert table["cache-dir"] == str(folder.resolve() / ".sweeplint_cache")
    validate_settings(table)


def test_show_files_lists_the_sweep_files_a_check_would_read(write):
    folder = write(PROJECT)
    proc = run_cli("check", "--show-files", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["sweeps/depth_a.yaml"]
    proc = run_cli("check", "-", "--stdin-filename", "x.yaml", "--show-files", cwd=folder, stdin=BAD)
    assert proc.stdout == "x.yaml\n"


# --- the JSON schema of the settings --------------------------------------------------------

SCHEMA = ROOT / "sweeplint" / "schema" / "sweeplint.schema.json"


def validate_settings(table: dict) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    found, pending = [], list(validator(schema).iter_errors(table))
    while pending:  # with the reasons inside `oneOf` alternatives
        error = pending.pop()
        found.append(f"{list(error.absolute_path)}: {error.message}")
        pending.extend(error.context or ())
    return found


def readme_settings_example() -> dict:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", readme, re.S)
    example = next(b for b in blocks if b.startswith("[tool.sweeplint]\n"))
    return tomllib.loads(example)["tool"]["sweeplint"]


def test_the_documented_settings_are_valid_under_the_schema_and_for_sweeplint(write):
    table = readme_settings_example()
    assert validate_settings(table) == []
    from sweeplint.settings import from_table

    from_table(table, "README.md")  # sweeplint itself accepts the example


@pytest.mark.parametrize("table, where", [
    ({"selct": ["SL1"]}, "'selct' was unexpected"),
    ({"fail-on": "fatal"}, "'fatal' is not one of"),
    ({"severity": {"SL305": "errors"}}, "'errors' is not one of"),
    ({"jobs": 0}, "less than the minimum"),
    ({"study": [{"scientific": ["lr"]}]}, "'config' is a required property"),
    ({"study": [{"config": "a.yaml", "phase": "explore"}]}, "'explore' is not one of"),
])
def test_the_schema_rejects_wrong_settings(table, where):
    errors = validate_settings(table)
    assert any(where in e for e in errors), errors


def test_the_schema_knows_every_option_sweeplint_reads():
    from sweeplint.report import FORMATS
    from sweeplint.settings import OPTIONS, SCHEMA_PATH, STUDY_KEYS

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert SCHEMA_PATH == SCHEMA.resolve()
    assert set(schema["properties"]) == set(OPTIONS)
    assert set(schema["definitions"]["study"]["properties"]) == set(STUDY_KEYS)
    assert schema["properties"]["output-format"]["enum"] == list(FORMATS)


def test_the_pyproject_schema_checks_the_sweeplint_table_and_lets_the_rest_through():
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    folder = SCHEMA.parent
    wrapper = json.loads((folder / "pyproject.schema.json").read_text(encoding="utf-8"))
    wrapper["$id"] = (folder / "pyproject.schema.json").as_uri()  # where an editor would load it from
    settings_schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    registry = referencing.Registry().with_resource(
        SCHEMA.as_uri(), referencing.Resource.from_contents(settings_schema, default_specification=referencing.jsonschema.DRAFT7))
    validator = jsonschema.Draft7Validator(wrapper, registry=registry)
    good = {"project": {"name": "x"}, "tool": {"ruff": {"line-length": 100}, "sweeplint": readme_settings_example()}}
    assert list(validator.iter_errors(good)) == []
    bad = {"tool": {"sweeplint": {"fail-on": "fatal"}}}
    assert [e.message for e in validator.iter_errors(bad)] == ["'fatal' is not one of ['error', 'warning', 'info']"]
