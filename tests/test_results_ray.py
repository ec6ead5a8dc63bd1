"""`sweeplint results` on a Ray Tune experiment folder written by Ray Tune itself.

Ray is too large for the test extra, so tests/results_data/ray_experiment/ is the committed output
of tests/results_data/make_ray_experiment.py, which runs a real 16-trial Ray Tune experiment (the
trials above lr 3e-3 report NaN and raise). When Ray is installed, the last test reruns the script
and checks that a fresh experiment reads and is judged the same way."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_cli

DATA = Path(__file__).resolve().parent / "results_data"
EXPERIMENT = DATA / "ray_experiment"

# The experiment's space as the user wrote it for Ray Tune (sweeplint reads it without running it).
SPACE = """\
from ray import tune

space = {"lr": tune.loguniform(1e-5, 1e-1), "wd": tune.loguniform(1e-6, 1e-2)}
tuner = tune.Tuner(train, param_space=space,
                   tune_config=tune.TuneConfig(num_samples=16, metric="val_loss", mode="min"))
"""
LR = (3, 10)


def _results(*args, cwd):
    proc = run_cli("results", *map(str, args), "--output-format", "json", cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout or "[]")


def _copy(tmp_path, source=EXPERIMENT):
    shutil.copytree(source, tmp_path / "ray_experiment")
    (tmp_path / "tune_space.py").write_text(SPACE)
    return tmp_path


def test_ray_folder_is_read_trial_by_trial():
    from sweeplint.results import load

    (study,) = load(str(EXPERIMENT), "val_loss", "minimize")
    assert study.problems == [] and len(study.trials) == 16
    failed = [t for t in study.trials if t.infeasible]
    assert failed and all(t.params["lr"] > 3e-3 for t in failed)
    assert all((Path(t.where) / "error.txt").is_file() for t in failed)
    healthy = [t for t in study.trials if t.usable]
    assert all([s for s, _ in t.history] == list(range(1, 9)) for t in healthy)   # training_iteration 1..8
    assert all(set(t.params) == {"lr", "wd"} and "_" in t.label for t in study.trials)  # Ray's trial ids


def test_divergence_above_a_learning_rate_points_at_the_tune_space(tmp_path):
    code, found = _results("ray_experiment", "--space", "tune_space.py", cwd=_copy(tmp_path))
    cluster = [d for d in found if d["code"] == "SL502"]
    assert code == 1 and len(cluster) == 1
    assert (cluster[0]["path"], cluster[0]["line"], cluster[0]["column"]) == ("tune_space.py", *LR)
    assert "clustered where lr ≥ 0.00" in cluster[0]["message"]
    late = [d for d in found if d["code"] == "SL503"]   # loss falls as 1/iteration to the last report
    assert len(late) == 1 and "still improving when training stops" in late[0]["message"]


def test_a_fresh_ray_experiment_is_judged_like_the_committed_one(tmp_path):
    pytest.importorskip("ray.tune")
    made = tmp_path / "made"
    proc = subprocess.run([sys.executable, str(DATA / "make_ray_experiment.py"), str(made)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    fresh = _results("ray_experiment", "--space", "tune_space.py", cwd=_copy(tmp_path / "fresh", made))[1]
    committed = _results("ray_experiment", "--space", "tune_space.py", cwd=_copy(tmp_path / "committed"))[1]
    assert [(d["code"], d["line"]) for d in fresh] == [(d["code"], d["line"]) for d in committed]
