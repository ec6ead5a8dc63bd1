"""Differential tests: sweeplint's reading of `trial.suggest_*` calls against Optuna itself.

Hypothesis writes one suggest call (random bounds, step, log, choices; empty, reversed, equal,
non-finite and non-dividing ones included) into a tiny objective. The same call runs on a real
Optuna trial (an in-memory study with RandomSampler). Optuna rejecting it must give an error
finding; Optuna accepting it must give none; and every value Optuna samples must lie where
sweeplint's model says (inside the bounds, on the step grid, among the choices).

About 200 examples run in the default suite; 10,000 with
`python -m pytest -m fuzz -p no:cacheprovider tests/test_optuna_oracle.py -s`, which prints the tally.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sweeplint.diagnostics import Severity
from sweeplint.lint import lint_paths
from sweeplint.model import Parameter, Space, number
from sweeplint.read import read_path
from sweeplint.settings import Settings
from lintkit import shown

optuna = pytest.importorskip("optuna")
optuna.logging.set_verbosity(optuna.logging.ERROR)

SAMPLES = 4  # trials per example: values Optuna draws for the call


@dataclass(frozen=True)
class Call:
    method: str
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...] = ()

    def source(self) -> str:
        parts = ['"x"'] + [_literal(a) for a in self.args] + [f"{k}={_literal(v)}" for k, v in self.kwargs]
        return (
            "import optuna\n\n\n"
            "def objective(trial):\n"
            f"    x = trial.{self.method}({', '.join(parts)})\n"
            "    return x\n\n\n"
            "study = optuna.create_study(sampler=optuna.samplers.RandomSampler())\n"
            "study.optimize(objective, n_trials=20)\n"
        )


def _literal(value: Any) -> str:
    if isinstance(value, float) and math.isnan(value):
        return 'float("nan")'
    if isinstance(value, float) and math.isinf(value):
        return '-float("inf")' if value < 0 else 'float("inf")'
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + "".join(_literal(v) + ", " for v in value).rstrip(" ") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


# --- what Optuna does ------------------------------------------------------------------------


def run_optuna(call: Call) -> tuple[bool, list[Any]]:
    """(rejected, sampled values): the call on real trials of an in-memory study."""
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    values = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            for _ in range(SAMPLES):
                trial = study.ask()
                values.append(getattr(trial, call.method)("x", *call.args, **dict(call.kwargs)))
        except Exception:  # noqa: BLE001 - any exception is Optuna refusing the call
            return True, []
    return False, values


# --- what sweeplint says ---------------------------------------------------------------------


def run_sweeplint(call: Call, root) -> tuple[list[str], Parameter | None]:
    """(error findings as "CODE message" with their help, the parameter in sweeplint's model)."""
    text = call.source()
    result = lint_paths([], Settings(root=root, studies=()), stdin=("objective.py", text))
    errors = [f"{d.code} {shown(d)}" for d in result.diagnostics if d.severity is Severity.ERROR]
    studies = read_path("objective.py", explicit=True, text=text).studies
    params = [p for s in studies for p in s.parameters if p.name == "x"]
    return errors, params[0] if params else None


def outside_model(p: Parameter | None, value: Any) -> str | None:
    """Why a sampled value is not where the model says it can be (None when it is)."""
    if p is None:
        return "no parameter in the model"
    if p.space is Space.CATEGORICAL:
        return None if any(_same_choice(value, v.value) for v in p.values) else f"{value!r} not among the choices"
    if p.space not in (Space.UNIFORM, Space.INT, Space.QUANTIZED):
        return f"the model's space is {p.space.value}"
    low, high = number(p.low), number(p.high)
    if low is None or high is None:
        return "the model has no numeric bounds"
    if p.integer and not isinstance(value, int):
        return f"{value!r} is not an integer"
    if not low <= value <= high:
        return f"{value!r} outside [{low}, {high}]"
    step = number(p.q) if p.q is not None else (1 if p.integer else None)
    if step:
        k = (value - low) / step
        if abs(k - round(k)) > 1e-6:
            return f"{value!r} not on the grid {low} + k * {step}"
    return None


def _same_choice(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def disagreement(call: Call, root) -> str | None:
    return disagreement_with(call, root)


def disagreement_with(call: Call, root, rejected: bool | None = None) -> str | None:
    """How sweeplint and Optuna disagree on the call (None when they agree). `rejected`, when given,
    is Optuna's verdict found another way (constructing the distribution the call builds)."""
    refused, values = run_optuna(call)
    rejected = refused if rejected is None else rejected
    errors, param = run_sweeplint(call, root)
    if rejected and not errors:
        return "Optuna raises but sweeplint reports no error"
    if not rejected and errors:
        return f"Optuna accepts but sweeplint reports {errors}"
    for value in values if not rejected else ():
        why = outside_model(param, value)
        if why is not None:
            return f"Optuna sampled {value!r}: {why}"
    return None


# --- generated calls -------------------------------------------------------------------------

_edge_floats = st.sampled_from([0.0, 1.0, -1.0, 0.5, 1e-5, 1e-3, 0.1, 10.0, 1e3, math.inf, -math.inf, math.nan])
floats = st.one_of(_edge_floats, st.floats(-1e4, 1e4, allow_nan=False), st.integers(-5, 100))
ints = st.one_of(st.integers(-5, 10), st.integers(-1000, 1000), st.sampled_from([0, 1, 2, 1024]))
steps = st.one_of(st.sampled_from([0.1, 0.25, 0.3, 0.5, 1.0, 2.0, 0.0, -0.5]), st.floats(0.001, 100), st.integers(-1, 5))
int_steps = st.one_of(st.integers(-2, 7), st.sampled_from([1, 2, 3, 0.5]))
choice = st.one_of(st.integers(-3, 3), st.sampled_from(["adam", "sgd", "", "1e-3"]), st.none(), st.booleans(),
                   st.sampled_from([0.5, 1.0, 1e-4]))


def _optional(name: str, values) -> st.SearchStrategy:
    return st.one_of(st.just(()), values.map(lambda v: ((name, v),)))


@st.composite
def suggest_calls(draw) -> Call:
    method = draw(st.sampled_from(["suggest_float", "suggest_int", "suggest_categorical", "suggest_uniform",
                                   "suggest_loguniform", "suggest_discrete_uniform"]))
    if method == "suggest_categorical":
        return Call(method, (draw(st.lists(choice, max_size=4)),))
    if method == "suggest_int":
        low = draw(ints)
        high = draw(st.one_of(ints, st.just(low), st.integers(low, low + 50)))
        kwargs = draw(_optional("step", int_steps)) + draw(_optional("log", st.booleans()))
        return Call(method, (low, high), kwargs)
    low = draw(floats)
    high = draw(st.one_of(floats, st.just(low), st.floats(0, 1e3).map(lambda d: low + d if math.isfinite(low) else d)))
    if method == "suggest_float":
        kwargs = draw(_optional("step", st.one_of(steps, st.none()))) + draw(_optional("log", st.booleans()))
        return Call(method, (low, high), kwargs)
    if method == "suggest_discrete_uniform":
        return Call(method, (low, high, draw(steps)))
    return Call(method, (low, high))


# --- the tests -------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(call=suggest_calls())
def test_sweeplint_agrees_with_optuna(call, tmp_path):
    assert disagreement(call, tmp_path) is None, call.source()


def agreement(examples: int, root) -> tuple[Counter, list]:
    """(tally of agreements and of Optuna's verdicts, the disagreements) over generated calls."""
    tally: Counter = Counter()
    disagreements: list = []

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(call=suggest_calls())
    def one(call):
        problem = disagreement(call, root)
        tally["disagree" if problem else "agree"] += 1
        if problem:
            disagreements.append((call.source().splitlines()[4].strip(), problem))

    one()
    return tally, disagreements


@pytest.mark.fuzz
def test_sweeplint_agrees_with_optuna_long(tmp_path, request):
    if "fuzz" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("the long run: select it with -m fuzz")
    tally, disagreements = agreement(10_000, tmp_path)
    total = tally["agree"] + tally["disagree"]
    print(f"\nOptuna oracle: {tally['agree']}/{total} generated suggest calls agree")
    for call, problem in disagreements:
        print("---", call, problem)
    assert tally["agree"] >= 0.99 * total, disagreements[:10]


# --- fixed cases: each once missed or mis-told ----------------------------------------------

REGRESSIONS = [
    # (call, code, fragment of the message)
    (Call("suggest_float", (1e-4, 1.0), (("step", 0.1), ("log", True))), "SL003", "Drop step to search on a log scale"),
    (Call("suggest_int", (1, 64), (("step", 2), ("log", True))), "SL003", "a log scale takes only step=1"),
    (Call("suggest_categorical", ([],)), "SL003", "The `choices` must contain one or more elements"),
    (Call("suggest_int", (0.5, 64), (("log", True),)), "SL003", "`low >= 1` must hold for `log=True`"),
    (Call("suggest_int", (0, 64), (("log", True),)), "SL004", "e.g. 1"),
    (Call("suggest_float", (0.0, math.inf)), "SL003", "not a finite number"),
    (Call("suggest_discrete_uniform", (math.nan, 1.0, 0.1)), "SL003", "not a finite number"),
    (Call("suggest_discrete_uniform", (math.inf, math.inf, 0.5)), "SL003", "not a finite number"),
    (Call("suggest_loguniform", (-math.inf, -math.inf)), "SL003", "a log scale needs a positive lower bound"),
    (Call("suggest_int", (0, 10), (("step", 0.5),)), "SL003", "ZeroDivisionError"),
]


@pytest.mark.parametrize("call, code, fragment", REGRESSIONS, ids=[c.source().splitlines()[4].strip() for c, _, _ in REGRESSIONS])
def test_fixed_disagreements(call, code, fragment, tmp_path):
    assert run_optuna(call)[0], "Optuna accepts this call: the case is wrong"
    errors, _ = run_sweeplint(call, tmp_path)
    assert any(e.startswith(code) and fragment in e for e in errors), errors
    assert disagreement(call, tmp_path) is None


def test_fixes_that_messages_propose_are_accepted_by_optuna(tmp_path):
    # A wide linear float range with a step: the advice is a log scale, and Optuna refuses step with log.
    wide = Call("suggest_float", (0.001, 10.0), (("step", 0.001),))
    text = wide.source().replace('"x"', '"weight_decay"')
    result = lint_paths([], Settings(root=tmp_path, studies=()), stdin=("objective.py", text))
    (advice,) = [d.help for d in result.diagnostics if d.code == "SL101"]
    assert "log=True) with no step" in advice
    assert not run_optuna(Call("suggest_float", (0.001, 10.0), (("log", True),)))[0]
    # An integer log range from 0: the proposed lower bound is one Optuna takes.
    (bound,) = [e for e in run_sweeplint(Call("suggest_int", (0, 64), (("log", True),)), tmp_path)[0] if e.startswith("SL004")]
    proposed = int(bound.rsplit("e.g. ", 1)[1].rstrip("."))
    assert not run_optuna(Call("suggest_int", (proposed, 64), (("log", True),)))[0]


@pytest.mark.parametrize("bound", ["10**5000", "(10**9999)**9999", "-(2**5000)", "1" + "0" * 5000])
def test_huge_integer_bounds_are_cheap_and_crash_no_rule(bound, tmp_path):
    text = Call("suggest_int", (1, 2)).source().replace("1, 2)", f"1, {bound})")
    result = lint_paths([], Settings(root=tmp_path, studies=()), stdin=("objective.py", text))
    assert not [d for d in result.diagnostics if d.code == "SL999"], result.diagnostics
