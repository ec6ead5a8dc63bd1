"""W&B sweeps judged by W&B's own sweep engine (the `sweeps` package, a test-only dependency).

The oracle is the engine's validator (`schema_violations_from_proposed_config`) plus its run
generation (random sampling, grid enumeration); a Launch sweep first goes through what
`wandb launch-sweep` does with it (it takes `launch` and `scheduler` out and needs exactly one of
`job` and `image_uri`). What the oracle rejects must get an error from sweeplint, what it accepts
must get none (from the rules that judge validity: SL0xx, SL1xx, SL4xx; methodology opinions are
not validity claims), and a sweep the engine accepts with a deprecation warning (the v1 log
distributions) must get SL409 or SL102. Where the engine samples, the values fall where sweeplint's
model of the parameter says they fall.

The generated-case test here runs a couple of hundred examples; tests/test_wandb_oracle_fuzz.py
runs 10,000 under the `fuzz` marker and reports the agreement; tests/test_wandb_oracle_fixed.py
keeps the disagreements found so far as regression tests.
"""

from __future__ import annotations

import copy
import json
import math
import random
import time
import warnings

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sweeplint.diagnostics import Severity
from sweeplint.knowledge import load_knowledge
from sweeplint.lint import check_file, confident, select_rules
from sweeplint.model import Space, number
from sweeplint.read import read_config
from sweeplint.rules import all_rules
from sweeplint.settings import Settings

try:  # the engine is a test-only dependency (it needs numpy < 2, so Python <= 3.12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sweeps import grid_search as engine_grid
        from sweeps.config import schema_violations_from_proposed_config
        from sweeps.config.schema import validate_categorical_prob
        from sweeps.params import HyperParameter
    ENGINE = True
except ImportError:  # pragma: no cover - depends on the environment
    ENGINE = False

needs_engine = pytest.mark.skipif(
    not ENGINE, reason="W&B's sweep engine (`pip install sweeps`, in the test extra for Python < 3.13) is not installed")

ACCEPTS, DEPRECATED, OUTSIDE, REJECTS = "accepts", "deprecated", "samples outside its bounds", "rejects"
_DEPRECATION = "where min/max specify base-e exponents"
# The rules that judge whether W&B can run a sweep; SL110 (an implausible value for the
# parameter's family) is an opinion about the name, not about validity.
_VALIDITY = ("SL0", "SL1", "SL4")
_OPINIONS = ("SL000", "SL110")
_SETTINGS = Settings()
_RULES = select_rules(_SETTINGS, all_rules())
_KNOWLEDGE = load_knowledge(_SETTINGS)
_GRID_CAP = 400

# --- the oracle ---------------------------------------------------------------------------------

_ENGINE_SCHEDULER_KEYS = {"engine", "source", "optimizer", "search_space"}


def is_launch_sweep(config: dict) -> bool:
    scheduler = config.get("scheduler")
    return "launch" in config or (isinstance(scheduler, dict) and bool(scheduler) and not set(scheduler) & _ENGINE_SCHEDULER_KEYS)


def launch_sweep_view(config: dict) -> tuple[dict, list[str]]:
    """The config `wandb launch-sweep` hands to the engine, and what the command refuses itself."""
    config = copy.deepcopy(config)
    launch, scheduler = config.pop("launch", {}), config.pop("scheduler", {})
    if not isinstance(launch, dict) or not isinstance(scheduler, dict):
        return config, ["launch-sweep: launch and scheduler must be mappings"]
    settings_ = scheduler.pop("settings", {})
    if not isinstance(settings_, dict):
        return config, ["launch-sweep: scheduler.settings must be a mapping"]
    scheduler_job = scheduler.get("job")
    method = config.get("method")
    if scheduler_job and not method:
        config["method"] = "custom"
    elif scheduler_job and method != "custom":
        settings_["method"] = method
    if settings_.get("method"):
        config["method"] = settings_["method"]
    problems = []
    job, image = config.get("job"), config.get("image_uri")
    if not job and not image:
        problems.append("launch-sweep: neither job nor image_uri")
    elif job and image:
        problems.append("launch-sweep: both job and image_uri")
    if scheduler.get("resource") == "local-process" and (scheduler_job or scheduler.get("docker_image")):
        problems.append("launch-sweep: local-process resource with a scheduler job or docker image")
    return config, problems


def engine_verdict(config: dict) -> tuple[str, list[str]]:
    """REJECTS with the engine's reasons; or what it accepts: ACCEPTS, DEPRECATED (with a warning
    about a v1 log distribution) or OUTSIDE (random search draws values outside the bounds), with
    the warnings."""
    if is_launch_sweep(config):
        config, problems = launch_sweep_view(config)
        if problems:
            return REJECTS, problems
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            violations = schema_violations_from_proposed_config(copy.deepcopy(config))
    except Exception as exc:  # noqa: BLE001 - the engine raises on some malformed configs
        return REJECTS, [f"{type(exc).__name__}: {exc}"]
    rejected = [v for v in violations if _DEPRECATION not in v] + nested_probability_problems(config)
    if rejected:
        return REJECTS, rejected
    problem = run_generation_problem(config)
    if problem:
        return REJECTS, [problem]
    outside = samples_outside(config)
    if violations:
        return DEPRECATED, violations + outside
    return (OUTSIDE, outside) if outside else (ACCEPTS, [])


def nested_probability_problems(config: dict) -> list[str]:
    """The engine checks values against probabilities for top-level parameters only; a nested
    parameter with the same mismatch samples with the wrong weights, so it is held to the same rule."""
    out = []
    if isinstance(config.get("parameters"), dict):
        for name, spec in engine_parameters(config["parameters"]).items():
            if "." in name and isinstance(spec, dict) and isinstance(spec.get("values"), list) and isinstance(spec.get("probabilities"), list):
                try:
                    validate_categorical_prob(name, spec)
                except (ValueError, TypeError) as exc:
                    out.append(str(exc))
    return out


def engine_parameters(parameters: dict, prefix: str = "") -> dict[str, dict]:
    """The leaf parameters by dotted name, as the engine reads them."""
    out = {}
    for name, spec in parameters.items():
        if isinstance(spec, dict) and set(spec) == {"parameters"} and isinstance(spec["parameters"], dict):
            out.update(engine_parameters(spec["parameters"], f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = spec
    return out


def run_generation_problem(config: dict) -> str | None:
    """Why the engine cannot make a run from a schema-valid sweep (None when it can)."""
    if "parameters" not in config:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            specs = engine_parameters(config["parameters"])
            params = {name: HyperParameter(name, spec) for name, spec in specs.items()}
            if config.get("method") == "grid":
                for spec in specs.values():
                    engine_grid.grid_search_next_runs([], {"method": "grid", "parameters": {"x": grid_sample(spec)}}, n=1)
            for param in params.values():
                for x in (0.0, 0.5, 1.0):
                    value = param.ppf(x)
                    if isinstance(value, float) and math.isnan(value):
                        return f"{param.name} samples NaN"
    except Exception as exc:  # noqa: BLE001
        return f"run generation fails: {type(exc).__name__}: {exc}"
    return None


# The engine's grid search lists the whole product of the parameters' grids (and hashes every
# point) before it makes the first run: four fine `q_uniform` grids are billions of tuples, which
# is why a 10,000-case run never finished. Building the product cannot fail where each factor was
# built, so each parameter's grid is built by the engine on its own, and a grid of more than
# _GRID_POINTS points over its first _GRID_POINTS (`range` and `arange` fail on the types and
# signs of the bounds and step, never on a later point).
_GRID_POINTS = 1000


def grid_sample(spec):
    """`spec` with at most _GRID_POINTS grid points and the same types."""
    if not isinstance(spec, dict) or not all(_real(spec.get(k)) for k in ("min", "max")):
        return spec
    low, high, q = spec["min"], spec["max"], spec.get("q", 1.0)
    integer = spec.get("distribution") == "int_uniform" or ("distribution" not in spec and isinstance(low, int) and isinstance(high, int))
    if integer and isinstance(low, int) and isinstance(high, int) and high - low > _GRID_POINTS:
        return {**spec, "max": low + _GRID_POINTS}
    if spec.get("distribution") == "q_uniform" and _real(q) and q > 0 and (high - low) / q > _GRID_POINTS:
        return {**spec, "max": low + _GRID_POINTS * q}
    return spec


def _real(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def samples_outside(config: dict) -> list[str]:
    """Random search rounds a quantized draw to a multiple of q, which can leave [min, max]."""
    if config.get("method") == "grid" or "parameters" not in config:
        return []
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, spec in engine_parameters(config["parameters"]).items():
            param = HyperParameter(name, spec)
            if param.type not in (HyperParameter.Q_UNIFORM, HyperParameter.Q_LOG_UNIFORM_V2):
                continue
            low, high = float(param.ppf(0.0)), float(param.ppf(1.0))
            tol = 1e-9 * max(1.0, abs(spec["min"]), abs(spec["max"]))
            if low < spec["min"] - tol or high > spec["max"] + tol:
                out.append(f"{name} draws {low} .. {high}")
    return out


# --- sweeplint's side ----------------------------------------------------------------------------


def as_text(config: dict, fmt: str) -> str:
    # `wandb sweep` reads YAML with safe_load, which safe_dump round-trips exactly.
    return json.dumps(config) if fmt == "json" else yaml.safe_dump(config, sort_keys=False)


def sweeplint_file(config: dict, fmt: str = "yaml"):
    # Not explicit: the sweep must be recognised the way a directory is checked.
    return read_config(f"sweep.{fmt}", as_text(config, fmt), False)


def validity_findings(config: dict, fmt: str = "yaml") -> list:
    file = sweeplint_file(config, fmt)
    found = confident(check_file(file, _RULES, _SETTINGS, knowledge_loader=lambda: _KNOWLEDGE), _SETTINGS)
    return [d for d in found if d.code.startswith(_VALIDITY) and d.code not in _OPINIONS]


def disagreement(config: dict, fmt: str = "yaml") -> str | None:
    """None when sweeplint and the engine agree on `config`, else what differs."""
    verdict, reasons = engine_verdict(config)
    found = validity_findings(config, fmt)
    errors = [d for d in found if d.severity is Severity.ERROR]
    shown = [f"{d.code} {d.message}" for d in found]
    if verdict == REJECTS and not errors:
        return f"W&B's engine finds it invalid ({reasons}) but sweeplint reports no error: {shown}"
    outside = [r for r in reasons if " draws " in r]
    allowed = set()
    if outside:
        allowed.add("SL004")
        if not any(d.code == "SL004" for d in found):
            return f"W&B draws values outside the bounds ({outside}) but sweeplint does not say so: {shown}"
    if verdict == DEPRECATED:
        allowed.add("SL102")
        if not any(d.code in ("SL409", "SL102") for d in found):
            return f"W&B warns ({reasons}) but sweeplint reports no deprecation: {shown}"
    if verdict != REJECTS and any(d.code not in allowed for d in errors):
        return f"W&B accepts it ({reasons}) but sweeplint reports errors: {shown}"
    return None


# --- where sampled values fall -------------------------------------------------------------------


def sampling_mismatches(config: dict, draws: int = 40) -> list[str]:
    """Values the engine draws (random search) or enumerates (grid) outside what sweeplint's
    model of each parameter says: the bounds, integer typing, quantisation, the grid values."""
    file = sweeplint_file(config)
    [study] = file.studies
    specs = engine_parameters(config["parameters"])
    out = []
    rng = random.Random(0)
    for p in study.parameters:
        spec = specs.get(p.name)
        if spec is None or p.space is Space.UNKNOWN:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            param = HyperParameter(p.name, spec)
            if config["method"] == "grid":
                runs = engine_grid.grid_search_next_runs([], {"method": "grid", "parameters": {"x": spec}}, n=_GRID_CAP)
                values = [r.config["x"]["value"] for r in runs if r is not None]
            else:
                # (the extreme quantiles, not 0 and 1 exactly: scipy's discrete ppf(0) is min - 1,
                # a draw random.uniform never makes)
                values = [param.ppf(x) for x in (1e-12, 1 - 1e-12, *(rng.random() for _ in range(draws)))]
        for value in values:
            problem = _outside(p, value, grid=config["method"] == "grid")
            if problem:
                out.append(f"{p.name}={value!r}: {problem}")
                break
    return out


def _outside(p, value, grid: bool) -> str | None:
    if p.space in (Space.CONSTANT, Space.CATEGORICAL):
        return None if any(value == v.value for v in p.values) else "not one of the listed values"
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if p.integer and not isinstance(value, int) and not (hasattr(value, "is_integer") and type(value).__name__.startswith("int")):
        if not float(value).is_integer() or type(value) is float:
            return "sweeplint says integers, the engine gives a float"
    low, high = number(p.low), number(p.high)
    if low is None or high is None:
        return None
    if p.exponent_bounds:
        base = p.base or math.e
        low, high = (base ** -high, base ** -low) if (p.distribution or "").startswith("inv_") else (base ** low, base ** high)
    tol = 1e-9 * max(1.0, abs(low), abs(high))
    q = number(p.q) if p.q is not None else None
    if q is not None and p.space is Space.QUANTIZED:
        if grid:
            # the grid enumerates min, min + q, ... below max
            steps = (value - low) / q
            if value < low - tol or value > high + tol or abs(steps - round(steps)) > 1e-6:
                return f"not on the grid {low} + k*{q} within {low} .. {high}"
            return None
        if abs(value / q - round(value / q)) > 1e-6:
            return f"not a multiple of q={q}"
        low, high = round(low / q) * q, round(high / q) * q
    if not (low - tol <= value <= high + tol):
        return f"outside {low} .. {high}"
    return None


# --- generated sweeps ----------------------------------------------------------------------------

DISTRIBUTIONS = [
    "constant", "categorical", "categorical_w_probabilities", "int_uniform", "uniform", "q_uniform",
    "log_uniform", "log_uniform_values", "q_log_uniform", "q_log_uniform_values", "inv_log_uniform",
    "inv_log_uniform_values", "normal", "q_normal", "log_normal", "q_log_normal", "beta", "q_beta",
]
GOOD_NAMES = ["a", "b_2", "_c", "opt.lr", "layer-size", "units"]
BAD_NAMES = ["1a", "a b", "-x"]

ints = st.integers(-3, 40)
floats = st.one_of(st.floats(-3, 40, allow_nan=False).map(lambda x: round(x, 3)), st.sampled_from([0.0, 1.0, 0.5, 1e-4, 2.0]))
numbers = st.one_of(ints, floats)
scalars = st.one_of(ints, floats, st.sampled_from(["adam", "sgd", "x", ""]), st.booleans(), st.none())


def _bounded(draw, dist: str | None) -> dict:
    spec: dict = {} if dist is None else {"distribution": dist}
    low = draw(numbers)
    if draw(st.integers(0, 5)):  # mostly a proper range, sometimes any two numbers
        high = low + draw(st.one_of(st.integers(1, 30), floats.filter(lambda x: x > 0)))
    else:
        high = draw(numbers)
    if isinstance(low, float) and isinstance(high, int) and draw(st.booleans()):
        high = float(high)
    if dist in ("log_uniform", "q_log_uniform", "inv_log_uniform") and draw(st.booleans()):
        low, high = -abs(low) % 9 - 9, -abs(low) % 9 - 9 + draw(st.integers(1, 8))  # plausible exponents
    if draw(st.integers(0, 24)) == 0:
        low = draw(st.sampled_from(["1", None, [1]]))
    spec["min"], spec["max"] = low, high
    if dist and dist.startswith("q_") and draw(st.booleans()):
        spec["q"] = draw(st.one_of(st.sampled_from([1, 2, 0.5, 0.1, 0.25, 1, 0, -1]), floats.filter(lambda x: x != 0)))
    return spec


@st.composite
def parameter_spec(draw, depth: int = 0):
    kind = draw(st.integers(0, 15))
    if kind == 0:
        return {"value": draw(scalars)}
    if kind == 1:
        spec = {"values": draw(st.lists(scalars, min_size=0 if draw(st.integers(0, 15)) == 0 else 1, max_size=4))}
        if draw(st.integers(0, 7)) == 0:
            spec["distribution"] = draw(st.sampled_from(["categorical", "uniform"]))
        return spec
    if kind == 2:
        values = draw(st.lists(scalars, min_size=1, max_size=3))
        probabilities = draw(st.one_of(
            st.just([round(1 / len(values), 6)] * len(values)),
            st.just([1.0] + [0.0] * (len(values) - 1)),
            st.lists(st.sampled_from([0.5, 0.25, 0.1, -0.5, 1.0]), min_size=1, max_size=3)))
        return {"values": values, "probabilities": probabilities}
    if kind in (3, 4, 5, 6):
        dist = draw(st.one_of(st.none(), st.sampled_from(DISTRIBUTIONS[3:12])))
        return _bounded(draw, dist)
    if kind == 7:
        dist = draw(st.sampled_from(DISTRIBUTIONS[12:] * 3 + ["nope"]))
        own = {"normal": "mu sigma", "log_normal": "mu sigma", "q_normal": "mu sigma q", "q_log_normal": "mu sigma q",
               "beta": "a b", "q_beta": "a b q"}.get(dist, "mu")
        spec = {"distribution": dist}
        for key in draw(st.sets(st.sampled_from(own.split() + (["a"] if draw(st.integers(0, 9)) == 0 else [])), max_size=3)):
            spec[key] = draw(st.one_of(numbers.filter(lambda x: x > 0), st.sampled_from([-1, 0.5, 0])))
        return spec
    if kind == 8:  # misspelt keys
        return draw(st.sampled_from([{"valeus": [1, 2]}, {"vaules": ["a"]}, {"minimum": 1, "max": 3},
                                     {"min": 0.1, "max": 1.0, "distrbution": "uniform"}, {"value": 1, "vlaue": 2}]))
    if kind == 9 and depth == 0:
        return {"parameters": draw(parameters(depth=1))}
    if kind == 10:  # keys that do not belong together
        return draw(st.sampled_from([{"value": 1, "values": [1, 2]}, {"min": 1, "max": 2, "mu": 0},
                                     {"distribution": "normal", "min": 0, "max": 1}, {"values": 3},
                                     {"distribution": "int_uniform", "min": 1.5, "max": 4},
                                     {"distribution": "int_uniform", "min": 1, "max": 4.0}]))
    return _bounded(draw, draw(st.sampled_from(["int_uniform", "q_uniform", "uniform", "log_uniform_values"])))


@st.composite
def parameters(draw, depth: int = 0):
    names = draw(st.lists(st.sampled_from(GOOD_NAMES), min_size=0 if depth == 0 and draw(st.integers(0, 30)) == 0 else 1,
                          max_size=4, unique=True))
    if draw(st.integers(0, 40)) == 0:
        names.append(draw(st.sampled_from(BAD_NAMES)))
    return {name: draw(parameter_spec(depth)) for name in names}


def metric(draw) -> dict:
    out = {"name": draw(st.sampled_from(["val_loss", "score", "val/acc"]))}
    if draw(st.integers(0, 30)) == 0:
        out["name"] = 3
    if draw(st.booleans()):
        out["goal"] = draw(st.sampled_from(["minimize", "maximize", "maximize", "up"]))
    for key, choices in (("target", [0.9, 1, "high"]), ("impute", ["worst", "best", "zero"]),
                         ("impute_while_running", ["false", "latest", False])):
        if draw(st.integers(0, 10)) == 0:
            out[key] = draw(st.sampled_from(choices))
    if draw(st.integers(0, 40)) == 0:
        out["goa"] = "maximize"
    return out


@st.composite
def sweep_configs(draw):
    config: dict = {}
    if draw(st.integers(0, 30)):
        config["method"] = draw(st.sampled_from(["grid", "random", "random", "bayes", "bayes", "custom"] * 4 + ["Random", "grdi"]))
    if draw(st.integers(0, 2)):
        config["metric"] = metric(draw)
    if draw(st.integers(0, 8)) == 0:
        config["metrics"] = draw(st.one_of(st.lists(st.builds(dict, name=st.sampled_from(["a", "b"])), max_size=3),
                                           st.just({"name": "a"}), st.just([{"name": "a"}, {"name": "b", "goal": "maximize"}])))
        if draw(st.booleans()):
            config["method"] = "custom"
            config.pop("metric", None)
    if "method" not in config and "metric" not in config:
        config["metric"] = metric(draw)
    if draw(st.integers(0, 10)) == 0 and "scheduler" not in config:
        config["early_terminate"] = draw(st.sampled_from([
            {"type": "hyperband", "min_iter": 3}, {"type": "hyperband", "max_iter": 27, "s": 2},
            {"type": "hyperband", "max_iter": 27}, {"type": "hyperband", "min_iter": 0}, {"type": "median"},
            {"type": "hyperband", "min_iter": 3, "eta": 1}, {"type": "hyperband", "min_iter": 3, "strict": "yes"}]))
    if draw(st.integers(0, 10)) == 0:
        config["controller"] = draw(st.sampled_from([{"type": "local"}, {"type": "cloud"}, {"type": "remote"}, {}]))
    if draw(st.integers(0, 8)) == 0:
        config["scheduler"] = draw(st.sampled_from([
            {"engine": "optuna"}, {"engine": "ax", "source": "opt.py", "optimizer": "build"}, {"engine": "wandb"},
            {"engine": "hyperopt"}, {"source": "opt.py"}, {"engine": "optuna", "search_space": "space"}]))
    elif draw(st.integers(0, 10)) == 0:
        config["scheduler"] = draw(st.sampled_from([
            {"job": "me/p/scheduler:latest"}, {"job": "me/p/scheduler:latest", "resource": "local-process"},
            {"num_workers": 4}, {"settings": {"method": "bayes"}}, {"resource": "local-container", "docker_image": "img"}]))
    if draw(st.integers(0, 10)) == 0 and not set(config.get("scheduler", {})) & _ENGINE_SCHEDULER_KEYS:
        # (`wandb launch-sweep` drops an engine scheduler unread: a mix the generator leaves out)
        config["launch"] = {"queue": "default"}
    if draw(st.integers(0, 6)) == 0 or (is_launch_sweep(config) and draw(st.integers(0, 3))):
        config[draw(st.sampled_from(["job", "image_uri"]))] = "me/p/train:latest"
    if draw(st.integers(0, 25)) == 0:
        config["job"], config["image_uri"] = "me/p/train:latest", "img:1"
    if draw(st.integers(0, 6)) == 0:
        config["run_cap"] = draw(st.sampled_from([10, 20, 0, 2.5]))
    if draw(st.integers(0, 4)) == 0:
        config["program"] = draw(st.sampled_from(["train.py", "train.py", 7]))
    if draw(st.integers(0, 30)) == 0:
        config[draw(st.sampled_from(["early_stop", "paramters", "kind"]))] = "sweep"
    config["parameters"] = draw(parameters())
    return config


def check_agreement(config: dict) -> None:
    problem = disagreement(config)
    assert problem is None, f"{problem}\n{yaml.safe_dump(config, sort_keys=False)}"


@needs_engine
@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(sweep_configs())
def test_sweeplint_agrees_with_the_engine_on_generated_sweeps(config):
    check_agreement(config)


@needs_engine
def test_the_oracle_judges_a_fine_grid_without_listing_its_product():
    # 40,000 points per parameter: the engine's own product would be 2.56e18 tuples.
    config = {"method": "grid", "parameters": {n: {"distribution": "q_uniform", "min": 0, "max": 40, "q": 0.001} for n in "abcd"}}
    start = time.monotonic()
    assert engine_verdict(config)[0] == ACCEPTS
    assert time.monotonic() - start < 60
    # A grid that cannot be built still fails on its first points: int_uniform with a float bound.
    assert engine_verdict({"method": "grid", "parameters": {"a": {"distribution": "int_uniform", "min": 0, "max": 4000.5}}})[0] == REJECTS


@st.composite
def sampleable_sweeps(draw):
    """Valid random or grid sweeps over bounded parameters, for comparing sampled values."""
    method = draw(st.sampled_from(["random", "grid"]))
    names = draw(st.lists(st.sampled_from(GOOD_NAMES), min_size=1, max_size=3, unique=True))
    params = {}
    for name in names:
        dists = ["int_uniform", "q_uniform", "categorical"] if method == "grid" else DISTRIBUTIONS[3:12]
        dist = draw(st.sampled_from(dists))
        if dist == "categorical":
            params[name] = {"values": draw(st.lists(scalars, min_size=1, max_size=4))}
            continue
        low = draw(ints if dist == "int_uniform" else numbers)
        width = draw(st.integers(1, 30) if dist == "int_uniform" or isinstance(low, int) and draw(st.booleans()) else st.floats(0.05, 30).map(lambda x: round(x, 3)))
        spec = {"distribution": dist, "min": low, "max": low + width}
        if "log" in dist and dist.endswith("_values"):
            spec["min"], spec["max"] = abs(low) + 0.01, abs(low) + 0.01 + width
        if dist.startswith("q_"):
            spec["q"] = draw(st.sampled_from([1, 2, 0.5, 0.25, 0.1]))
        if dist in ("log_uniform", "q_log_uniform", "inv_log_uniform"):
            spec["min"], spec["max"] = -abs(low) % 5 - 4, -abs(low) % 5 - 4 + min(width, 6)
        params[name] = spec
    return {"method": method, "parameters": params}


@needs_engine
@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(sampleable_sweeps())
def test_sampled_values_fall_where_sweeplint_says(config):
    if engine_verdict(config)[0] == REJECTS:
        return
    assert sampling_mismatches(config) == [], yaml.safe_dump(config, sort_keys=False)
