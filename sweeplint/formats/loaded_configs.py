"""Names a Python sweep script binds to a YAML file it loads, so its values can be read statically.

A script often keeps its ranges and budget in a YAML file beside it:

    def load_config():
        with open("config.yml") as f:
            return yaml.safe_load(f)

    config = load_config()
    trial.suggest_float("lr", float(config["lr"]["min"]), float(config["lr"]["max"]), log=True)
    study.optimize(objective, n_trials=config["default"]["num_trials"])

`loaded_names(module, path)` maps such names (`config`) to a literal expression of the file's data
(read with a safe YAML load, the way the script reads it), for `pyeval.evaluate(names=...)`. Only
a literal file name opened next to the script counts; nothing is executed.
"""

from __future__ import annotations

import os

import libcst as cst

from sweeplint.pyexpr import call_name

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

_LOADERS = {"yaml.safe_load", "yaml.load", "yaml.full_load", "safe_load"}
_MAX_BYTES = 256 * 1024  # a config file, not a data set


def loaded_names(module: cst.Module, path: str) -> dict[str, cst.BaseExpression]:
    """{name: literal expression of the YAML data} for the names assigned from a YAML load."""
    finder = _Finder()
    module.visit(finder)
    files = dict(finder.names)
    for name, func in finder.calls.items():
        if func in finder.functions and name not in files:
            files[name] = finder.functions[func]
    out: dict[str, cst.BaseExpression] = {}
    folder = os.path.dirname(os.path.abspath(path))
    cache: dict[str, cst.BaseExpression | None] = {}
    for name, file in files.items():
        if file not in cache:
            cache[file] = _literal(os.path.join(folder, file))
        if cache[file] is not None:
            out[name] = cache[file]
    return out


class _Finder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.opened: list[dict[str, str]] = [{}]     # `with open("x") as f` aliases in scope
        self.function: list[str] = []
        self.functions: dict[str, str] = {}           # function -> the file it returns the data of
        self.names: dict[str, str] = {}               # name -> the file its data came from
        self.calls: dict[str, str] = {}               # name -> the function it was assigned from

    def visit_With(self, node: cst.With) -> None:
        aliases = dict(self.opened[-1])
        for item in node.items:
            file = _opened_file(item.item)
            if file is not None and item.asname is not None and isinstance(item.asname.name, cst.Name):
                aliases[item.asname.name.value] = file
        self.opened.append(aliases)

    def leave_With(self, original_node: cst.With) -> None:
        self.opened.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.function.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.function.pop()

    def visit_Return(self, node: cst.Return) -> None:
        file = self.loaded_file(node.value)
        if file is not None and self.function:
            self.functions.setdefault(self.function[-1], file)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        file = self.loaded_file(node.value)
        if file is not None:
            self.names.setdefault(name, file)
        elif isinstance(node.value, cst.Call) and not node.value.args and isinstance(node.value.func, cst.Name):
            self.calls.setdefault(name, node.value.func.value)

    def loaded_file(self, node: Any) -> str | None:
        """The file a `yaml.safe_load(f)` / `yaml.safe_load(open("x"))` expression reads."""
        if not isinstance(node, cst.Call) or call_name(node) not in _LOADERS or not node.args:
            return None
        source = node.args[0].value
        if isinstance(source, cst.Name):
            return self.opened[-1].get(source.value)
        return _opened_file(source)


def _opened_file(node: Any) -> str | None:
    """The literal file name of `open("config.yml")` (read mode), else None."""
    if not (isinstance(node, cst.Call) and call_name(node) == "open" and node.args):
        return None
    first = node.args[0].value
    if not isinstance(first, cst.SimpleString):
        return None
    mode = next((a.value for a in node.args[1:] if a.keyword is None or a.keyword.value == "mode"), None)
    if mode is not None and not (isinstance(mode, cst.SimpleString) and "r" in mode.evaluated_value):
        return None
    value = first.evaluated_value
    return value if isinstance(value, str) and value.endswith((".yml", ".yaml")) else None


def _literal(path: str) -> cst.BaseExpression | None:
    """The file's data as a Python literal expression, or None (missing, special, large, unreadable)."""
    from sweeplint.source import read_head
    from sweeplint.yamldoc import load_data

    try:
        raw = read_head(path, _MAX_BYTES + 1)
        if len(raw) > _MAX_BYTES:
            return None
        data = load_data(raw.decode("utf-8", errors="replace"))
        return cst.parse_expression(repr(data)) if isinstance(data, dict) else None
    except Exception:  # noqa: BLE001 - a file we cannot read or render adds no names
        return None
