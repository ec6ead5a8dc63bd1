"""Code-aware checks: a training program named on the command line stands for the sweeps that run
it; `--force-exclude`; .gitignore respected when walking directories."""

from __future__ import annotations

from conftest import lint_json, run_cli

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
LOGS_VAL_LOSS = "import wandb\nwandb.init()\nwandb.log({'val_loss': wandb.config.learning_rate})\n"
LOGS_LOSS = "import wandb\nwandb.init()\nwandb.log({'loss': wandb.config.learning_rate})\n"
BAD_RANGE = SWEEP.replace("    distribution: log_uniform_values\n", "")


def repo(write, files):
    root = write(files)
    (root / ".git").mkdir()
    return root


def where(findings):
    return [(f["path"], f["line"], f["code"]) for f in findings]


def test_checking_a_program_checks_every_sweep_that_runs_it(write):
    root = repo(write, {
        "sweeps/a.yaml": SWEEP, "sweeps/b.yaml": SWEEP, "sweeps/train.py": LOGS_LOSS,
        "other/c.yaml": SWEEP, "other/train.py": LOGS_VAL_LOSS,
    })
    code, findings = lint_json("check", "--no-cache", "sweeps/train.py", cwd=root)
    assert code == 1
    assert where(findings) == [("sweeps/a.yaml", 4, "SL204"), ("sweeps/b.yaml", 4, "SL204")]
    assert "sweeps/train.py:3" in findings[0]["message"]
    code, findings = lint_json("check", "--no-cache", "other/train.py", cwd=root)
    assert (code, findings) == (0, [])
    proc = run_cli("check", "--no-cache", "other/train.py", cwd=root)
    assert "All checks passed (1 sweep file checked)." in proc.stdout


def test_a_program_named_from_another_folder_finds_its_project(write):
    root = repo(write, {"project/sweeps/a.yaml": SWEEP, "project/sweeps/train.py": LOGS_LOSS})
    (root / "project" / ".git").mkdir()
    code, findings = lint_json("check", "--no-cache", "train.py", cwd=root / "project" / "sweeps")
    assert code == 1 and [f["code"] for f in findings] == ["SL204"]
    assert findings[0]["path"].endswith("a.yaml")


def test_a_program_no_sweep_runs_is_nothing_to_check(write):
    root = repo(write, {"tools/plot.py": "print('hello')\n", "sweeps/a.yaml": SWEEP, "sweeps/train.py": LOGS_VAL_LOSS})
    proc = run_cli("check", "--no-cache", "tools/plot.py", cwd=root)
    assert proc.returncode == 0
    assert "No sweep files found" in proc.stdout


def test_a_config_named_with_its_program_is_checked_once(write):
    root = repo(write, {"sweeps/a.yaml": BAD_RANGE, "sweeps/train.py": LOGS_VAL_LOSS})
    code, findings = lint_json("check", "--no-cache", "sweeps/a.yaml", "sweeps/train.py", cwd=root)
    assert where(findings) == [("sweeps/a.yaml", 7, "SL101")]


# --- exclusion -------------------------------------------------------------------------------------


def test_force_exclude_applies_exclude_to_files_named_on_the_command_line(write):
    root = repo(write, {
        "pyproject.toml": "[tool.sweeplint]\nexclude = [\"legacy\"]\n",
        "legacy/old.yaml": BAD_RANGE, "legacy/train.py": LOGS_VAL_LOSS,
        "sweeps/a.yaml": BAD_RANGE, "sweeps/train.py": LOGS_VAL_LOSS,
    })
    # as pre-commit names them: without --force-exclude a named file is checked anyway
    code, findings = lint_json("check", "--no-cache", "legacy/old.yaml", "sweeps/a.yaml", cwd=root)
    assert [f["path"] for f in findings] == ["legacy/old.yaml", "sweeps/a.yaml"]
    code, findings = lint_json("check", "--no-cache", "--force-exclude", "legacy/old.yaml", "sweeps/a.yaml", cwd=root)
    assert [f["path"] for f in findings] == ["sweeps/a.yaml"]
    (root / "pyproject.toml").write_text("[tool.sweeplint]\nexclude = [\"legacy\"]\nforce-exclude = true\n", encoding="utf-8")
    code, findings = lint_json("check", "--no-cache", "legacy/old.yaml", cwd=root)
    assert (code, findings) == (0, [])


def test_gitignored_files_are_not_checked_unless_asked(write):
    root = repo(write, {
        ".gitignore": "outputs/\n*.local.yaml\n!keep.local.yaml\n",
        "outputs/run1/sweep.yaml": BAD_RANGE, "outputs/run1/train.py": LOGS_VAL_LOSS,
        "sweeps/mine.local.yaml": BAD_RANGE, "sweeps/keep.local.yaml": BAD_RANGE, "sweeps/train.py": LOGS_VAL_LOSS,
    })
    proc = run_cli("check", "--no-cache", "--show-files", cwd=root)
    assert proc.stdout.splitlines() == ["sweeps/keep.local.yaml"]
    code, findings = lint_json("check", "--no-cache", cwd=root)
    assert {f["path"] for f in findings} == {"sweeps/keep.local.yaml"}
    proc = run_cli("check", "--no-cache", "--show-files", "--no-respect-gitignore", cwd=root)
    assert proc.stdout.splitlines() == ["outputs/run1/sweep.yaml", "sweeps/keep.local.yaml", "sweeps/mine.local.yaml"]
    (root / "pyproject.toml").write_text("[tool.sweeplint]\nrespect-gitignore = false\n", encoding="utf-8")
    assert len(run_cli("check", "--no-cache", "--show-files", cwd=root).stdout.splitlines()) == 3


def test_a_nested_gitignore_overrides_the_root_one(write):
    root = repo(write, {
        ".gitignore": "*.yaml\n",
        "sweeps/.gitignore": "!a.yaml\n",
        "sweeps/a.yaml": SWEEP, "sweeps/b.yaml": SWEEP, "sweeps/train.py": LOGS_VAL_LOSS,
    })
    assert run_cli("check", "--no-cache", "--show-files", cwd=root).stdout.splitlines() == ["sweeps/a.yaml"]


def test_gitignore_is_ignored_outside_a_git_repository(write):
    root = write({".gitignore": "*.yaml\n", "a.yaml": SWEEP, "train.py": LOGS_VAL_LOSS})
    assert run_cli("check", "--no-cache", "--show-files", cwd=root).stdout.splitlines() == ["a.yaml"]


def test_a_gitignored_file_named_explicitly_is_still_checked(write):
    root = repo(write, {".gitignore": "*.yaml\n", "a.yaml": BAD_RANGE, "train.py": LOGS_VAL_LOSS})
    code, findings = lint_json("check", "--no-cache", "a.yaml", cwd=root)
    assert where(findings) == [("a.yaml", 7, "SL101")]
