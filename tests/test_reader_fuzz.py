"""No reader turns a file into SL999: mutated and random inputs for every reader.

Each case starts from one valid sweep per reader (tests/reader_seeds.py: W&B YAML, JSON and Python,
Hydra, Optuna, Ray, Katib, Determined, NNI) and applies seeded mutations: structural edits (a node of the parsed document replaced by a random
value or a key renamed, written back as YAML or JSON), text edits (deletions,
insertions of syntax characters, duplicated and swapped lines, changed indentation, splices of
another seed) and value edits (a number or string replaced by NaN, infinities, huge or negative
numbers, other types, nested lists and mappings, Python expressions), or replaces it by random
text. Reading the result (named on the command line or found in a folder) must not raise, and
checking it with every rule must give no SL999.

Case i is drawn from random.Random(i), so a failure names the seed that reproduces it. The default
suite runs 300 cases; `python -m pytest -m fuzz tests/test_reader_fuzz.py -s` runs 10,000.
"""

from __future__ import annotations

import json
import math
import random
import re

import pytest
import yaml

from reader_seeds import SEEDS
from sweeplint.knowledge import load_knowledge
from sweeplint.lint import check_file, select_rules
from sweeplint.read import read_path
from sweeplint.rules import all_rules
from sweeplint.settings import Settings

_SETTINGS = Settings()
_RULES = select_rules(_SETTINGS, all_rules())
_KNOWLEDGE = load_knowledge(_SETTINGS)

_SYNTAX = [":", ": ", "-", "- ", "{", "}", "[", "]", ",", "#", "&a ", "*a", "!!str ", "!!python/name:os.system ", "'", '"',
           "|", ">", "%", "@", "`", "?", "\t", "\n", "\n  ", "\r", "\x00", "\ufeff", "é", "(", ")", "\\", "=", "*", "**",
           "${", "${oc.env:X}", "<<: *a", "~", "..", "e", "e999", "0x", "_", "lambda", "yield", "await ", "def ", "    "]
_YAML_VALUES = [".nan", ".inf", "-.inf", "nan", "inf", "1e999", "-1e999", "1e-400", "0", "-0", "-1", "0.0", "1.5",
                "99999999999999999999999999", "-99999999999999999999", "0x1F", "0o17", "1_000", "1:30", "3e", "true",
                "off", "yes", "null", "~", "''", '""', "[]", "{}", "[1, [2, [3]]]", "{a: {b: c}}", "[.nan, .inf]",
                "'1e-5'", "2001-12-14", "!!binary aGVsbG8=", "!!float 1", "!!int x", "&x 1", "*x", "int(inf)",
                "int(nan)", "interval(inf, nan)", "range(1e999)", "choice()", "tag(log)", "float(-inf)", "str()",
                "interval(1, 0)", "range(0, 10, 0)", "shuffle(sort())", "choice(a=1)", "glob(*, exclude=[])"]
_PY_VALUES = ["float('nan')", "float('inf')", "-float('inf')", "1e999", "10**400", "-10**400", "0", "-1", "None",
              "True", "[]", "{}", "()", "''", "'x'", "[1, [2]]", "{'a': {'b': 1}}", "lambda x: x", "*args", "**kw",
              "x", "a.b.c", "f(1)", "(1 if x else 2)", "[i for i in range(3)]", "1j", "b'x'", "f'{x}'", "...", "not x",
              "'a' + 'b'", "2 ** -1074", "math.inf", "np.nan", "LOW", "-LOW", "{**x}", "[*x]"]
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d*)?(?:[eE]-?\d+)?(?![\w.])")
_STRING = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")


def _replace_value(rng: random.Random, text: str, python: bool) -> str:
    pattern = _NUMBER if rng.random() < 0.6 else _STRING
    matches = list(pattern.finditer(text)) or list(_NUMBER.finditer(text))
    if not matches:
        return text
    m = rng.choice(matches)
    value = rng.choice(_PY_VALUES if python else _YAML_VALUES)
    return text[:m.start()] + value + text[m.end():]


def _edit_text(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    how = rng.randrange(7)
    at = rng.randrange(len(text) + 1)
    if how == 0:
        return text[:at] + text[at + rng.randint(1, 12):]
    if how == 1:
        return text[:at] + rng.choice(_SYNTAX) + text[at:]
    if how == 2 and lines:
        i = rng.randrange(len(lines))
        return "\n".join(lines[:i + 1] + [lines[i]] + lines[i + 1:])
    if how == 3 and len(lines) > 1:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    if how == 4 and lines:
        i = rng.randrange(len(lines))
        lines[i] = ("  " + lines[i]) if rng.random() < 0.5 else lines[i][2:]
        return "\n".join(lines)
    if how == 5:
        return text[:at]
    _, other, _ = rng.choice(SEEDS)
    start = rng.randrange(len(other))
    return text[:at] + other[start:start + rng.randint(1, 200)] + text[at:]


_KEYS = ["method", "parameters", "metric", "name", "goal", "values", "value", "min", "max", "distribution", "q", "mu",
         "sigma", "probabilities", "_type", "_value", "_name", "type", "minval", "maxval", "vals", "val", "base", "count",
         "parameterType", "feasibleSpace", "list", "step", "reference", "trialParameters", "params", "sweeper", "hydra",
         "searcher", "hyperparameters", "searchSpace", "spec", "objective", "algorithm", "early_terminate", "run_cap", 3, None]
_SCALARS = [math.nan, math.inf, -math.inf, 10**30, -(10**30), 2**63, 0, -1, 1, 0.5, 1e-300, "", "x", True, False, None,
            "log_uniform", "int_uniform", "q_uniform", "uniform", "categorical", "loguniform", "randint", "choice",
            "double", "int", "discrete", "log", "categorical", "grid", "random", "bayes", "minimize", "maximize"]


def _random_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(4 if depth < 3 else 1)
    if kind == 0:
        return rng.choice(_SCALARS + _YAML_VALUES)
    if kind == 1:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(_KEYS): _random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _edit_structure(rng: random.Random, text: str, as_json: bool) -> str:
    """The document with one node (a mapping's value, a list item) replaced by a random value."""
    try:
        doc = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, TypeError, IndexError, OverflowError):  # (`!!int x`, `!!float ''`)
        return text
    nodes = []

    def walk(node):
        if isinstance(node, dict):
            nodes.extend((node, k) for k in node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            nodes.extend((node, i) for i in range(len(node)))
            for v in node:
                walk(v)

    walk(doc)
    if not nodes:
        return text
    parent, key = rng.choice(nodes)
    if isinstance(parent, dict) and rng.random() < 0.2:
        parent[rng.choice(_KEYS)] = parent.pop(key)  # a renamed key
    else:
        parent[key] = _random_value(rng)
    try:
        if as_json:
            return json.dumps(doc, default=str)  # (NaN and Infinity as JSON's readers write them)
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    except (TypeError, ValueError, yaml.YAMLError):  # a key JSON cannot write (`!!binary`), say
        return text


def _random_text(rng: random.Random) -> str:
    pieces = _SYNTAX + _YAML_VALUES + ["method", "parameters", "hydra", "sweeper", "params", "spec", "searchSpace",
                                       "hyperparameters", "trial.suggest_float(", "tune.uniform(", "wandb.sweep(",
                                       "_type", "_value", "min", "max", "values", "kind: Experiment", " ", "\n"]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 80)))


def fuzz_case(seed: int) -> tuple[str, str, bool]:
    """(file name, text, named explicitly) for case `seed`."""
    rng = random.Random(seed)
    name, text, _ = rng.choice(SEEDS)
    python = name.endswith(".py")
    if rng.random() < 0.05:
        text = _random_text(rng)
    else:
        for _ in range(rng.randint(1, 4)):
            roll = rng.random()
            if roll < 0.4 and not python:
                text = _edit_structure(rng, text, name.endswith(".json"))
            elif roll < 0.7:
                text = _replace_value(rng, text, python)
            else:
                text = _edit_text(rng, text)
    return name, text, rng.random() < 0.5


def internal_errors(seed: int) -> list[str]:
    """What went wrong reading and checking case `seed` (nothing, when all is well)."""
    name, text, explicit = fuzz_case(seed)
    try:
        file = read_path(name, explicit, text)
        found = check_file(file, _RULES, _SETTINGS, knowledge_loader=lambda: _KNOWLEDGE) if file.is_sweep else []
    except Exception as exc:  # noqa: BLE001 - the failure is what the test reports
        return [f"case {seed} ({name}): {type(exc).__name__}: {exc}\n{text}"]
    return [f"case {seed} ({name}): {d.message}\n{text}" for d in found if d.code == "SL999"]


def test_every_seed_is_read_by_its_reader():
    for name, text, fmt in SEEDS:
        file = read_path(name, False, text)
        assert file.format == fmt and file.studies and not file.problems, (name, file.format, file.problems)


@pytest.mark.parametrize("block", range(6))
def test_no_reader_turns_a_mutated_file_into_sl999(block):
    problems = [p for seed in range(block * 50, block * 50 + 50) for p in internal_errors(seed)]
    assert problems == [], problems[0]


@pytest.mark.fuzz
def test_no_reader_turns_any_of_10000_mutated_files_into_sl999(request):
    if "fuzz" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("10,000 cases: run with `python -m pytest -m fuzz tests/test_reader_fuzz.py -s`")
    problems = [p for seed in range(10_000) for p in internal_errors(seed)]
    print(f"\nreaders: {10_000 - len(problems)} of 10000 mutated files read and checked without SL999 or an exception")
    assert problems == [], problems[:3]


# Crashes the fuzz found, kept as they were found.
FOUND = [
    ("nni_config.yml", "searchSpace:\n  noise: {_type: normal, _value: [!!float '', 1]}\ntrialCommand: python train.py\n"),
    ("tune_optuna.py", "import optuna\n\n\ndef objective(trial):\n    width = trial.suggest_int('width', 32, 512, step=2 ** -1074)\n"
                       "    return width\n\n\nstudy = optuna.create_study()\nstudy.optimize(objective, n_trials=5)\n"),
]


@pytest.mark.parametrize("name, text", FOUND)
def test_what_the_fuzz_found_is_read_and_checked(name, text):
    file = read_path(name, True, text)
    found = check_file(file, _RULES, _SETTINGS, knowledge_loader=lambda: _KNOWLEDGE)
    assert [d.message for d in found if d.code == "SL999"] == []
