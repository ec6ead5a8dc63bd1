"""CI as a user meets it: SARIF and GitLab paths from the repository root whatever the working
directory, related locations linked from SARIF messages, and the GitHub Action's run step executed
the way the runner executes it (inputs as environment variables, $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli
from test_outputs import SARIF_SCHEMA
from test_outputs import validate_sarif as _validate_against_schema


def validate_sarif(log: dict) -> None:
    """Against the SARIF 2.1.0 schema of ../shared/schemas when it is there; the test's other
    assertions run either way."""
    assert log["version"] == "2.1.0" and isinstance(log["runs"], list)
    if SARIF_SCHEMA.is_file():
        _validate_against_schema(log)

LINEAR = """\
method: random
run_cap: 10
parameters:
  lr_{n}:
    min: 0.00001
    max: 0.1
"""
GRID = """\
method: grid
parameters:
  dropout: {min: 0.1, max: 0.5}
"""


@pytest.fixture
def repo(write):
    """A git repository whose sweeps live in a sub-project."""
    root = write({
        "project/sweeps/grid.yaml": GRID,
        "project/sweeps/linear.yaml": LINEAR.format(n=0),
        "project/pyproject.toml": "[tool.sweeplint]\nselect = [\"SL101\", \"SL104\"]\n",
        "project/docs/README.md": "notes\n",
    })
    (root / ".git").mkdir()  # what makes a folder a repository root, as git itself looks for it
    return root


@pytest.mark.parametrize("cwd, target", [("project", "sweeps"), ("project/docs", "../sweeps"), (".", "project/sweeps")])
def test_sarif_and_gitlab_paths_are_relative_to_the_repository_root(repo, cwd, target):
    proc = run_cli("check", target, "--output-format", "sarif", cwd=repo / cwd)
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    validate_sarif(log)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"] for loc in r["locations"]}
    assert uris == {"project/sweeps/grid.yaml", "project/sweeps/linear.yaml"}
    assert log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    proc = run_cli("check", target, "--output-format", "gitlab", cwd=repo / cwd)
    issues = json.loads(proc.stdout)
    assert {i["location"]["path"] for i in issues} == {"project/sweeps/grid.yaml", "project/sweeps/linear.yaml"}


def test_fingerprints_do_not_depend_on_the_working_directory(repo):
    first = json.loads(run_cli("check", "sweeps", "--output-format", "gitlab", cwd=repo / "project").stdout)
    second = json.loads(run_cli("check", "project/sweeps", "--output-format", "gitlab", cwd=repo).stdout)
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in second]


def test_without_git_the_project_root_is_used(write):
    root = write({"project/sweeps/grid.yaml": GRID, "project/pyproject.toml": "[tool.sweeplint]\nselect = [\"SL104\"]\n"})
    proc = run_cli("check", ".", "--output-format", "sarif", cwd=root / "project" / "sweeps")
    (result,) = json.loads(proc.stdout)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sweeps/grid.yaml"


def test_related_locations_are_linked_from_the_sarif_message(repo):
    proc = run_cli("check", "sweeps/grid.yaml", "--output-format", "sarif", cwd=repo / "project")
    log = json.loads(proc.stdout)
    validate_sarif(log)
    (result,) = log["runs"][0]["results"]
    text = result["message"]["text"]
    links = re.findall(r"(?<!\\)\[([^\]]*)\]\((\d+)\)", text)
    related = {r["id"]: r for r in result["relatedLocations"]}
    assert links == [("project/sweeps/grid.yaml:1", "0")]
    target = related[int(links[0][1])]
    assert target["physicalLocation"]["artifactLocation"]["uri"] == "project/sweeps/grid.yaml"
    assert target["physicalLocation"]["region"]["startLine"] == 1
    assert target["message"]["text"] == "the method is grid here"
    # brackets of the message itself are escaped, so they are not read as links
    assert "[" not in re.sub(r"\\\[|\\\]|\[[^\]]*\]\(\d+\)", "", text)


def test_a_usage_error_still_writes_a_valid_sarif_log(repo):
    for args in (["--output-format", "sarif", "--bogus"], ["--output-format=sarif", "--select", "SL9"]):
        proc = run_cli("check", "sweeps", *args, "--output-file", "out/report.sarif", cwd=repo / "project")
        assert proc.returncode == 2 and proc.stderr.startswith("sweeplint: error: ")
        log = json.loads((repo / "project" / "out" / "report.sarif").read_text(encoding="utf-8"))
        validate_sarif(log)
        (invocation,) = log["runs"][0]["invocations"]
        assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
        (note,) = invocation["toolExecutionNotifications"]
        assert note["level"] == "error" and note["message"]["text"] in proc.stderr
        assert log["runs"][0]["results"] == []
    # on standard output too, when there is no output file
    proc = run_cli("check", "sweeps", "--output-format", "sarif", "--jobs", "0", cwd=repo / "project")
    validate_sarif(json.loads(proc.stdout))
    # and when the configuration asks for SARIF
    (repo / "project" / "sweeplint.toml").write_text('output-format = "sarif"\n', encoding="utf-8")
    proc = run_cli("check", "sweeps", "--ignore", "SL9", cwd=repo / "project")
    assert proc.returncode == 2
    (note,) = json.loads(proc.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "unknown rule code or prefix 'SL9'" in note["message"]["text"]


# --- the GitHub Action ---------------------------------------------------------------------------


def action_step(step_id: str = "run") -> dict:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return next(s for s in action["runs"]["steps"] if s.get("id") == step_id)


def run_action(tmp_path: Path, workspace: Path, inputs: dict[str, str]) -> tuple[int, str, dict, str]:
    """Run the action's step with bash as the runner does; the exit code, the log, the step's
    outputs and the job summary."""
    if shutil.which("bash") is None or shutil.which("sweeplint", path=os.path.dirname(sys.executable)) is None:
        pytest.skip("bash, or sweeplint installed beside this Python, is not available")
    step = action_step()
    defaults = {"paths": ".", "output-format": "github", "sarif-file": "sweeplint.sarif", "args": "", "working-directory": ".",
                "baseline": "", "since": ""}
    values = defaults | inputs
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    for name, template in step["env"].items():
        env[name] = values[re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", template).group(1)]
    output, summary, temp = tmp_path / "output.txt", tmp_path / "summary.md", tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    env.update(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary), RUNNER_TEMP=str(temp), GITHUB_WORKSPACE=str(workspace))
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")  # where `sweeplint` is installed
    cwd = workspace / values["working-directory"]
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines()) if output.exists() else {}
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert not list(temp.iterdir())  # the scratch folder is removed
    return proc.returncode, proc.stdout, outputs, summary.read_text(encoding="utf-8") if summary.exists() else ""


def test_action_annotates_and_says_how_many_annotations_github_hides(write, tmp_path):
    workspace = write({f"sweeps/s{n}.yaml": LINEAR.format(n=n) for n in range(12)})
    code, log, outputs, summary = run_action(tmp_path, workspace, {"args": "--select SL101"})
    assert code == 1 and outputs["exit-code"] == "1"
    annotations = [line for line in log.splitlines() if line.startswith("::warning ")]
    assert len(annotations) == 12
    readable = [line for line in log.splitlines() if re.match(r"^sweeps/s\d+\.yaml:5:10: warning: SL101 ", line)]
    assert len(readable) == 12
    assert "sweeplint failed: 12 problems (12 warnings)." in log
    note = "2 of 12 warning annotations were not shown on the diff"
    assert note in log and note in summary
    assert summary.startswith("### ❌ sweeplint failed: 12 problems (12 warnings)")
    assert summary.count("| warning | SL101 linear-scale-parameter | `sweeps/s") == 12


def test_action_sarif_from_a_working_directory_is_relative_to_the_repository(repo, tmp_path):
    code, log, outputs, summary = run_action(tmp_path, repo, {"output-format": "sarif", "working-directory": "project",
                                                               "paths": "sweeps"})
    assert code == 1 and outputs["exit-code"] == "1"
    assert outputs["sarif-file"] == str(repo / "sweeplint.sarif")
    log_document = json.loads((repo / "sweeplint.sarif").read_text(encoding="utf-8"))
    validate_sarif(log_document)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log_document["runs"][0]["results"]}
    assert uris == {"project/sweeps/grid.yaml", "project/sweeps/linear.yaml"}
    assert "sweeps/grid.yaml:3:18: error: SL104 " in log and "sweeplint failed: 2 problems (1 error, 1 warning)." in log
    assert "annotations" not in log  # no annotations in SARIF mode, so none hidden
    assert "| error | SL104 grid-with-continuous | `sweeps/grid.yaml:3:18` |" in summary


def test_action_usage_error_leaves_a_valid_sarif_log_and_says_why(repo, tmp_path):
    code, log, outputs, summary = run_action(tmp_path, repo, {"output-format": "sarif", "working-directory": "project",
                                                               "args": "--select SL9"})
    assert code == 2 and outputs["exit-code"] == "2"
    log_document = json.loads((repo / "sweeplint.sarif").read_text(encoding="utf-8"))
    validate_sarif(log_document)
    (note,) = log_document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "unknown rule code or prefix 'SL9'" in note["message"]["text"]
    assert "could not check the sweeps (exit code 2)" in log and "unknown rule code or prefix 'SL9'" in log
    assert summary.startswith("### ⚠️ sweeplint could not check the sweeps") and "SL9" in summary


def test_action_repairs_a_sarif_file_sweeplint_never_wrote(tmp_path):
    from sweeplint.github_action import main

    target = tmp_path / "out" / "empty.sarif"
    target.parent.mkdir()
    target.write_text("")  # what a crash before any output would leave
    assert main(["--exit-code", "2", "--output-format", "sarif", "--sarif-file", str(target)]) == 0
    log_document = json.loads(target.read_text(encoding="utf-8"))
    validate_sarif(log_document)
    assert log_document["runs"][0]["invocations"][0]["exitCode"] == 2


def test_action_clean_run_summary(write, tmp_path):
    workspace = write({"sweeps/a.yaml": LINEAR.format(n=0).replace("min: 0.00001", "min: 0.01")})
    code, log, outputs, summary = run_action(tmp_path, workspace, {"args": "--select SL101"})
    assert code == 0 and outputs["exit-code"] == "0"
    assert "sweeplint passed." in log and summary.startswith("### ✅ sweeplint passed")
