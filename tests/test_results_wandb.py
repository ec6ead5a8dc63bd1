"""`sweeplint results` on real W&B run folders, made here by the W&B client in offline mode.

An offline run keeps its config, per-step history and summary only in its binary log
(`run-<id>.wandb`); sweeplint reads that log itself, without the client. The runs are made once per
module in a subprocess (`WANDB_MODE=offline`, nothing leaves the machine); the tests skip when the
client is not installed (it is in the `test` extra)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import run_cli

pytest.importorskip("wandb")

SPACE = """\
method: random
metric: {name: val_loss, goal: minimize}
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.00001
    max: 0.1
  width:
    values: [64, 128]
"""
LR_LINE = (4, 3)

# Each study: runs with a log-uniform learning rate. "edge": the loss falls as lr grows, every curve
# is still falling at its last step, and a few runs drew lr in the top tenth of the range (so the
# best crowd there). "diverge": runs above lr 0.001 log NaN from step 5 and exit with code 1.
MAKE_RUNS = textwrap.dedent("""
    import math, random, sys, wandb
    kind, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(7)
    for i in range(count):
        lr = 10 ** (rng.uniform(-1.35, -1) if kind == "edge" and i % 3 == 0 else rng.uniform(-5, -1))
        run = wandb.init(project="sweeplint-test", config={"lr": lr, "width": rng.choice([64, 128])},
                         mode="offline", reinit="finish_previous")
        failed = kind == "diverge" and lr > 0.001
        for step in range(12):
            if kind == "edge":
                loss = -math.log10(lr) + 1.0 / (step + 1)
            else:
                loss = float("nan") if failed and step > 4 else (math.log10(lr) + 4) ** 2 + 1.0 / (step + 1)
            run.log({"val_loss": loss, "train_loss": loss * 0.9})
        run.finish(exit_code=1 if failed else 0)
""")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """runs(kind) -> a folder holding `wandb/offline-run-*` folders made by the W&B client."""
    made = {}

    def make(kind: str, count: int = 16) -> Path:
        if kind not in made:
            folder = tmp_path_factory.mktemp(f"wandb-{kind}")
            env = dict(os.environ, WANDB_MODE="offline", WANDB_SILENT="true", WANDB_DIR=str(folder),
                       WANDB_DISABLE_GIT="true", WANDB_CONSOLE="off")
            (folder / "make_runs.py").write_text(MAKE_RUNS)
            proc = subprocess.run([sys.executable, "make_runs.py", kind, str(count)], cwd=folder, env=env,
                                  capture_output=True, text=True, timeout=300)
            if proc.returncode != 0:
                pytest.skip(f"the W&B client could not make offline runs here: {proc.stderr[-400:]}")
            (folder / "sweep.yaml").write_text(SPACE)
            made[kind] = folder
        return made[kind]

    return make


def _results(*args, cwd):
    proc = run_cli("results", *map(str, args), "--output-format", "json", cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout or "[]")


def test_offline_runs_keep_everything_in_the_binary_log(runs):
    folder = runs("edge")
    run_dirs = sorted((folder / "wandb").glob("offline-run-*"))
    assert len(run_dirs) == 16
    # what the client leaves in files/: no config.yaml, no wandb-summary.json
    assert not any((d / "files" / "config.yaml").exists() or (d / "files" / "wandb-summary.json").exists() for d in run_dirs)
    from sweeplint.results import load

    (study,) = load(str(folder), "val_loss", "minimize")
    assert study.problems == [] and len(study.trials) == 16
    trial = study.trials[0]
    assert set(trial.params) == {"lr", "width"} and trial.label == run_dirs[0].name.rsplit("-", 1)[-1]
    assert [s for s, _ in trial.history] == list(range(12))          # every logged step, in order
    assert trial.value == pytest.approx(trial.history[-1][1])          # the summary: the last value


def test_best_runs_at_the_upper_edge_and_still_improving(runs):
    folder = runs("edge")
    code, found = _results(folder.name and ".", "--space", "sweep.yaml", cwd=folder)
    assert code == 1
    by_code = {d["code"]: d for d in found}
    edge = by_code["SL501"]
    assert (edge["path"], edge["line"], edge["column"]) == ("sweep.yaml", *LR_LINE)
    assert "upper edge of lr's range" in edge["message"]
    late = by_code["SL503"]   # from the per-step history in the binary logs
    assert "still improving when training stops" in late["message"]


def test_crashed_runs_with_nan_cluster_above_a_learning_rate(runs):
    folder = runs("diverge")
    code, found = _results(".", "--space", "sweep.yaml", cwd=folder)
    cluster = [d for d in found if d["code"] == "SL502"]
    assert code == 1 and len(cluster) == 1
    assert (cluster[0]["line"], cluster[0]["column"]) == LR_LINE
    assert "clustered where lr ≥ 0.00" in cluster[0]["message"]


def _inside_a_chunk_past_the_middle(data: bytes) -> int:
    """An offset inside the data of the first chunk that starts past the middle of a run's log. A
    cut there is damage; a cut that happens to fall between two chunks leaves a shorter log that
    is whole. (The log: a 7-byte header, then 32 KiB blocks of chunks, each a 7-byte header with
    the length at bytes 4-5, then the data; a block's tail shorter than a header is padding.)"""
    position = 7
    while position + 7 <= len(data):
        left = 32 * 1024 - position % (32 * 1024)
        length = int.from_bytes(data[position + 4:position + 6], "little")
        if left < 7 or (length == 0 and data[position + 6] == 0):
            position += left
            continue
        if position >= len(data) // 2 and length > 1:
            return position + 7 + length // 2
        position += 7 + length
    raise AssertionError("the log has no chunk past its middle")


def test_a_damaged_log_is_read_up_to_the_damage(runs, tmp_path):
    import shutil

    source = runs("edge")
    shutil.copytree(source / "wandb", tmp_path / "wandb", symlinks=True)
    shutil.copy(source / "sweep.yaml", tmp_path)
    logs = sorted((tmp_path / "wandb").glob("offline-run-*/run-*.wandb"))
    data = logs[0].read_bytes()
    logs[0].write_bytes(data[: _inside_a_chunk_past_the_middle(data)])   # cut short, as a killed run's log is
    logs[1].write_bytes(b"not a run log at all")
    code, found = _results(".", "--space", "sweep.yaml", cwd=tmp_path)
    problems = [d for d in found if d["code"] == "SL500"]
    messages = sorted(d["message"] for d in problems)
    assert any("cut short or damaged" in m for m in messages), messages
    assert any("not a W&B run log" in m for m in messages), messages
    assert all(d["path"].endswith(".wandb") for d in problems), [d["path"] for d in problems]


def test_damaged_logs_never_crash_the_reader(runs, tmp_path):
    """Seeded damage anywhere in a real log: the reader returns what it could read, or refuses the
    file with a message; it never raises anything else."""
    import random

    from sweeplint.results.wandb_binary import Broken, read_run_log

    source = sorted((runs("edge") / "wandb").glob("offline-run-*/run-*.wandb"))[0].read_bytes()
    rng = random.Random(11)
    target = tmp_path / "run-x.wandb"
    for _ in range(300):
        data = bytearray(source)
        for _ in range(rng.randint(1, 8)):
            where = rng.randrange(len(data))
            if rng.random() < 0.2:
                del data[where:where + rng.randint(1, 64)]
            else:
                data[where] = rng.randrange(256)
        target.write_bytes(bytes(data))
        try:
            log = read_run_log(target, {"val_loss"})
        except Broken:
            continue
        assert all(isinstance(v, float) for _, v in log.history.get("val_loss", []))
