"""How a `sweeplint` process ends: its whole report written and its exit code kept, though it skips
tearing the interpreter down (sweeplint.cli.exit_now), and the usual exit where something is still
left to run at exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SWEEP = """\
program: train.py
method: random
metric:
  name: val_loss
  goal: minimize
parameters:
  lr:
    values: [0.1, 0.01]
  lr:
    values: [0.2]
"""


def _sweeplint(*args: str, cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SWEEPLINT_CACHE_DIR"}
    return subprocess.run([sys.executable, "-m", "sweeplint", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)


def test_a_report_larger_than_a_pipe_reaches_the_reader_whole(tmp_path):
    for i in range(250):  # 250 findings of ~330 bytes: more than a pipe holds at once (and a pool of workers)
        (tmp_path / f"sweep_{i:03}.yaml").write_text(SWEEP)
    done = _sweeplint("check", ".", "--no-cache", "--select", "SL007", "--output-format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    found = json.loads(done.stdout)
    assert len(done.stdout) > 65536 and len(found) == 250
    assert {(d["code"], d["line"], d["column"], d["message"]) for d in found} == {
        ("SL007", 9, 3, "duplicate key 'lr' (first at line 7)")}


def test_a_report_to_a_file_is_complete_and_the_exit_code_kept(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    done = _sweeplint("check", "sweep.yaml", "--no-cache", "--select", "SL007", "--output-format", "json",
                      "--output-file", "out/report.json", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == "", done.stderr
    [finding] = json.loads((tmp_path / "out" / "report.json").read_text())
    assert (finding["code"], finding["line"], finding["column"]) == ("SL007", 9, 3)


@pytest.mark.parametrize("before, printed", [
    ("", "written"),  # nothing left to run: the output is flushed, then the process ends at once
    ("import atexit; atexit.register(lambda: print(' and the callback ran'))\n", "written and the callback ran"),
    ("import threading, time; threading.Thread(target=lambda: (time.sleep(0.3), print(' and the thread finished'))).start()\n",
     "written and the thread finished"),
])
def test_exit_now_keeps_the_code_and_waits_for_what_is_left_to_run(before, printed):
    code = before + "import sys\nfrom sweeplint.cli import exit_now\nsys.stdout.write('written')\nexit_now(3)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.replace("\n", ""), done.stderr) == (3, printed, "")
