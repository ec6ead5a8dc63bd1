"""The W&B reader: every parameter shape and distribution, inference, and the key schema."""

from __future__ import annotations

import math
import textwrap

import pytest

from sweeplint.lint import check_file
from sweeplint.model import MethodKind, Space, Span
from sweeplint.read import read_config
from sweeplint.rules import by_code
from sweeplint.settings import Settings


def study_of(text: str, path: str = "sweep.yaml"):
    file = read_config(path, textwrap.dedent(text), True)
    assert file.format == "wandb", file
    [study] = file.studies
    return study


def param(text: str, name: str = "p", extra: str = "method: random\n"):
    """The one parameter `name` of a sweep whose parameters block is `text`."""
    body = extra + "parameters:\n" + textwrap.indent(textwrap.dedent(text), "  ")
    study = study_of(body)
    found = study.parameter(name)
    assert found is not None, [p.name for p in study.parameters]
    return found, study


def findings(text: str, code: str, path: str = "sweep.yaml") -> list[str]:
    file = read_config(path, textwrap.dedent(text), True)
    rule = by_code()[code]
    return [f"{d.span.line}:{d.span.column} {d.message}" for d in check_file(file, [rule], Settings()) if d.code == code]


# --- shapes and distributions ----------------------------------------------------------------

# (spec, space, distribution, log, integer, inferred, exponent_bounds)
SHAPES = [
    ("{value: 3}", Space.CONSTANT, "constant", False, False, True, False),
    ("{value: 3, distribution: constant}", Space.CONSTANT, "constant", False, False, False, False),
    ("{values: [a, b]}", Space.CATEGORICAL, "categorical", False, False, True, False),
    ("{values: [a, b], distribution: categorical}", Space.CATEGORICAL, "categorical", False, False, False, False),
    ("{values: [a, b], probabilities: [0.3, 0.7]}", Space.CATEGORICAL, "categorical_w_probabilities", False, False, True, False),
    ("{min: 1, max: 5}", Space.INT, "int_uniform", False, True, True, False),
    ("{min: 1, max: 5, distribution: int_uniform}", Space.INT, "int_uniform", False, True, False, False),
    ("{min: 0.1, max: 1}", Space.UNIFORM, "uniform", False, False, True, False),
    ("{min: 0, max: 1, distribution: uniform}", Space.UNIFORM, "uniform", False, False, False, False),
    ("{distribution: q_uniform, min: 0, max: 10, q: 2}", Space.QUANTIZED, "q_uniform", False, True, False, False),
    ("{distribution: q_uniform, min: 0, max: 1, q: 0.25}", Space.QUANTIZED, "q_uniform", False, False, False, False),
    ("{distribution: log_uniform, min: -5, max: 0}", Space.UNIFORM, "log_uniform", True, False, False, True),
    ("{distribution: log_uniform_values, min: 0.001, max: 1}", Space.UNIFORM, "log_uniform_values", True, False, False, False),
    ("{distribution: q_log_uniform, min: 0, max: 5}", Space.QUANTIZED, "q_log_uniform", True, False, False, True),
    ("{distribution: q_log_uniform_values, min: 1, max: 100, q: 1}", Space.QUANTIZED, "q_log_uniform_values", True, True, False, False),
    ("{distribution: inv_log_uniform, min: 0, max: 5}", Space.UNIFORM, "inv_log_uniform", True, False, False, True),
    ("{distribution: inv_log_uniform_values, min: 1, max: 100}", Space.UNIFORM, "inv_log_uniform_values", True, False, False, False),
    ("{distribution: normal, mu: 0, sigma: 1}", Space.NORMAL, "normal", False, False, False, False),
    ("{distribution: q_normal, mu: 0, sigma: 1, q: 0.5}", Space.NORMAL, "q_normal", False, False, False, False),
    ("{distribution: log_normal, mu: 0, sigma: 1}", Space.NORMAL, "log_normal", True, False, False, False),
    ("{distribution: q_log_normal, mu: 0, sigma: 1, q: 0.5}", Space.NORMAL, "q_log_normal", True, False, False, False),
    ("{distribution: beta, a: 2, b: 3}", Space.BETA, "beta", False, False, False, False),
    ("{distribution: q_beta, a: 2, b: 3, q: 0.1}", Space.BETA, "q_beta", False, False, False, False),
]


@pytest.mark.parametrize("spec, space, distribution, log, integer, inferred, exponent_bounds", SHAPES,
                         ids=[s[0] for s in SHAPES])
def test_each_shape_maps_to_its_space_and_flags(spec, space, distribution, log, integer, inferred, exponent_bounds):
    p, study = param(f"p: {spec}\n")
    assert (p.space, p.distribution, p.log, p.integer, p.inferred, p.exponent_bounds) == (
        space, distribution, log, integer, inferred, exponent_bounds,
    )
    assert study.problems == () and study.unknown_keys == ()
    assert p.key_span == Span(3, 3, 3, 4)
    assert p.value_span.line == 3 and p.value_span.column == 6
    if exponent_bounds:
        assert p.base == math.e and p.deprecated and "exponents" in p.deprecated
    else:
        assert p.base is None and p.deprecated is None


def test_bounds_values_and_settings_keep_their_literals_and_positions():
    p, _ = param("p:\n  distribution: q_uniform\n  min: 0.5\n  max: 8\n  q: 0.5\n")
    assert (p.low.value, p.low.text, p.low.span) == (0.5, "0.5", Span(5, 10, 5, 13))
    assert (p.high.value, p.high.span) == (8, Span(6, 10, 6, 11))
    assert p.q.value == 0.5 and p.q.span == Span(7, 8, 7, 11)
    assert p.distribution_span == Span(4, 19, 4, 28)

    p, _ = param("p: {values: [relu, 'gelu', 1e-5], probabilities: [0.5, 0.25, 0.25]}\n")
    assert [(v.value, v.quoted) for v in p.values] == [("relu", False), ("gelu", True), ("1e-5", False)]
    assert [v.value for v in p.probabilities] == [0.5, 0.25, 0.25]

    p, _ = param("p: {distribution: normal, mu: 1, sigma: 0.5}\n")
    assert (p.mu.value, p.sigma.value) == (1, 0.5)
    p, _ = param("p: {distribution: beta, a: 2, b: 3}\n")
    assert (p.alpha.value, p.beta.value) == (2, 3)
    p, _ = param("p: {value: [1, 2]}\n")
    assert p.space is Space.CONSTANT and p.constant_value == [1, 2]


def test_inference_int_only_when_both_bounds_are_integers():
    assert param("p: {min: 0, max: 1}\n")[0].space is Space.INT
    assert param("p: {min: 0, max: 1.0}\n")[0].space is Space.UNIFORM
    assert param("p: {min: 0., max: 1}\n")[0].space is Space.UNIFORM
    # JSON: the same rule on JSON numbers.
    study = study_of('{"method": "random", "parameters": {"a": {"min": 0, "max": 1}, "b": {"min": 0, "max": 1e0}}}',
                     path="sweep.json")
    assert study.parameter("a").space is Space.INT and study.parameter("b").space is Space.UNIFORM


def test_nested_parameters_get_dotted_names():
    study = study_of("""\
        method: grid
        parameters:
          optimizer:
            parameters:
              lr: {values: [0.1, 0.01]}
              schedule:
                parameters:
                  warmup: {value: 100}
          epochs: {value: 10}
        """)
    assert [p.name for p in study.parameters] == ["optimizer.lr", "optimizer.schedule.warmup", "epochs"]
    lr = study.parameter("optimizer.lr")
    assert lr.leaf == "lr" and lr.key_span == Span(5, 7, 5, 9)


def test_a_group_without_parameters_key_is_reported():
    study = study_of("""\
        method: grid
        parameters:
          model:
            depth: {values: [2, 4]}
            a: {values: [1]}
          lr: {values: [0.1]}
        """)
    [problem] = study.problems
    assert problem.code == "SL003" and problem.span == Span(3, 3, 3, 8)
    assert "put them under `parameters:`" in problem.message
    assert study.parameter("model").space is Space.UNKNOWN


def test_method_metric_budget_program():
    study = study_of("""\
        program: train.py
        method: bayes
        metric:
          name: val/loss
        run_cap: 40
        parameters:
          lr: {min: 0.001, max: 0.1}
        """)
    assert study.format == "wandb" and study.loader == "yaml1.1"
    assert study.method.name == "bayes" and study.method.kind is MethodKind.MODEL_BASED
    assert study.method.span == Span(2, 9, 2, 14)
    assert study.objective.name.value == "val/loss"
    assert study.objective.goal == "minimize" and study.objective.goal_span is None
    assert study.budget.value == 40 and study.budget.span == Span(5, 10, 5, 12)
    assert study.program.value == "train.py"

    kinds = {m: study_of(f"method: {m}\nparameters:\n  lr: {{values: [1, 2]}}\n").method.kind
             for m in ("grid", "random", "bayes", "custom")}
    assert kinds == {"grid": MethodKind.GRID, "random": MethodKind.RANDOM, "bayes": MethodKind.MODEL_BASED,
                     "custom": MethodKind.OTHER}


def test_explicit_goal_has_a_span_and_an_invalid_goal_is_reported():
    study = study_of("method: random\nmetric: {name: acc, goal: maximize}\nparameters:\n  lr: {values: [1, 2]}\n")
    assert study.objective.goal == "maximize" and study.objective.goal_span == Span(2, 27, 2, 35)
    study = study_of("method: random\nmetric: {name: acc, goal: maximise}\nparameters:\n  lr: {values: [1, 2]}\n")
    assert study.objective.goal == "minimize" and study.objective.goal_span is None
    assert [p.code for p in study.problems] == ["SL003"] and "silently replaces" in study.problems[0].message


def test_command_keeps_macros_in_order():
    study = study_of("""\
        method: grid
        parameters:
          lr: {values: [1, 2]}
        command:
          - ${env}
          - ${interpreter}
          - -m
          - ${program}
          - ${args_no_hyphens}
          - ${args_json_file}
          - --flag
        """)
    assert [c.value for c in study.command] == [
        "${env}", "${interpreter}", "-m", "${program}", "${args_no_hyphens}", "${args_json_file}", "--flag",
    ]
    assert study.command[4].span == Span(9, 5, 9, 23)
    assert study.command_span.line == 5


def test_early_terminate_settings():
    study = study_of("""\
        method: bayes
        metric: {name: loss}
        parameters:
          lr: {min: 0.001, max: 0.1}
        early_terminate:
          type: hyperband
          max_iter: 27
          s: 2
          eta: 3
        """)
    es = study.early_stopping
    assert es.kind == "hyperband"
    assert {k: v.value for k, v in es.settings} == {"max_iter": 27, "s": 2, "eta": 3}
    assert es.get("max_iter").span == Span(7, 13, 7, 15)
    assert es.get("min_iter") is None


def test_run_cap_must_be_a_positive_integer():
    study = study_of("method: random\nrun_cap: 0\nparameters:\n  lr: {values: [1, 2]}\n")
    assert [p.code for p in study.problems] == ["SL003"] and "run_cap" in study.problems[0].message


def test_missing_method_is_reported():
    study = study_of("metric: {name: loss}\nparameters:\n  lr: {values: [1, 2]}\n")
    assert study.method is None
    assert any("no top-level `method`" in p.message for p in study.problems)


# --- unknown keys: SL002 with the closest valid key ------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("method: grid\nparamters: {}\nparameters:\n  lr: {values: [1, 2]}\n",
         "2:1 unknown key 'paramters' in the sweep (did you mean 'parameters'?)"),
        ("method: grid\nearly_stopping: {type: hyperband}\nparameters:\n  lr: {values: [1, 2]}\n",
         "2:1 unknown key 'early_stopping' in the sweep (did you mean 'early_terminate'?)"),
        ("method: grid\nmetric: {name: loss, gaol: maximize}\nparameters:\n  lr: {values: [1, 2]}\n",
         "2:22 unknown key 'gaol' in metric (did you mean 'goal'?)"),
        ("method: grid\nparameters:\n  lr: {values: [1, 2]}\nearly_terminate: {type: hyperband, min_iters: 3}\n",
         "4:36 unknown key 'min_iters' in early_terminate (did you mean 'min_iter'?)"),
        ("method: grid\nparameters:\n  lr: {values: [1, 2]}\ncontroller: {typ: local}\n",
         "4:14 unknown key 'typ' in controller (did you mean 'type'?)"),
        ("method: grid\nparameters:\n  lr: {distribuiton: uniform, min: 0.1, max: 1.0}\n",
         "3:8 unknown key 'distribuiton' in parameter 'lr' (did you mean 'distribution'?)"),
        ("method: grid\nparameters:\n  lr: {valeus: [1, 2]}\n  bs: {value: 1}\n",
         "3:8 unknown key 'valeus' in parameter 'lr' (did you mean 'values'?)"),
        ("method: grid\nparameters:\n  opt:\n    parameters:\n      lr: {vlaues: [1, 2]}\n  bs: {value: 1}\n",
         "5:12 unknown key 'vlaues' in parameter 'opt.lr' (did you mean 'values'?)"),
        ("method: grid\nparameters:\n  opt:\n    paramters:\n      lr: {values: [1, 2]}\n  bs: {value: 1}\n",
         "4:5 unknown key 'paramters' in parameter 'opt' (did you mean 'parameters'?)"),
        ("method: grid\nparameters:\n  lr: {distribution: log_uniform_value, min: 0.1, max: 1.0}\n",
         "3:22 unknown value 'log_uniform_value' in parameter 'lr' distribution (did you mean 'log_uniform_values'?)"),
    ],
)
def test_unknown_keys_at_every_level(text, expected):
    assert findings(text, "SL002") == [expected]


def test_a_key_of_another_distribution_is_a_spec_problem_not_an_unknown_key():
    text = "method: random\nparameters:\n  noise: {distribution: normal, mu: 0, sigma: 1, min: 0}\n"
    assert findings(text, "SL002") == []
    [message] = findings(text, "SL003")
    assert message.startswith("3:50 `min` does not belong to a normal parameter")


# --- recognition -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "parameters:\n  lr: {values: [1, 2]}\n",                          # parameters alone
        "method: grid\nparameters: [lr, bs]\n",                            # not a mapping of specs
        "method: grid\nparameters:\n  lr: [1, 2]\n  bs: [3]\n",             # plain grids, not W&B specs
        "CMD: python train.py\nHPARAMS:\n  lr: [0.1, 0.01]\n",             # runx
        "- method: grid\n",
    ],
)
def test_non_sweeps_are_skipped_silently(text):
    file = read_config("sweep.yaml", text, False)
    assert file.format is None and not file.is_sweep


def test_loader_semantics_follow_the_file_type():
    assert study_of("method: grid\nparameters:\n  lr: {values: [1e-5]}\n").parameter("lr").values[0].value == "1e-5"
    json_study = study_of('{"method": "grid", "parameters": {"lr": {"values": [1e-5]}}}', path="sweep.json")
    assert json_study.loader == "json" and json_study.parameter("lr").values[0].value == 1e-5


def test_string_bounds_left_by_yaml11_are_kept_for_sl005_not_reported_as_sl003():
    p, study = param("p: {min: 1e-5, max: 1.0e-1}\n")
    assert p.space is Space.UNIFORM and p.low.value == "1e-5" and p.high.value == 0.1
    assert study.problems == ()
    _, study = param("p: {min: '1e-5', max: 0.1}\n")
    assert [pr.code for pr in study.problems] == ["SL003"]


def test_probabilities_under_a_grid_are_rejected():
    text = "method: grid\nparameters:\n  opt: {values: [a, b], probabilities: [0.5, 0.5]}\n"
    [problem] = study_of(text).problems
    assert problem.code == "SL003" and problem.span == Span(3, 41, 3, 49)
    assert "grid search does not take" in problem.message
    assert study_of(text.replace("grid", "random")).problems == ()
