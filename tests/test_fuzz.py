"""Property-based fuzzing: generated and mutated configs and Python files never crash sweeplint, every
position lies inside the file, the output is deterministic, comments and reformatting do not change
what is found, and worker processes give the result of one process.

Short by default (profile "ci"); a long run: `pytest -m fuzz --hypothesis-profile long`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sweeplint.lint import lint_paths
from sweeplint.settings import Settings
from tests.conftest import run_cli

pytestmark = pytest.mark.fuzz

NAMES = ["learning_rate", "lr", "batch_size", "dropout", "weight_decay", "optimizer", "seed", "epochs", "momentum", "x"]
numbers = st.one_of(
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 1e-5, 0.1, 1e30, -1, 2**63]),
)
scalars = st.one_of(numbers, st.text(max_size=8), st.booleans(), st.none())


def wandb_param():
    return st.one_of(
        st.fixed_dictionaries({"distribution": st.sampled_from(
            ["uniform", "log_uniform", "log_uniform_values", "int_uniform", "q_uniform", "normal", "categorical", "nope"]),
            "min": numbers, "max": numbers}, optional={"q": numbers, "mu": numbers, "sigma": numbers}),
        st.fixed_dictionaries({"values": st.lists(scalars, max_size=5)}),
        st.fixed_dictionaries({"value": scalars}),
        st.dictionaries(st.text(max_size=6), scalars, max_size=3),
        scalars,
    )


wandb_doc = st.fixed_dictionaries(
    {"method": st.sampled_from(["random", "grid", "bayes", "x"]),
     "parameters": st.dictionaries(st.sampled_from(NAMES), wandb_param(), max_size=5)},
    optional={"metric": st.fixed_dictionaries({"name": st.sampled_from(["val_loss", "acc"]), "goal": st.sampled_from(["minimize", "maximize", "up"])}),
              "program": st.just("train.py"), "run_cap": numbers},
)

nni_doc = st.dictionaries(
    st.sampled_from(NAMES),
    st.fixed_dictionaries({"_type": st.sampled_from(["uniform", "loguniform", "choice", "randint", "quniform", "normal", "bad"]),
                           "_value": st.lists(numbers, max_size=4)}),
    min_size=1, max_size=5,
)


def _hydra_value():
    num = st.sampled_from(["0", "1", "1e-5", "0.1", "-3", "inf", "nan", "x", ""])
    return st.one_of(
        st.builds(lambda a, b: f"interval({a}, {b})", num, num),
        st.builds(lambda a, b: f"tag(log, interval({a}, {b}))", num, num),
        st.builds(lambda a, b: f"range({a}, {b})", num, num),
        st.builds(lambda xs: f"choice({', '.join(xs)})", st.lists(num, max_size=4)),
        st.text(alphabet="(),: abcint0123456789.e-", max_size=20),
    )


hydra_doc = st.builds(
    lambda params, n: {
        "defaults": [{"override hydra/sweeper": "optuna"}],
        "hydra": {"sweeper": {"_target_": "hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper",
                              "direction": "minimize", "n_trials": n, "params": params}},
    },
    st.dictionaries(st.sampled_from(NAMES), _hydra_value(), max_size=4),
    numbers,
)

python_snippet = st.builds(
    lambda calls, tail: "import optuna\n\ndef objective(trial):\n" + "".join(f"    {c}\n" for c in calls) + f"    return {tail}\n",
    st.lists(st.builds(
        lambda name, kind, a, b, log: f"v = trial.suggest_{kind}({name!r}, {a!r}, {b!r}" + (", log=True)" if log else ")"),
        st.sampled_from(NAMES), st.sampled_from(["float", "int", "uniform", "loguniform", "categorical"]),
        numbers, numbers, st.booleans()), max_size=5),
    st.sampled_from(["v", "0", "(", "trial.number", "[1, 2"]),
)


def mutate(text: str, data) -> str:
    """Delete, duplicate or insert a small piece somewhere."""
    if not text:
        return text
    at = data.draw(st.integers(0, len(text)))
    how = data.draw(st.sampled_from(["delete", "insert", "duplicate", "none"]))
    if how == "delete":
        return text[:at] + text[at + data.draw(st.integers(1, 10)):]
    if how == "insert":
        return text[:at] + data.draw(st.text(alphabet=" \t\n:-[]{}#&*!|>'\"%@`,?0a\r\x00é", max_size=6)) + text[at:]
    if how == "duplicate":
        return text[:at] + text[max(0, at - 20):at] + text[at:]
    return text


def lint_text(name: str, text: str, extra: dict[str, str] | None = None) -> list:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / name).write_text(text, encoding="utf-8", errors="surrogatepass") if "\x00" not in text else (root / name).write_bytes(text.encode("utf-8", "surrogatepass"))
        for other, body in (extra or {}).items():
            (root / other).write_text(body)
        settings_ = Settings(root=root)
        result = lint_paths([str(root / name)], settings_)
        return [(d.code, d.path.replace(folder, ""), d.span.line, d.span.column, d.span.end_line, d.span.end_column, d.message.replace(folder, ""))
                for d in result.diagnostics]


def check_properties(name: str, text: str, extra=None) -> list:
    first = lint_text(name, text, extra)
    assert all(d[0] != "SL999" for d in first), first
    lines = max(1, len(text.splitlines()) + 1)
    for code, path, line, column, end_line, end_column, _ in first:
        if path.endswith(name):
            assert 1 <= line <= lines and column >= 1, (code, line, column, lines)
            assert (end_line, end_column) >= (line, column), (code, line, column, end_line, end_column)
    assert lint_text(name, text, extra) == first, "the output is not deterministic"
    return first


TRAIN = {"train.py": "import wandb\nrun = wandb.init()\nwandb.log({'val_loss': wandb.config.lr})\n"}


def _yaml(doc) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@pytest.mark.parametrize("low, high", [("0", ".nan"), (".nan", "-1"), ("-.inf", "-2"), ("-4", ".inf")])
def test_non_finite_natural_log_bounds_crash_no_rule(low, high):
    # found by the generator below: SL102's whole-number test (and SL409, which asks it) took int(nan)
    text = f"method: random\nparameters:\n  learning_rate:\n    distribution: log_uniform\n    min: {low}\n    max: {high}\n"
    check_properties("sweep.yaml", text, TRAIN)


@given(doc=wandb_doc, data=st.data())
def test_wandb_configs(doc, data):
    text = _yaml(doc)
    found = check_properties("sweep.yaml", text, TRAIN)
    # comments change nothing (the positions in the file included)
    commented = check_properties("sweep.yaml", text + "# a comment\n#\n", TRAIN)
    assert commented == found
    # JSON, compact or indented, says the same thing (positions aside)
    compact = json.dumps(doc, allow_nan=True)
    indented = json.dumps(doc, indent=4, allow_nan=True)
    a = check_properties("sweep.json", compact, TRAIN)
    b = check_properties("sweep.json", indented, TRAIN)
    assert sorted((d[0], d[6]) for d in a) == sorted((d[0], d[6]) for d in b)
    check_properties("sweep.yaml", mutate(text, data), TRAIN)


@given(doc=nni_doc, data=st.data())
def test_nni_search_spaces(doc, data):
    text = json.dumps(doc, allow_nan=True)
    a = check_properties("search_space.json", text)
    b = check_properties("search_space.json", json.dumps(doc, indent=2, allow_nan=True))
    assert sorted((d[0], d[6]) for d in a) == sorted((d[0], d[6]) for d in b)
    check_properties("search_space.json", mutate(text, data))


@given(doc=hydra_doc, data=st.data())
def test_hydra_sweeper_configs(doc, data):
    text = _yaml(doc)
    found = check_properties("config.yaml", text)
    shifted = check_properties("config.yaml", "# header\n" + text)
    assert sorted((d[0], d[2], d[3]) for d in shifted) == sorted((d[0], d[2] + 1, d[3]) for d in found if d[2] > 0)
    check_properties("config.yaml", mutate(text, data))


@given(text=python_snippet, data=st.data())
def test_python_objectives(text, data):
    check_properties("objective.py", text)
    check_properties("objective.py", mutate(text, data))
    check_properties("train.py", mutate(text, data), {"sweep.yaml": "program: train.py\nmethod: random\nparameters:\n  lr:\n    min: 0.0001\n    max: 0.1\n"})


@given(docs=st.lists(wandb_doc, min_size=30, max_size=40))
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
def test_jobs_1_and_jobs_2_agree(docs, tmp_path_factory):
    root = tmp_path_factory.mktemp("jobs")
    (root / "train.py").write_text(TRAIN["train.py"])
    for index, doc in enumerate(docs):
        (root / f"s{index:02d}.yaml").write_text(_yaml(doc))
    one = run_cli("check", ".", "--no-cache", "--jobs", "1", "--output-format", "json", cwd=root)
    two = run_cli("check", ".", "--no-cache", "--jobs", "2", "--output-format", "json", cwd=root)
    assert "Traceback" not in one.stderr + two.stderr
    assert (one.returncode, one.stdout) == (two.returncode, two.stdout)
