"""Fixed W&B sweeps from the disagreements between sweeplint and W&B's sweep engine (found by
running the engine's own test configs), kept as regression tests: what W&B rejects is an error at
its place, what it accepts gets none, and messages say what W&B does."""

from __future__ import annotations

import math

import pytest
import yaml

from lintkit import lint_tree
from tests.test_wandb_oracle import ACCEPTS, ENGINE, REJECTS, _VALIDITY, disagreement, engine_verdict, needs_engine

if ENGINE:
    from sweeps.params import HyperParameter



def _lint(tmp_path, text: str, fmt: str = "yaml"):
    found = lint_tree(tmp_path, {f"sweeps/sweep.{fmt}": text}, "sweeps")
    return [(code, line, col, message) for _, code, line, col, message in found]


FIXED = [
    # (id, config, expected (code, line, column, message fragment))
    ("metrics-and-metric",
     "method: custom\nmetric: {name: loss}\nmetrics:\n  - {name: loss}\n  - {name: acc, goal: maximize}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 3, 1, "both `metric` and `metrics`")),
    ("metrics-with-bayes",
     "method: bayes\nmetrics:\n  - {name: loss}\n  - {name: acc, goal: maximize}\nparameters:\n  x: {min: 0.0, max: 1.0}\n",
     ("SL003", 2, 1, "`metrics` (several objectives) needs `method: custom`")),
    ("metrics-not-a-list",
     "method: custom\nmetrics: {name: loss}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 2, 10, "`metrics` must be a list of at least two metrics")),
    ("metrics-one-item",
     "method: custom\nmetrics:\n  - {name: loss}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 3, 3, "must list at least two metrics")),
    ("metrics-item-without-name",
     "method: custom\nmetrics:\n  - {name: loss}\n  - {goal: maximize}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 4, 5, "metrics[1] has no `name`")),
    ("scheduler-without-engine",
     "method: custom\nscheduler: {source: opt.py}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 2, 1, "scheduler has no `engine`")),
    ("scheduler-unknown-engine",
     "method: custom\nscheduler: {engine: hyperopt}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 2, 21, "scheduler.engine must be wandb, optuna or ax, not 'hyperopt'")),
    ("optuna-engine-with-random",
     "method: random\nscheduler: {engine: optuna}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 2, 21, "scheduler.engine optuna runs method custom, not random")),
    ("wandb-engine-with-custom",
     "method: custom\nscheduler: {engine: wandb}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 2, 21, "scheduler.engine wandb runs method grid or random or bayes, not custom")),
    ("optimizer-without-source",
     "method: custom\nscheduler: {engine: ax, optimizer: build}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 2, 25, "scheduler.optimizer names a function of `source`")),
    ("scheduler-with-early-terminate",
     "method: custom\nscheduler: {engine: optuna}\nearly_terminate: {type: hyperband, min_iter: 3}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 3, 1, "early_terminate cannot be used with a scheduler")),
    ("scheduler-with-local-controller",
     "method: custom\nscheduler: {engine: optuna}\ncontroller: {type: local}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 3, 20, "a local controller cannot be used with a scheduler")),
    ("controller-bad-type",
     "method: random\ncontroller: {type: remote}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 2, 20, "controller.type must be local or cloud, not 'remote'")),
    ("controller-without-type",
     "method: random\ncontroller: {}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 2, 1, "controller has no `type`")),
    ("hyperband-without-its-iterations",
     "method: random\nearly_terminate: {type: hyperband, max_iter: 27}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 2, 18, "hyperband needs `min_iter`, or both `max_iter` and `s`")),
    ("launch-job-and-image",
     "method: random\njob: me/p/train:latest\nimage_uri: img:1\nlaunch: {queue: default}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 3, 1, "either `job` or `image_uri`, not both")),
    ("launch-without-job",
     "method: random\nlaunch: {queue: default}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 2, 1, "a Launch sweep needs the training `job`")),
    ("launch-scheduler-job-on-local-process",
     "job: me/p/train:latest\nscheduler: {job: me/p/scheduler:latest, resource: local-process}\nparameters:\n  x: {values: [1, 2]}\n",
     ("SL003", 2, 51, "a scheduler job cannot run on the local-process resource")),
    ("int-uniform-float-bound",
     "method: random\nparameters:\n  layers: {distribution: int_uniform, min: 1, max: 4.5}\n",
     ("SL103", 3, 52, "cannot create a single run")),
    ("parameter-name",
     "method: random\nparameters:\n  1st_layer: {values: [1, 2]}\n",
     ("SL003", 3, 3, "the parameter name '1st_layer' breaks W&B's schema")),
    ("empty-parameters",
     "method: random\nparameters: {}\n",
     ("SL003", 2, 13, "`parameters` is empty")),
    ("engine-scheduler-without-a-search-space",
     "method: bayes\nscheduler: {engine: wandb, source: s.py, optimizer: build}\n",
     ("SL003", 1, 1, "the sweep has no `parameters` (nor a scheduler.search_space)")),
    ("method-without-parameters",
     "method: random\n",
     ("SL003", 1, 1, "the sweep has no `parameters`")),
    ("parameters-without-method",
     "program: train.py\nparameters:\n  a: {values: [1, 2, 3]}\n",
     ("SL003", 1, 1, "the sweep has no top-level `method`")),
    ("metric-impute",
     "method: bayes\nmetric: {name: loss, impute: zero}\nparameters:\n  x: {min: 0.0, max: 1.0}\n",
     ("SL003", 2, 30, "metric.impute must be one of latest, best, worst, not 'zero'")),
]


@pytest.mark.parametrize("text, expected", [pytest.param(t, e, id=i) for i, t, e in FIXED])
def test_what_w_and_b_rejects_is_an_error_at_its_place(tmp_path, text, expected):
    code, line, column, fragment = expected
    found = _lint(tmp_path, text)
    matching = [f for f in found if f[:3] == (code, line, column) and fragment in f[3]]
    assert matching, found


@needs_engine
@pytest.mark.parametrize("text", [pytest.param(t, id=i) for i, t, _ in FIXED])
def test_the_engine_rejects_each_fixed_case(text):
    assert engine_verdict(yaml.safe_load(text))[0] == REJECTS


def test_a_sweep_with_misspelt_specs_is_recognised_and_reported(tmp_path):
    # Every parameter key misspelt: still a sweep (method + parameters), so the typos are SL002 and
    # the run fails, rather than "No sweep files found" and exit 0.
    text = "method: grid\nparameters:\n  lr:\n    valeus: [0.1, 0.01]\n  batch_size:\n    vaules: [32, 64]\n"
    found = _lint(tmp_path, text)
    assert [(c, line, col) for c, line, col, _ in found if c == "SL002"] == [("SL002", 4, 5), ("SL002", 6, 5)]
    assert "did you mean 'values'" in found[0][3]
    (tmp_path / "sweeps" / "sweep.yaml").write_text(text, encoding="utf-8")
    from tests.conftest import run_cli

    proc = run_cli("check", "sweeps", "--no-cache", cwd=tmp_path)
    assert proc.returncode == 1 and "No sweep files found" not in proc.stdout + proc.stderr


def test_a_metric_beside_parameters_is_a_sweep(tmp_path):
    found = _lint(tmp_path, "metric: {name: loss}\nparameters:\n  lr: {valeus: [1, 2]}\n")
    assert ("SL003", 1, 1) in [f[:3] for f in found]  # no method
    assert ("SL002", 3, 8) in [f[:3] for f in found]


def test_a_grid_q_uniform_that_never_reaches_its_upper_bound_is_valid(tmp_path):
    # W&B's grid enumerates min, min + q, ... below max (0.1, 0.6), always inside the bounds.
    text = "method: grid\nparameters:\n  x: {distribution: q_uniform, min: 0.1, max: 0.9, q: 0.5}\n"
    assert [f for f in _lint(tmp_path, text) if f[0].startswith(_VALIDITY)] == []


def test_random_q_uniform_outside_its_bounds_is_still_reported(tmp_path):
    # Random search rounds a uniform draw to a multiple of q: 0.1 .. 0.9 with q 0.5 gives 0 and 1.
    text = "method: random\nparameters:\n  x: {distribution: q_uniform, min: 0.1, max: 0.9, q: 0.5}\n"
    assert [f[:3] for f in _lint(tmp_path, text) if f[0] == "SL004"] == [("SL004", 3, 55)]


def test_sl102_states_the_range_of_inv_log_uniform(tmp_path):
    # inv_log_uniform samples e^-x for x in min .. max: e^-0.1 .. e^-0.0001 = 0.9048 .. 0.9999
    text = "method: random\nparameters:\n  lr: {distribution: inv_log_uniform, min: 0.0001, max: 0.1}\n"
    [message] = [f[3] for f in _lint(tmp_path, text) if f[0] == "SL102"]
    assert "e^-0.1 .. e^-0.0001 = 0.9048 .. 0.9999" in message


@needs_engine
def test_the_engine_samples_inv_log_uniform_where_sl102_says():
    param = HyperParameter("lr", {"distribution": "inv_log_uniform", "min": 0.0001, "max": 0.1})
    assert math.isclose(param.ppf(0.0), math.exp(-0.1)) and math.isclose(param.ppf(1.0), math.exp(-0.0001))


@needs_engine
@pytest.mark.parametrize("text", [
    "method: grid\nparameters:\n  x: {distribution: q_uniform, min: 0.1, max: 0.9, q: 0.5}\n",
    "job: me/p/train:latest\nscheduler: {job: me/p/scheduler:latest, num_workers: 4}\nparameters:\n  x: {values: [1, 2]}\n",
    "method: custom\nscheduler: {engine: optuna, source: opt.py, search_space: space}\n",
    "method: custom\nmetrics:\n  - {name: loss}\n  - {name: acc, goal: maximize}\nparameters:\n  x: {values: [1, 2]}\n",
    "method: random\ncontroller: {type: local}\nearly_terminate: {type: hyperband, max_iter: 27, s: 2}\nparameters:\n  x: {values: [1, 2]}\n",
])
def test_what_the_engine_accepts_gets_no_error(text):
    config = yaml.safe_load(text)
    assert engine_verdict(config)[0] == ACCEPTS
    assert disagreement(config) is None


# What W&B does with an invalid sweep: its CLI prints the server's schema violations as warnings
# and creates the sweep; the server refuses a sweep it cannot make a first run from.
@pytest.mark.parametrize("text, fragment", [
    ("method: random\n", "W&B refuses to create the sweep"),
    ("program: train.py\nparameters:\n  a: {values: [1, 2]}\n", "W&B refuses to create the sweep"),
    ("method: random\nparameters: {}\n", "W&B refuses to create the sweep"),
    ("method: custom\nscheduler: {engine: optuna}\n", "`wandb sweep` only warns that the config is malformed and creates the sweep anyway"),
    ("method: random\ncontroller: {}\nparameters:\n  x: {values: [1, 2]}\n", "`wandb sweep` only warns"),
    ("method: random\nmetrics:\n  - {name: a}\n  - {name: b}\nparameters:\n  x: {values: [1, 2]}\n", "`wandb sweep` only warns"),
    ("method: bayes\nmetrics:\n  - {name: a}\n  - {name: b}\nparameters:\n  x: {values: [1, 2]}\n", "W&B refuses to create the sweep (bayes needs `metric`)"),
])
def test_messages_say_what_w_and_b_does(tmp_path, text, fragment):
    messages = [f[3] for f in _lint(tmp_path, text) if f[0] == "SL003"]
    assert any(fragment in m for m in messages), messages
    assert not any("W&B rejects" in m for m in messages)
