"""Optuna search spaces written in Python (define-by-run), read with libcst and never run.

What is read:
- `trial.suggest_float/int/categorical` and the deprecated `suggest_uniform`, `suggest_loguniform`,
  `suggest_discrete_uniform`, and `suggest_int` with `step`/`log` passed by position, inside
  objective functions: any function with a parameter named `trial` (or annotated `...Trial`),
  and any function passed to `study.optimize(...)`, `OptunaSearch(space=...)` or used as a Hydra
  `custom_search_space` (`fn(cfg, trial)`);
- the `if` around a suggest call whose test compares a categorical parameter with values
  (`if optimizer == "sgd":`, `elif`, `else`, `in (...)`, truthiness of a boolean choice, and
  `match`/`case`) becomes the parameter's condition; each suggest call is kept as a call site
  (in a loop or not, with a constant name or not, and the variable that receives its value);
- `optuna.create_study(direction=|directions=, sampler=..., pruner=...)`, `study.optimize(...,
  n_trials=...)`, and a `GridSampler(search_space)` grid, which replaces the suggested
  distributions by the grid's values.
"""

from __future__ import annotations

import re

import libcst as cst

from sweeplint import pyeval, pyexpr
from sweeplint.formats import PyReadContext
from sweeplint.formats.optuna_calls import (
    Collector,
    is_trial_annotation,
    last_name,
    metric_name,
    params_of,
    returns_of,
)
from sweeplint.formats.optuna_suggest import merge_conditions, signature
from sweeplint.formats.loaded_configs import loaded_names
from sweeplint.formats.optuna_walk import FunctionWalker
from sweeplint.model import (
    EarlyStopping,
    Lit,
    Method,
    MethodKind,
    Objective,
    Opaque,
    Parameter,
    Problem,
    RandomDraw,
    Space,
    Span,
    Study,
)
from sweeplint.records import replace

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

SAMPLERS = {
    "TPESampler": MethodKind.MODEL_BASED,
    "CmaEsSampler": MethodKind.MODEL_BASED,
    "GPSampler": MethodKind.MODEL_BASED,
    "NSGAIISampler": MethodKind.MODEL_BASED,
    "NSGAIIISampler": MethodKind.MODEL_BASED,
    "MOTPESampler": MethodKind.MODEL_BASED,
    "SkoptSampler": MethodKind.MODEL_BASED,
    "BoTorchSampler": MethodKind.MODEL_BASED,
    "RandomSampler": MethodKind.RANDOM,
    "QMCSampler": MethodKind.RANDOM,
    "GridSampler": MethodKind.GRID,
    "BruteForceSampler": MethodKind.GRID,
    "PartialFixedSampler": MethodKind.OTHER,
}
_TUNER = re.compile(r"\b(?:Tuner|tune\.run|run_experiments)\s*\(")
_TEXT_HINT = re.compile(r"\.suggest_(?:float|int|categorical|uniform|loguniform|discrete_uniform)\s*\(")


class OptunaReader:
    name = "optuna"

    def wants(self, text: str) -> bool:
        return "suggest_" in text and _TEXT_HINT.search(text) is not None

    def read(self, module: cst.Module, ctx: PyReadContext) -> list[Study]:
        return ModuleReader(module, ctx).study()


READER = OptunaReader()


class ModuleReader:
    """Reads one module: its objective functions, their suggest calls, and the study around them."""

    def __init__(self, module: cst.Module, ctx: PyReadContext):
        self.module = module
        self.ctx = ctx
        self.pos = ctx.positions
        self.names = dict(ctx.constants)
        self.problems: list[Problem] = []
        self.draws: list[RandomDraw] = []
        self.found: list[tuple[Parameter, cst.Call]] = []  # each suggest call, read on its own

    def span(self, node: cst.CSTNode) -> Span:
        return self.pos.span(node)

    def scope_of(self, fn: cst.FunctionDef) -> str:
        """A function's name and line: call sites in one scope run in the same trial."""
        return f"{fn.name.value}:{self.span(fn.name).line}"

    def lit(self, node: cst.BaseExpression) -> Lit:
        return pyeval.to_lit(node, self.pos, self.names)

    def resolve(self, node: cst.BaseExpression | None, collector: Collector) -> cst.BaseExpression | None:
        """A name stands for what was last assigned to it in the module (one level)."""
        seen = 0
        while isinstance(node, cst.Name) and node.value in collector.assigned and seen < 5:
            node = collector.assigned[node.value]
            seen += 1
        return node

    # --- the study ---------------------------------------------------------------------------

    def study(self) -> list[Study]:
        collector = Collector().run(self.module)
        self.names.update({k: v for k, v in collector.assigned.items() if k not in self.names})
        # `config = load_config()` of a YAML file beside the script: its values, for ranges and budgets
        # (a script that never names `open` and a `*load*` call cannot load one: skip the extra pass)
        if "open" in self.ctx.text and "load" in self.ctx.text:
            self.names.update(loaded_names(self.module, self.ctx.path))

        seen: set[int] = set()
        if _TUNER.search(self.ctx.text):
            # Define-by-run spaces given to OptunaSearch belong to the Ray Tune study that runs them.
            for fn, _ in self.functions_of(collector.space_functions, collector):
                seen.add(id(fn))
            collector.space_functions = []
        objective_fns = self.objective_functions(collector)
        trial_fns: list[tuple[cst.FunctionDef, str]] = []
        for fn, trial in objective_fns:
            if id(fn) not in seen:
                seen.add(id(fn))
                trial_fns.append((fn, trial))
        for fn in collector.all_functions:
            if id(fn) in seen:
                continue
            for param in params_of(fn):
                if param.name.value == "trial" or is_trial_annotation(param):
                    seen.add(id(fn))
                    trial_fns.append((fn, param.name.value))
                    break
        for fn, trial in trial_fns:
            FunctionWalker(self, trial, self.scope_of(fn)).walk(fn.body)
        if not self.found:
            return []

        parameters = self.merge()
        create = collector.create_study[0] if collector.create_study else None
        method, grid = self.method(create, collector)
        if grid is not None:
            parameters = self.apply_grid(parameters, grid)
        main_fn = objective_fns[0][0] if objective_fns else None
        if main_fn is None:
            named = collector.functions.get("objective")
            main_fn = named[0] if named else trial_fns[0][0]
        objective = self.objective(create, main_fn)
        budget = None
        early = None
        objective_names = {fn.name.value for fn, _ in objective_fns}
        for call in collector.optimize:
            func = pyexpr.argument(call, 0, "func")
            ours = isinstance(func, cst.Lambda) or last_name(pyexpr.dotted(func)) in objective_names
            n_trials = pyexpr.argument(call, 1 if ours else None, "n_trials")
            if n_trials is not None:
                budget = self.lit(n_trials)
                break
        if create is not None:
            early = self.pruner(pyexpr.argument(create, None, "pruner"), collector)
        first_call = self.found[0][1]
        span = self.span(create) if create is not None else self.span(first_call)
        return [Study(
            format="optuna",
            loader="python",
            span=span,
            parameters=tuple(parameters),
            method=method,
            objective=objective,
            budget=budget,
            early_stopping=early,
            keeps_trials=_keeps_trials(create),
            problems=tuple(self.problems),
            name=main_fn.name.value if main_fn is not None else None,
            random_draws=tuple(self.draws),
        )]

    def objective_functions(self, collector: Collector) -> list[tuple[cst.FunctionDef, str]]:
        """Functions passed to study.optimize / OptunaSearch(space=), with their trial parameter."""
        refs = [pyexpr.argument(c, 0, "func") for c in collector.optimize] + collector.space_functions
        return self.functions_of(refs, collector)

    def functions_of(self, refs: list, collector: Collector) -> list[tuple[cst.FunctionDef, str]]:
        """The function definitions that references (names, lambdas, partials, instances) stand for."""
        out: list[tuple[cst.FunctionDef, str]] = []
        for ref in refs:
            if ref is None:
                continue
            index = 0
            if isinstance(ref, cst.Lambda):
                lambda_params = params_of(ref)
                inner = ref.body
                if not lambda_params or not isinstance(inner, cst.Call):
                    continue
                trial_name = lambda_params[0].name.value
                index = next((i for i, a in enumerate(inner.args) if isinstance(a.value, cst.Name) and a.value.value == trial_name), 0)
                ref = inner.func
            if isinstance(ref, cst.Call) and last_name(pyexpr.call_name(ref)) == "partial":
                inner_ref = pyexpr.argument(ref, 0, None)
                if inner_ref is None:
                    continue
                ref = inner_ref
            name = last_name(pyexpr.dotted(ref))
            if isinstance(ref, cst.Call):  # Objective(...) instance: its __call__
                name = "__call__"
            for fn in collector.functions.get(name or "", []):
                params = [p for p in params_of(fn) if p.name.value not in ("self", "cls")]
                trial_param = next((p for p in params if p.name.value == "trial" or is_trial_annotation(p)), None)
                if trial_param is None and len(params) > index:
                    trial_param = params[index]
                if trial_param is not None:
                    out.append((fn, trial_param.name.value))
        return out

    # --- parameters --------------------------------------------------------------------------

    def merge(self) -> list[Parameter]:
        """One parameter per name when the distributions agree; all of them when they differ."""
        by_name: dict[str, list[Parameter]] = {}
        order: list[str] = []
        for param, _ in self.found:
            if param.name not in by_name:
                order.append(param.name)
            by_name.setdefault(param.name, []).append(param)
        out: list[Parameter] = []
        for name in order:
            group = by_name[name]
            distinct: list[Parameter] = []
            for p in group:
                same = next((d for d in distinct if signature(d) == signature(p)), None)
                if same is None:
                    distinct.append(p)
                else:
                    distinct[distinct.index(same)] = replace(
                        same, condition=merge_conditions(same.condition, p.condition), sites=same.sites + p.sites)
            out.extend(distinct)
        return out

    # --- method, grid, objective, pruner -----------------------------------------------------

    def method(self, create: cst.Call | None, collector: Collector) -> tuple[Method | None, cst.BaseExpression | None]:
        if create is None:
            return None, None
        sampler = self.resolve(pyexpr.argument(create, None, "sampler"), collector)
        multi = pyexpr.argument(create, None, "directions") is not None
        if sampler is None or isinstance(sampler, cst.Name) and sampler.value == "None":
            default = "NSGAIISampler" if multi else "TPESampler"
            func = create.func.attr if isinstance(create.func, cst.Attribute) else create.func
            return Method(default, MethodKind.MODEL_BASED, self.span(func)), None
        if not isinstance(sampler, cst.Call):
            return None, None
        name = last_name(pyexpr.call_name(sampler)) or "sampler"
        kind = SAMPLERS.get(name, MethodKind.OTHER)
        settings = tuple((a.keyword.value, self.lit(a.value)) for a in sampler.args if a.keyword is not None)
        grid = None
        if name == "GridSampler":
            grid = self.resolve(pyexpr.argument(sampler, 0, "search_space"), collector)
        if name == "PartialFixedSampler":
            base = self.resolve(pyexpr.argument(sampler, 1, "base_sampler"), collector)
            if isinstance(base, cst.Call):
                kind = SAMPLERS.get(last_name(pyexpr.call_name(base)) or "", MethodKind.OTHER)
        return Method(name, kind, self.span(sampler.func), settings), grid

    def apply_grid(self, parameters: list[Parameter], grid: cst.BaseExpression) -> list[Parameter]:
        """GridSampler samples its grid's values whatever the suggest call says."""
        if not isinstance(grid, cst.Dict):
            return parameters
        for call, name in pyexpr.random_calls(grid):
            self.draws.append(RandomDraw(name, self.span(call), "the GridSampler grid"))
        entries: dict[str, tuple[cst.BaseExpression, cst.BaseExpression]] = {}
        for element in grid.elements:
            if isinstance(element, cst.DictElement):
                key = pyeval.evaluate(element.key, self.names)
                if isinstance(key, str):
                    entries[key] = (element.key, element.value)
        out: list[Parameter] = []
        for p in parameters:
            entry = entries.get(p.name)
            if entry is None:
                if not entries:
                    out.append(p)
                    continue
                self.problems.append(Problem(
                    "SL003", p.key_span,
                    f"{p.name!r} is suggested but is not in the GridSampler search space; Optuna raises "
                    f"ValueError (\"not found in the given grid\") when the trial reaches this call; add it to the grid",
                ))
                out.append(p)
                continue
            key_node, values_node = entry
            if not isinstance(values_node, (cst.List, cst.Tuple)):
                out.append(p)
                continue
            values = tuple(self.lit(e.value) for e in values_node.elements if not isinstance(e, cst.StarredElement))
            for v in values:
                if _outside(p, v.value):
                    self.problems.append(Problem(
                        "SL003", v.span,
                        f"grid value {v.text} of {p.name!r} lies outside trial.{p.distribution}({_range_text(p)}); "
                        f"Optuna uses it anyway with a warning and records a distribution that does not match the "
                        f"values tried; make the suggest range cover the grid",
                    ))
            out.append(replace(
                p, space=Space.CATEGORICAL, key_span=self.span(key_node), value_span=self.span(values_node),
                distribution="GridSampler", distribution_span=p.distribution_span, values=values,
                low=None, high=None, q=None, log=False, integer=False, deprecated=p.deprecated,
            ))
        return out

    def objective(self, create: cst.Call | None, fn: cst.FunctionDef | None) -> Objective | None:
        if create is None:
            return None
        goal, goal_span = "minimize", None
        direction = pyexpr.argument(create, None, "direction")
        directions = pyexpr.argument(create, None, "directions")
        if direction is None and isinstance(directions, (cst.List, cst.Tuple)) and directions.elements:
            direction = directions.elements[0].value
        if direction is not None:
            value = pyeval.evaluate(direction, self.names)
            text = value if isinstance(value, str) else (last_name(pyexpr.dotted(direction)) or "")
            text = text.lower()
            if text in ("minimize", "maximize"):
                goal, goal_span = text, self.span(direction)
        name_lit = self.returned_name(fn)
        return Objective(name_lit, goal, goal_span, self.span(create))

    def returned_name(self, fn: cst.FunctionDef | None) -> Lit:
        ret = None
        if fn is not None:
            for node in returns_of(fn.body):
                ret = node
        value = ret.value if ret is not None else None
        if isinstance(value, cst.Tuple) and value.elements:
            value = value.elements[0].value
        if value is None:
            anchor = fn.name if fn is not None else None
            return Lit("objective", self.span(anchor) if anchor is not None else Span.point(1, 1), "objective")
        name = metric_name(value, self.names)
        return Lit(name, self.span(value), pyexpr.source(value))

    def pruner(self, node: cst.BaseExpression | None, collector: Collector) -> EarlyStopping | None:
        node = self.resolve(node, collector)
        if not isinstance(node, cst.Call):
            return None
        name = last_name(pyexpr.call_name(node)) or "pruner"
        if name == "NopPruner":
            return None
        settings = tuple((a.keyword.value, self.lit(a.value)) for a in node.args if a.keyword is not None)
        return EarlyStopping(name, settings, self.span(node))


def define_by_run(module: cst.Module, ctx: PyReadContext, ref: cst.BaseExpression) -> tuple[list[Parameter], list[Problem]]:
    """The parameters a define-by-run space function suggests (for `OptunaSearch(space=fn)`)."""
    reader = ModuleReader(module, ctx)
    collector = Collector().run(module)
    reader.names.update({k: v for k, v in collector.assigned.items() if k not in reader.names})
    for fn, trial in reader.functions_of([ref], collector):
        FunctionWalker(reader, trial, reader.scope_of(fn)).walk(fn.body)
    parameters = reader.merge()
    return parameters, reader.problems


def _outside(p: Parameter, value: Any) -> bool:
    if p.space not in (Space.UNIFORM, Space.INT, Space.QUANTIZED) or p.low is None or p.high is None:
        return False
    low, high = p.low.value, p.high.value
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (low, high, value)):
        return False
    return value < low or value > high


def _range_text(p: Parameter) -> str:
    extra = ", log=True" if p.log else ""
    return f"{p.name!r}, {p.low.text if p.low else '?'}, {p.high.text if p.high else '?'}{extra}"


__all__ = ["READER", "Opaque"]


def _keeps_trials(create: cst.Call | None) -> bool | None:
    """Whether create_study names a storage (its first parameter): without one the trials live in memory."""
    if create is None or any(arg.star for arg in create.args):
        return None  # no call read, or arguments spread from a mapping we do not follow
    storage = pyexpr.argument(create, 0, "storage")
    if storage is None or (isinstance(storage, cst.Name) and storage.value == "None"):
        return False
    return True
