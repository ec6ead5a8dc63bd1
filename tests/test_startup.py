"""What a one-file run imports: the reader of a format is imported only when a document is asked
about it, and the TOML parser only when there is a settings file to read."""

from __future__ import annotations

import json
import subprocess
import sys

WANDB = "program: train.py\nmethod: random\nparameters:\n  learning_rate: {min: 0.0001, max: 0.1}\n"
HYDRA = "hydra:\n  sweeper:\n    params:\n      lr: interval(0.0001, 0.1)\n"

PROBE = """\
import json, sys
from sweeplint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("sweeplint.formats.", "tomllib", "tomli")))), file=sys.stderr)
"""


def _modules(cwd, *args) -> tuple[list, set]:
    proc = subprocess.run([sys.executable, "-c", PROBE, "check", "--no-cache", "--output-format", "json", *args],
                          cwd=cwd, capture_output=True, text=True)
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout), set(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_a_wandb_file_imports_no_other_format_and_no_toml_parser(tmp_path):
    (tmp_path / "sweep.yaml").write_text(WANDB)
    findings, modules = _modules(tmp_path, "sweep.yaml")
    assert "SL101" in {f["code"] for f in findings}  # really read as a W&B sweep
    assert "sweeplint.formats.wandb" in modules
    assert not any(m.startswith(("sweeplint.formats.hydra", "tomllib", "tomli")) for m in modules), modules


def test_a_hydra_file_is_still_read_and_a_settings_file_still_parsed(tmp_path):
    (tmp_path / "config.yaml").write_text(HYDRA)
    (tmp_path / "pyproject.toml").write_text('[tool.sweeplint]\nignore = ["SL2"]\n')
    findings, modules = _modules(tmp_path, "config.yaml")
    assert "sweeplint.formats.hydra" in modules
    assert any(m.startswith(("tomllib", "tomli")) for m in modules)
    assert findings and all(f["path"].endswith("config.yaml") for f in findings)
    assert not any(f["code"].startswith("SL2") for f in findings)
