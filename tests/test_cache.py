"""The result cache: same output warm as cold, re-checks exactly what changed, survives damage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_cli

CONFIG = """\
program: train.py
method: random
run_cap: 20
metric:
  name: val_loss
  goal: minimize
parameters:
  learning_rate:
    distribution: uniform
    min: 0.0001
    max: 0.1
"""
LOGS_METRIC = 'import wandb\nrun = wandb.init()\nlr = wandb.config.learning_rate\nwandb.log({"val_loss": lr})\n'
LOGS_OTHER = 'import wandb\nrun = wandb.init()\nlr = wandb.config.learning_rate\nwandb.log({"train_loss": lr})\n'


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "sweep.yaml").write_text(CONFIG)
    (tmp_path / "train.py").write_text(LOGS_METRIC)
    return tmp_path


def _lint(cwd: Path, *extra: str) -> tuple[int, list]:
    proc = run_cli("check", ".", "--output-format", "json", "--cache-dir", "cache", *extra, cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def _codes(diagnostics: list) -> list[tuple[str, int, int]]:
    return sorted((d["code"], d["line"], d["column"]) if "line" in d else (d["code"], d["location"]["row"], d["location"]["column"]) for d in diagnostics)


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*.json"))


def test_warm_run_gives_the_cold_result_and_writes_atomically(tmp_path):
    repo = _repo(tmp_path)
    cold = _lint(repo)
    assert any(d["code"] == "SL101" for d in cold[1])
    entries = _entries(repo / "cache")
    assert entries, "the cold run stored results"
    assert not list((repo / "cache").rglob("*.tmp")), "no temporary file is left behind"
    assert (repo / "cache" / "CACHEDIR.TAG").is_file() and (repo / "cache" / ".gitignore").read_text().strip().endswith("*")
    assert _lint(repo) == cold


def test_editing_the_program_rechecks_the_config_that_runs_it(tmp_path):
    repo = _repo(tmp_path)
    code, before = _lint(repo)
    assert not any(d["code"] == "SL204" for d in before)
    (repo / "train.py").write_text(LOGS_OTHER)
    code, after = _lint(repo)
    assert any(d["code"] == "SL204" for d in after), "the cached result of the config was not reused"
    (repo / "train.py").write_text(LOGS_METRIC)
    assert _lint(repo)[1] == before


def test_a_program_that_appears_invalidates_the_missing_program_result(tmp_path):
    (tmp_path / "sweep.yaml").write_text(CONFIG)
    _, before = _lint(tmp_path)
    (tmp_path / "train.py").write_text(LOGS_OTHER)
    _, after = _lint(tmp_path)
    assert any(d["code"] == "SL204" for d in after) and not any(d["code"] == "SL204" for d in before)


def test_corrupt_and_foreign_entries_are_ignored_and_rebuilt(tmp_path):
    repo = _repo(tmp_path)
    cold = _lint(repo)
    entries = _entries(repo / "cache")
    damage = [b"", b"{not json", b"\x00\xff\xfe", json.dumps({"sweeplint-cache": 1, "key": "someone else", "value": {}}).encode(),
              json.dumps({"sweeplint-cache": 1, "key": None, "value": {"sweep": True, "diagnostics": [[1, 2]], "deps": {}}}).encode()]
    for index, path in enumerate(entries):
        blob = damage[index % len(damage)]
        if index % len(damage) == 4:
            blob = json.dumps({"sweeplint-cache": 1, "key": path.stem, "value": {"sweep": True, "diagnostics": [[1, 2]], "deps": {}}}).encode()
        path.write_bytes(blob)
    assert _lint(repo) == cold
    for path in _entries(repo / "cache"):
        entry = json.loads(path.read_text())
        assert entry["key"] == path.stem, "a damaged entry was rebuilt"
    assert _lint(repo) == cold


def test_no_cache_writes_nothing_and_cache_dir_is_used(tmp_path):
    repo = _repo(tmp_path)
    proc = run_cli("check", ".", "--no-cache", cwd=repo)
    assert "Traceback" not in proc.stderr
    assert not (repo / ".sweeplint_cache").exists() and not (repo / "cache").exists()
    proc = run_cli("check", ".", cwd=repo)
    assert (repo / ".sweeplint_cache").is_dir(), "the default cache sits in the project root"


def test_changing_the_rule_selection_does_not_reuse_results(tmp_path):
    repo = _repo(tmp_path)
    _lint(repo)
    _, only = _lint(repo, "--select", "SL204")
    assert only == []
    _, again = _lint(repo)
    assert any(d["code"] == "SL101" for d in again)


def test_a_warm_run_imports_neither_libcst_nor_networkx(tmp_path):
    repo = _repo(tmp_path)
    _lint(repo)
    probe = (
        "import sys\n"
        "from sweeplint.cli import main\n"
        "code = main(['check', '.', '--cache-dir', 'cache', '--quiet'])\n"
        "heavy = sorted(m for m in ('libcst', 'networkx') if m in sys.modules)\n"
        "print('HEAVY', ','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "HEAVY \n" in proc.stdout or proc.stdout.rstrip().endswith("HEAVY"), proc.stdout
    assert "SL101" in proc.stdout


def test_two_processes_at_once_both_finish_right_with_an_intact_cache(tmp_path):
    for index in range(30):
        folder = tmp_path / f"p{index:02d}"
        folder.mkdir()
        (folder / "sweep.yaml").write_text(CONFIG)
        (folder / "train.py").write_text(LOGS_METRIC if index % 2 else LOGS_OTHER)
    (tmp_path / "broken.yaml").write_text("parameters: [unclosed\n")
    reference = run_cli("check", ".", "--no-cache", "--output-format", "json", cwd=tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    command = [sys.executable, "-m", "sweeplint", "check", ".", "--output-format", "json", "--cache-dir", "cache"]
    procs = [subprocess.Popen(command + ["--jobs", str(1 + i % 2)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for (out, err), p in zip(outputs, procs):
        assert "Traceback" not in err, err
        assert p.returncode == reference.returncode
        assert json.loads(out) == json.loads(reference.stdout)
    for path in _entries(tmp_path / "cache"):
        assert json.loads(path.read_text())["key"] == path.stem
    assert not list((tmp_path / "cache").rglob("*.tmp"))
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and "cache" not in p.relative_to(tmp_path).parts}
    assert after == before, "sweeplint changed a user file"
    warm = run_cli("check", ".", "--output-format", "json", "--cache-dir", "cache", cwd=tmp_path)
    assert json.loads(warm.stdout) == json.loads(reference.stdout)
