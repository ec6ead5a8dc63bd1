"""`sweeplint results` on real Optuna studies (SQLite and journal storage, made here with optuna),
and on W&B and Ray Tune folders written in the tools' layouts: each SL5xx rule fires where it
should, at the config line of the parameter or at the storage, naming the trials; a healthy
study is silent; corrupt files give a diagnostic, never a crash."""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path
import re
import sqlite3

import pytest

from conftest import run_cli
from lintkit import shown

optuna = pytest.importorskip("optuna")
optuna.logging.set_verbosity(optuna.logging.ERROR)

SPACE = """\
method: random
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.00001
    max: 0.1
  wd:
    min: 0.0
    max: 0.1
"""
LR_LINE, OBJECTIVE_LINE = (4, 3), (2, 9)


def _storage(tmp_path, kind: str, name: str = "study"):
    if kind == "sqlite":
        path = tmp_path / f"{name}.db"
        return path, f"sqlite:///{path}"
    from optuna.storages.journal import JournalFileBackend, JournalStorage

    path = tmp_path / f"{name}.log"
    return path, JournalStorage(JournalFileBackend(str(path)))


@pytest.fixture(scope="module")
def make(tmp_path_factory):
    """make(tmp_path, kind, objective, ...): a real optuna study, made once per module and copied
    into the test's folder (a test may change its copy). Studies are written where memory backs the
    files when the machine has /dev/shm: SQLite's syncs make a 40-trial study take seconds on disk."""
    shm = Path("/dev/shm")
    own = shm.is_dir() and os.access(shm, os.W_OK)
    folder = Path(tempfile.mkdtemp(prefix="sweeplint-results-", dir=shm)) if own else tmp_path_factory.mktemp("studies")
    made = {}

    def study(tmp_path, kind, objective, n_trials=40, sampler=None, direction="minimize", name="study"):
        key = (kind, objective.__name__, n_trials, direction)
        if key not in made:
            path, storage = _storage(Path(tempfile.mkdtemp(dir=folder)), kind, name)
            created = optuna.create_study(study_name=name, storage=storage, direction=direction,
                                          sampler=sampler or optuna.samplers.RandomSampler(seed=1))
            created.optimize(objective, n_trials=n_trials, catch=(RuntimeError,))
            made[key] = (path, created)
        path, created = made[key]
        shutil.copy(path, tmp_path / path.name)
        return tmp_path / path.name, created

    yield study
    if own:
        shutil.rmtree(folder, ignore_errors=True)


def _results(*args, cwd):
    proc = run_cli("results", *map(str, args), "--output-format", "json", cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout or "[]")


def _edge(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    wd = trial.suggest_float("wd", 0.0, 0.1)
    return -math.log10(lr) + wd          # lower is better: the higher the learning rate the better


def _healthy(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    wd = trial.suggest_float("wd", 0.0, 0.1)
    final = (math.log10(lr) + 3) ** 2 + (wd - 0.05) ** 2
    for step in range(8):   # improves, then levels off: best reached at step 5 and kept
        trial.report(final + max(0, 5 - step) * 0.1, step)
    return final


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_best_at_boundary_points_at_the_parameter_line_and_names_trials(make, tmp_path, kind):
    path, study = make(tmp_path, kind, _edge)
    (tmp_path / "sweep.yaml").write_text(SPACE)
    code, found = _results(path.name, "--space", "sweep.yaml", "--select", "SL501", cwd=tmp_path)
    best = f"#{study.best_trial.number}"
    assert code == 1
    assert [(d["code"], d["path"], d["line"], d["column"]) for d in found] == [("SL501", "sweep.yaml", *LR_LINE)]
    assert "upper edge of lr's range" in shown(found[0]) and "log scale" in shown(found[0])
    assert best in shown(found[0])


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_without_a_space_the_storage_distributions_are_used(make, tmp_path, kind):
    path, _ = make(tmp_path, kind, _edge)
    code, found = _results(path.name, "--select", "SL501", cwd=tmp_path)
    assert [(d["code"], d["path"], d["line"]) for d in found] == [("SL501", path.name, 1)]
    assert "range 1e-05 to 0.1" in shown(found[0])


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_healthy_study_is_silent(make, tmp_path, kind):
    path, _ = make(tmp_path, kind, _healthy, n_trials=60, sampler=optuna.samplers.TPESampler(seed=3))
    (tmp_path / "sweep.yaml").write_text(SPACE)
    code, found = _results(path.name, "--space", "sweep.yaml", cwd=tmp_path)
    assert (code, found) == (0, [])
    proc = run_cli("results", str(path), cwd=tmp_path)
    assert proc.returncode == 0 and "All checks passed (1 study judged)" in proc.stdout


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_failures_above_a_learning_rate_are_a_cluster(make, tmp_path, kind):
    def diverges(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        trial.suggest_float("wd", 0.0, 0.1)
        if lr > 1e-2:
            if trial.number % 2:
                raise RuntimeError("loss is NaN")
            return float("nan")   # optuna records a NaN objective as a failed trial
        return (math.log10(lr) + 3) ** 2

    path, study = make(tmp_path, kind, diverges)
    failed = [t for t in study.trials if t.state == optuna.trial.TrialState.FAIL]
    assert len(failed) > 0.2 * len(study.trials)
    (tmp_path / "sweep.yaml").write_text(SPACE)
    code, found = _results(path.name, "--space", "sweep.yaml", "--select", "SL502", cwd=tmp_path)
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("SL502", *LR_LINE)]
    message = shown(found[0])
    assert f"{len(failed)} of {len(study.trials)} trials" in message and "clustered where lr ≥ 0.01" in message
    named = message.split(" failed (")[1].split(")")[0].replace(" and", ",").split(", ")
    assert {name for name in named if name.startswith("#")} <= {f"#{t.number}" for t in failed}


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_early_peak_from_intermediate_values(make, tmp_path, kind):
    def overfits(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        base = (math.log10(lr) + 3) ** 2
        curve = [base + abs(step - 3) * 0.2 for step in range(20)]   # best at step 3, then worse
        for step, value in enumerate(curve):
            trial.report(value, step)
        return min(curve)

    path, _ = make(tmp_path, kind, overfits, n_trials=20)
    (tmp_path / "sweep.yaml").write_text(SPACE)
    code, found = _results(path.name, "--space", "sweep.yaml", "--select", "SL503,SL506", cwd=tmp_path)
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("SL503", *OBJECTIVE_LINE)]
    assert "5 of the 5 best trials peak before 50% of training" in found[0]["message"]
    assert "at step 3 of 19" in found[0]["message"]


def test_ranking_by_last_value_where_a_trial_peaked_higher(make, tmp_path):
    def last_epoch(trial):
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        # high learning rates reach a better accuracy fast, then collapse; the last value is returned
        peak = 0.9 if lr > 1e-3 else 0.7
        curve = [peak * min(1, (s + 1) / 5) - (0.4 * max(0, s - 5) / 5 if lr > 1e-3 else 0) for s in range(10)]
        for step, value in enumerate(curve):
            trial.report(value, step)
        return curve[-1]

    path, study = make(tmp_path, "sqlite", last_epoch, n_trials=20, direction="maximize")
    code, found = _results(path.name, "--select", "SL506", cwd=tmp_path)
    assert [d["code"] for d in found] == ["SL506"]
    assert f"#{study.best_trial.number} ranks first by its last value" in shown(found[0])
    assert "Trials are ranked by their last logged value" in shown(found[0])
    assert "reached 0.9 at step 4" in shown(found[0])


def test_seed_spread_larger_than_the_lead(make, tmp_path):
    def seeded(trial):
        lr = trial.suggest_categorical("lr", [0.001, 0.002])
        seed = trial.suggest_categorical("seed", [1, 2, 3])
        return {0.001: 0.30, 0.002: 0.31}[lr] + 0.05 * seed

    path, _ = make(tmp_path, "sqlite", seeded, n_trials=12, sampler=optuna.samplers.BruteForceSampler(seed=0))
    code, found = _results(path.name, "--select", "SL504", cwd=tmp_path)
    assert [d["code"] for d in found] == ["SL504"]
    assert "less than the noise of one reading" in shown(found[0]) and "spread between seeds" in shown(found[0])


def test_corrupt_and_foreign_files_are_diagnosed(make, tmp_path):
    (tmp_path / "broken.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE things (x)").connection.commit()
    path, _ = make(tmp_path, "journal", _edge, n_trials=12)
    with open(path, "a") as handle:
        handle.write('{"op_code": 6, "trial_id": \n')
    (tmp_path / "notes.txt").write_text("hello")
    code, found = _results("broken.db", "other.db", path.name, "notes.txt", "missing", "--select", "SL500", cwd=tmp_path)
    got = {(d["path"], d["line"]): d["message"] for d in found}
    assert code == 1
    assert "cannot read the Optuna storage" in got[("broken.db", 1)] or "cannot open" in got[("broken.db", 1)]
    assert "not an Optuna storage" in got[("other.db", 1)]
    lines = len(path.read_text().splitlines())
    assert got[(path.name, lines)] == f"line {lines} is not valid JSON; skipped"
    assert "not a results file" in got[("notes.txt", 1)]
    assert "no such file or folder" in got[("missing", 1)]


def test_storage_is_opened_read_only(make, tmp_path):
    path, _ = make(tmp_path, "sqlite", _edge, n_trials=12)
    path.chmod(0o444)
    before = path.read_bytes()
    code, _ = _results(path.name, cwd=tmp_path)
    assert code in (0, 1) and path.read_bytes() == before
    assert not (tmp_path / f"{path.name}-journal").exists()


# --- W&B and Ray Tune folders --------------------------------------------------------------
# Layouts as the tools write them (see sweeplint/results/wandb_runs.py and ray_tune.py for the
# files and their sources): W&B `wandb/run-<time>-<id>/files/{config.yaml,wandb-summary.json}`;
# Ray Tune `<experiment>/experiment_state-<time>.json` and per trial `params.json`, `result.json`
# (one JSON object per report), `error.txt` for a trial that raised.


def _lrs(n):
    return [10 ** (-5 + 4 * i / (n - 1)) for i in range(n)]


def test_wandb_run_folders_with_crashed_runs(tmp_path):
    for i, lr in enumerate(_lrs(16)):
        files = tmp_path / "wandb" / f"run-20261130_120000-r{i:02d}" / "files"
        files.mkdir(parents=True)
        files.joinpath("config.yaml").write_text(
            f"_wandb:\n  desc: null\n  value: {{cli_version: 0.18.0}}\nlr:\n  desc: null\n  value: {lr}\n"
            "wd:\n  desc: null\n  value: 0.01\n")
        summary = {"_step": 9} if lr > 3e-3 else {"val_loss": (math.log10(lr) + 3) ** 2, "_step": 9}
        files.joinpath("wandb-summary.json").write_text(json.dumps(summary))
    (tmp_path / "sweep.yaml").write_text(SPACE)
    code, found = _results(tmp_path, "--space", "sweep.yaml", "--select", "SL502", cwd=tmp_path)
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("SL502", *LR_LINE)]
    assert "6 of 16 trials" in shown(found[0]) and "where lr ≥ 0.00464" in shown(found[0])
    assert "r15" in shown(found[0])


def test_wandb_runs_table_csv(tmp_path):
    rows = ["Name,State,Notes,lr,wd,val_loss"]
    rows += [f"run-{i},finished,,{lr},0.05,{-math.log10(lr)}" for i, lr in enumerate(_lrs(12) + [0.05, 0.06, 0.07])]
    (tmp_path / "runs.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "sweep.yaml").write_text(SPACE)
    code, found = _results("runs.csv", "--space", "sweep.yaml", "--select", "SL501", cwd=tmp_path)
    assert [(d["code"], d["line"]) for d in found] == [("SL501", LR_LINE[0])]
    assert "run-11, run-14, run-13, run-12" in shown(found[0])


def _ray_trial(root, name, lr, curve, failed=False):
    folder = root / f"train_fn_{name}_00000_0_lr={lr:.4g}_2026-11-30_12-00-00"
    folder.mkdir(parents=True)
    folder.joinpath("params.json").write_text(json.dumps({"lr": lr, "model": {"width": 64}}))
    folder.joinpath("result.json").write_text("".join(
        json.dumps({"val_loss": v, "training_iteration": i + 1, "trial_id": name, "done": i == len(curve) - 1}) + "\n"
        for i, v in enumerate(curve)))
    if failed:
        folder.joinpath("error.txt").write_text("Failure # 1\nRuntimeError: loss is nan\n")


def test_ray_experiment_folder(tmp_path):
    root = tmp_path / "exp"
    root.mkdir()
    root.joinpath("experiment_state-2026-11-30_12-00-00.json").write_text("{}")
    for i, lr in enumerate(_lrs(12)):
        base = (math.log10(lr) + 3) ** 2
        if lr > 1e-2:
            _ray_trial(root, f"t{i:02d}", lr, [1.0, 5.0, float("nan")], failed=True)
        else:   # the trial nearest lr=1e-3 peaks best but ends worst: ranked by its last report, it loses
            last = base + (2.0 if abs(math.log10(lr) + 3) < 0.3 else 0.5)
            _ray_trial(root, f"t{i:02d}", lr, [base + 1, base, base + 0.5, base + 0.7, last])
    (tmp_path / "sweep.yaml").write_text(SPACE)
    code, found = _results("exp", "--space", "sweep.yaml", "--select", "SL502,SL506", cwd=tmp_path)
    assert [d["code"] for d in found] == ["SL506", "SL502"]
    assert "clustered where lr ≥" in shown(found[1])
    assert "Trials are ranked by their last logged value" in shown(found[0])
    code, found = _results("exp", "--select", "SL500", cwd=tmp_path)
    assert "give --space CONFIG" in found[0]["message"]


# --- command line and settings ------------------------------------------------------------


def test_thresholds_are_settings(make, tmp_path):
    path, _ = make(tmp_path, "sqlite", _edge)
    (tmp_path / "pyproject.toml").write_text("[tool.sweeplint.results]\nboundary-fraction = 0.01\n")
    code, found = _results(path.name, "--select", "SL501", cwd=tmp_path)
    assert (code, found) == (0, [])
    (tmp_path / "pyproject.toml").write_text("[tool.sweeplint.results]\nboundary-fractio = 0.01\n")
    proc = run_cli("results", str(path), cwd=tmp_path)
    assert proc.returncode == 2 and "unknown threshold 'boundary-fractio'" in proc.stderr


def test_results_command_usage_errors(make, tmp_path):
    path, _ = make(tmp_path, "sqlite", _edge, n_trials=12)
    (tmp_path / "bad.yaml").write_text("parameters: [\n")
    for args, needle in (([str(path), "--space", "nope.yaml"], "no such file"),
                         ([str(path), "--space", "bad.yaml"], "--space: bad.yaml:"),
                         ([str(path), "--select", "SL9"], "unknown rule code"),
                         ([], "the following arguments are required")):
        proc = run_cli("results", *args, cwd=tmp_path)
        assert proc.returncode == 2 and needle in proc.stderr, proc.stderr
    proc = run_cli("results", str(path), "--exit-zero", "--output-format", "concise", cwd=tmp_path)
    assert proc.returncode == 0 and re.search(rf"{path.name}:1:1: (error|warning|info): SL50\d ", proc.stdout), proc.stdout


def test_check_does_not_import_the_results_package(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SPACE)
    proc = run_cli("check", "sweep.yaml", "--no-cache", "-q", cwd=tmp_path)
    code = ("import sys, sweeplint.cli as c; c.main(['check', 'sweep.yaml', '--no-cache', '-q']);"
            "print(any(m.startswith('sweeplint.results') for m in sys.modules))")
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.stdout.strip().endswith("False"), out.stdout + out.stderr
    assert "SL5" not in proc.stdout


def test_hostile_journal_lines_are_skipped_with_their_line(make, tmp_path):
    path, study = make(tmp_path, "journal", _edge, n_trials=12)
    hostile = ['[1, 2]', '{"op_code": 0}', '{"op_code": 4, "study_id": [1]}', '{"op_code": 6, "trial_id": 0, "state": [1]}',
               '{"op_code": 5, "trial_id": 0, "param_name": "lr", "param_value_internal": "x", "distribution": "{"}',
               '[' * 100_000 + ']' * 100_000, '\x00\xff garbage']
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n".join(hostile) + "\n")
    first = len(path.read_text(encoding="utf-8").splitlines()) - len(hostile) + 1
    code, found = _results(path.name, "--select", "SL500", cwd=tmp_path)
    assert code == 1
    assert sorted(d["line"] for d in found) == [first, first + 1, first + 2, first + 3, first + 5, first + 6]
    assert all(d["path"] == path.name and "skipped" in d["message"] for d in found)


def test_lead_smaller_than_the_wobble_of_late_steps(make, tmp_path):
    def wobbly(trial):
        lr = trial.suggest_categorical("lr", [0.001, 0.002, 0.004])
        final = {0.001: 0.300, 0.002: 0.301, 0.004: 0.5}[lr]
        for step in range(10):   # readings alternate ±0.05 around the final value
            trial.report(final + (0.05 if step % 2 else -0.05) * (step < 9), step)
        return final

    path, study = make(tmp_path, "sqlite", wobbly, n_trials=6, sampler=optuna.samplers.BruteForceSampler(seed=0))
    code, found = _results(path.name, "--select", "SL504", cwd=tmp_path)
    assert [d["code"] for d in found] == ["SL504"]
    assert "leads" in shown(found[0]) and "by 0.001" in shown(found[0])
    assert "the wobble of the last 5 steps of their curves" in shown(found[0])


def test_hostile_wandb_run_files_are_refused_at_a_position_without_blocking(tmp_path):
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        bomb.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    first = tmp_path / "wandb" / "run-20260101_000000-abc" / "files"
    second = tmp_path / "wandb" / "run-20260101_000001-def" / "files"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    (first / "config.yaml").write_text("\n".join(bomb) + "\n")
    (first / "wandb-summary.json").write_text('{"loss": 1}')
    os.mkfifo(second / "config.yaml")
    (tmp_path / "sweep.yaml").write_text("method: random\nmetric: {name: loss, goal: minimize}\n"
                                         "parameters:\n  lr: {min: 0.001, max: 0.1}\n")
    code, found = _results("wandb", "--space", "sweep.yaml", cwd=tmp_path)
    assert code == 1
    problems = sorted((d["path"], d["line"], d["column"], d["code"]) for d in found)
    assert problems == [
        ("wandb/run-20260101_000000-abc/files/config.yaml", 6, 8, "SL500"),  # the first *e passes the budget
        ("wandb/run-20260101_000001-def/files/config.yaml", 1, 1, "SL500"),
    ]
    assert "more than 100000 nodes" in found[0]["message"] + found[1]["message"]
    assert "not a regular file" in found[0]["message"] + found[1]["message"]
