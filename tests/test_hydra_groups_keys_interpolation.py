"""Hydra: config-group choices, sweeper key schemas, and OmegaConf interpolations as derivations."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from lintkit import codes, lint_tree
from sweeplint.formats.hydra.groups import config_folders, directory_group
from sweeplint.formats.hydra.interpolation import references
from sweeplint.model import Derivation, Span
from sweeplint.read import read_path
from test_hydra_program import findings, make_app


def study_at(path: Path):
    [study] = read_path(str(path), True).studies
    return study


# --- config groups ---------------------------------------------------------------------------------

def sweep_in_configs(tmp_path: Path, text: str) -> Path:
    """A Hydra sweep file in configs/hparams_search/, the layout most projects use."""
    sweep = tmp_path / "configs/hparams_search/optuna.yaml"
    sweep.parent.mkdir(parents=True)
    sweep.write_text(textwrap.dedent(text))
    return sweep


def test_group_choices_are_marked_from_folders_and_the_defaults_list(tmp_path):
    (tmp_path / "configs/model").mkdir(parents=True)
    (tmp_path / "configs/model/small.yaml").write_text("width: 64\n")
    sweep = sweep_in_configs(tmp_path, """\
        # @package _global_
        defaults:
          - override /hydra/sweeper: optuna
          - override /data: cifar
        hydra:
          sweeper:
            n_trials: 10
            params:
              model: choice(small, large)
              data: choice(cifar, svhn)
              +experiment: choice(a, b)
              optimizer.lr: interval(0.001, 0.1)
              trainer: choice(gpu, cpu)
        """)
    marked = {p.name: p.selects_config_group for p in study_at(sweep).parameters}
    # model: a folder next to the sweep's folder; data: in the defaults list; +experiment adds a
    # group choice only if such a group exists, which it does not here; a dotted key is never one.
    assert marked == {"model": True, "data": True, "+experiment": False, "optimizer.lr": False, "trainer": False}


def test_a_group_is_a_folder_in_one_of_the_config_folders_not_a_file_nor_a_missing_path(tmp_path):
    (tmp_path / "configs/model/encoder").mkdir(parents=True)
    (tmp_path / "configs/data-sets").mkdir(parents=True)
    (tmp_path / "configs/trainer").write_text("not a folder\n")
    sweep = sweep_in_configs(tmp_path, """\
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
        """)
    marked = {p.name: p.selects_config_group for p in study_at(sweep).parameters}
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

def test_sl201_is_quiet_on_a_group_declared_only_in_the_defaults_list(tmp_path):
    # `augment` is a group registered in code (no folder), chosen in the sweep's defaults list
    config = make_app(tmp_path, extra="      augment: choice(light, heavy)\n")
    assert [f.message.split(",")[0] for f in findings(config, tmp_path, "SL201")] == [
        "augment is swept"]
    sweep = config.read_text().replace("  - override /hydra/sweeper: optuna\n",
                                       "  - override /hydra/sweeper: optuna\n  - override /augment: light\n")
    config.write_text(sweep)
    assert findings(config, tmp_path, "SL201") == []


def test_sl201_still_fires_on_a_plain_key_the_code_never_reads(tmp_path):
    config = make_app(tmp_path, extra="      model.hidden: choice(64, 128)\n")
    [finding] = findings(config, tmp_path, "SL201")
    assert "model.hidden is swept, but the program never reads it" in finding.message


# --- sweeper keys ----------------------------------------------------------------------------------

@pytest.mark.parametrize("block, line, column, fragment", [
    # the sweeper is known: its own schema
    ("defaults:\n  - override hydra/sweeper: optuna\nhydra:\n  sweeper:\n    n_trial: 20\n    params:\n      lr: interval(0.001, 0.1)\n",
     5, 5, "unknown key 'n_trial' in the Optuna sweeper (hydra.sweeper) (did you mean 'n_trials'?)"),
    ("defaults:\n  - override hydra/sweeper: ax\nhydra:\n  sweeper:\n    ax_config:\n      max_trial: 10\n      params:\n        lr: {type: range, bounds: [0.001, 0.1]}\n",
     6, 7, "unknown key 'max_trial' in ax_config (did you mean 'max_trials'?)"),
    ("defaults:\n  - override hydra/sweeper: nevergrad\nhydra:\n  sweeper:\n    optim:\n      budgt: 10\n    parametrization:\n      lr: {lower: 0.001, upper: 0.1}\n",
     6, 7, "unknown key 'budgt' in optim (did you mean 'budget'?)"),
    ("hydra:\n  sweeper:\n    _target_: hydra._internal.core_plugins.basic_sweeper.BasicSweeper\n    max_batch: 4\n    params:\n      lr: 0.1,0.01\n",
     4, 5, "unknown key 'max_batch' in the basic sweeper (hydra.sweeper) (did you mean 'max_batch_size'?)"),
    # the sweeper is only guessed: a key no Hydra sweeper takes is still unknown
    ("hydra:\n  sweeper:\n    n_trials: 20\n    diretion: maximize\n    params:\n      lr: tag(log, interval(1e-4, 1e-1))\n",
     4, 5, "unknown key 'diretion' in hydra.sweeper (no Hydra sweeper takes it) (did you mean 'direction'?)"),
    ("hydra:\n  sweeper:\n    max_batch_sze: 4\n    params:\n      lr: 0.1,0.01\n",
     3, 5, "did you mean 'max_batch_size'?"),
])
def test_unknown_sweeper_keys_are_reported_with_the_closest_valid_key(tmp_path, block, line, column, fragment):
    [(_, got_line, got_column, message)] = codes(lint_tree(tmp_path, {"config.yaml": block}), "SL002")
    assert (got_line, got_column) == (line, column) and fragment in message


def test_keys_of_a_guessed_sweeper_that_another_sweeper_takes_are_not_reported(tmp_path):
    # n_trials suggests Optuna, but max_batch_size is the basic sweeper's: which one runs is not known
    block = "hydra:\n  sweeper:\n    n_trials: 20\n    max_batch_size: 4\n    params:\n      lr: 0.1,0.01\n"
    assert codes(lint_tree(tmp_path, {"config.yaml": block}), "SL002") == []


def test_a_third_party_sweeper_keeps_its_own_keys(tmp_path):
    block = ("hydra:\n  sweeper:\n    _target_: my_plugins.sweeper.MySweeper\n    budget_variable: epochs\n"
             "    params:\n      lr: choice(0.1, 0.01)\n")
    assert codes(lint_tree(tmp_path, {"config.yaml": block}), "SL002") == []


# --- interpolations --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, refs", [
    ("${model.width}", ["model.width"]),
    ("${mul:${model.width},${data.scale}}", ["model.width", "data.scale"]),
    ("runs/${model.name}_${now:%Y-%m-%d}", ["model.name"]),
    ("${oc.env:HOME}", []),
    ("${hydra:runtime.cwd}", []),
    ("\\${model.width}", []),
    ("${oc.select:trainer.epochs,10}", ["trainer.epochs"]),
    ("${eval:'${model.width} * 2'}", ["model.width"]),
    ("${.lr}", [".lr"]),
    ("${model.width", []),
    ("$" + "{" * 200 + "a" + "}" * 200, []),
])
def test_the_interpolation_scanner_finds_the_keys_named(text, refs):
    assert references(text) == refs


def test_interpolated_values_in_the_sweep_file_are_derivations(tmp_path):
    sweep = tmp_path / "configs/hparams_search/optuna.yaml"
    sweep.parent.mkdir(parents=True)
    sweep.write_text(textwrap.dedent("""\
        # @package _global_
        defaults:
          - override /hydra/sweeper: optuna
        model:
          width: 256
          head_width: ${model.width}
          optimizer:
            lr: 0.001
            warmup_lr: ${mul:${.lr},${trainer.warmup_factor}}
        logger:
          dir: logs/${now:%H-%M}
        hydra:
          sweeper:
            n_trials: 10
            params:
              model.width: choice(128, 256)
              model.optimizer.lr: interval(0.0001, 0.1)
        """))
    assert study_at(sweep).derivations == (
        Derivation("model.head_width", ("model.width",), Span(6, 15, 6, 29), "interpolation"),
        Derivation("model.optimizer.warmup_lr", ("model.optimizer.lr", "trainer.warmup_factor"),
                   Span(9, 16, 9, 54), "interpolation"),
    )


def test_a_package_header_prefixes_the_derived_key(tmp_path):
    sweep = tmp_path / "sweeper.yaml"
    sweep.write_text("# @package hydra.sweeper\nn_trials: 10\nstudy_name: ${task_name}\nparams:\n  lr: interval(0.001, 0.1)\n"
                     "sampler:\n  _target_: optuna.samplers.TPESampler\n")
    [derivation] = study_at(sweep).derivations
    assert (derivation.target, derivation.sources) == ("hydra.sweeper.study_name", ("task_name",))


@pytest.mark.parametrize("value", ["choice(" * 3000 + "1" + ")" * 3000, "'" + "[" * 3000 + "1" + "]" * 3000 + "'"])
def test_an_override_nested_deeper_than_python_recurses_is_a_finding_at_its_value(tmp_path, value):
    sweep = "hydra:\n  sweeper:\n    params:\n      lr: " + value + "\n      wd: interval(0.1, 0.2)\n"
    found = lint_tree(tmp_path, {"sweep.yaml": sweep})
    assert codes(found, "SL999") == []
    assert ("sweep.yaml", 4, 11, "lr: the override is nested too deeply to read") in codes(found, "SL003")
