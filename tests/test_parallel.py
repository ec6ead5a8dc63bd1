"""--jobs: checking files in worker processes gives exactly the result of one process."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

WANDB = """\
program: train_{i}.py
method: {method}
metric:
  name: val_loss
  goal: minimize
parameters:
  learning_rate:
    distribution: {dist}
    min: 0.0001
    max: 0.1
  batch_size:
    values: [16, 32, 64]
"""
TRAIN = 'import wandb\nrun = wandb.init()\nlr = wandb.config.learning_rate\nwandb.log({{"{metric}": lr}})\n'
NNI = '{{"lr": {{"_type": "{t}", "_value": [0.0001, 0.1]}}, "dropout": {{"_type": "uniform", "_value": [0.5, 0.1]}}}}\n'
KATIB = """\
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: exp{i}
spec:
  objective:
    type: minimize
    objectiveMetricName: loss
  algorithm:
    algorithmName: random
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace:
        min: "0.0001"
        max: "0.1"
"""


def _mixed(root: Path) -> None:
    for i in range(40):
        folder = root / f"d{i % 7}"
        folder.mkdir(exist_ok=True)
        kind = i % 5
        if kind == 0:
            (folder / f"sweep_{i}.yaml").write_text(WANDB.format(i=i, method="grid" if i % 2 else "random", dist="uniform"))
            (folder / f"train_{i}.py").write_text(TRAIN.format(metric="val_loss" if i % 3 else "loss"))
        elif kind == 1:
            (folder / f"sweep_{i}.json").write_text(json.dumps({"method": "bayes", "parameters": {"lr": {"min": 0, "max": 1}}}))
        elif kind == 2:
            (folder / f"space_{i}.json").write_text(NNI.format(t="uniform" if i % 2 else "loguniform"))
        elif kind == 3:
            (folder / f"katib_{i}.yaml").write_text(KATIB.format(i=i))
        else:
            (folder / f"broken_{i}.yaml").write_text("parameters:\n  lr: [1, 2\n")
            (folder / f"notes_{i}.yaml").write_text("just: data\n")


def test_jobs_2_gives_the_result_of_jobs_1(tmp_path):
    _mixed(tmp_path)
    one = run_cli("check", ".", "--no-cache", "--jobs", "1", "--output-format", "json", cwd=tmp_path)
    two = run_cli("check", ".", "--no-cache", "--jobs", "2", "--output-format", "json", cwd=tmp_path)
    assert "Traceback" not in one.stderr + two.stderr
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    codes = {d["code"] for d in json.loads(one.stdout)}
    assert {"SL001", "SL101"} <= codes


def test_jobs_with_a_cache_gives_the_same_result(tmp_path):
    _mixed(tmp_path)
    reference = run_cli("check", ".", "--no-cache", "--jobs", "1", "--output-format", "json", cwd=tmp_path)
    cold = run_cli("check", ".", "--jobs", "2", "--output-format", "json", cwd=tmp_path)
    warm = run_cli("check", ".", "--jobs", "2", "--output-format", "json", cwd=tmp_path)
    assert reference.stdout == cold.stdout == warm.stdout


def test_jobs_must_be_positive(tmp_path):
    proc = run_cli("check", ".", "--jobs", "0", cwd=tmp_path)
    assert proc.returncode == 2 and "--jobs" in proc.stderr and "Traceback" not in proc.stderr


def _pool_for_any_work(monkeypatch):
    from sweeplint import parallel

    monkeypatch.setattr(parallel, "MIN_WORK_PER_JOB", parallel.CONFIG_WORK)


def test_three_processes_give_the_result_of_one(tmp_path, monkeypatch):
    from sweeplint.lint import lint_paths
    from sweeplint.settings import load_settings

    _mixed(tmp_path)
    monkeypatch.chdir(tmp_path)
    one = lint_paths(["."], load_settings(None, tmp_path), jobs=1)
    _pool_for_any_work(monkeypatch)
    three = lint_paths(["."], load_settings(None, tmp_path), jobs=3)
    assert one.diagnostics == three.diagnostics and one.files == three.files and len(one.diagnostics) > 10


def test_the_files_of_a_worker_that_died_are_checked_by_the_main_process(tmp_path, monkeypatch):
    import os

    from sweeplint import parallel
    from sweeplint.lint import lint_paths
    from sweeplint.settings import load_settings

    _mixed(tmp_path)
    monkeypatch.chdir(tmp_path)
    one = lint_paths(["."], load_settings(None, tmp_path), jobs=1)
    _pool_for_any_work(monkeypatch)
    main = os.getpid()
    check = parallel.Worker.check

    def dies_in_a_worker(self, path, *args):
        if os.getpid() != main:
            os._exit(9)  # as a worker killed for its memory would
        return check(self, path, *args)

    monkeypatch.setattr(parallel.Worker, "check", dies_in_a_worker)
    two = lint_paths(["."], load_settings(None, tmp_path), jobs=2)
    assert one.diagnostics == two.diagnostics and one.files == two.files


def test_a_worker_that_dies_midway_keeps_what_it_sent_and_the_rest_is_checked_again(tmp_path, monkeypatch):
    """A forked worker sends each chunk's outcomes as it goes: those it sent before dying are used,
    and the main process checks the files of the chunks it took without reporting them."""
    import os

    from sweeplint import parallel
    from sweeplint.lint import lint_paths
    from sweeplint.settings import load_settings

    _mixed(tmp_path)
    monkeypatch.chdir(tmp_path)
    one = lint_paths(["."], load_settings(None, tmp_path), jobs=1)
    _pool_for_any_work(monkeypatch)
    main = os.getpid()
    checked_here: list[str] = []
    check = parallel.Worker.check
    sent = parallel.send
    chunks_sent = []

    def sends_two_chunks_then_dies(fd, outcomes):
        if len(chunks_sent) == 2:
            os._exit(9)
        chunks_sent.append(outcomes)
        sent(fd, outcomes)

    def counting(self, path, *args):
        if os.getpid() == main:
            checked_here.append(path)
        return check(self, path, *args)

    monkeypatch.setattr(parallel, "send", sends_two_chunks_then_dies)
    monkeypatch.setattr(parallel.Worker, "check", counting)
    two = lint_paths(["."], load_settings(None, tmp_path), jobs=2)
    assert one.diagnostics == two.diagnostics and one.files == two.files
    # each file checked once: here, or in the worker before it died (what it sent was kept)
    assert len(checked_here) == len(set(checked_here))


def test_an_inbox_reads_frames_as_they_arrive_and_stops_at_a_garbled_one():
    import os
    import pickle

    from sweeplint import worker_pipe

    read, write = os.pipe()
    inbox = worker_pipe.Inbox(read)
    worker_pipe.send(write, [(0, "a")])
    data = pickle.dumps([(1, "b")])
    os.write(write, len(data).to_bytes(8, "little") + data[:5])   # half a frame
    inbox.receive()
    assert inbox.outcomes == [(0, "a")] and not inbox.ended
    os.write(write, data[5:])
    worker_pipe.send_end(write)
    inbox.receive()
    assert inbox.outcomes == [(0, "a"), (1, "b")] and inbox.ended
    os.close(write)
    inbox.receive(wait=True)
    assert inbox.closed

    read, write = os.pipe()
    inbox = worker_pipe.Inbox(read)
    os.write(write, (5).to_bytes(8, "little") + b"nope!" + worker_pipe.END)
    os.close(write)
    inbox.receive(wait=True)
    assert inbox.outcomes == [] and not inbox.ended and inbox.closed


def test_the_pool_imports_no_rule_that_runs_on_no_config(tmp_path):
    """The main process prepares what the workers share; the results rules never run on a config."""
    import subprocess
    import sys

    (tmp_path / "sweep.yaml").write_text(WANDB.format(i=0, method="random", dist="uniform"))
    script = (
        "import sys\n"
        "from sweeplint.parallel import Worker, _prepare_inheritance\n"
        "from sweeplint.rules.registry import rule_index\n"
        "from sweeplint.settings import Settings\n"
        "worker = Worker(list(rule_index()), Settings(root='.'), None, None)\n"
        "_prepare_inheritance(worker, [(0, 'sweep.yaml')])\n"
        "print(sorted(m for m in sys.modules if m.startswith('sweeplint.rules.sl5')))\n"
        "print('sweeplint.rules.sl311_test_set_objective' in sys.modules)\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert shown.stdout.split("\n")[:2] == ["[]", "True"]


def test_a_forked_worker_whose_parent_is_gone_takes_no_more_chunks():
    """A forked worker has no watchdog thread: it looks for its parent before each chunk."""
    import os
    import sys

    import pytest

    from sweeplint import parallel

    if not (sys.platform.startswith("linux") and hasattr(os, "fork")):
        pytest.skip("forked workers only")
    tokens, tokens_in = os.pipe()
    os.write(tokens_in, b"\0")
    os.close(tokens_in)
    pid = os.fork()
    if pid == 0:  # not its parent's id: as if the parent had died and the worker was adopted
        parallel._take_chunks(None, [], [(0, 0)], tokens, parent=os.getppid() + 1)
        os._exit(0)
    os.close(tokens)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1
