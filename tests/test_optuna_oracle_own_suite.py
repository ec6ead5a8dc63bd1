"""The distributions and `suggest_*` calls written in Optuna's own tests, judged by Optuna and by sweeplint.

The suite is read in place, never copied: point SWEEPLINT_OPTUNA_TESTS at the root of an Optuna
checkout (the directory holding `tests/`) and run

    SWEEPLINT_OPTUNA_TESTS=/path/to/optuna python -m pytest tests/test_optuna_oracle_own_suite.py -s

From tests/test_distributions.py and tests/trial_tests/test_trial.py, every construction of a
distribution (`FloatDistribution`, `IntDistribution`, `CategoricalDistribution` and the deprecated
`UniformDistribution`, `LogUniformDistribution`, `DiscreteUniformDistribution`,
`IntUniformDistribution`, `IntLogUniformDistribution`) and every `trial.suggest_*` call whose
arguments are literals, or names bound by the test's `parametrize` rows, is one case (those inside
`pytest.raises` blocks included). A distribution is judged by constructing it with the installed
Optuna; a suggest call by making it on a real in-memory study's trial. sweeplint reads a generated
objective holding the equivalent `trial.suggest_*` call (a distribution's own arguments, passed to
the suggest method that builds it). Optuna raising must give an error finding, Optuna accepting
must give none, and the values Optuna samples must lie where sweeplint's model says
(tests/test_optuna_oracle.py). The test prints the agreement and fails below 99%.

Arguments that only a running test knows (NumPy arrays, mocks) leave their case out; the count of
those is printed.
"""

from __future__ import annotations

import ast
import itertools
import math
import os
import pathlib
import warnings
from collections import Counter

import pytest

optuna = pytest.importorskip("optuna")

from test_optuna_oracle import Call, disagreement_with  # noqa: E402

SUITE = os.environ.get("SWEEPLINT_OPTUNA_TESTS")
SUITE_FILES = ("tests/test_distributions.py", "tests/trial_tests/test_trial.py")
# constructor -> (the suggest method that builds the same distribution, extra keywords it needs)
DISTRIBUTIONS = {
    "FloatDistribution": ("suggest_float", ()),
    "IntDistribution": ("suggest_int", ()),
    "CategoricalDistribution": ("suggest_categorical", ()),
    "UniformDistribution": ("suggest_uniform", ()),
    "LogUniformDistribution": ("suggest_loguniform", ()),
    "DiscreteUniformDistribution": ("suggest_discrete_uniform", ()),
    "IntUniformDistribution": ("suggest_int", ()),
    "IntLogUniformDistribution": ("suggest_int", (("log", True),)),
}
SUGGEST = ("suggest_float", "suggest_int", "suggest_categorical", "suggest_uniform", "suggest_loguniform",
           "suggest_discrete_uniform")
_CONSTANTS = {("math", "pi"): math.pi, ("math", "inf"): math.inf, ("math", "nan"): math.nan,
              ("np", "nan"): math.nan, ("np", "inf"): math.inf}
_BUILDERS = {"float": float, "int": int, "dict": dict, "tuple": tuple, "list": list, "set": set}


class _Unknown(Exception):
    """The expression depends on something only the running test knows."""


def _evaluate(node: ast.AST, names: dict):
    """A literal expression with bound names, arithmetic, `float("nan")`, `dict(...)`, `math.pi`."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        raise _Unknown(node.id)
    if isinstance(node, ast.Tuple):
        return tuple(_evaluate(e, names) for e in node.elts)
    if isinstance(node, ast.List):
        return [_evaluate(e, names) for e in node.elts]
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {_evaluate(k, names): _evaluate(v, names) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _evaluate(node.operand, names)
        return -value if isinstance(node.op, ast.USub) else +value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
        left, right = _evaluate(node.left, names), _evaluate(node.right, names)
        operations = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
                      ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}
        return operations[type(node.op)](left, right)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if (node.value.id, node.attr) in _CONSTANTS:
            return _CONSTANTS[(node.value.id, node.attr)]
        raise _Unknown(node.attr)
    if isinstance(node, ast.Subscript):
        container = _evaluate(node.value, names)
        try:
            return container[_evaluate(node.slice, names)]
        except (KeyError, IndexError, TypeError) as exc:
            raise _Unknown("subscript") from exc
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _BUILDERS:
        args = [_evaluate(a, names) for a in node.args]
        kwargs = {k.arg: _evaluate(k.value, names) for k in node.keywords if k.arg}
        return _BUILDERS[node.func.id](*args, **kwargs)
    raise _Unknown(type(node).__name__)


def _module_constants(tree: ast.Module) -> dict:
    out: dict = {}
    for stmt in tree.body:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else getattr(stmt, "target", None)
        if isinstance(target, ast.Name) and getattr(stmt, "value", None) is not None:
            try:
                out[target.id] = _evaluate(stmt.value, out)
            except (_Unknown, TypeError, ValueError):
                pass
    return out


def _parametrize_rows(decorator: ast.Call) -> tuple[list[str], list[list[ast.AST]]]:
    spec = ast.literal_eval(decorator.args[0])
    argnames = [n.strip() for n in spec.split(",")] if isinstance(spec, str) else list(spec)
    entries = decorator.args[1] if len(decorator.args) > 1 else None
    if not isinstance(entries, (ast.List, ast.Tuple)):
        return argnames, []
    rows = []
    for entry in entries.elts:
        if isinstance(entry, ast.Call) and getattr(entry.func, "attr", getattr(entry.func, "id", "")) == "param":
            items = list(entry.args)
        elif len(argnames) > 1 and isinstance(entry, (ast.Tuple, ast.List)):
            items = list(entry.elts)
        else:
            items = [entry]
        if len(items) == len(argnames):
            rows.append(items)
    return argnames, rows


def _bindings(function: ast.FunctionDef | None, constants: dict):
    """name -> value for every combination of the function's parametrize rows."""
    tables = []
    for decorator in function.decorator_list if function is not None else []:
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "parametrize":
            argnames, rows = _parametrize_rows(decorator)
            # rows read from elsewhere (an imported list) bind nothing: the case needs none of them
            tables.append((argnames, rows) if rows else ([], [[]]))
    for combination in itertools.product(*[rows for _, rows in tables]):
        names = dict(constants)
        for (argnames, _), row in zip(tables, combination):
            for name, node in zip(argnames, row):
                try:
                    names[name] = _evaluate(node, names)
                except (_Unknown, TypeError, ValueError):
                    pass
        yield names


def _callee(node: ast.Call) -> str | None:
    return getattr(node.func, "attr", None) or getattr(node.func, "id", None)


def _arguments(node: ast.Call, names: dict) -> tuple[list, dict]:
    args, kwargs = [], {}
    for a in node.args:
        if isinstance(a, ast.Starred):
            args.extend(_evaluate(a.value, names))
        else:
            args.append(_evaluate(a, names))
    for k in node.keywords:
        if k.arg is None:
            kwargs.update(_evaluate(k.value, names))
        else:
            kwargs[k.arg] = _evaluate(k.value, names)
    return args, kwargs


def suite_cases(root: pathlib.Path) -> tuple[list[tuple], Counter]:
    """([(where, kind, constructor or method, args, kwargs)], tally of cases left out), without repeats."""
    seen: dict = {}
    left_out: Counter = Counter()
    for relative in SUITE_FILES:
        path = root / relative
        if not path.is_file():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        scopes = [(None, stmt) for stmt in tree.body if not isinstance(stmt, ast.FunctionDef)]
        scopes += [(stmt, stmt) for stmt in tree.body if isinstance(stmt, ast.FunctionDef)]
        for function, scope in scopes:
            for node in ast.walk(scope):
                if not isinstance(node, ast.Call):
                    continue
                name = _callee(node)
                if name in DISTRIBUTIONS:
                    kind = "distribution"
                elif name in SUGGEST and isinstance(node.func, ast.Attribute) and node.args:
                    kind = "suggest"
                else:
                    continue
                for names in _bindings(function, constants):
                    try:
                        args, kwargs = _arguments(node, names)
                    except (_Unknown, TypeError, ValueError):
                        left_out["arguments known only when the test runs"] += 1
                        continue
                    if kind == "suggest":
                        args = args[1:]  # the parameter's name
                    key = (kind, name, repr(args), repr(sorted(kwargs.items())))
                    seen.setdefault(key, (f"{relative}:{node.lineno}", kind, name, args, kwargs))
    return list(seen.values()), left_out


def suggest_call_for(kind: str, name: str, args: list, kwargs: dict) -> Call:
    """The `trial.suggest_*` call that builds the same distribution (the call itself for a suggest case)."""
    if kind == "suggest":
        return Call(name, tuple(args), tuple(kwargs.items()))
    method, extra = DISTRIBUTIONS[name]
    bound = _signature(name).bind(*args, **kwargs).arguments
    positional = ("choices",) if method == "suggest_categorical" else ("low", "high", "q") if "q" in bound else ("low", "high")
    return Call(method, tuple(bound[p] for p in positional if p in bound),
                tuple((k, v) for k, v in bound.items() if k not in positional) + extra)


def _signature(name: str):
    import inspect

    return inspect.signature(getattr(optuna.distributions, name))


def optuna_refuses_distribution(name: str, args: list, kwargs: dict) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            getattr(optuna.distributions, name)(*args, **kwargs)
        except Exception:  # noqa: BLE001 - any exception is Optuna refusing the distribution
            return True
    return False


@pytest.mark.skipif(not SUITE, reason="set SWEEPLINT_OPTUNA_TESTS to the root of an Optuna checkout")
def test_agreement_with_optuna_on_its_own_tests(tmp_path):
    cases, left_out = suite_cases(pathlib.Path(SUITE))
    assert cases, f"no distributions or suggest calls found under {SUITE}"
    problems = []
    tally: Counter = Counter()
    for where, kind, name, args, kwargs in cases:
        try:
            call = suggest_call_for(kind, name, args, kwargs)
        except TypeError:
            left_out["arguments the constructor does not take"] += 1
            continue
        refused = optuna_refuses_distribution(name, args, kwargs) if kind == "distribution" else None
        tally[kind] += 1
        problem = disagreement_with(call, tmp_path, refused)
        if problem:
            problems.append((where, call.source().splitlines()[4].strip(), problem))
    total = sum(tally.values())
    agree = total - len(problems)
    print(f"\nOptuna's own tests: {agree} of {total} agree ({agree / total:.2%}); "
          f"{tally['distribution']} distributions, {tally['suggest']} suggest calls; left out: {dict(left_out)}")
    for problem in problems:
        print("---", *problem)
    assert agree / total >= 0.99, problems
