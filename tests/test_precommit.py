"""The pre-commit hooks, run by the real `pre-commit try-repo` against a temporary git repository.

The first run installs the hook's environment from PyPI (pip installs this checkout and its
dependencies), so it needs network access; without it these tests are skipped, saying so.
`pre-commit try-repo` clones a local path at HEAD plus its modified tracked files, so the test
builds a temporary git repository holding this working tree (including files not committed yet).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

pytest.importorskip("pre_commit")
if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)

INSTALL_TIMEOUT = 900   # first run: a virtualenv and a pip install from PyPI
NETWORK_ERRORS = ("Could not find a version", "NewConnectionError", "Temporary failure in name resolution",
                  "Max retries exceeded", "No matching distribution", "ConnectionError", "Network is unreachable")

SWEEP = """\
program: train.py
method: random
run_cap: 20
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.1
"""
LOGS_VAL_LOSS = "import wandb\nrun = wandb.init()\nlr = wandb.config.learning_rate\nwandb.log({'val_loss': lr})\n"
LOGS_LOSS = "import wandb\nrun = wandb.init()\nlr = wandb.config.learning_rate\nwandb.log({'loss': lr})\n"


def git(*args: str, cwd) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_NOSYSTEM="1")
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """This working tree, committed into a repository of its own."""
    repo = tmp_path_factory.mktemp("hook-repo")
    if (ROOT / ".git").exists():
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, text=True, timeout=120).stdout.split("\0")
    else:
        listed = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "snapshot", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path):
    files = {
        "bad/sweep.yaml": SWEEP, "bad/train.py": LOGS_LOSS,
        "good/sweep.yaml": SWEEP, "good/train.py": LOGS_VAL_LOSS,
        "notes/readme.yaml": "title: not a sweep\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-q", "-m", "project", cwd=tmp_path)
    return tmp_path


def try_repo(hook_repo, home, project, hook: str, *files: str, staged: bool = False) -> subprocess.CompletedProcess:
    """`pre-commit try-repo` on the given files, on the staged files (as a commit runs it), or on all."""
    args = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--color", "never", "--verbose"]
    if not staged:
        args += ["--files", *files] if files else ["--all-files"]
    return run_pre_commit(args, home, project)


def run_pre_commit(args: list[str], home, project) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", NO_COLOR="1")
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(args, cwd=project, capture_output=True, text=True, env=env, timeout=INSTALL_TIMEOUT)
    output = proc.stdout + proc.stderr
    if proc.returncode not in (0, 1):
        log = home / "pre-commit.log"
        details = output + (log.read_text(encoding="utf-8", errors="replace") if log.is_file() else "")
        if any(e in details for e in NETWORK_ERRORS):
            pytest.skip("installing the hook environment needs network access to PyPI")
        raise AssertionError(f"pre-commit failed to run (exit {proc.returncode}):\n{details[-4000:]}")
    return proc


def test_hook_fails_on_a_bad_sweep_finding_its_program_from_the_config(hook_repo, pre_commit_home, project):
    # only the config is passed: the program that does not log the metric is found through `program:`
    proc = try_repo(hook_repo, pre_commit_home, project, "sweeplint", "bad/sweep.yaml")
    out = proc.stdout
    assert proc.returncode == 1, out
    assert "sweeplint" in out and "Failed" in out
    assert "bad/sweep.yaml:4:16: error: SL204" in out
    assert "train.py:4" in out


def test_hook_passes_on_a_good_sweep(hook_repo, pre_commit_home, project):
    proc = try_repo(hook_repo, pre_commit_home, project, "sweeplint", "good/sweep.yaml", "good/train.py", "notes/readme.yaml")
    assert proc.returncode == 0, proc.stdout
    assert "Passed" in proc.stdout
    assert "SL" not in proc.stdout.split("Passed", 1)[1].split("- hook id", 1)[0]


def test_hook_skips_commits_without_yaml_json_or_python(hook_repo, pre_commit_home, project):
    (project / "README.md").write_text("# a project\n", encoding="utf-8")
    proc = try_repo(hook_repo, pre_commit_home, project, "sweeplint", "README.md")
    assert proc.returncode == 0, proc.stdout
    assert "(no files to check)Skipped" in proc.stdout


def test_repository_hook_rechecks_configs_when_only_a_program_changed(hook_repo, pre_commit_home, project):
    proc = try_repo(hook_repo, pre_commit_home, project, "sweeplint-repo", "bad/train.py")
    assert proc.returncode == 1, proc.stdout
    assert "bad/sweep.yaml:4:16: error: SL204" in proc.stdout
    assert "good/sweep.yaml" not in proc.stdout


def test_a_commit_that_only_renames_the_logged_metric_fails_the_hook(hook_repo, pre_commit_home, project):
    train = project / "good" / "train.py"
    train.write_text(LOGS_VAL_LOSS.replace("'val_loss'", "'validation_loss'"), encoding="utf-8")
    git("add", "good/train.py", cwd=project)
    proc = try_repo(hook_repo, pre_commit_home, project, "sweeplint", staged=True)   # the staged files, as `git commit` runs it
    assert proc.returncode == 1, proc.stdout
    assert "Failed" in proc.stdout
    assert "good/sweep.yaml:4:16: error: SL204" in proc.stdout and "validation_loss" in proc.stdout
    assert "bad/sweep.yaml" not in proc.stdout     # only the sweeps that run the changed program


def test_the_hook_leaves_out_excluded_files_pre_commit_passes(hook_repo, pre_commit_home, project):
    (project / "pyproject.toml").write_text('[tool.sweeplint]\nexclude = ["bad"]\n', encoding="utf-8")
    proc = try_repo(hook_repo, pre_commit_home, project, "sweeplint", "bad/sweep.yaml", "good/sweep.yaml")
    assert proc.returncode == 0, proc.stdout
    assert "Passed" in proc.stdout


def test_the_hook_takes_a_baseline_from_the_users_configuration(hook_repo, pre_commit_home, project):
    proc = subprocess.run([sys.executable, "-m", "sweeplint", "check", "--no-cache", "--write-baseline", ".sweeplint-baseline.json"],
                          cwd=project, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rev = git("rev-parse", "HEAD", cwd=hook_repo).strip()
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: sweeplint\n"
        "        args: [--baseline, .sweeplint-baseline.json]\n", encoding="utf-8")
    git("add", "-A", cwd=project)
    run = [sys.executable, "-m", "pre_commit", "run", "--color", "never", "--verbose", "--files", "bad/sweep.yaml", "bad/train.py"]
    proc = run_pre_commit(run, pre_commit_home, project)
    assert proc.returncode == 0, proc.stdout      # the known SL204 is in the baseline
    assert "Passed" in proc.stdout
    (project / "bad" / "sweep.yaml").write_text(SWEEP.replace("max: 0.1", "max: 0.1\n  dropout:\n    values: [0.1, 0.5]"), encoding="utf-8")
    proc = run_pre_commit(run, pre_commit_home, project)
    assert proc.returncode == 1, proc.stdout
    assert "SL201" in proc.stdout and "SL204" not in proc.stdout   # only the new finding: dropout is never read
