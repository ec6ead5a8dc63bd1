"""W&B: `values: [x]` fixes a parameter, Launch sweeps are sweeps, malformed sweeps are still found."""

from __future__ import annotations

import pytest

from lintkit import codes, lint_tree
from sweeplint.model import Space
from sweeplint.read import read_config
from test_katib import EXPERIMENT as KATIB


@pytest.mark.parametrize("method", ["grid", "random", "bayes"])
def test_a_single_value_list_is_a_constant_and_not_degenerate(tmp_path, method):
    found = lint_tree(tmp_path, {"sweep.yaml": f"""\
        method: {method}
        run_cap: 10
        metric: {{name: val_loss, goal: minimize}}
        parameters:
          optimizer:
            values: [adam]
          lr:
            distribution: log_uniform_values
            min: 0.0001
            max: 0.1
        """})
    assert codes(found, "SL105") == []
    study = read_config("sweep.yaml", (tmp_path / "sweep.yaml").read_text(), True).studies[0]
    optimizer = study.parameter("optimizer")
    assert optimizer.space is Space.CONSTANT and optimizer.constant_value == "adam"


def test_a_model_based_search_over_constants_only_is_still_degenerate(tmp_path):
    found = lint_tree(tmp_path, {"sweep.yaml": """\
        method: bayes
        metric: {name: val_loss, goal: minimize}
        parameters:
          optimizer:
            values: [adam]
          batch_size:
            values: [64]
        """})
    assert [(line, col) for _, line, col, msg in codes(found, "SL105") if "no parameter varies" in msg] == [(1, 9)]


def test_nni_and_katib_single_choices_are_constants(tmp_path):
    found = lint_tree(tmp_path, {
        "search_space.json": '{"lr": {"_type": "loguniform", "_value": [0.0001, 0.1]},\n'
                             ' "optimizer": {"_type": "choice", "_value": ["adam"]}}\n',
        "experiment.yaml": KATIB.replace("list: [sgd, adam]", "list: [adam]"),
    })
    assert codes(found, "SL105") == [] and codes(found, "SL405") == []


def test_a_repeated_choice_is_degenerate_and_the_fix_uses_the_tools_constant(tmp_path):
    found = lint_tree(tmp_path, {"config.yaml": """\
        defaults:
          - override hydra/sweeper: optuna
        hydra:
          sweeper:
            n_trials: 20
            params:
              lr: tag(log, interval(1e-4, 1e-1))
              optimizer: choice(adam, adam)
        """})
    [(_, line, col, msg)] = codes(found, "SL105")
    assert (line, col) == (8, 25) and "`optimizer: adam`" in msg


def test_a_degenerate_integer_range_is_still_reported(tmp_path):
    found = lint_tree(tmp_path, {"tune_space.py": """\
        from ray import tune

        param_space = {"lr": tune.loguniform(1e-4, 1e-1), "layers": tune.randint(3, 4)}
        tuner = tune.Tuner("train", param_space=param_space)
        """})
    [(_, line, col, msg)] = codes(found, "SL105")
    assert (line, col) == (3, 74) and "always 3" in msg


LAUNCH_SWEEP = """\
    job: my-entity/my-project/job-train:latest
    description: tune the classifier on the cluster
    run_cap: 20
    metric: {name: val_loss, goal: minimize}
    scheduler:
      job: wandb/sweep-jobs/job-optuna-sweep-scheduler:latest
      resource: local-container
      num_workers: 4
      settings:
        pruner: {type: PercentilePruner}
    launch:
      queue: gpu-queue
      resource_args:
        kubernetes: {namespace: sweeps}
    parameters:
      lr:
        distribution: log_uniform_values
        min: 0.0001
        max: 0.1
      dropout:
        values: [0.1, 0.3]
    """


def test_a_launch_sweep_with_a_scheduler_job_is_read_without_findings_on_its_keys(tmp_path):
    found = lint_tree(tmp_path, {"launch_sweep.yaml": LAUNCH_SWEEP})
    assert codes(found, "SL002") == [] and codes(found, "SL003") == []
    file = read_config("launch_sweep.yaml", (tmp_path / "launch_sweep.yaml").read_text(), True)
    assert file.format == "wandb"
    assert file.studies[0].method.name == "custom"


def test_a_launch_sweep_takes_its_method_from_the_scheduler_settings(tmp_path):
    text = LAUNCH_SWEEP.replace("pruner: {type: PercentilePruner}", "method: bayes")
    file = read_config("launch_sweep.yaml", __import__("textwrap").dedent(text), True)
    assert file.studies[0].method.name == "bayes"


def test_a_misspelt_scheduler_key_is_reported_with_the_closest_one(tmp_path):
    found = lint_tree(tmp_path, {"launch_sweep.yaml": LAUNCH_SWEEP.replace("num_workers: 4", "num_worker: 4")})
    [(_, line, col, msg)] = codes(found, "SL002")
    assert (line, col) == (8, 3) and "num_workers" in msg


def test_a_sweep_without_method_or_scheduler_job_still_needs_a_method(tmp_path):
    found = lint_tree(tmp_path, {"sweep.yaml": """\
        program: train.py
        parameters:
          lr: {min: 0.001, max: 0.1}
        """})
    assert any("no top-level `method`" in msg for *_, msg in codes(found, "SL003"))


def test_a_sweep_with_misspelt_parameters_is_still_found_in_a_directory(tmp_path):
    found = lint_tree(tmp_path, {"sweeps/sweep.yaml": """\
        method: random
        metric: {name: val_loss, goal: minimize}
        parameters:
          lr: {minimum: 0.001, maximum: 0.1}
          dropout: {valeus: [0.1, 0.2]}
          layers: {vals: [2, 3]}
        """})
    assert [(f, c, line, col) for f, c, line, col, _ in found] == [
        ("sweeps/sweep.yaml", "SL003", 4, 3), ("sweeps/sweep.yaml", "SL002", 5, 13), ("sweeps/sweep.yaml", "SL002", 6, 12)]


def test_a_sweep_with_a_misspelt_method_key_is_still_found_in_a_directory(tmp_path):
    found = lint_tree(tmp_path, {"sweep.yaml": """\
        metod: bayes
        parameters:
          lr: {min: 0.001, max: 0.1}
        """})
    assert [(c, line, col) for _, c, line, col, _ in found if c in ("SL002", "SL003")] == [("SL002", 1, 1), ("SL003", 1, 1)]
