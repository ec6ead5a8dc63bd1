"""Hydra: which folders make a sweep parameter a config-group choice (groups.directory_group)."""

from __future__ import annotations

import os
import textwrap

from sweeplint.formats.hydra.groups import config_folders, directory_group
from sweeplint.read import read_path


def test_a_group_is_a_folder_in_one_of_the_config_folders_not_a_file_nor_a_missing_path(tmp_path):
    (tmp_path / "configs/model/encoder").mkdir(parents=True)
    (tmp_path / "configs/data-sets").mkdir(parents=True)
    (tmp_path / "configs/trainer").write_text("not a folder\n")
    sweep = tmp_path / "configs/hparams_search/optuna.yaml"
    sweep.parent.mkdir(parents=True)
    sweep.write_text(textwrap.dedent("""\
        hydra:
          sweeper:
            _target_: hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper
            params:
              model: choice(small, large)
              model/encoder: choice(a, b)
              model/decoder: choice(a, b)
              data-sets: choice(x, y)
              trainer: choice(gpu, cpu)
              optimizer: choice(adam, sgd)
        """))
    [study] = read_path(str(sweep), True).studies
    marked = {p.name: p.selects_config_group for p in study.parameters}
    assert marked == {"model": True, "model/encoder": True, "model/decoder": False, "data-sets": True,
                      "trainer": False, "optimizer": False}


def test_config_folders_end_with_a_separator_and_join_as_os_path_join_does(tmp_path):
    sweep = tmp_path / "a/b/sweep.yaml"
    sweep.parent.mkdir(parents=True)
    sweep.write_text("x: 1\n")
    folders = config_folders(str(sweep))
    assert folders[0] == os.path.join(str(tmp_path / "a/b"), "") and len(folders) == 4
    assert all(f.endswith(os.sep) for f in folders)
    (tmp_path / "a/model").mkdir()
    assert directory_group(folders, "model") and not directory_group(folders, "nothing")
    assert not directory_group(folders, "bad\0name")
    assert config_folders("<stdin>") == [] and config_folders(str(tmp_path / "missing.yaml")) == []
