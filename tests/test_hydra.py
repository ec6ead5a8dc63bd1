"""The Hydra reader: basic, Optuna, Ax and Nevergrad sweepers, the override grammar inside YAML values,
OmegaConf typing, package headers, and the rules that read Hydra studies."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import corpus_or_skip, lint_json
from sweeplint.knowledge import load_knowledge
from sweeplint.lint import check_file
from sweeplint.model import MethodKind, Space, Span
from sweeplint.read import read_config
from sweeplint.rules import all_rules, by_code
from sweeplint.settings import Settings
from lintkit import shown


def read(text: str, path: str = "conf/config.yaml"):
    return read_config(path, textwrap.dedent(text), True)


def findings(text: str, *codes: str, path: str = "conf/config.yaml") -> list[str]:
    settings = Settings()
    rules = [by_code()[c] for c in codes] if codes else list(all_rules())
    diagnostics = check_file(read(text, path), rules, settings, lambda: load_knowledge(settings))
    assert not any(d.code == "SL999" for d in diagnostics), diagnostics
    return [f"{d.code} {d.span.line}:{d.span.column} {shown(d)}" for d in diagnostics]


def at(text: str, line: int, needle: str) -> int:
    """The 1-based column of `needle` on a line of the dedented text (counted, not assumed)."""
    return textwrap.dedent(text).splitlines()[line - 1].index(needle) + 1


OPTUNA = """\
    # @package _global_

    # a lightning-hydra-template style search
    defaults:
      - override /hydra/sweeper: optuna

    optimized_metric: "val/acc_best"

    hydra:
      mode: "MULTIRUN"
      sweeper:
        _target_: hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper
        storage: null
        study_name: mnist
        n_jobs: 1
        direction: maximize
        n_trials: 40
        sampler:
          _target_: optuna.samplers.TPESampler
          seed: 1234
          n_startup_trials: 10
        params:
          model.optimizer.lr: tag(log, interval(1e-5, 1e-1))
          model.optimizer.weight_decay: interval(0, 0.1)
          model.net.depth: int(interval(2, 8))
          data.batch_size: choice(32, 64, 128)
          model.net.width: range(64, 256, step=64)
          model.net.act: 'choice(relu, "gelu")'
          model.scheduler: cosine
"""


def test_optuna_sweeper_parameters_with_spans_inside_the_override_strings():
    file = read(OPTUNA)
    assert file.format == "hydra"
    [study] = file.studies
    assert (study.format, study.loader, study.name) == ("hydra-optuna", "omegaconf", "mnist")
    p = {x.name: x for x in study.parameters}
    assert list(p) == ["model.optimizer.lr", "model.optimizer.weight_decay", "model.net.depth", "data.batch_size",
                       "model.net.width", "model.net.act", "model.scheduler"]

    lr = p["model.optimizer.lr"]
    assert (lr.space, lr.log, lr.low.value, lr.high.value) == (Space.UNIFORM, True, 1e-5, 0.1)
    assert lr.low.text == "1e-5"
    line = 23
    assert lr.low.span == Span(line, at(OPTUNA, line, "1e-5"), line, at(OPTUNA, line, "1e-5") + 4)
    assert lr.high.span.column == at(OPTUNA, line, "1e-1")
    assert lr.distribution == "interval" and lr.distribution_span.column == at(OPTUNA, line, "interval")
    assert lr.key_span.line == line and lr.key_span.column == at(OPTUNA, line, "model.optimizer.lr")

    # interval() makes its bounds floats, even when written as integers
    wd = p["model.optimizer.weight_decay"]
    assert (wd.space, wd.log, wd.low.value, type(wd.low.value)) == (Space.UNIFORM, False, 0.0, float)
    # int(interval(...)) is an integer distribution, bounds included
    depth = p["model.net.depth"]
    assert (depth.space, depth.integer, depth.low.value, depth.high.value, depth.high_inclusive) == (Space.INT, True, 2, 8, True)
    bs = p["data.batch_size"]
    assert bs.space is Space.CATEGORICAL and [v.value for v in bs.values] == [32, 64, 128]
    assert [v.span.column for v in bs.values] == [at(OPTUNA, 26, "32"), at(OPTUNA, 26, "64"), at(OPTUNA, 26, "128")]
    # Optuna's range includes its stop: IntDistribution(64, 256, step=64)
    width = p["model.net.width"]
    assert (width.space, width.low.value, width.high.value, width.q.value, width.high_inclusive) == (Space.INT, 64, 256, 64, True)
    # inside a single-quoted YAML scalar: positions shift by the quote
    act = p["model.net.act"]
    assert [v.value for v in act.values] == ["relu", "gelu"]
    assert act.values[1].quoted and act.values[1].span.column == at(OPTUNA, 28, '"gelu"')
    const = p["model.scheduler"]
    assert const.space is Space.CONSTANT and const.values[0].value == "cosine"

    assert study.method.name == "TPESampler" and study.method.kind is MethodKind.MODEL_BASED
    assert study.method.get("n_startup_trials").value == 10
    assert study.budget.value == 40 and study.budget.span.line == 17
    objective = study.objective
    assert (objective.name.value, objective.goal) == ("val/acc_best", "maximize")
    assert objective.goal_span == Span(16, 16, 16, 24)
    assert objective.name.span.line == 7


def test_defaults_apply_when_the_optuna_sweeper_says_nothing():
    [study] = read("""\
        defaults:
          - override hydra/sweeper: optuna
        hydra:
          sweeper:
            params:
              x: range(1, 5)
    """).studies
    assert study.format == "hydra-optuna"
    assert (study.method.name, study.method.kind) == ("tpe", MethodKind.MODEL_BASED)
    assert (study.objective.goal, study.objective.goal_span, study.objective.name.value) == ("minimize", None, "objective")
    assert study.budget.value == 20 and study.budget.text is None
    x = study.parameter("x")
    assert (x.low.value, x.high.value, x.high_inclusive) == (1, 5, True)


def test_omegaconf_types_scientific_notation_as_a_float():
    [study] = read("""\
        defaults:
          - override hydra/sweeper: ax
        hydra:
          sweeper:
            ax_config:
              max_trials: 30
              params:
                lr:
                  type: range
                  bounds: [1e-5, 1e-1]
                  log_scale: true
    """).studies
    lr = study.parameter("lr")
    assert lr.low.value == 1e-5 and isinstance(lr.low.value, float)
    assert (lr.space, lr.log) == (Space.UNIFORM, True)
    # no YAML 1.1 string-scientific-notation finding on a Hydra file
    assert findings("""\
        defaults:
          - override hydra/sweeper: ax
        hydra:
          sweeper:
            ax_config:
              params:
                lr: {type: range, bounds: [1e-5, 1e-1], log_scale: true}
    """, "SL005", "SL006") == []


def test_multi_objective_direction_and_sampler_from_the_defaults_list():
    [study] = read("""\
        defaults:
          - override hydra/sweeper: optuna
          - override hydra/sweeper/sampler: nsgaii
        hydra:
          sweeper:
            sampler:
              seed: 123
            direction: [minimize, maximize]
            n_trials: 20
            params:
              x: range(0, 5, step=0.5)
    """).studies
    assert (study.method.name, study.method.kind) == ("nsgaii", MethodKind.MODEL_BASED)
    assert study.method.span.line == 3
    assert study.objective.goal == "minimize" and study.objective.goal_span.line == 8
    x = study.parameter("x")
    assert (x.space, x.low.value, x.high.value, x.q.value) == (Space.QUANTIZED, 0, 5, 0.5)


def test_bad_direction_is_reported():
    out = findings("""\
        defaults:
          - override hydra/sweeper: optuna
        hydra:
          sweeper:
            direction: maximise
            params:
              x: choice(1, 2)
    """, "SL003")
    assert out and out[0].startswith("SL003 5:16 direction must be minimize or maximize")


def test_legacy_search_space_and_optuna_config():
    [study] = read("""\
        # @package hydra.sweeper
        optuna_config:
          direction: maximize
          n_trials: 15
          sampler: random
          seed: 123
    """).studies
    assert study.format == "hydra-optuna"
    assert (study.method.name, study.method.kind, study.method.get("seed").value) == ("random", MethodKind.RANDOM, 123)
    assert study.budget.value == 15 and study.objective.goal == "maximize"

    [study] = read("""\
        hydra:
          sweeper:
            _target_: hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper
            sampler:
              _target_: optuna.samplers.GridSampler
            search_space:
              model.lr:
                type: float
                low: 0.001
                high: 0.01
                step: 0.001
              model.act:
                type: categorical
                choices: [relu, gelu]
    """).studies
    lr, act = study.parameters
    assert (lr.space, lr.q.value, lr.deprecated is not None) == (Space.QUANTIZED, 0.001, True)
    assert act.space is Space.CATEGORICAL and study.method.kind is MethodKind.GRID


def test_search_space_next_to_params_is_ignored_by_hydra():
    text = """\
        defaults:
          - override hydra/sweeper: optuna
        hydra:
          sweeper:
            search_space:
              lr: {type: float, low: 0.0001, high: 0.1, log: true}
            params:
              depth: choice(2, 4)
    """
    [study] = read(text).studies
    assert [p.name for p in study.parameters] == ["depth"]
    out = findings(text, "SL402")
    assert len(out) == 1 and out[0].startswith("SL402 5:5 both `search_space`")
    # `search_space: null` is the plugin's own "unset": no conflict
    assert findings(text.replace("      lr: {type: float, low: 0.0001, high: 0.1, log: true}\n", "").replace(
        "search_space:", "search_space: null"), "SL402") == []


def test_ax_sweeper():
    text = """\
        defaults:
          - override hydra/sweeper: ax
        hydra:
          sweeper:
            ax_config:
              max_trials: 25
              experiment:
                minimize: false
                objective_name: accuracy
              early_stop:
                max_epochs_without_improvement: 5
              params:
                model.depth:
                  type: range
                  bounds: [2, 12]
                model.dropout:
                  type: range
                  bounds: [0, 0.5]
                model.act:
                  type: choice
                  values: [relu, gelu]
                seed:
                  type: fixed
                  value: 7
    """
    [study] = read(text).studies
    assert study.format == "hydra-ax"
    depth, dropout, act, seed = study.parameters
    assert (depth.space, depth.integer, depth.high.value) == (Space.INT, True, 12)
    assert (dropout.space, dropout.low.value) == (Space.UNIFORM, 0)
    assert act.space is Space.CATEGORICAL and seed.space is Space.CONSTANT and seed.values[0].value == 7
    assert (study.method.name, study.method.kind) == ("ax", MethodKind.MODEL_BASED)
    assert (study.objective.name.value, study.objective.goal, study.objective.goal_span.line) == ("accuracy", "maximize", 8)
    assert study.budget.value == 25
    bad = findings(text.replace("max_trials: 25", "max_trial: 25").replace("type: fixed", "type: fixd"), "SL002", "SL003")
    assert any(f.startswith("SL002 6:7 unknown key 'max_trial' in ax_config (did you mean 'max_trials'?)") for f in bad), bad
    assert any(f.startswith("SL003 23:17 Ax parameter 'seed' needs `type`") for f in bad), bad


def test_ax_params_in_their_own_package_file():
    [study] = read("""\
        # @package hydra.sweeper.ax_config.params
        quadratic.x:
          type: range
          bounds: [1e-6, 1]
          log_scale: true
    """, "conf/params/logscale.yaml").studies
    assert study.format == "hydra-ax"
    x = study.parameter("quadratic.x")
    assert (x.space, x.log, x.low.value) == (Space.UNIFORM, True, 1e-6)


def test_nevergrad_sweeper():
    [study] = read("""\
        defaults:
          - override hydra/sweeper: nevergrad
        hydra:
          sweeper:
            optim:
              optimizer: OnePlusOne
              budget: 100
              num_workers: 10
              maximize: true
            params:
              db: choice(mnist, cifar)
              lr: {init: 0.02, step: 2.0, log: true}
              momentum: {lower: 0.5, upper: 0.99}
              dropout: interval(0, 1)
              batch_size: int(interval(4, 16))
              layers: range(1, 4)
              opt: [adam, sgd]
    """).studies
    assert study.format == "hydra-nevergrad"
    p = {x.name: x for x in study.parameters}
    assert p["db"].space is Space.CATEGORICAL
    assert (p["lr"].space, p["lr"].log, p["lr"].mu.value) == (Space.NORMAL, True, 0.02)
    assert (p["momentum"].space, p["momentum"].high.value) == (Space.UNIFORM, 0.99)
    assert (p["batch_size"].space, p["batch_size"].integer) == (Space.INT, True)
    # Nevergrad enumerates a range like Python: the stop is excluded
    assert p["layers"].high_inclusive is False
    assert [v.value for v in p["opt"].values] == ["adam", "sgd"]
    assert (study.method.name, study.method.kind) == ("OnePlusOne", MethodKind.MODEL_BASED)
    assert (study.objective.goal, study.budget.value) == ("maximize", 100)


BASIC = """\
    hydra:
      mode: MULTIRUN
      sweeper:
        params:
          model: gnn,self_attention
          pool.fraction: 0.01,0.05
          training.learning_rate: 0.001,3e-4
          model.layers: range(1, 5)
          pool.active: true
          db: glob(*, exclude=mysql)
"""


def test_basic_sweeper_comma_lists_range_and_glob():
    [study] = read(BASIC).studies
    assert study.format == "hydra-basic"
    assert (study.method.name, study.method.kind) == ("basic", MethodKind.GRID)
    assert study.objective is None and study.budget is None
    p = {x.name: x for x in study.parameters}
    assert [v.value for v in p["model"].values] == ["gnn", "self_attention"]
    lr = p["training.learning_rate"]
    assert [v.value for v in lr.values] == [0.001, 3e-4]
    assert [v.span.column for v in lr.values] == [at(BASIC, 7, "0.001"), at(BASIC, 7, "3e-4")]
    layers = p["model.layers"]
    assert (layers.space, layers.low.value, layers.high.value, layers.high_inclusive) == (Space.INT, 1, 5, False)
    assert p["pool.active"].space is Space.CONSTANT and p["pool.active"].values[0].value is True
    assert p["db"].space is Space.CATEGORICAL and p["db"].distribution == "glob"
    out = findings(BASIC, "SL106", "SL003", "SL002")
    assert out == [f"SL106 8:{at(BASIC, 8, '5)')} model.layers: the upper bound 5 is excluded, so the search tries "
                   f"1, 2, 3, 4 and never 5\n= help: If 5 was meant to be tried, write range(1, 6)."]


def test_basic_sweeper_rejects_an_interval():
    out = findings("""\
        defaults:
          - override hydra/sweeper: basic
        hydra:
          sweeper:
            params:
              lr: interval(0.001, 0.1)
              depth: 2,4
    """, "SL003")
    assert len(out) == 1 and out[0].startswith("SL003 6:11 lr: the basic sweeper only enumerates values")


def test_a_params_key_hydra_cannot_override_is_an_error():
    text = """\
        defaults:
          - override hydra/sweeper: basic
        hydra:
          sweeper:
            params:
              $data/root: a,b
              db/engine@db: mysql,sqlite
              model.layers.0.width: 64,128
              +extra.flag: true,false
    """
    out = findings(text, "SL003")
    assert out == [f"SL003 6:{at(text, 6, '$data')} '$data/root' is not a key Hydra can override\n= help: Hydra rejects "
                   f"`$data/root=...` when the sweep starts. Write a dotted path such as db.lr or a config group "
                   f"such as db/engine, optionally followed by @package."]
    # the value is still read
    assert [p.name for p in read(text).studies[0].parameters][0] == "$data/root"


def test_a_descending_range_counts_down_in_an_enumerating_sweeper_and_fails_in_the_optuna_sweeper():
    text = """\
        defaults:
          - override hydra/sweeper: SWEEPER
        hydra:
          sweeper:
            params:
              layers: range(5, 0, -1)
              width: sort(range(1, 4), reverse=true)
              rate: range(1.0, 0.0, -0.25)
    """
    basic = text.replace("SWEEPER", "basic")
    assert findings(basic, "SL003", "SL004", "SL005", "SL102") == []
    model = {p.name: (p.low.value, p.high.value, p.q.value if p.q else 1, p.high_inclusive)
             for p in read(basic).studies[0].parameters}
    assert model == {"layers": (1, 5, 1, True), "width": (1, 3, 1, True), "rate": (0.25, 1.0, 0.25, True)}
    # the Optuna sweeper hands Optuna (start, stop, step) as they are, and Optuna refuses low > high
    out = findings(text.replace("SWEEPER", "optuna"), "SL004")
    expected = [f"SL004 6:{at(text, 6, '5')} layers: the lower bound 5 is greater than the upper bound 0",
                f"SL004 7:{at(text, 7, '4')} width: the lower bound 3 is greater than the upper bound 0",
                f"SL004 8:{at(text, 8, '1.0')} rate: the lower bound 1.0 is greater than the upper bound 0.0"]
    assert len(out) == 3 and all(f.startswith(e) for f, e in zip(out, expected)), out


def test_unknown_sweeper_keys_only_where_the_sweeper_is_known():
    typo = """\
        defaults:
          - override hydra/sweeper: optuna
        hydra:
          sweeper:
            n_trails: 40
            params:
              x: choice(1, 2)
    """
    assert [f.split("\n")[0] for f in findings(typo, "SL002")] == [
        "SL002 5:5 unknown key 'n_trails' in the Optuna sweeper (hydra.sweeper) (did you mean 'n_trials'?)"]
    # the sweeper is chosen in another file: nothing to compare the keys against
    assert findings(typo.replace("override hydra/sweeper: optuna", "override hydra/sweeper: my_sweeper"), "SL002") == []


def test_malformed_override_strings_are_reported_at_their_position():
    text = """\
        defaults:
          - override hydra/sweeper: optuna
        hydra:
          sweeper:
            params:
              a: choice(1,,2)
              b: uniform(0.0, 0.5)
              c: interval(low, 1)
              d: "choice(1, 2"
              e: "choice(\\"x\\", 1"
    """
    out = findings(text, "SL003")
    assert out[0] == "SL003 6:19 a: cannot read the override 'choice(1,,2)': an argument is missing before this comma"
    assert out[1] == ("SL003 7:10 b: uniform() is not a function of Hydra's override grammar, so Hydra rejects the sweep"
                      "\n= help: Write interval(low, high).")
    assert out[2] == "SL003 8:19 c: the start of interval() must be a number"
    # inside a double-quoted scalar without escapes: exact; with escapes: the whole scalar
    assert out[3].startswith(f"SL003 9:{at(text, 9, 'choice')} d: cannot read the override")
    quoted = at(text, 10, '"choice')
    assert out[4].startswith(f"SL003 10:{quoted} e: cannot read the override")
    assert len(out) == 5


def test_sweeper_settings_outside_hydra_sweeper():
    launcher = """\
        # @package _global_
        defaults:
          - override /hydra/launcher: ray
        hydra:
          mode: MULTIRUN
          launcher:
            _target_: hydra_plugins.hydra_ray_launcher.ray_launcher.RayLauncher
            direction: maximize
            n_trials: 30
            params:
              model.lr: tag(log, interval(1e-5, 1e-3))
    """
    out = findings(launcher, "SL402")
    assert [o[:11] for o in out] == ["SL402 8:5 `", "SL402 9:5 `", "SL402 10:5 "]
    assert "under hydra.launcher" in out[0]

    global_file = """\
        # @package _global_
        defaults:
          - override /hydra/sweeper: optuna
        n_trials: 50
        direction: maximize
        hydra:
          sweeper:
            params:
              lr: choice(0.1, 0.01)
    """
    out = findings(global_file, "SL402")
    assert [o.split(" `")[0] for o in out] == ["SL402 4:1", "SL402 5:1"]
    # the same keys in a `# @package hydra.sweeper` file are exactly where they belong
    assert findings("""\
        # @package hydra.sweeper
        _target_: hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper
        n_trials: 50
        direction: maximize
        params:
          lr: choice(0.1, 0.01)
    """, "SL402") == []


def test_earlier_rules_on_hydra_studies():
    text = """\
        # @package _global_
        defaults:
          - override /hydra/sweeper: optuna
        hydra:
          sweeper:
            direction: minimize
            n_trials: 50
            params:
              model.optimizer.lr: interval(0.0001, 0.1)
              model.optimizer.weight_decay: tag(log, interval(0, 0.1))
              model.optimizer.eps: choice(1e-8, 1e-6)
              model.act: choice(relu, relu)
              model.depth: choice(2, 4, 8)
    """
    out = findings(text, "SL101", "SL004", "SL105", "SL107")
    assert out[0].startswith(f"SL101 9:{at(text, 9, '0.0001')} model.optimizer.lr (learning rate) is searched on a linear scale")
    assert "tag(log, interval(low, high))" in out[0]
    assert out[1].startswith(f"SL004 10:{at(text, 10, '0, 0.1')} model.optimizer.weight_decay is searched on a log scale")
    assert out[2].startswith(f"SL105 12:{at(text, 12, 'relu')} model.act lists the same value 2 times (relu)")
    assert out[3].startswith(f"SL107 11:{at(text, 11, '1e-8')} model.optimizer.eps (adam epsilon) is a categorical choice of 2 values")
    assert len(out) == 4


def test_non_sweep_hydra_configs_are_skipped():
    assert read("""\
        defaults:
          - _self_
        hydra:
          run:
            dir: outputs/${now:%Y-%m-%d}
        lr: 0.001
    """).format is None
    assert read("""\
        # @package _global_
        seed: 0
        optimizer:
          lr: 0.1
          weight_decay: 5e-4
    """).format is None


# --- the corpus ---------------------------------------------------------------------------------


def _hydra_files():
    corpus = corpus_or_skip()
    return sorted((corpus / "hydra").glob("*.yaml")) + sorted((corpus / "peer_tests" / "hydra").glob("*.yaml"))


def test_every_hydra_corpus_and_peer_test_file_reads_without_a_traceback():
    files = _hydra_files()
    assert len(files) >= 25
    for path in files:
        file = read_config(str(path), path.read_text(encoding="utf-8"), True)
        assert not any(p.code == "SL001" for p in file.problems), path.name


def test_official_examples_raise_no_error():
    corpus = corpus_or_skip()
    code, items = lint_json("check", "--no-cache", str(corpus / "hydra"), str(corpus / "peer_tests" / "hydra"))
    official = [d for d in items if Path(d["path"]).name.startswith("facebookresearch__hydra__")]
    # Every official example and peer-test config is a sweep we read...
    studies = [read_config(str(p), p.read_text(encoding="utf-8"), True) for p in _hydra_files()
               if p.name.startswith("facebookresearch__hydra__")]
    assert len(studies) == 11 and all(f.studies for f in studies)
    # ...and none of them has an error-severity finding (they have no such problem).
    assert [d for d in official if d["severity"] == "error"] == []


@pytest.mark.parametrize(
    "name, code, line, words",
    [
        # interval(0.0001, 0.1) is a linear range over three decades for the learning rate
        ("ashleve__lightning-hydra-template__configs__hparams_search__mnist_optuna.yaml", "SL101", 48, "linear scale"),
        # uniform() is not part of Hydra's grammar: Hydra refuses to start this sweep
        ("Oufattole__meds-torch__src__meds_torch__configs__hparams_search__optuna.yaml", "SL003", 49, "uniform()"),
    ],
)
def test_known_problems_in_the_corpus(name, code, line, words):
    path = corpus_or_skip() / "hydra" / name
    _, items = lint_json("check", "--no-cache", str(path))
    assert any(d["code"] == code and d["line"] == line and words in d["message"] for d in items), items


@pytest.mark.parametrize(
    "name, metric, goal_line",
    [
        ("Oufattole__meds-torch__src__meds_torch__configs__hparams_search__optuna.yaml", "val/loss", 33),
        ("atong01__conditional-flow-matching__runner__configs__hparams_search__optuna.yaml", "val/2-Wasserstein", 33),
    ],
)
def test_loss_metrics_maximized_in_the_corpus_have_their_objective(name, metric, goal_line):
    path = corpus_or_skip() / "hydra" / name
    [study] = read_config(str(path), path.read_text(encoding="utf-8"), True).studies
    assert (study.objective.name.value, study.objective.goal) == (metric, "maximize")
    assert study.objective.goal_span.line == goal_line


def test_corpus_legacy_and_package_files():
    corpus = corpus_or_skip() / "hydra"
    path = corpus / "varun19299__rigl-reproducibility__conf__hydra__sweeper__optuna.yaml"
    [study] = read_config(str(path), path.read_text(encoding="utf-8"), True).studies
    assert (study.format, study.method.name, study.budget.value, study.objective.goal) == ("hydra-optuna", "tpe", 15, "maximize")
    path = corpus / "cmsolson75__DenseNet__conf__hydra__sweeper__optuna_sweeper.yaml"
    [study] = read_config(str(path), path.read_text(encoding="utf-8"), True).studies
    lr = study.parameter("optimizer.lr")
    assert (lr.log, lr.low.value, lr.high.value) == (True, 1e-4, 0.1)
    # The saved copy of this launcher config holds no sweeper keys (the note in SOURCES.md describes a
    # later revision); it must not be reported.
    path = corpus / "sheryc__resonance_rope__configs__multirun__ray.yaml"
    assert read_config(str(path), path.read_text(encoding="utf-8"), True).format is None
