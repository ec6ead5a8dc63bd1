"""The sweep configs written in W&B's sweep-engine test suite, judged by the engine and by sweeplint.

The suite is read in place, never copied: point SWEEPLINT_WANDB_ENGINE_TESTS at the `tests`
directory of a checkout of the engine's repository and run

    SWEEPLINT_WANDB_ENGINE_TESTS=/path/to/sweeps/tests python -m pytest tests/test_wandb_oracle_engine_suite.py -s

Every dict literal of a test function that has a sweep's top-level key (`parameters`, `method`,
`metric`, `metrics`) and is not inside another such dict is one config; a test parametrized over
single names is expanded over its values. Each config goes through the engine's verdict and
sweeplint's findings as in tests/test_wandb_oracle.py. The test prints the agreement and fails
below 99%.

One disagreement is by design: `test_sweepconfig_no_method_baseline_validation` hands the engine's
`next_run()` a dict holding only `parameters`; as a file, that shape is left unrecognised, since
code often loads such a fragment and adds the method itself (tests/test_wandb_reader.py).
"""

from __future__ import annotations

import ast
import copy
import os
import pathlib

import pytest

from tests.test_wandb_oracle import disagreement, needs_engine

SUITE = os.environ.get("SWEEPLINT_WANDB_ENGINE_TESTS")
_SWEEP_KEYS = {"parameters", "method", "metric", "metrics"}


def _parametrized(function: ast.FunctionDef) -> dict[str, list]:
    """name -> values of the function's `parametrize` decorators over a single name."""
    out = {}
    for decorator in function.decorator_list:
        if (isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "parametrize"
                and len(decorator.args) >= 2 and isinstance(decorator.args[0], ast.Constant)
                and isinstance(decorator.args[0].value, str) and "," not in decorator.args[0].value):
            try:
                out[decorator.args[0].value] = list(ast.literal_eval(decorator.args[1]))
            except (ValueError, TypeError, SyntaxError):
                pass
    return out


class _Bind(ast.NodeTransformer):
    def __init__(self, name: str, value):
        self.name, self.value = name, value

    def visit_Name(self, node: ast.Name):
        return ast.Constant(self.value) if node.id == self.name else node


def suite_configs(tests_dir: pathlib.Path) -> list[tuple[str, dict]]:
    """(where, config) for every sweep config literal in the suite."""
    out = []
    for path in sorted(tests_dir.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            bindings = [(name, value) for name, values in _parametrized(function).items() for value in values] or [None]
            inside: set[int] = set()
            for node in ast.walk(function):
                if id(node) in inside or not isinstance(node, ast.Dict):
                    continue
                if not {k.value for k in node.keys if isinstance(k, ast.Constant)} & _SWEEP_KEYS:
                    continue
                inside.update(id(sub) for sub in ast.walk(node))
                for binding in bindings:
                    expr = node if binding is None else _Bind(*binding).visit(copy.deepcopy(node))
                    try:
                        config = ast.literal_eval(expr)
                    except (ValueError, TypeError, SyntaxError):
                        continue  # built from names the test binds at run time
                    out.append((f"{path.name}:{node.lineno}" + ("" if binding is None else f"[{binding[1]!r}]"), config))
    return out


@needs_engine
@pytest.mark.skipif(not SUITE, reason="set SWEEPLINT_WANDB_ENGINE_TESTS to the engine repository's tests directory")
def test_agreement_with_the_engine_on_its_own_test_configs():
    configs = suite_configs(pathlib.Path(SUITE))
    assert configs, f"no sweep configs found under {SUITE}"
    problems = [(where, problem) for where, config in configs if (problem := disagreement(config))]
    agree = len(configs) - len(problems)
    print(f"\nW&B engine's own test configs: {agree} of {len(configs)} agree ({agree / len(configs):.2%})")
    for where, problem in problems:
        print("---", where, problem)
    assert agree / len(configs) >= 0.99, problems
