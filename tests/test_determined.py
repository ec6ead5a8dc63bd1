"""The Determined reader: hyperparameter types, implicit constants, nested groups, searchers, and rules on them."""

from __future__ import annotations

import math
import textwrap

from conftest import corpus_or_skip, lint_json
from sweeplint.knowledge import load_knowledge
from sweeplint.lint import check_file
from sweeplint.model import MethodKind, Space, Span
from sweeplint.read import read_config
from sweeplint.rules import by_code
from sweeplint.settings import Settings
from lintkit import shown

CONFIG = """\
name: mnist-asha
entrypoint: model_def:MNistTrial
hyperparameters:
  global_batch_size: 64
  layer_sizes: [64, 32]
  learning_rate:
    type: log
    base: 10
    minval: -5
    maxval: -1
  weight_decay:
    type: double
    minval: 0.0
    maxval: 0.01
  n_filters:
    type: int
    minval: 8
    maxval: 64
  activation:
    type: categorical
    vals: [relu, gelu]
  seed:
    type: const
    val: 42
  optimizer:
    name: adam
    betas:
      beta1:
        type: double
        minval: 0.8
        maxval: 0.95
searcher:
  name: adaptive_asha
  metric: validation_loss
  max_trials: 16
  max_length:
    epochs: 10
  mode: standard
  divisor: 4
"""


def read(text: str, path: str = "adaptive.yaml"):
    return read_config(path, textwrap.dedent(text), True)


def findings(text: str, code: str) -> list[str]:
    settings = Settings()
    diagnostics = check_file(read(text), [by_code()[code]], settings, lambda: load_knowledge(settings))
    assert not any(d.code == "SL999" for d in diagnostics), diagnostics
    return [f"{d.span.line}:{d.span.column} {shown(d)}" for d in diagnostics if d.code == code]


def test_every_hyperparameter_kind():
    file = read(CONFIG)
    assert file.format == "determined"
    [study] = file.studies
    assert (study.format, study.loader, study.name) == ("determined", "yaml1.2", "mnist-asha")
    assert [p.name for p in study.parameters] == [
        "global_batch_size", "layer_sizes", "learning_rate", "weight_decay", "n_filters", "activation", "seed",
        "optimizer.name", "optimizer.betas.beta1",
    ]
    # implicit constants: a bare scalar and a list (a list is a constant, not a choice)
    batch, sizes = study.parameter("global_batch_size"), study.parameter("layer_sizes")
    assert batch.space is Space.CONSTANT and batch.constant_value == 64
    assert sizes.space is Space.CONSTANT and sizes.constant_value == [64, 32] and not sizes.varies
    lr = study.parameter("learning_rate")
    assert (lr.space, lr.log, lr.exponent_bounds, lr.base) == (Space.UNIFORM, True, True, 10.0)
    assert (lr.low.value, lr.high.value) == (-5, -1) and lr.low.span == Span(9, 13, 9, 15)
    assert lr.key_span == Span(6, 3, 6, 16) and lr.distribution_span == Span(7, 11, 7, 14)
    wd = study.parameter("weight_decay")
    assert (wd.space, wd.log, wd.low.value, wd.high.value) == (Space.UNIFORM, False, 0.0, 0.01)
    filters = study.parameter("n_filters")
    assert (filters.space, filters.integer) == (Space.INT, True)
    assert [v.value for v in study.parameter("activation").values] == ["relu", "gelu"]
    assert study.parameter("seed").constant_value == 42
    assert study.parameter("optimizer.name").constant_value == "adam"
    beta1 = study.parameter("optimizer.betas.beta1")
    assert beta1.space is Space.UNIFORM and beta1.key_span == Span(28, 7, 28, 12)


def test_searcher_objective_budget_and_program():
    [study] = read(CONFIG).studies
    assert study.method.name == "adaptive_asha" and study.method.kind is MethodKind.BANDIT
    assert study.method.span == Span(33, 9, 33, 22)
    assert study.objective.name.value == "validation_loss"
    assert study.objective.goal == "minimize" and study.objective.goal_span is None     # smaller_is_better default
    assert study.budget.value == 16
    assert study.early_stopping.kind == "adaptive_asha" and study.early_stopping.get("divisor").value == 4
    # `model_def:MNistTrial` runs the Trial class in model_def.py
    assert study.program.value == "model_def.py" and study.program.span == Span(2, 13, 2, 33)
    explicit = read(CONFIG.replace("  metric: validation_loss\n", "  metric: accuracy\n  smaller_is_better: false\n")).studies[0]
    assert explicit.objective.goal == "maximize" and explicit.objective.goal_span == Span(35, 22, 35, 27)


def test_entrypoint_commands_and_launchers():
    script = read(CONFIG.replace("entrypoint: model_def:MNistTrial", "entrypoint: python3 train.py --epochs 3")).studies[0]
    assert [w.value for w in script.command] == ["python3", "train.py", "--epochs", "3"]
    assert script.command[1].span == Span(2, 21, 2, 29) and script.program is None
    launched = CONFIG.replace("entrypoint: model_def:MNistTrial",
                              "entrypoint:\n  - python3\n  - -m\n  - determined.launch.torch_distributed\n  - python3\n  - train.py")
    study = read(launched).studies[0]
    assert [w.value for w in study.command] == ["python3", "train.py"]
    deepspeed = CONFIG.replace("entrypoint: model_def:MNistTrial",
                               "entrypoint: python3 -m determined.launch.deepspeed --trial gpt2_trial:GPT2Trial")
    assert read(deepspeed).studies[0].program.value == "gpt2_trial.py"


def test_log_with_value_bounds_is_sl102_with_the_base_in_the_message():
    bad = CONFIG.replace("    minval: -5\n    maxval: -1\n", "    minval: 0.0001\n    maxval: 0.1\n")
    [message] = findings(bad, "SL102")
    assert message.startswith("9:13 learning_rate uses log with exponent bounds 0.0001 .. 0.1, so it samples "
                              "10^0.0001 .. 10^0.1 = 1.00023 .. 1.259\n= help: The bounds of log are exponents, but these "
                              "look like values")
    assert findings(CONFIG, "SL102") == []
    # 10^0.0001 really is 1.00023 and 10^0.1 is 1.259
    assert math.isclose(10 ** 0.0001, 1.00023, rel_tol=1e-5) and math.isclose(10 ** 0.1, 1.259, rel_tol=1e-3)


def test_linear_learning_rate_and_accuracy_minimized_by_default():
    linear = CONFIG.replace("    type: log\n    base: 10\n    minval: -5\n    maxval: -1\n", "    type: double\n    minval: 0.0001\n    maxval: 0.1\n")
    [message] = [m for m in findings(linear, "SL101") if m.startswith("8:13")]  # 12:13 is weight_decay from 0
    assert message.startswith("8:13 learning_rate (learning rate) is searched on a linear scale over 0.0001 .. 0.1")
    assert "type: log with exponent bounds" in message
    accuracy = CONFIG.replace("metric: validation_loss", "metric: val_accuracy")
    [message] = findings(accuracy, "SL205")
    assert message.startswith("34:11 'val_accuracy' looks like a score to raise")
    assert "smaller_is_better: true" in message


def test_grid_without_count_is_sl406():
    grid = CONFIG.replace("  name: adaptive_asha\n", "  name: grid\n").replace("  max_trials: 16\n", "")
    got = findings(grid, "SL406")
    # learning_rate, weight_decay, n_filters and beta1 are ranges without count; categorical/const need none
    assert [m.split(" ", 1)[0] for m in got] == ["6:3", "11:3", "15:3", "28:7"]
    assert got[0].endswith("hyperparameter 'learning_rate' is a log range but the searcher is grid and it has no `count`"
                           "\n= help: Determined rejects the experiment (a grid needs to know how many points to take from "
                           "the range). Add e.g. `count: 5`.")
    counted = grid.replace("    maxval: -1\n", "    maxval: -1\n    count: 4\n")
    assert [m.split(" ", 1)[0] for m in findings(counted, "SL406")] == ["12:3", "16:3", "29:7"]
    assert findings(grid, "SL104") == []        # a Determined grid takes `count` points of a range
    assert findings(CONFIG, "SL406") == []      # not a grid
    # each searcher takes only its own keys: a grid's size comes from the counts, not max_trials
    with_budget = CONFIG.replace("  name: adaptive_asha\n", "  name: grid\n")
    assert [m for m in findings(with_budget, "SL002") if "max_trials" in m] == [
        "35:3 unknown key 'max_trials' in the grid searcher (did you mean 'max_concurrent_trials'?)\n= help: Expected one "
        "of: name, metric, smaller_is_better, max_length, source_trial_id, source_checkpoint_uuid, max_concurrent_trials."
    ]


def test_reversed_bounds_end_of_life_searchers_and_bad_types():
    reversed_ = CONFIG.replace("    minval: 8\n    maxval: 64\n", "    minval: 64\n    maxval: 8\n")
    [message] = findings(reversed_, "SL004")
    assert message.startswith("17:13 n_filters: the lower bound 64 is greater than the upper bound 8")
    eol = CONFIG.replace("name: adaptive_asha", "name: adaptive_simple")
    assert findings(eol, "SL003") == [
        "33:9 the 'adaptive_simple' searcher is end-of-life in Determined (not to be used in new experiments)\n= help: "
        "Current releases will not run it; use adaptive_asha."
    ]
    typo = CONFIG.replace("    type: categorical\n", "    type: categorial\n")
    assert findings(typo, "SL003") == [
        "20:11 hyperparameter 'activation': type must be one of const, int, double, log, categorical, not 'categorial'"
        "\n= help: Did you mean 'categorical'? (a group of hyperparameters has no `type` key)."
    ]
    extra_key = CONFIG.replace("    vals: [relu, gelu]\n", "    vals: [relu, gelu]\n    values: [a]\n")
    assert findings(extra_key, "SL002") == [
        "22:5 unknown key 'values' in hyperparameter 'activation' (did you mean 'vals'?)\n= help: Expected one of: type, vals."
    ]


def test_scalars_are_typed_as_yaml_1_2_like_the_cli_reads_them():
    """Determined's CLI loads configs with ruamel.yaml in safe mode: YAML 1.2, not PyYAML's 1.1."""
    text = CONFIG.replace("    minval: 0.0\n    maxval: 0.01\n", "    minval: 1e-6\n    maxval: 1e-2\n")
    text = text.replace("global_batch_size: 64", "global_batch_size: 064").replace("val: 42", "val: 1e-3")
    [study] = read(text).studies
    wd = study.parameter("weight_decay")
    assert (wd.low.value, wd.high.value, wd.low.text) == (1e-6, 0.01, "1e-6")
    assert study.parameter("global_batch_size").constant_value == 64          # not octal 52
    assert study.parameter("seed").constant_value == 0.001
    assert findings(text, "SL005") == [] and findings(text, "SL006") == []
    listed = read(CONFIG.replace("layer_sizes: [64, 32]", "layer_sizes: [1e-3, on]")).studies[0]
    assert listed.parameter("layer_sizes").constant_value == [0.001, "on"]
    flag = CONFIG.replace("  metric: validation_loss\n", "  metric: validation_loss\n  smaller_is_better: yes\n")
    assert findings(flag, "SL003") == [
        "35:22 searcher.smaller_is_better must be true or false, not 'yes' (Determined reads YAML 1.2, where "
        "yes/no/on/off are text)"
    ]


def test_configs_without_a_searcher_are_not_determined():
    assert read("hyperparameters:\n  lr: 0.1\nname: x\n").format is None
    assert read("searcher: {name: random}\nfoo: 1\n").format is None


# --- the real files --------------------------------------------------------------------------

# Official examples that really have an error-level problem, and which.
KNOWN_ERRORS = {
    # uses the `custom` searcher, which the current schema marks end-of-life
    "determined-ai__determined__examples__custom_search_method__asha_search_method__experiment_files__config.yaml": {"SL003"},
    # `metric: accuracy` with `smaller_is_better: true`: the example minimizes accuracy
    "determined-ai__determined__examples__tutorials__mnist_pytorch__dist_random.yaml": {"SL205"},
}


def test_corpus_reads_and_official_examples_have_only_their_real_errors():
    corpus = corpus_or_skip()
    _, diagnostics = lint_json("check", str(corpus / "determined"), str(corpus / "peer_tests" / "determined"), "--exit-zero", "--no-cache")
    errors: dict[str, set[str]] = {}
    for d in diagnostics:
        assert d["code"] != "SL999", d
        name = d["path"].rsplit("/", 1)[-1]
        if d["severity"] == "error" and name.startswith("determined-ai__determined__examples"):
            errors.setdefault(name, set()).add(d["code"])
    assert errors == KNOWN_ERRORS


def test_cifar10_log_exponent_bounds_are_not_sl102():
    path = corpus_or_skip() / "determined" / "determined-ai__determined__examples__computer_vision__cifar10_pytorch__adaptive.yaml"
    file = read_config(str(path), path.read_text(encoding="utf-8"), True)
    lr = file.studies[0].parameter("learning_rate")
    assert (lr.exponent_bounds, lr.base, lr.low.value, lr.high.value) == (True, 10.0, -5.0, 1.0)
    settings = Settings()
    assert [d for d in check_file(file, [by_code()["SL102"]], settings, lambda: load_knowledge(settings))] == []


def test_every_corpus_config_is_read_as_determined():
    folder = corpus_or_skip() / "determined"
    for path in sorted(folder.glob("*.yaml")):
        file = read_config(str(path), path.read_text(encoding="utf-8"), True)
        assert file.format == "determined", path.name
        [study] = file.studies
        assert study.method is not None, path.name
