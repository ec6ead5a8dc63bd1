"""Settings and knowledge files a pull request can bring: each is a one-line error or ignored, never a
traceback, a hang or an unbounded read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_hardening_cache_and_workers import SWEEP, _limit

TIME_LIMIT = 20


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "sweeplint", "check", "sweep.yaml", "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=TIME_LIMIT, preexec_fn=_limit, stdin=subprocess.DEVNULL)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _project(tmp_path: Path, pyproject: str) -> Path:
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    (tmp_path / "pyproject.toml").write_text(pyproject)
    return tmp_path


@pytest.mark.parametrize("pyproject", ["tool = 5\n", 'tool = "sweeplint"\n'])
def test_a_tool_key_that_is_not_a_table_is_not_a_sweeplint_configuration(tmp_path, pyproject):
    proc = run(_project(tmp_path, pyproject))
    assert proc.returncode == 1 and "SL101" in proc.stdout


def test_a_sweeplint_key_that_is_not_a_table_is_a_one_line_error(tmp_path):
    proc = run(_project(tmp_path, "[tool]\nsweeplint = 5\n"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"sweeplint: error: {tmp_path.resolve() / 'pyproject.toml'}: `tool.sweeplint` must be a table of settings, not int"
    ]


def _bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\nfamilies: *j\n"


def test_an_alias_bomb_knowledge_file_is_refused_at_a_position(tmp_path):
    project = _project(tmp_path, '[tool.sweeplint.knowledge]\nfiles = ["kb.yaml"]\n')
    (project / "kb.yaml").write_text(_bomb())
    proc = run(project)
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert "kb.yaml:6:" in line and "more than 100000 nodes" in line
    assert len(line) < 400  # the expanded value is never printed


@pytest.mark.parametrize("target", ["/dev/stdin", "/dev/zero", "fifo"])
def test_a_knowledge_file_that_is_a_device_or_fifo_is_refused_without_blocking(tmp_path, target):
    project = _project(tmp_path, '[tool.sweeplint.knowledge]\nfiles = ["kb.yaml"]\n')
    if target == "fifo":
        os.mkfifo(project / "kb.yaml")
    else:
        (project / "kb.yaml").symlink_to(target)
    proc = run(project)
    assert proc.returncode == 2
    assert "kb.yaml: not a regular file" in proc.stderr


def test_a_config_option_naming_dev_zero_is_refused(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    proc = run(tmp_path, "--config", "/dev/zero")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "sweeplint: error: /dev/zero: not a regular file (a FIFO, device or socket); not read"


# --- standard input -------------------------------------------------------------------------------

def _stdin(cwd: Path, data: bytes | None, source=None) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "sweeplint", "check", "--stdin-filename", "s.yaml", "--no-cache"],
                          cwd=cwd, input=data, stdin=source, capture_output=True, timeout=TIME_LIMIT, preexec_fn=_limit)
    assert b"Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.mark.parametrize("data, expected", [
    (b"\x00\x01binary", "s.yaml:1:1: error: SL001 binary file (contains NUL bytes)"),
    (b"method: random\nmetric: {name: l\xe9, goal: minimize}\n", "s.yaml:2:17: error: SL001 invalid UTF-8 byte 0xe9"),
])
def test_stdin_that_is_not_utf8_text_is_a_finding_at_its_position(tmp_path, data, expected):
    proc = _stdin(tmp_path, data)
    assert proc.returncode == 1 and proc.stdout.decode().startswith(expected)


def test_utf16_stdin_with_a_bom_is_read(tmp_path):
    proc = _stdin(tmp_path, SWEEP.encode("utf-16"))
    assert proc.returncode == 1 and "s.yaml:10:10: warning: SL101" in proc.stdout.decode()


def test_endless_stdin_is_read_only_up_to_the_size_cap(tmp_path):
    with open("/dev/zero", "rb") as zero:
        proc = _stdin(tmp_path, None, zero)
    assert proc.returncode == 1 and "error: SL001 file is larger than 8 MiB; not read" in proc.stdout.decode()


def test_closed_stdin_is_a_usage_error(tmp_path):
    proc = subprocess.run([sys.executable, "-c", "import sys; sys.stdin.close(); sys.stdin = None; "
                           "from sweeplint.cli import main; sys.exit(main(['check', '--stdin-filename', 's.yaml']))"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=TIME_LIMIT, preexec_fn=_limit)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "sweeplint: error: standard input is closed; there is nothing to read"


def test_a_baseline_naming_dev_zero_is_refused(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    proc = run(tmp_path, "--baseline", "/dev/zero")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("sweeplint: error: cannot read the baseline file /dev/zero: "
                                   "not a regular file (a FIFO, device or socket); not read")
