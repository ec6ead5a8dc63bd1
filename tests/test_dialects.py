"""Each tool's semantics live in its Dialect: rules ask it and never branch on the format name.

The structure is checked on the sources (rules do not compare formats; the formats package does
not import the read pipeline); what the dialects say is checked as users see it, in messages.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from lintkit import codes, lint_tree
from sweeplint.catalogue import rule_doc
from sweeplint.formats import PYTHON_READERS, config_readers
from sweeplint.formats.dialect import Dialect, dialect_for, is_known
from sweeplint.read import read_path
from sweeplint.rules import all_rules

PACKAGE = Path(__file__).resolve().parent.parent / "sweeplint"
TOOLS = ("wandb", "hydra", "optuna", "ray", "katib", "determined", "nni")
# Fields of code facts whose values are code roots ("wandb" for wandb.config, "hydra" for a Hydra
# cfg), not format names: comparing them with such a string is not branching on the format.
CODE_FACT_FIELDS = {"root", "source", "api"}


def _format_name(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and (
        node.value in TOOLS or node.value.startswith("hydra-"))


def _branches_on_format(tree: ast.AST) -> list[str]:
    """Where a module reads a study's format or compares something with a format name."""
    calls = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "format" and id(node) not in calls:
            found.append(f"line {node.lineno}: reads .format")
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            code_fact = any(isinstance(o, ast.Attribute) and o.attr in CODE_FACT_FIELDS for o in operands)
            if not code_fact and any(_format_name(o) or (isinstance(o, (ast.Tuple, ast.Set, ast.List))
                                                         and any(_format_name(e) for e in o.elts)) for o in operands):
                found.append(f"line {node.lineno}: compares with a format name")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("startswith", "endswith"):
            if any(_format_name(a) for a in node.args):
                found.append(f"line {node.lineno}: tests a format-name prefix")
    for node in getattr(tree, "body", []):
        # a module-level table keyed by format names is a per-tool table that belongs in a dialect
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Call) and value.args:
            value = value.args[0]  # frozenset({...})
        keys = value.keys if isinstance(value, ast.Dict) else value.elts if isinstance(value, (ast.Set, ast.Tuple, ast.List)) else []
        if sum(1 for k in keys if k is not None and _format_name(k)) >= 2:
            found.append(f"line {node.lineno}: a table keyed by format names")
    return found


def _rule_sources():
    for path in sorted((PACKAGE / "rules").glob("sl*.py")):
        yield pytest.param(path, id=path.stem)


@pytest.mark.parametrize("path", list(_rule_sources()))
def test_rules_outside_sl4xx_do_not_branch_on_the_format(path):
    if path.stem.startswith("sl4"):
        pytest.skip("the tool-specific SL4xx rules may name their tool")
    assert _branches_on_format(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_check_sees_a_format_branch():
    tree = ast.parse('TABLE = {"wandb": 1, "nni": 2}\n'
                     'def f(study, fmt):\n'
                     '    if study.format == "wandb" or fmt in ("katib",) or fmt.startswith("hydra-"):\n'
                     '        return "{x}".format(x=1)\n'
                     '    return any(r.root == "nni" for r in study.reads)\n')
    assert sorted(_branches_on_format(tree)) == [
        "line 1: a table keyed by format names", "line 3: compares with a format name",
        "line 3: compares with a format name", "line 3: reads .format", "line 3: tests a format-name prefix",
    ]


def test_the_formats_package_never_imports_the_read_pipeline():
    importers = []
    for path in sorted((PACKAGE / "formats").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            if any(n == "sweeplint.read" or n.startswith("sweeplint.read.") for n in names):
                importers.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert importers == []


def _catalogue_formats(tmp_path: Path) -> set[str]:
    """The format names of every study in the rules' documented examples, read as sweeplint reads them."""
    seen: set[str] = set()
    for rule in all_rules():
        examples = rule_doc(rule.code).get("examples") or {}
        for index, example in enumerate((examples.get("bad") or []) + (examples.get("good") or [])):
            folder = tmp_path / f"{rule.code}-{index}"
            for name, text in example["files"].items():
                path = folder / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                seen.update(s.format for s in read_path(str(path), explicit=True).studies)
    return seen


def test_every_reader_format_has_a_dialect(tmp_path):
    names = {r.name for r in config_readers()}
    names |= {importlib.import_module(module).READER.name for module, _ in PYTHON_READERS}
    formats = _catalogue_formats(tmp_path)
    assert {"wandb", "katib", "determined", "nni", "optuna", "ray"} <= formats
    assert any(f.startswith("hydra-") for f in formats)
    for name in sorted(names | formats):
        assert is_known(name), f"no dialect module for the format {name!r}"
        dialect = dialect_for(name)
        assert dialect.format in (name, name.split("-", 1)[0]) and dialect.tool != "the tool", name


def test_hydra_sweepers_share_the_hydra_dialect_unless_they_differ():
    shared = dialect_for("hydra-some-future-sweeper")
    assert shared is dialect_for("hydra") and shared.search_spaces == "Hydra sweeper params"
    assert dialect_for("hydra-optuna").step_semantics == "offset"
    assert dialect_for("hydra-optuna").has_conditional_parameters is False


def test_an_unknown_format_gets_neutral_answers():
    dialect = dialect_for("some-new-tool")
    assert isinstance(dialect, Dialect) and not is_known("some-new-tool")
    assert (dialect.tool, dialect.rejects_equal_bounds, dialect.step_semantics, dialect.spell_constant("a", "1")) == (
        "the tool", False, None, None)


# --- what users see --------------------------------------------------------------------------------

WANDB_LINEAR_LR = """\
method: random
metric: {name: val_loss, goal: minimize}
run_cap: 10
parameters:
  learning_rate: {min: 0.00001, max: 0.1}
"""

NNI_LINEAR_LR = """\
{"learning_rate": {"_type": "uniform", "_value": [0.00001, 0.1]}}
"""


def test_the_log_scale_fix_is_spelled_in_each_tools_words(tmp_path):
    found = lint_tree(tmp_path, {"sweep.yaml": WANDB_LINEAR_LR, "search_space.json": NNI_LINEAR_LR})
    messages = {f: msg for f, _line, _col, msg in codes(found, "SL101")}
    assert "(distribution: log_uniform_values)" in messages["sweep.yaml"]
    assert "(_type: loguniform)" in messages["search_space.json"]


def test_equal_bounds_are_an_error_where_the_tool_rejects_them(tmp_path):
    found = lint_tree(tmp_path, {
        "sweep.yaml": "method: random\nparameters:\n  dropout: {min: 0.5, max: 0.5}\n",
        "search_space.json": '{"dropout": {"_type": "uniform", "_value": [0.5, 0.5]}}\n',
    })
    sl004 = {f: msg for f, _line, _col, msg in codes(found, "SL004")}
    assert "(W&B reports it as a schema violation)" in sl004["sweep.yaml"]
    assert "nothing to sample\n= help: Widen the range" in sl004["search_space.json"]
    assert "W&B" not in sl004["search_space.json"]


def test_the_default_goal_is_named_as_the_tool_names_it(tmp_path):
    found = lint_tree(tmp_path, {
        "sweep.yaml": "method: random\nmetric: {name: val_accuracy}\nrun_cap: 5\nparameters:\n  seed: {values: [1, 2]}\n",
        "experiment.yaml": ("searcher: {name: random, metric: val_accuracy, max_trials: 4}\n"
                            "hyperparameters:\n  dropout: {type: double, minval: 0.1, maxval: 0.5}\n"
                            "entrypoint: model_def:Trial\n"),
    })
    sl205 = {f: msg for f, _line, _col, msg in codes(found, "SL205")}
    assert "(W&B's default when metric.goal is missing)" in sl205["sweep.yaml"]
    assert "(Determined's default, smaller_is_better: true)" in sl205["experiment.yaml"]
