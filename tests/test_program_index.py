"""Which configs run a program: the index `sweeplint check train.py` and the language server ask."""

from __future__ import annotations

from sweeplint.codefacts import program as program_module
from sweeplint.program_index import ProgramIndex
from sweeplint.settings import Settings

from tests.test_hydra_program import make_app


def test_a_scan_walks_the_project_for_task_functions_once_and_finds_every_config(tmp_path, monkeypatch):
    config = make_app(tmp_path)
    for name in ("second", "third"):  # more Hydra sweeps beside the first: the same task function runs them
        (config.parent / f"{name}.yaml").write_text(config.read_text())
    (tmp_path / "sweep.yaml").write_text("program: src/train.py\nmethod: grid\nparameters:\n  lr:\n    values: [1, 2]\n")
    walks = []
    walk = program_module.hydra_entries
    monkeypatch.setattr(program_module, "hydra_entries", lambda folder, view=None: walks.append(folder) or walk(folder, view))
    monkeypatch.chdir(tmp_path)
    index = ProgramIndex()
    index.scan(".", Settings(root=tmp_path, studies=()))
    assert sorted(index.running(str(tmp_path / "src" / "train.py"))) == [
        "configs/hparams_search/optuna.yaml", "configs/hparams_search/second.yaml", "configs/hparams_search/third.yaml",
        "sweep.yaml"]
    assert len(walks) == len(set(walks)) == 1  # the project root is walked once per scan, not once per config
