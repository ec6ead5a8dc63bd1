from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def run_cli(*args: str, cwd: Path | str | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the installed command line in a subprocess, as a user would."""
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "sweeplint", *args],
        cwd=cwd, input=stdin, capture_output=True, text=True, env=env, timeout=120,
    )


def lint_json(*args: str, cwd=None, stdin=None) -> tuple[int, list[dict]]:
    proc = run_cli(*args, "--output-format", "json", cwd=cwd, stdin=stdin)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout or "[]")


@pytest.fixture
def write(tmp_path):
    """Write files (name -> text) into a temporary folder and return the folder."""

    def _write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    return _write


def corpus_or_skip() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


# Property-based tests: a short "ci" profile by default; `pytest -m fuzz --hypothesis-profile long`
# for a long run.
try:
    from hypothesis import HealthCheck, settings as _hypothesis_settings

    _hypothesis_settings.register_profile(
        "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    _hypothesis_settings.register_profile(
        "long", max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck),
    )
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    _hypothesis_settings = None


def pytest_configure(config):
    if _hypothesis_settings is not None and not config.getoption("hypothesis_profile", None):
        _hypothesis_settings.load_profile("ci")
