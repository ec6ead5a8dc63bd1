"""The GitHub Action's `since` input: the round-to-round rules in a pull request."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_ci_reports import run_action
from test_history import Repo, sweep

pytestmark = pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
                                reason="git is not installed")


def test_action_compares_with_the_pull_requests_base(tmp_path: Path):
    repo = Repo(tmp_path / "workspace")
    base = repo.commit({"sweep.yaml": sweep("batch_size: {value: 64}\nlearning_rate: {value: 0.001}\n")})
    repo.commit({"sweep.yaml": sweep("batch_size: {value: 256}\nlearning_rate: {value: 0.001}\n")})
    code, log, outputs, summary = run_action(tmp_path, repo.root, {"since": base, "args": "--select SL6"})
    assert code == 1 and outputs["exit-code"] == "1"
    assert any(line.startswith("::warning file=sweep.yaml,line=5,col=15") and "SL604" in line for line in log.splitlines())
    assert f"compared each sweep config with its version at {base}" in summary
    # without a base (a push), nothing is compared
    code, _, _, _ = run_action(tmp_path, repo.root, {"args": "--select SL6"})
    assert code == 0


def test_action_with_a_revision_it_cannot_find_fails_with_the_reason(tmp_path: Path):
    repo = Repo(tmp_path / "workspace")
    repo.commit({"sweep.yaml": sweep("batch_size: {value: 64}\n")})
    missing = "0" * 40
    code, log, outputs, summary = run_action(tmp_path, repo.root, {"since": missing})
    assert code == 2 and outputs["exit-code"] == "2"
    assert f"--since {missing}: no such revision" in log
    assert "compared each sweep config" not in summary
