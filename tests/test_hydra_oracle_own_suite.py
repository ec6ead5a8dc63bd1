"""The override strings written in Hydra's own test suite, judged by hydra-core and by sweeplint.

The suite is read in place, never copied: point SWEEPLINT_HYDRA_TESTS at the root of a Hydra
checkout (the directory holding `tests/` and `plugins/`) and run

    SWEEPLINT_HYDRA_TESTS=/path/to/hydra python -m pytest tests/test_hydra_oracle_own_suite.py -s

In the override parser's tests and the Optuna, Ax and Nevergrad sweeper plugins' tests, every
`parametrize` row feeds strings to the parser; the test body says how: `parse_rule(text, rule)`,
`parse_override(text)`, `parse_overrides([...])`, a sweeper's command-line parsing, or an
`overrides=[...]` list. Each text is rebuilt from the row as the body builds it (`prefix + value`,
an f-string over a literal loop such as the casts `int(...)`, `float(...)`), so the inputs are the
ones the suite really parses. Texts parsed as a value (rules `value`, `element`, `primitive`,
`function`, `listContainer`, `dictContainer`, `simpleChoiceSweep`) become `x=<text>`; texts parsed
as a whole override are split at their first `=` into the key and the value. Each goes through the
installed hydra-core (its verdict and, when it accepts, what the value holds) and through
sweeplint's reader (the value in an Optuna sweeper's `params`), compared as in
tests/test_hydra_oracle.py. The test prints the agreement and fails below 99%.

Out of scope, and counted apart: texts parsed by rules that are not values (`key`, `package`,
`packageOrGroup`); tests that register functions of their own (`Functions()`), which no command
line has; deletions with no value (`~x`); and texts calling `json_str`/`extend_list`, which the
installed Hydra 1.3 does not know while sweeplint accepts them for the next Hydra.
"""

from __future__ import annotations

import ast
import itertools
import os
import pathlib
from collections import Counter

import pytest

pytest.importorskip("hydra.core.override_parser.overrides_parser")

from test_hydra_oracle import compare  # noqa: E402

SUITE = os.environ.get("SWEEPLINT_HYDRA_TESTS")
SUITE_FILES = (
    "tests/test_overrides_parser.py",
    "plugins/hydra_optuna_sweeper/tests/test_optuna_sweeper_plugin.py",
    "plugins/hydra_ax_sweeper/tests/test_ax_sweeper_plugin.py",
    "plugins/hydra_nevergrad_sweeper/tests/test_nevergrad_sweeper_plugin.py",
)
VALUE_RULES = {"value", "element", "primitive", "function", "listContainer", "dictContainer", "simpleChoiceSweep"}
# calls whose argument is whole overrides (a text or a list of texts)
OVERRIDE_CALLS = {"parse_override", "parse_overrides", "parse_commandline_args", "create_params_from_overrides"}
UNKNOWN_TO_HYDRA_1_3 = ("json_str(", "extend_list(")


class _Unknown(Exception):
    """The expression depends on something only the running test knows."""


def _evaluate(node: ast.AST, names: dict):
    """A literal expression, with bound names, `+`/`%` on strings and f-strings."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        raise _Unknown(node.id)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_evaluate(e, names) for e in node.elts]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, names)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left, right = _evaluate(node.left, names), _evaluate(node.right, names)
        if not isinstance(left, str):
            raise _Unknown("arithmetic")
        return left + right if isinstance(node.op, ast.Add) else left % right
    if isinstance(node, ast.JoinedStr):
        return "".join(str(_evaluate(v.value, names)) if isinstance(v, ast.FormattedValue) else v.value
                       for v in node.values)
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "param":
        return [_evaluate(a, names) for a in node.args]
    raise _Unknown(type(node).__name__)


def _module_constants(tree: ast.Module) -> dict:
    out = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            try:
                out[stmt.targets[0].id] = _evaluate(stmt.value, out)
            except _Unknown:
                pass
    return out


def _rows(decorator: ast.Call) -> tuple[list[str], list[list]]:
    """(argument names, rows of AST nodes) of one `parametrize` decorator."""
    spec = ast.literal_eval(decorator.args[0])
    names = [n.strip() for n in spec.split(",")] if isinstance(spec, str) else list(spec)
    rows = []
    entries = decorator.args[1]
    if isinstance(entries, ast.Name) or not isinstance(entries, (ast.List, ast.Tuple)):
        return names, []
    for entry in entries.elts:
        if isinstance(entry, ast.Call) and getattr(entry.func, "id", None) == "param":
            items = list(entry.args)
        elif len(names) > 1 and isinstance(entry, (ast.Tuple, ast.List)):
            items = list(entry.elts)
        else:
            items = [entry]
        if len(items) == len(names):
            rows.append(items)
    return names, rows


def _bindings(function: ast.FunctionDef, constants: dict):
    """Every combination of the function's parametrize rows (and literal `for` loops), as name -> value."""
    tables = []
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "parametrize":
            argnames, rows = _rows(decorator)
            # rows read from elsewhere (an imported list) bind nothing: the case needs none of them
            tables.append((argnames, rows) if rows else ([], [[]]))
    loops = [(n.target.id, n.iter) for n in ast.walk(function)
             if isinstance(n, ast.For) and isinstance(n.target, ast.Name) and isinstance(n.iter, (ast.Tuple, ast.List))]
    for combination in itertools.product(*[rows for _, rows in tables]):
        names = dict(constants)
        for (argnames, _), row in zip(tables, combination):
            for name, node in zip(argnames, row):
                try:
                    names[name] = _evaluate(node, names)
                except _Unknown:
                    pass  # a value built at run time (an expected object, a raises context)
        loop_values = [[(target, v) for v in _evaluate(iterable, constants)] for target, iterable in loops]
        for loop_binding in itertools.product(*loop_values):
            yield {**names, **dict(loop_binding)}, combination


def _local_definitions(function: ast.FunctionDef) -> dict[str, ast.AST]:
    return {n.targets[0].id: n.value for n in ast.walk(function)
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)}


def _uses(function: ast.FunctionDef):
    """(mode, expression, rule expression) for every place the body hands a text to the parser."""
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name == "parse_rule" and len(node.args) == 2:
            yield "rule", node.args[0], node.args[1]
        elif name in OVERRIDE_CALLS and node.args:
            yield from _each_override(node.args[0])
        for keyword in node.keywords:
            if keyword.arg == "overrides":
                yield from _each_override(keyword.value)


def _each_override(node: ast.AST):
    # a literal list of overrides: each element on its own, so that fixed ones beside a row's are left out
    for element in node.elts if isinstance(node, ast.List) else [node]:
        yield "override", element, None


def _references(node: ast.AST, names: set[str], definitions: dict[str, ast.AST]) -> bool:
    """Whether the expression uses one of `names`, directly or through a local variable."""
    used = {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name)}
    return bool(used & names) or any(
        {sub.id for sub in ast.walk(definitions[u]) if isinstance(sub, ast.Name)} & names
        for u in used if u in definitions)


def _texts(function: ast.FunctionDef, constants: dict):
    """(rule, text) for every text the test hands the parser, rebuilt from each parametrize row."""
    argnames = {a.arg for a in function.args.args}
    definitions = _local_definitions(function)
    for _mode, expr, rule_expr in _uses(function):
        if not _references(expr, argnames, definitions):
            continue  # a fixed text, not one from the parametrize rows
        for names, _ in _bindings(function, constants):
            scope = dict(names)
            for local, value_node in definitions.items():
                if local not in argnames:
                    try:
                        scope[local] = _evaluate(value_node, scope)
                    except _Unknown:
                        pass
            try:
                texts = _evaluate(expr, scope)
                rule = _evaluate(rule_expr, scope) if rule_expr is not None else "override"
            except _Unknown:
                continue  # built from what only the running test knows
            for text in texts if isinstance(texts, list) else [texts]:
                if isinstance(text, str):
                    yield rule, text


def suite_overrides(root: pathlib.Path) -> tuple[list[tuple[str, str, str]], Counter]:
    """([(where, key, value)], out-of-scope tally) for the suite's override texts, without repeats."""
    seen: dict[tuple[str, str], str] = {}
    skipped: Counter = Counter()
    for relative in SUITE_FILES:
        path = root / relative
        if not path.is_file():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        for function in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
            if not any(isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "parametrize" for d in function.decorator_list):
                continue
            if any(isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Functions" for n in ast.walk(function)):
                skipped["tests with a registry of their own functions"] += 1
                continue
            for rule, text in _texts(function, constants):
                if rule in VALUE_RULES:
                    key, value = "x", text
                elif rule == "override" and "=" in text:
                    key, value = text.split("=", 1)
                else:
                    skipped["deletions with no value" if rule == "override" else f"texts of rule {rule}"] += 1
                    continue
                if any(f in value for f in UNKNOWN_TO_HYDRA_1_3):
                    skipped["json_str/extend_list texts (not in Hydra 1.3)"] += 1
                    continue
                seen.setdefault((key, value), f"{relative}:{function.name}")
    return [(where, key, value) for (key, value), where in seen.items()], skipped


@pytest.mark.skipif(not SUITE, reason="set SWEEPLINT_HYDRA_TESTS to the root of a Hydra checkout")
def test_agreement_with_hydra_on_its_own_override_tests():
    cases, skipped = suite_overrides(pathlib.Path(SUITE))
    assert cases, f"no override texts found under {SUITE}"
    problems = []
    verdicts: Counter = Counter()
    for where, key, value in cases:
        agree, ours, theirs = compare(value, key)
        verdicts[theirs[0]] += 1
        if not agree:
            problems.append((where, f"{key}={value}", ours, theirs))
    agree = len(cases) - len(problems)
    print(f"\nHydra's own override tests: {agree} of {len(cases)} agree ({agree / len(cases):.2%}); "
          f"Hydra accepted {verdicts['accept']}, rejected {verdicts['reject']}; "
          f"out of scope: {dict(skipped)}")
    for problem in problems:
        print("---", *problem)
    assert agree / len(cases) >= 0.99, problems
