"""Search-space rules on fixtures of every format: what a user sees (code, position, message, level)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import lint_json
from sweeplint.lint import lint_paths
from sweeplint.settings import Settings
from lintkit import shown

WANDB_HEAD = "method: random\nrun_cap: 40\nmetric: {name: val_loss, goal: minimize}\nparameters:\n"
HYDRA_HEAD = ("defaults:\n  - override hydra/sweeper: optuna\nhydra:\n  sweeper:\n    n_trials: 30\n"
              "    params:\n")


def found(tmp_path: Path, files: dict[str, str], code: str) -> list[tuple[int, int, str, str]]:
    """(line, column, severity, message and help as `shown`) of every `code` finding in the first file."""
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    target = tmp_path / next(iter(files))
    diags = lint_paths([str(target)], Settings(root=tmp_path, studies=())).diagnostics
    return sorted((d.span.line, d.span.column, str(d.severity), shown(d)) for d in diags if d.code == code)


def optuna_file(body: str) -> str:
    return ("import optuna\n\n\ndef objective(trial):\n" + body +
            "    return train(trial)\n\n\nstudy = optuna.create_study(direction=\"minimize\")\n"
            "study.optimize(objective, n_trials=60)\n")


def ray_file(space: str, samples: int) -> str:
    return ("from ray import tune\n\ntuner = tune.Tuner(\n    train_fn,\n    param_space={" + space + "},\n"
            f"    tune_config=tune.TuneConfig(metric=\"val_loss\", mode=\"min\", num_samples={samples}),\n)\ntuner.fit()\n")


# --- SL101 linear-scale-parameter --------------------------------------------------------------


def test_sl101_learning_rate_searched_linearly_from_zero(tmp_path):
    got = found(tmp_path, {"sweep.yaml": WANDB_HEAD + "  lr:\n    min: 0.0\n    max: 0.1\n"}, "SL101")
    assert [(line, col) for line, col, _, _ in got] == [(6, 10)]
    message = got[0][3]
    assert "lr (learning rate) is searched on a linear scale from 0 to 0.1" in message
    assert "spends 90% of trials in the top decade (0.01 .. 0.1)" in message
    assert "log scale (distribution: log_uniform_values) with a positive lower bound such as 1e-05" in message


@pytest.mark.parametrize("name", ["lr_dml", "head_lr", "lr_backbone", "encoder_learning_rate", "wd_head"])
def test_sl101_family_variants_in_compound_names(tmp_path, name):
    got = found(tmp_path, {"sweep.yaml": WANDB_HEAD + f"  {name}:\n    min: 0.00001\n    max: 0.01\n"}, "SL101")
    assert len(got) == 1 and got[0][:2] == (6, 10)
    assert f"{name} (" in got[0][3] and "(3.0 decades)" in got[0][3]


def test_sl101_any_name_over_three_decades_says_how_many(tmp_path):
    files = {"objective.py": optuna_file('    t = trial.suggest_float("temperature", 0.0001, 1.0)\n')}
    got = found(tmp_path, files, "SL101")
    assert len(got) == 1 and got[0][0] == 5
    assert "temperature is searched on a linear scale over 0.0001 .. 1 (the range spans 4.0 decades)" in got[0][3]
    assert "suggest_float(..., log=True)" in got[0][3]


@pytest.mark.parametrize("body", [
    '    t = trial.suggest_float("temperature", 0.01, 1.0)\n',          # two decades, unknown name: fine
    '    t = trial.suggest_float("momentum", 0.001, 0.99)\n',           # a known linear family
    '    t = trial.suggest_float("lr", 0.001, 0.02)\n',                 # 1.3 decades
    '    t = trial.suggest_float("dropout", 0.0, 0.5)\n',             # from 0, but a linear family
])
def test_sl101_quiet_below_the_thresholds_and_for_linear_families(tmp_path, body):
    assert found(tmp_path, {"objective.py": optuna_file(body)}, "SL101") == []


# --- SL103 integer-inferred-range: continuous ranges over counts -------------------------------


def test_sl103_hydra_interval_over_layers(tmp_path):
    got = found(tmp_path, {"config.yaml": HYDRA_HEAD + "      model.num_layers: interval(2, 8)\n"}, "SL103")
    assert len(got) == 1 and got[0][:3] == (7, 34, "warning")
    assert "model.num_layers (model depth) is a count but is searched over the continuous range 2 .. 8" in got[0][3]
    assert "fractional values such as 3.7" in got[0][3] and "range(2, 8) or int(interval(2, 8))" in got[0][3]


def test_sl103_optuna_suggest_float_over_layers(tmp_path):
    files = {"objective.py": optuna_file('    n = trial.suggest_float("n_layers", 1, 5)\n')}
    got = found(tmp_path, files, "SL103")
    assert len(got) == 1 and got[0][0] == 5
    assert "fractional values such as 2.7" in got[0][3] and "trial.suggest_int(..., 1, 5)" in got[0][3]


def test_sl103_quiet_for_integer_spaces_and_float_families(tmp_path):
    files = {"objective.py": optuna_file('    n = trial.suggest_int("n_layers", 1, 5)\n'
                                         '    w = trial.suggest_float("width_multiplier", 0.5, 2.0)\n'
                                         '    d = trial.suggest_float("dropout", 0.0, 0.5)\n')}
    assert found(tmp_path, files, "SL103") == []
    wandb = WANDB_HEAD + "  num_layers:\n    values: [2, 4]\n  dropout:\n    min: 0\n    max: 1\n"
    got = found(tmp_path, {"sweep.yaml": wandb}, "SL103")  # W&B's integer inference is unchanged
    assert len(got) == 1 and "so W&B samples only 0 or 1" in got[0][3]


# --- SL107 categorical-scale-parameter: numbers written as text --------------------------------


def test_sl107_numbers_written_as_strings_still_count(tmp_path):
    text = ("method: bayes\nrun_cap: 40\nmetric: {name: val_loss, goal: minimize}\nparameters:\n"
            "  learning_rate:\n    values: [\"1e-3\", \"1e-4\", \"1e-5\"]\n")
    got = found(tmp_path, {"sweep.yaml": text}, "SL107")
    assert len(got) == 1 and got[0][:2] == (6, 14)
    assert "categorical choice of 3 values (1e-05, 0.0001, 0.001) under bayes" in got[0][3]


def test_sl107_katib_string_values(tmp_path):
    text = """apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: lr-list
spec:
  objective:
    type: minimize
    objectiveMetricName: loss
  algorithm:
    algorithmName: bayesianoptimization
  maxTrialCount: 12
  parameters:
    - name: lr
      parameterType: categorical
      feasibleSpace:
        list: ["0.01", "0.001", "0.0001"]
"""
    got = found(tmp_path, {"experiment.yaml": text}, "SL107")
    assert len(got) == 1 and got[0][0] == 16 and "lr (learning rate) is a categorical choice of 3 values" in got[0][3]


# --- SL305 tuned-batch-size: resource settings --------------------------------------------------


@pytest.mark.parametrize("key, values, title", [
    ("precision", "[16, 32]", "numeric precision"), ("fp16", "[true, false]", "numeric precision"),
    ("mixed_precision", "[\"no\", \"fp16\", \"bf16\"]", "numeric precision"), ("amp", "[true, false]", "numeric precision"),
    ("num_workers", "[2, 4, 8]", "data-loading workers"), ("gradient_checkpointing", "[true, false]", "gradient checkpointing"),
])
def test_sl305_resource_settings_varied_as_quality_knobs(tmp_path, key, values, title):
    text = WANDB_HEAD + f"  {key}:\n    values: {values}\n  learning_rate:\n    distribution: log_uniform_values\n" \
                        "    min: 0.0001\n    max: 0.01\n"
    got = found(tmp_path, {"sweep.yaml": text}, "SL305")
    assert len(got) == 1 and got[0][:3] == (5, 3, "warning")
    assert f"{key} ({title}) is searched over" in got[0][3]
    assert "is a resource setting that changes training speed and memory use, not what the model learns" in got[0][3]


def test_sl305_quiet_for_declared_or_cost_studies_and_constants(tmp_path):
    declared = "# sweeplint: scientific=precision\n" + WANDB_HEAD + "  precision:\n    values: [16, 32]\n"
    assert found(tmp_path, {"sweep.yaml": declared}, "SL305") == []
    cost = WANDB_HEAD.replace("val_loss", "train_time") + "  precision:\n    values: [16, 32]\n"
    assert found(tmp_path, {"sweep.yaml": cost}, "SL305") == []
    fixed = WANDB_HEAD + "  precision:\n    value: 16\n  lr:\n    values: [0.1, 0.01]\n"
    assert found(tmp_path, {"sweep.yaml": fixed}, "SL305") == []


# --- SL309 insufficient-budget: Ray grids multiply num_samples ---------------------------------


def test_sl309_ray_grid_multiplies_the_samples(tmp_path):
    space = ('"lr": tune.grid_search([0.001, 0.01, 0.1]), "wd": tune.grid_search([0.0, 0.01]), '
             '"dropout": tune.uniform(0.0, 0.5), "width": tune.choice([64, 128])')
    assert found(tmp_path, {"tune_a.py": ray_file(space, 2)}, "SL309") == []   # 2 x 6 = 12 trials
    only_grid = '"lr": tune.grid_search([0.001, 0.01, 0.1]), "wd": tune.grid_search([0.0, 0.01])'
    assert found(tmp_path, {"tune_b.py": ray_file(only_grid, 1)}, "SL309") == []  # num_samples is no cap


def test_sl309_ray_grid_still_too_small(tmp_path):
    space = ('"lr": tune.grid_search([0.001, 0.01]), "dropout": tune.uniform(0.0, 0.5), '
             '"width": tune.choice([64, 128]), "wd": tune.loguniform(1e-6, 1e-2)')
    got = found(tmp_path, {"tune.py": ray_file(space, 2)}, "SL309")
    assert len(got) == 1 and got[0][0] == 6
    assert got[0][3].startswith("4 trials (2 samples of a 2-point grid) for 4 searched dimensions")


# --- SL106 exclusive-upper-bound: Ray's own spelling --------------------------------------------


def test_sl106_lograndint_fix_keeps_the_log_scale(tmp_path):
    got = found(tmp_path, {"tune.py": ray_file('"hidden": tune.lograndint(16, 512), "layers": tune.randint(1, 8)', 20)},
                "SL106")
    messages = [m for _, _, _, m in got]
    assert any("never 512\n= help: If 512 was meant to be tried, write tune.lograndint(16, 513)" in m for m in messages)
    assert any("write tune.randint(1, 9)" in m for m in messages)


# --- SL110 implausible-value ----------------------------------------------------------------------


def test_sl110_learning_rate_of_zero_is_an_error_and_fails_the_run(tmp_path):
    (tmp_path / "sweep.yaml").write_text(WANDB_HEAD + "  lr:\n    value: 0\n  seed:\n    value: 1\n", encoding="utf-8")
    code, diags = lint_json("check", str(tmp_path / "sweep.yaml"), "--no-cache", "--select", "SL110")
    assert code == 1
    assert [(d["code"], d["severity"], d["line"], d["column"]) for d in diags] == [("SL110", "error", 6, 12)]
    assert "lr = 0, outside the plausible range of a learning rate (above 0)" in diags[0]["message"]


@pytest.mark.parametrize("fixture, line, level, fragment", [
    ("  optimizer:\n    value: adam\n  learning_rate:\n    values: [0.1, 2.0]\n", 8, "warning",
     "learning_rate takes 2.0, outside the plausible range of a learning rate under adam (at most 1)"),
    ("  optimizer:\n    value: sgd\n  weight_decay:\n    min: 0.1\n    max: 0.9\n", 9, "warning",
     "the upper bound of weight_decay is 0.9, outside the plausible range of a weight decay under sgd (below 0.5)"),
    ("  momentum:\n    value: 1.0\n", 6, "warning", "momentum = 1.0, outside the plausible range of a momentum (below 1)"),
    ("  beta1:\n    values: [0.01, 0.001]\n", 6, "warning", "beta1 (Adam beta1) is 0.001 .. 0.01, which is implausible"),
    ("  beta1:\n    value: 1.0\n", 6, "error", "beta1 = 1.0, outside the plausible range of an Adam beta1 (below 1)"),
    ("  dropout:\n    min: 0.0\n    max: 1.2\n", 7, "error", "the upper bound of dropout is 1.2"),
    ("  weight_decay:\n    value: -0.01\n", 6, "error", "weight_decay = -0.01, outside the plausible range of a weight decay (at least 0)"),
    ("  head_lr:\n    value: -0.001\n", 6, "error", "head_lr = -0.001, outside the plausible range of a learning rate (at least 0)"),
    ("  learning_rate:\n    min: -0.01\n    max: 0.01\n", 6, "error", "the lower bound of learning_rate is -0.01"),
])
def test_sl110_implausible_values_and_bounds(tmp_path, fixture, line, level, fragment):
    got = found(tmp_path, {"sweep.yaml": WANDB_HEAD + fixture}, "SL110")
    assert len(got) == 1, got
    assert got[0][0] == line and got[0][2] == level and fragment in got[0][3], got


@pytest.mark.parametrize("fixture", [
    "  optimizer:\n    value: sgd\n  lr:\n    min: 0.1\n    max: 1.0\n",               # large SGD rates are real
    "  lr:\n    values: [0.5, 1.0, 2.0]\n",                                             # optimizer unknown
    "  optimizer:\n    value: adamw\n  weight_decay:\n    values: [0.01, 0.1, 0.5]\n",  # decoupled decay
    "  dropout:\n    values: [0.5, 0.9]\n",                                             # odd but legal
    "  lr:\n    min: 0.0\n    max: 0.1\n",                                              # SL101's finding, not this
    "  min_lr:\n    value: 0\n  eta_min:\n    value: 0.0\n",                            # a schedule's floor of 0
    "  lr_backbone:\n    value: 0\n",                                                   # a frozen part
    "  momentum:\n    values: [0.0, 0.9, 0.99]\n  beta2:\n    value: 0.999\n",
    "  optimizer:\n    values: [adam, sgd]\n  lr:\n    values: [0.001, 0.5]\n",         # mixed: 0.5 may be SGD's
    "  lr:\n    values: [-0.001, 0.001, 1.0, -0.01]\n",                                 # the sign codes a choice
])
def test_sl110_common_values_are_quiet(tmp_path, fixture):
    assert found(tmp_path, {"sweep.yaml": WANDB_HEAD + fixture}, "SL110") == []


def test_sl110_conditional_learning_rate_under_its_optimizer(tmp_path):
    text = HYDRA_HEAD + "      optimizer.name: choice(adam, sgd)\n      optimizer.lr: interval(0.0001, 5.0)\n"
    assert found(tmp_path, {"config.yaml": text}, "SL110") == []  # shared by sgd: a rate of 5 may be meant
    adam = HYDRA_HEAD + "      optimizer.name: adam\n      optimizer.lr: interval(0.0001, 5.0)\n"
    got = found(tmp_path, {"config.yaml": adam}, "SL110")
    assert len(got) == 1 and "under adam (at most 1)" in got[0][3]


def test_sl305_a_warmup_or_final_learning_rate_is_not_the_learning_rate(tmp_path):
    text = WANDB_HEAD + "  batch_size:\n    values: [32, 64]\n  warmup_lr:\n    value: 0.000001\n  eta_min:\n    value: 0.0\n"
    got = found(tmp_path, {"sweep.yaml": text}, "SL305")
    assert len(got) == 1 and got[0][2] == "warning"   # not the error for "the learning rate is fixed (warmup_lr=...)"
    assert "The sweep does not search a learning rate either" in got[0][3] and "warmup_lr" not in got[0][3]
