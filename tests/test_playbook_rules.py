"""Playbook rules on configs: what a user sees (code, line, column, message) on fixtures of several tools."""

from __future__ import annotations

from pathlib import Path

from lintkit import codes, lint_tree
from sweeplint.diagnostics import Confidence
from sweeplint.lint import lint_paths
from sweeplint.settings import Settings

HEAD = "method: random\nrun_cap: 40\nmetric: {name: val_loss, goal: minimize}\nparameters:\n"
LR = "  lr:\n    distribution: log_uniform_values\n    min: 0.0001\n    max: 0.01\n"


# --- SL315 training-length-searched ---------------------------------------------------------------

def test_sl315_epochs_searched_with_the_learning_rate(tmp_path: Path) -> None:
    found = lint_tree(tmp_path, {"sweep.yaml": HEAD + "  trainer.max_epochs:\n    values: [3, 6, 12]\n" + LR})
    assert codes(found, "SL315") == [(
        "sweep.yaml", 5, 3,
        "trainer.max_epochs is a training length searched over {3, 6, 12} alongside other hyperparameters\n= help: "
        "Trials that trained for different lengths are ranked against each other as if the length were a quality knob.",
    )]


def test_sl315_optuna_suggested_steps(tmp_path: Path) -> None:
    program = (
        "import optuna\n\n\n"
        "def objective(trial):\n"
        "    lr = trial.suggest_float('lr', 1e-4, 1e-1, log=True)\n"
        "    steps = trial.suggest_int('max_steps', 1000, 8000)\n"
        "    return fit(lr, steps)\n\n\n"
        "study = optuna.create_study(direction='minimize')\n"
        "study.optimize(objective, n_trials=50)\n"
    )
    found = codes(lint_tree(tmp_path, {"tune.py": program}), "SL315")
    assert [(f, line, col) for f, line, col, _ in found] == [("tune.py", 6, 31)]
    assert "max_steps is a training length searched over int 1000 .. 8000" in found[0][3]


def test_sl315_silent_on_a_fixed_length_a_declared_study_and_a_length_only_sweep(tmp_path: Path) -> None:
    files = {
        "fixed.yaml": HEAD + "  epochs:\n    value: 20\n" + LR,
        "declared.yaml": "# sweeplint: scientific=epochs\n" + HEAD + "  epochs:\n    values: [10, 20]\n" + LR,
        "alone.yaml": HEAD + "  epochs:\n    values: [10, 20, 40]\n  seed:\n    values: [1, 2]\n",
    }
    assert codes(lint_tree(tmp_path, files), "SL315") == []


def test_sl315_silent_when_a_bandit_search_spends_the_length(tmp_path: Path) -> None:
    katib = """\
        apiVersion: kubeflow.org/v1beta1
        kind: Experiment
        metadata:
          name: hb
        spec:
          objective:
            type: maximize
            objectiveMetricName: accuracy
          algorithm:
            algorithmName: hyperband
            algorithmSettings:
              - name: resource_name
                value: epochs
          maxTrialCount: 30
          parameters:
            - name: lr
              parameterType: double
              feasibleSpace: {min: "0.001", max: "0.1"}
            - name: epochs
              parameterType: int
              feasibleSpace: {min: "1", max: "27"}
        """
    assert codes(lint_tree(tmp_path, {"experiment.yaml": katib}), "SL315") == []


# --- SL319 warmup-share ---------------------------------------------------------------------------

def test_sl319_a_warmup_share_above_a_tenth(tmp_path: Path) -> None:
    sweep = HEAD + "  warmup_proportion:\n    min: 0.0\n    max: 0.25\n" + LR
    assert codes(lint_tree(tmp_path, {"sweep.yaml": sweep}), "SL319") == [(
        "sweep.yaml", 7, 10,
        "warmup_proportion reaches 0.25, a warm-up of 25% of training\n= help: The playbook finds a warm-up of at most "
        "a tenth of training useful.",
    )]


def test_sl319_warmup_epochs_against_fixed_epochs(tmp_path: Path) -> None:
    sweep = HEAD + "  num_epochs:\n    value: 30\n  warmup_epochs:\n    values: [1, 5]\n" + LR
    assert codes(lint_tree(tmp_path, {"sweep.yaml": sweep}), "SL319") == [(
        "sweep.yaml", 8, 17,
        "warmup_epochs reaches 5 epochs of the 30 set by num_epochs\n= help: The warm-up takes 17% of training, more "
        "than the tenth of it that the playbook finds useful.",
    )]


def test_sl319_silent_within_a_tenth_across_units_and_with_a_searched_length(tmp_path: Path) -> None:
    files = {
        "tenth.yaml": HEAD + "  warmup_ratio:\n    values: [0.0, 0.05, 0.1]\n" + LR,
        "units.yaml": HEAD + "  epochs:\n    value: 3\n  warmup_steps:\n    value: 1000\n" + LR,
        "searched.yaml": HEAD + "  max_steps:\n    values: [1000, 5000]\n  warmup_steps:\n    value: 400\n" + LR,
        "steps.yaml": HEAD + "  max_steps:\n    value: 5000\n  warmup_steps:\n    values: [50, 500]\n" + LR,
    }
    assert codes(lint_tree(tmp_path, files), "SL319") == []


# --- SL324 nonuniform-scientific-sampling ---------------------------------------------------------

def test_sl324_an_inferred_scientific_choice_drawn_unevenly_is_a_weak_opinion(tmp_path: Path) -> None:
    sweep = HEAD + "  activation:\n    values: [relu, gelu]\n    probabilities: [0.8, 0.2]\n" + LR
    assert codes(lint_tree(tmp_path, {"sweep.yaml": sweep}), "SL324") == []   # hidden by default
    settings = Settings(root=tmp_path, studies=(), confidence=Confidence.WEAK)
    found = [d for d in lint_paths([str(tmp_path / "sweep.yaml")], settings).diagnostics if d.code == "SL324"]
    assert [(d.span.line, d.span.column, d.confidence) for d in found] == [(7, 21, Confidence.WEAK)]
    assert found[0].message == "activation (scientific, inferred) is drawn with unequal probabilities [0.8, 0.2]"
    assert found[0].help.startswith("Its values are compared over unequal numbers of trials")
    assert "`# sweeplint: scientific=activation` declares it" in found[0].help


def test_sl324_a_declared_scientific_depth(tmp_path: Path) -> None:
    sweep = ("# sweeplint: scientific=model.depth\n" + HEAD
             + "  model.depth:\n    values: [2, 4]\n    probabilities: [0.25, 0.75]\n" + LR)
    assert codes(lint_tree(tmp_path, {"sweep.yaml": sweep}), "SL324") == [(
        "sweep.yaml", 8, 21,
        "model.depth (scientific) is drawn with unequal probabilities [0.25, 0.75]\n= help: Its values are compared "
        "over unequal numbers of trials, each tuned by a different share of the budget.",
    )]


def test_sl324_silent_on_near_equal_probabilities_and_on_a_declared_nuisance(tmp_path: Path) -> None:
    files = {
        "thirds.yaml": "# sweeplint: scientific=depth\n" + HEAD
        + "  depth:\n    values: [2, 4, 8]\n    probabilities: [0.333, 0.333, 0.334]\n" + LR,
        "nuisance.yaml": "# sweeplint: nuisance=activation\n" + HEAD
        + "  activation:\n    values: [relu, gelu]\n    probabilities: [0.8, 0.2]\n" + LR,
    }
    assert codes(lint_tree(tmp_path, files), "SL324") == []


# --- SL323 parallel-model-based -------------------------------------------------------------------

NNI = """\
searchSpace:
  lr: {{_type: loguniform, _value: [0.0001, 0.1]}}
  dropout: {{_type: uniform, _value: [0.0, 0.5]}}
trialCommand: python3 train.py
trialConcurrency: {parallel}
maxTrialNumber: 20
tuner:
  name: TPE
  classArgs: {{optimize_mode: maximize}}
trainingService:
  platform: local
"""

RAY = """\
from ray import tune
from ray.tune.search.hyperopt import HyperOptSearch

tuner = tune.Tuner(
    train_fn,
    param_space={{"lr": tune.loguniform(1e-4, 1e-1)}},
    tune_config=tune.TuneConfig(metric="val_loss", mode="min", search_alg=HyperOptSearch(),
                                num_samples=16, max_concurrent_trials={parallel}),
)
tuner.fit()
"""


def test_sl323_nni_tpe_with_every_trial_at_once(tmp_path: Path) -> None:
    found = codes(lint_tree(tmp_path, {"config.yml": NNI.format(parallel=20)}), "SL323")
    assert found == [(
        "config.yml", 5, 19,
        "20 of the 20 trials run at once under TPE search\n= help: At least half the budget is proposed before any "
        "result comes back and the model has next to nothing to learn from.",
    )]


def test_sl323_ray_search_algorithm_with_half_the_samples_at_once(tmp_path: Path) -> None:
    found = codes(lint_tree(tmp_path, {"tune.py": RAY.format(parallel=8)}), "SL323")
    assert [(f, line, col) for f, line, col, _ in found] == [("tune.py", 8, 71)]
    assert found[0][3].startswith("8 of the 16 trials run at once under")


def test_sl323_silent_with_few_trials_at_once(tmp_path: Path) -> None:
    files = {"nni/config.yml": NNI.format(parallel=4), "ray/tune.py": RAY.format(parallel=2)}
    assert codes(lint_tree(tmp_path, files), "SL323") == []


# --- SL318 adam-budget-ladder ---------------------------------------------------------------------

def test_sl318_optuna_study_too_small_for_beta1_and_epsilon(tmp_path: Path) -> None:
    program = (
        "import optuna\n\n\n"
        "def objective(trial):\n"
        "    lr = trial.suggest_float('lr', 1e-5, 1e-2, log=True)\n"
        "    beta1 = trial.suggest_float('beta1', 0.8, 0.95)\n"
        "    eps = trial.suggest_float('eps', 1e-9, 1e-6, log=True)\n"
        "    return fit(lr, beta1, eps)\n\n\n"
        "study = optuna.create_study(direction='minimize')\n"
        "study.optimize(objective, n_trials=8)\n"
    )
    found = codes(lint_tree(tmp_path, {"tune.py": program}), "SL318")
    assert found == [
        ("tune.py", 6, 33, "beta1 (Adam beta1) is searched in a study of only 8 trials\n= help: The playbook tunes "
                           "it only from 10 trials on (below that, only the learning rate)."),
        ("tune.py", 7, 31, "eps (Adam epsilon) is searched in a study of only 8 trials\n= help: The playbook tunes it "
                           "only from 25 trials on."),
    ]


def test_sl318_counts_every_repetition_of_a_ray_grid(tmp_path: Path) -> None:
    program = (
        "from ray import tune\n\n"
        "tuner = tune.Tuner(\n"
        "    train_fn,\n"
        "    param_space={'lr': tune.grid_search([1e-4, 1e-3, 1e-2]), 'eps': tune.loguniform(1e-9, 1e-6)},\n"
        "    tune_config=tune.TuneConfig(metric='val_loss', mode='min', num_samples=10),\n"
        ")\ntuner.fit()\n"
    )
    assert codes(lint_tree(tmp_path, {"tune.py": program}), "SL318") == []   # 10 samples x 3 = 30 trials


def test_sl318_every_family_of_the_budget_table_exists() -> None:
    from sweeplint.knowledge import load_knowledge
    from sweeplint.trial_budgets import load_trial_budgets

    assert set(load_trial_budgets()) <= set(load_knowledge().families)


# --- SL211 objective-last-value -------------------------------------------------------------------

KATIB_OBJECTIVE = """\
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: strategies
spec:
  objective:
    type: minimize
    objectiveMetricName: val_loss
    additionalMetricNames: [train_loss]
    metricStrategies:
      - {{name: train_loss, value: {train}}}
      - {{name: val_loss, value: {val}}}
  algorithm:
    algorithmName: tpe
  maxTrialCount: 40
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace: {{min: "0.0001", max: "0.1", distribution: logUniform}}
"""


def test_sl211_the_objective_metric_ranked_by_its_latest_value(tmp_path: Path) -> None:
    found = codes(lint_tree(tmp_path, {"experiment.yaml": KATIB_OBJECTIVE.format(train="min", val="latest")}), "SL211")
    assert found == [(
        "experiment.yaml", 12, 33,
        "Katib ranks each trial by the last reported value of val_loss (latest), not its best\n= help: A trial counts "
        "by wherever its fluctuating curve happened to end.",
    )]


def test_sl211_silent_when_only_another_metric_is_latest_or_the_objective_is_its_best(tmp_path: Path) -> None:
    files = {
        "other/experiment.yaml": KATIB_OBJECTIVE.format(train="latest", val="min"),
        "best/experiment.yaml": KATIB_OBJECTIVE.format(train="latest", val="max"),
    }
    assert codes(lint_tree(tmp_path, files), "SL211") == []


# --- SL326 unpersisted-study ----------------------------------------------------------------------

def optuna_script(create: str, optimize: str) -> str:
    return ("import optuna\n\n\n"
            "def objective(trial):\n"
            "    lr = trial.suggest_float('lr', 1e-5, 1e-1, log=True)\n"
            "    return train(lr)\n\n\n"
            f"study = {create}\n"
            f"study.optimize(objective, {optimize})\n")


def test_sl326_storage_none_and_an_open_ended_budget(tmp_path: Path) -> None:
    files = {
        "none.py": optuna_script("optuna.create_study(direction='maximize', storage=None)", "n_trials=40"),
        "timeout.py": optuna_script("optuna.create_study()", "timeout=3600"),
    }
    assert codes(lint_tree(tmp_path, files), "SL326") == [
        ("none.py", 9, 9, "the study keeps 40 trials only in the memory of this process until it ends\n= help: A "
                          "crash or a stopped job loses every finished trial."),
        ("timeout.py", 9, 9, "the study keeps its trials only in the memory of this process until it ends\n= help: "
                             "A crash or a stopped job loses every finished trial."),
    ]


def test_sl326_silent_with_a_storage_in_any_spelling_or_arguments_it_cannot_see(tmp_path: Path) -> None:
    files = {
        "positional.py": optuna_script("optuna.create_study('sqlite:///a.db')", "n_trials=100"),
        "variable.py": optuna_script("optuna.create_study(storage=STORAGE)", "n_trials=100"),
        "spread.py": optuna_script("optuna.create_study(**settings)", "n_trials=100"),
        "short.py": optuna_script("optuna.create_study()", "n_trials=10"),
    }
    assert codes(lint_tree(tmp_path, files), "SL326") == []
