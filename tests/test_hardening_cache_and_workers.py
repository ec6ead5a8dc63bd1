"""What the cache and the worker pool are handed by a hostile repository or a killed run.

Each case runs the command line in a subprocess under a time and an address-space limit, with the
cache on (the default), and checks the user's view: the findings, the exit code, no traceback.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_adversarial import TRAIN, _limit
from tests.test_adversarial import WANDB as SWEEP

TIME_LIMIT = 20


def lint(cwd: Path, *args: str) -> tuple[int, list, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "sweeplint", "check", *args, "--output-format", "json"],
        cwd=cwd, capture_output=True, timeout=TIME_LIMIT, preexec_fn=_limit, stdin=subprocess.DEVNULL,
    )
    out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err, err
    return proc.returncode, json.loads(out or "[]"), err


def codes(diagnostics: list) -> list[tuple[str, int, int]]:
    return sorted((d["code"], d["line"], d["column"]) for d in diagnostics)


# --- programs the cache must hash -----------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_program_linked_to_an_endless_device_is_not_read(tmp_path, device):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    (tmp_path / "train.py").symlink_to(device)
    code, diagnostics, _ = lint(tmp_path, ".")
    assert code == 1
    assert ("SL101", 10, 10) in codes(diagnostics)  # the config's own findings survive
    assert all(d["code"] != "SL999" for d in diagnostics)


def test_a_program_that_is_a_fifo_does_not_hang_the_run(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    os.mkfifo(tmp_path / "train.py")
    code, diagnostics, _ = lint(tmp_path, "sweep.yaml")
    assert code == 1 and ("SL101", 10, 10) in codes(diagnostics)
    # A second run, warm, hashes the dependencies again: still no hang.
    assert lint(tmp_path, "sweep.yaml")[1] == diagnostics


# --- entries damaged or planted in the cache --------------------------------------------------------


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


def test_deeply_nested_json_in_a_cache_entry_is_ignored(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    (tmp_path / "train.py").write_text(TRAIN)
    cold = lint(tmp_path, ".", "--cache-dir", "c")
    for path in _entries(tmp_path / "c"):
        path.write_text("[" * 100_000 + "]" * 100_000)
    assert lint(tmp_path, ".", "--cache-dir", "c")[:2] == cold[:2]
    assert lint(tmp_path, ".", "--cache-dir", "c")[:2] == cold[:2]


def test_code_facts_of_the_wrong_shape_are_rebuilt_not_a_crash(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    (tmp_path / "train.py").write_text(TRAIN)
    cold = lint(tmp_path, ".", "--cache-dir", "c")
    facts = _entries(tmp_path / "c" / "v1" / "facts")
    assert facts, "the cold run stored the program's facts"
    for path in facts:
        entry = json.loads(path.read_text())
        value = entry["value"]
        for read in value["reads"]:  # well-formed JSON, plausible keys, wrong types inside
            read["root"], read["key"] = 7, 5
        for metric in value["metrics"]:
            metric["key"] = None
        path.write_text(json.dumps(entry))
    for path in _entries(tmp_path / "c" / "v1" / "results"):
        path.unlink()  # the configs are checked again, from the planted facts
    warm = lint(tmp_path, ".", "--cache-dir", "c")
    assert all(d["code"] != "SL999" for d in warm[1]), warm[1]
    assert warm[:2] == cold[:2]


# --- where the cache lives ----------------------------------------------------------------------------


def test_a_cache_dir_that_holds_the_project_still_checks_it(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "pyproject.toml").write_text('[tool.sweeplint]\ncache-dir = "."\n')
    first = lint(tmp_path, ".")
    assert first[0] == 1 and ("SL101", 10, 10) in codes(first[1])
    assert lint(tmp_path, ".")[:2] == first[:2]
    # The folder is the project's, not ours: no ignore-everything file or cache tag lands in it.
    assert not (tmp_path / ".gitignore").exists() and not (tmp_path / "CACHEDIR.TAG").exists()


def test_a_cache_dir_given_on_the_command_line_above_the_project_still_checks_it(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "sweep.yaml").write_text(SWEEP)
    (project / "train.py").write_text(TRAIN)
    code, diagnostics, _ = lint(project, ".", "--cache-dir", str(tmp_path))
    assert code == 1 and ("SL101", 10, 10) in codes(diagnostics)


def test_a_configured_cache_dir_outside_the_project_is_refused(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "sweep.yaml").write_text(SWEEP)
    (project / "pyproject.toml").write_text('[tool.sweeplint]\ncache-dir = "../elsewhere"\n')
    proc = subprocess.run([sys.executable, "-m", "sweeplint", "check", "."], cwd=project, capture_output=True,
                          text=True, timeout=TIME_LIMIT, preexec_fn=_limit, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert "cache-dir '../elsewhere' is outside the project" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not (tmp_path / "elsewhere").exists()


# --- workers of a killed run ------------------------------------------------------------------------


def _processes_mentioning(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_when_the_parent_is_killed(tmp_path):
    project = tmp_path / "many_sweeps_for_workers"
    project.mkdir()
    # programs big enough for the work to start a pool (configs alone stay in one process)
    helpers = "".join(f"\n\ndef helper_{i}(x):\n    return x * {i} + 1\n" for i in range(7000))
    for p in range(3):
        (project / f"train_{p}.py").write_text(TRAIN + helpers)
    for i in range(600):
        (project / f"sweep_{i}.yaml").write_text(SWEEP.replace("train.py", f"train_{i % 3}.py"))
    marker = str(project)
    parent = subprocess.Popen([sys.executable, "-m", "sweeplint", "check", marker, "--no-cache", "--jobs", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + TIME_LIMIT
        # the parent checks files too: with --jobs 2 it forks one worker
        while len(_processes_mentioning(marker)) < 2 and parent.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)  # the parent and its worker are running: the worker is in its loop
        if parent.poll() is not None:
            pytest.skip("the run finished before its workers could be seen")
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while _processes_mentioning(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = _processes_mentioning(marker)
    finally:
        for pid in _processes_mentioning(marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    assert not left, f"workers {left} outlived their parent"


# --- budgets checked as the document grows ------------------------------------------------------------


def test_a_huge_flow_mapping_stops_at_the_node_budget_where_it_runs_out(tmp_path):
    # Thirty mappings of 10,000 entries each (the most one mapping may have), all on one line.
    entries = ",".join(f"g{g}: {{" + ",".join(f"k{i}: {i}" for i in range(10_000)) + "}" for g in range(30))
    (tmp_path / "flow.yaml").write_text("{" + entries + "}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sweeplint", "check", "flow.yaml", "--no-cache", "--output-format", "json"],
        cwd=tmp_path, capture_output=True, timeout=TIME_LIMIT, preexec_fn=_limit, stdin=subprocess.DEVNULL,
    )
    (diagnostic,) = json.loads(proc.stdout)
    assert proc.returncode == 1 and diagnostic["code"] == "SL001"
    assert "more than 100000 nodes" in diagnostic["message"]
    # It stops inside the mapping, where the budget ran out, not at its end after building it all.
    assert diagnostic["line"] == 1 and 1 < diagnostic["column"] < len(entries) // 2


# --- every output format writes any path and any message ---------------------------------------------

SURROGATE_SWEEP = 'method: random\nmetric: {name: "lo\\udc80ss", goal: maximize}\nparameters:\n  lr:\n    min: 0\n    max: 1\n'


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a file system that takes any bytes in names")
@pytest.mark.parametrize("fmt", ["concise", "full", "json", "sarif", "gitlab", "github", "junit"])
def test_a_name_that_is_not_utf8_and_a_lone_surrogate_in_a_message_are_written(tmp_path, fmt):
    os.makedirs(os.fsencode(tmp_path / "d"))
    with open(os.fsencode(tmp_path / "d") + b"/sw\xffeep.yaml", "w") as handle:
        handle.write(SURROGATE_SWEEP.replace("lo\\udc80ss", "loss"))
    (tmp_path / "escaped.yaml").write_text(SURROGATE_SWEEP)
    proc = subprocess.run([sys.executable, "-m", "sweeplint", "check", ".", "--no-cache", "--output-format", fmt],
                          cwd=tmp_path, capture_output=True, timeout=TIME_LIMIT, preexec_fn=_limit, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr, proc.stderr
    out = proc.stdout.decode("utf-8")  # valid UTF-8 whatever the input held
    assert "sw\\udcffeep.yaml" in out or "sw%FFeep.yaml" in out
    if fmt in ("json", "sarif", "gitlab"):
        document = json.loads(out)
        assert document
    if fmt == "sarif":
        uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
                for result in document["runs"][0]["results"] for loc in result["locations"]}
        assert "d/sw%FFeep.yaml" in uris  # the bytes on disk, percent-encoded


def test_a_python_file_past_the_token_budget_is_refused_before_it_is_parsed(tmp_path):
    choices = ",".join(str(i) for i in range(30_000))  # 60,000 tokens: more than sweeplint parses
    (tmp_path / "objective.py").write_text(
        "import optuna\n\ndef objective(trial):\n    x = trial.suggest_categorical('x', [" + choices + "])\n    return x\n"
    )
    code, diagnostics, _ = lint(tmp_path, "objective.py", "--no-cache")
    (diagnostic,) = diagnostics
    assert code == 1 and (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("SL001", 1, 1)
    assert "more than 50000 tokens" in diagnostic["message"]
