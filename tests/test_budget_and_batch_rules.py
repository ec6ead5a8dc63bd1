"""Trials per scientific value (SL316), batch sizes under an epoch budget (SL321) and gradient
accumulation as an effective batch size (SL305): what a user sees on fixtures of several tools."""

from __future__ import annotations

from pathlib import Path

from lintkit import codes, lint_tree
from sweeplint.diagnostics import Confidence
from sweeplint.knowledge import load_knowledge
from sweeplint.lint import lint_paths
from sweeplint.settings import Settings

LR = "  lr:\n    distribution: log_uniform_values\n    min: 0.0001\n    max: 0.01\n"
DROPOUT = "  dropout:\n    distribution: uniform\n    min: 0.0\n    max: 0.5\n"


def head(method: str = "random", budget: str = "run_cap: 12\n") -> str:
    return f"method: {method}\n{budget}metric: {{name: val_loss, goal: minimize}}\nparameters:\n"


def weak(root: Path, name: str, code: str) -> list:
    """The findings of one code with weak opinions shown (`--confidence weak`)."""
    settings = Settings(root=root, studies=(), confidence=Confidence.WEAK)
    return [d for d in lint_paths([str(root / name)], settings).diagnostics if d.code == code]


# --- SL316 trials-per-scientific-value -------------------------------------------------------------

def test_sl316_declared_depth_with_three_trials_per_value(tmp_path: Path) -> None:
    sweep = ("# sweeplint: scientific=model.num_layers\n" + head()
             + "  model.num_layers:\n    values: [2, 4, 6, 8]\n" + LR + DROPOUT)
    assert codes(lint_tree(tmp_path, {"sweep.yaml": sweep}), "SL316") == [(
        "sweep.yaml", 3, 10,
        "12 trials for 4 values of model.num_layers (scientific) leave 3 per setting to tune lr and dropout\n= help: "
        "Each setting's best result then rests on a handful of draws of the nuisance parameters, so the comparison "
        "is mostly luck. Budget at least 6 trials per setting (24 here), compare fewer values, or search fewer "
        "nuisance parameters.",
    )]


def test_sl316_an_inferred_question_is_a_weak_opinion_and_combinations_multiply(tmp_path: Path) -> None:
    sweep = (head("random", "run_cap: 20\n") + "  activation:\n    values: [relu, gelu, tanh]\n"
             + "  optimizer:\n    values: [adam, sgd]\n" + LR)
    assert codes(lint_tree(tmp_path, {"sweep.yaml": sweep}), "SL316") == []   # hidden by default
    found = weak(tmp_path, "sweep.yaml", "SL316")
    assert [(d.span.line, d.span.column, d.confidence) for d in found] == [(2, 10, Confidence.WEAK)]
    assert found[0].message == ("20 trials for 6 combinations (3 x 2) of activation (scientific, inferred) and "
                                "optimizer (scientific, inferred) leave 3.3 per setting to tune lr")
    assert "Budget at least 6 trials per setting (36 here)" in found[0].help
    assert "`# sweeplint: scientific=activation,optimizer` declares them" in found[0].help
    assert [r.message for r in found[0].related] == ["activation is scientific here", "optimizer is scientific here"]


def test_sl316_katib_integer_range_of_layers(tmp_path: Path) -> None:
    katib = """\
        # sweeplint: scientific=num_layers
        apiVersion: kubeflow.org/v1beta1
        kind: Experiment
        metadata:
          name: depth
        spec:
          objective:
            type: maximize
            objectiveMetricName: accuracy
          algorithm:
            algorithmName: random
          maxTrialCount: 10
          parameters:
            - name: num_layers
              parameterType: int
              feasibleSpace: {min: "2", max: "5"}
            - name: lr
              parameterType: double
              feasibleSpace: {min: "0.001", max: "0.1"}
        """
    found = codes(lint_tree(tmp_path, {"experiment.yaml": katib}), "SL316")
    assert [(f, line, col) for f, line, col, _ in found] == [("experiment.yaml", 12, 18)]
    assert found[0][3].startswith("10 trials for 4 values of num_layers (scientific) leave 2.5 per setting to tune lr")


def test_sl316_silent_without_a_budget_a_countable_question_or_a_nuisance(tmp_path: Path) -> None:
    declared = "# sweeplint: scientific=num_layers\n"
    layers = "  num_layers:\n    values: [2, 4, 6, 8]\n"
    files = {
        # A W&B agent's --count is not in the config: the budget is unknown.
        "no_budget.yaml": declared + head(budget="") + layers + LR,
        "enough.yaml": declared + head(budget="run_cap: 24\n") + layers + LR,
        # A continuous scientific range has no values to count.
        "continuous.yaml": "# sweeplint: scientific=width_multiplier\n" + head()
        + "  width_multiplier:\n    min: 0.5\n    max: 2.0\n" + LR,
        # Nothing is tuned per value: each value gets its trials as repeats.
        "no_nuisance.yaml": declared + head() + layers + "  seed:\n    values: [1, 2, 3]\n",
        "grid.yaml": declared + head("grid", "") + layers + "  lr:\n    values: [0.001, 0.01]\n",
        # A model-based search with no declared question tunes everything: it compares no values.
        "tune_everything.yaml": head("bayes") + layers + LR,
        "declared_exploitation.yaml": "# sweeplint: phase=exploitation\n" + head() + layers + LR,
    }
    assert codes(lint_tree(tmp_path, files), "SL316") == []


# --- SL321 batch-size-epoch-budget -----------------------------------------------------------------

def test_sl321_declared_batch_size_study_at_fixed_epochs(tmp_path: Path) -> None:
    sweep = ("# sweeplint: scientific=batch_size\n" + head(budget="run_cap: 60\n")
             + "  batch_size:\n    values: [64, 256, 1024]\n" + LR + "  trainer.max_epochs:\n    value: 30\n")
    found = lint_tree(tmp_path, {"sweep.yaml": sweep})
    assert codes(found, "SL321") == [(
        "sweep.yaml", 6, 3,
        "batch_size varies over {64, 256, 1024} while training is fixed at 30 epochs (trainer.max_epochs)\n= help: "
        "At a fixed number of epochs, larger batch sizes take proportionally fewer steps, so the study only shows "
        "which sizes scale perfectly and favours the small ones. Fix the training length in steps for every trial "
        "instead (a step budget, e.g. max_steps), chosen for the largest batch size.",
    )]
    assert codes(found, "SL305") == []   # a declared batch-size study that searches the rate


def test_sl321_epochs_as_a_fixed_argument_and_accumulation(tmp_path: Path) -> None:
    sweep = (head(budget="run_cap: 60\n") + "  gradient_accumulation_steps:\n    values: [1, 4]\n" + LR
             + "command:\n  - ${env}\n  - python\n  - train.py\n  - --num_train_epochs\n  - \"3\"\n  - ${args}\n")
    found = codes(lint_tree(tmp_path, {"sweep.yaml": sweep}), "SL321")
    assert [(f, line, col) for f, line, col, _ in found] == [("sweep.yaml", 5, 3)]
    assert found[0][3].startswith("gradient_accumulation_steps varies over {1, 4} while training is fixed at 3 epochs "
                                  "(num_train_epochs)\n= help: At a fixed number of epochs, larger effective batch sizes")


def test_sl321_a_step_budget_of_minus_one_defers_to_the_epochs(tmp_path: Path) -> None:
    sweep = (head(budget="run_cap: 60\n") + "  per_device_train_batch_size:\n    values: [8, 16]\n" + LR
             + "  num_train_epochs:\n    value: 3\n  max_steps:\n    value: -1\n")
    found = codes(lint_tree(tmp_path, {"sweep.yaml": sweep}), "SL321")
    assert [(line, col) for _, line, col, _ in found] == [(5, 3)]


def test_sl321_silent_with_steps_a_searched_length_a_benchmark_or_one_batch_size(tmp_path: Path) -> None:
    batch = "  batch_size:\n    values: [64, 256]\n"
    files = {
        "steps.yaml": head() + batch + LR + "  epochs:\n    value: 30\n  max_steps:\n    value: 20000\n",
        "searched.yaml": head() + batch + LR + "  epochs:\n    values: [10, 30]\n",
        "benchmark.yaml": "method: grid\nparameters:\n" + batch + "  epochs:\n    value: 2\n",
        "one_size.yaml": head() + "  batch_size:\n    value: 256\n" + LR + "  epochs:\n    value: 30\n",
        "unknown_length.yaml": head() + batch + LR,
    }
    assert codes(lint_tree(tmp_path, files), "SL321") == []


# --- SL305 gradient accumulation -------------------------------------------------------------------

def test_sl305_accumulation_suggested_by_optuna_with_a_fixed_rate(tmp_path: Path) -> None:
    program = (
        "import optuna\n\n\n"
        "def objective(trial):\n"
        "    accumulation = trial.suggest_categorical('grad_accum', [1, 2, 8])\n"
        "    dropout = trial.suggest_float('dropout', 0.0, 0.5)\n"
        "    return fit(accumulation, dropout, lr=3e-4)\n\n\n"
        "study = optuna.create_study(direction='minimize')\n"
        "study.optimize(objective, n_trials=50)\n"
    )
    found = codes(lint_tree(tmp_path, {"tune.py": program}), "SL305")
    assert [(f, line, col) for f, line, col, _ in found] == [("tune.py", 5, 46)]
    assert found[0][3].startswith("grad_accum multiplies the batch size and is searched over {1, 2, 8} as if it were a "
                                  "quality knob\n= help: Gradient accumulation sums the gradients of several batches")


def test_sl305_accumulation_declared_scientific_with_the_rate_searched_is_a_study(tmp_path: Path) -> None:
    sweep = ("# sweeplint: scientific=accumulate_grad_batches\n" + head(budget="run_cap: 60\n")
             + "  accumulate_grad_batches:\n    values: [1, 2, 4]\n" + LR)
    assert codes(lint_tree(tmp_path, {"sweep.yaml": sweep}), "SL305") == []


def test_gradient_accumulation_spellings_belong_to_the_family() -> None:
    kb = load_knowledge()
    for name in ("gradient_accumulation_steps", "trainer.accumulate_grad_batches", "grad_accum", "accum_iter",
                 "training.gradient_accumulation", "gradient_accumulate_every"):
        family = kb.family_of(name)
        assert family is not None and family.name == "gradient_accumulation", name
