"""The rule catalogue and knowledge base ship inside the wheel and are found from it."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("sweeplint-*.whl")
    return path


def test_wheel_carries_rule_docs_and_knowledge(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    catalogue = {n.rsplit("/", 1)[-1] for n in names if n.startswith("sweeplint/_data/catalogue/")}
    shipped = {p.name for p in (ROOT / "rules" / "catalogue").glob("*.yaml")}
    assert shipped and catalogue == shipped
    assert "sweeplint/_data/knowledge/families.yaml" in names


def test_installed_wheel_finds_its_data(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True, timeout=300)
    code = "import sweeplint.catalogue as c; print(c.data_dir()); print(c.fix_hint('SL102'))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": str(target)}, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    first, hint = proc.stdout.splitlines()[:2]
    assert first.startswith(str(target)) and first.endswith("_data")
    assert "_values" in hint
