"""Measuring one command as a user runs it: wall time, CPU time and peak memory, its children included.

The command is started by a small probe process rather than by the benchmark itself: a child inherits
its parent's peak resident memory across fork and exec, and the benchmark holds generated inputs.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "wall = time.perf_counter() - t\n"
    "if p.returncode not in (0, 1): sys.exit(p.stderr.decode()[-800:] or f'exit {p.returncode}')\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps([wall, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024]))\n"
)


def measure(cmd: list[str], cwd: str, env: dict | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MiB) of one command and its children."""
    done = subprocess.run([sys.executable, "-c", PROBE, *cmd], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"{' '.join(cmd[:4])}... failed: {done.stderr[-800:]}")
    return tuple(json.loads(done.stdout))  # type: ignore[return-value]
