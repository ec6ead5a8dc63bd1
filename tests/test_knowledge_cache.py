"""The parsed shipped knowledge base is kept in the cache directory: used when intact, ignored when
damaged, and a run through the command line gives the same findings either way.

The cache serves only when the shipped files differ from the parsed copy in
sweeplint/knowledge_shipped.py (edited, not regenerated): these tests make the copy stand aside."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sweeplint import knowledge
from sweeplint.cache import Cache, _checksum
from sweeplint.knowledge import load_knowledge

CONFIG = """\
program: train.py
method: random
metric:
  name: val_loss
  goal: minimize
parameters:
  learning_rate:
    distribution: uniform
    min: 0.0001
    max: 0.1
"""


@pytest.fixture(autouse=True)
def _without_the_parsed_copy(monkeypatch):
    from sweeplint import knowledge_shipped

    monkeypatch.setattr(knowledge_shipped, "TEXTS", None)


# the command line, the parsed copy standing aside
CLI = "from sweeplint import knowledge_shipped\nknowledge_shipped.TEXTS = None\nfrom sweeplint.cli import run\nrun()\n"


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("v*/knowledge/*/*.json"))


def _entry(entry: Path, documents: list) -> bytes:
    """A well-formed entry (right key, right checksum) holding these documents."""
    return json.dumps({"sweeplint-cache": 1, "key": entry.stem,
                       "value": {"documents": documents, "sha256": _checksum(documents)}}).encode()


def _summary(kb) -> tuple:
    return (sorted(kb.families), sorted(map(sorted, kb.interactions)), sorted(kb.optimizers.items()),
            sorted(kb.decoupled), kb.schedules)


def _refuse_parsing(monkeypatch) -> None:
    def refuse(path, shown):
        raise AssertionError(f"{shown} was parsed although the cache holds it")

    monkeypatch.setattr(knowledge, "_read", refuse)
    monkeypatch.setattr(knowledge, "load_yaml", lambda path: refuse(path, path.name))


def test_the_knowledge_cache_is_written_then_used(tmp_path, monkeypatch):
    fresh = load_knowledge(None)
    first = load_knowledge(None, Cache(tmp_path / "cache"))
    assert len(_entries(tmp_path / "cache")) == 1
    _refuse_parsing(monkeypatch)
    second = load_knowledge(None, Cache(tmp_path / "cache"))
    assert _summary(second) == _summary(first) == _summary(fresh)
    assert second.family_of("learning_rate") == fresh.family_of("learning_rate")


@pytest.mark.parametrize("damage", [
    b"{not json",
    b"",
    json.dumps({"sweeplint-cache": 1, "key": "another", "value": {"documents": [{}, {}, {}, None]}}).encode(),
    "wrong shape",
    "edited",
])
def test_a_damaged_knowledge_cache_entry_is_ignored(tmp_path, damage):
    cache_dir = tmp_path / "cache"
    load_knowledge(None, Cache(cache_dir))
    (entry,) = _entries(cache_dir)
    if damage == "wrong shape":
        damage = _entry(entry, ["families", 3, None, None])
    elif damage == "edited":  # a family dropped, the checksum left as it was
        stored = json.loads(entry.read_text())
        stored["value"]["documents"][1].pop("learning_rate")
        damage = json.dumps(stored).encode()
    entry.write_bytes(damage)
    reloaded = load_knowledge(None, Cache(cache_dir))
    assert _summary(reloaded) == _summary(load_knowledge(None))
    # ...and the entry is written again, whole.
    stored = json.loads(entry.read_text())
    assert stored["key"] == entry.stem and len(stored["value"]["documents"]) == 4


def test_a_cli_run_with_a_damaged_knowledge_entry_reports_the_same(tmp_path):
    (tmp_path / "sweep.yaml").write_text(CONFIG)
    (tmp_path / "train.py").write_text('import wandb\nwandb.init()\nwandb.log({"val_loss": 1.0})\n')

    def check():
        proc = subprocess.run([sys.executable, "-c", CLI, "check", "sweep.yaml", "--output-format", "json", "--cache-dir", "cache"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc.returncode, json.loads(proc.stdout)

    cold = check()
    assert [d["code"] for d in cold[1]] and "SL101" in {d["code"] for d in cold[1]}
    (entry,) = _entries(tmp_path / "cache")
    # Whole and well-formed, but not a valid knowledge base: the shipped files decide, no error.
    entry.write_bytes(_entry(entry, [{"optimizers": 5}, {}, {}, None]))
    (tmp_path / "sweep.yaml").write_text(CONFIG + "# edited\n")  # not a cached result: the rules run
    assert check() == cold
