"""Ray Tune search spaces written in Python, read with libcst and never run.

What is read:
- `tune.Tuner(trainable, param_space=..., tune_config=tune.TuneConfig(metric, mode, num_samples,
  search_alg, scheduler))` and the legacy `tune.run(trainable, config=..., metric=, mode=,
  num_samples=, search_alg=, scheduler=)`; the space and the TuneConfig may be variables assigned
  earlier in the module (also `space["key"] = ...` additions);
- the space dict, nested dicts giving dotted names, with Ray's sampling functions and their bound
  semantics: uniform, quniform, loguniform, qloguniform, randn, qrandn, randint (upper excluded),
  qrandint (upper included), lograndint (upper excluded), qlograndint (upper included), choice,
  grid_search (also `{"grid_search": [...]}`), sample_from; other values are constants;
- a space assigned to a variable but passed to no Tuner in this file is still read (no method);
- `OptunaSearch(space=fn)`: the define-by-run function's suggest calls join the space;
- `random.*` / `np.random.*` calls evaluated while the space is built (the study's random draws).
"""

from __future__ import annotations

import re

import libcst as cst

from sweeplint import pyeval, pyexpr
from sweeplint.formats import PyReadContext
from sweeplint.model import (
    EarlyStopping,
    Lit,
    Method,
    MethodKind,
    Objective,
    Parameter,
    Problem,
    RandomDraw,
    Space,
    Span,
    Study,
)

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# name -> (space, positional argument names, flags)
SAMPLING: dict[str, tuple[Space, tuple[str, ...], dict[str, Any]]] = {
    "uniform": (Space.UNIFORM, ("lower", "upper"), {}),
    "quniform": (Space.QUANTIZED, ("lower", "upper", "q"), {}),
    "loguniform": (Space.UNIFORM, ("lower", "upper", "base"), {"log": True}),
    "qloguniform": (Space.QUANTIZED, ("lower", "upper", "q", "base"), {"log": True}),
    "randn": (Space.NORMAL, ("mean", "sd"), {}),
    "qrandn": (Space.NORMAL, ("mean", "sd", "q"), {}),
    "randint": (Space.INT, ("lower", "upper"), {"integer": True, "high_inclusive": False}),
    "qrandint": (Space.INT, ("lower", "upper", "q"), {"integer": True}),
    "lograndint": (Space.INT, ("lower", "upper", "base"), {"integer": True, "log": True, "high_inclusive": False}),
    "qlograndint": (Space.INT, ("lower", "upper", "q", "base"), {"integer": True, "log": True}),
    "choice": (Space.CATEGORICAL, ("categories",), {}),
    "grid_search": (Space.CATEGORICAL, ("values",), {}),
    "sample_from": (Space.UNKNOWN, ("func",), {}),
}
SEARCHERS = {
    "BasicVariantGenerator": MethodKind.RANDOM,
    "OptunaSearch": MethodKind.MODEL_BASED,
    "HyperOptSearch": MethodKind.MODEL_BASED,
    "BayesOptSearch": MethodKind.MODEL_BASED,
    "TuneBOHB": MethodKind.MODEL_BASED,
    "AxSearch": MethodKind.MODEL_BASED,
    "SkOptSearch": MethodKind.MODEL_BASED,
    "NevergradSearch": MethodKind.MODEL_BASED,
    "HEBOSearch": MethodKind.MODEL_BASED,
    "ZOOptSearch": MethodKind.MODEL_BASED,
    "DragonflySearch": MethodKind.MODEL_BASED,
    "BlendSearch": MethodKind.MODEL_BASED,
    "CFO": MethodKind.MODEL_BASED,
    "SigOptSearch": MethodKind.MODEL_BASED,
}
_WRAPPERS = ("ConcurrencyLimiter", "Repeater")
_NOT_EARLY_STOPPING = ("FIFOScheduler",)
_TEXT_HINT = re.compile(r"\b(?:Tuner|tune\.run|run_experiments)\s*\(|\btune\.(?:%s)\s*\(" % "|".join(SAMPLING))


class RayReader:
    name = "ray"

    def wants(self, text: str) -> bool:
        return _TEXT_HINT.search(text) is not None

    def read(self, module: cst.Module, ctx: PyReadContext) -> list[Study]:
        return _Reader(module, ctx).studies()


READER = RayReader()


def _last(name: str | None) -> str | None:
    return name.rsplit(".", 1)[-1] if name else None


def _sampling_name(call: cst.BaseExpression) -> str | None:
    """`uniform` for tune.uniform(...) / ray.tune.uniform(...) / uniform(...) imported from ray.tune."""
    name = pyexpr.call_name(call)
    if not name:
        return None
    prefix, _, last = name.rpartition(".")
    if last in SAMPLING and (prefix == "" or prefix.endswith("tune")):
        return last
    return None


class _Space:
    """A space expression as seen at the point of use: the dict and later `space[key] = v` additions."""

    def __init__(self, node: cst.BaseExpression, extra: list[tuple[cst.BaseExpression, cst.BaseExpression]]):
        self.node = node
        self.extra = extra


class _Walk:
    """Source-order pass: assignments (last one before the use wins) and the Tune entry points."""

    def __init__(self) -> None:
        self.assigned: dict[str, cst.BaseExpression] = {}
        self.extra: dict[str, list[tuple[cst.BaseExpression, cst.BaseExpression]]] = {}
        self.entries: list[tuple[cst.Call, str, dict[str, cst.BaseExpression], dict[str, list]]] = []
        self.all_spaces: list[tuple[str, cst.BaseExpression]] = []

    def run(self, module: cst.Module) -> None:
        stack: list[cst.CSTNode] = [module]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Assign):
                # the value is evaluated before the assignment happens
                self.visit_children(node.value)
                self.assign(node)
                continue
            if isinstance(node, cst.Call):
                self.update(node)
                kind = self.entry_kind(node)
                if kind is not None:
                    self.entries.append((node, kind, dict(self.assigned), {k: list(v) for k, v in self.extra.items()}))
            stack.extend(reversed(pyexpr.children(node)))

    def update(self, call: cst.Call) -> None:
        """`space.update({"d_ff": tune.choice(...)})` (or `update(d_ff=...)`): more entries of the
        space, as `space[key] = value` adds them (often under an `if`: they are in the trials that ran it)."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "update" and isinstance(func.value, cst.Name)
                and func.value.value in self.extra):
            return
        added = self.extra[func.value.value]
        for arg in call.args:
            if arg.keyword is not None:
                added.append((cst.SimpleString(repr(arg.keyword.value)), arg.value))
            elif isinstance(arg.value, cst.Dict) and not arg.star:
                added.extend((e.key, e.value) for e in arg.value.elements if isinstance(e, cst.DictElement))

    def visit_children(self, node: cst.CSTNode) -> None:
        inner = _Walk()
        inner.assigned, inner.extra = self.assigned, self.extra
        inner.run_node(node)
        self.entries.extend(inner.entries)

    def run_node(self, node: cst.CSTNode) -> None:
        stack: list[cst.CSTNode] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Call):
                kind = self.entry_kind(current)
                if kind is not None:
                    self.entries.append((current, kind, dict(self.assigned), {k: list(v) for k, v in self.extra.items()}))
            stack.extend(reversed(pyexpr.children(current)))

    def assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            t = target.target
            if isinstance(t, cst.Name):
                self.assigned[t.value] = node.value
                self.extra[t.value] = []
                if isinstance(node.value, (cst.Dict, cst.Call)) and _has_sampling(node.value):
                    self.all_spaces.append((t.value, node.value))
            elif isinstance(t, cst.Subscript) and isinstance(t.value, cst.Name) and len(t.slice) == 1:
                index = t.slice[0].slice
                if isinstance(index, cst.Index) and t.value.value in self.extra:
                    self.extra[t.value.value].append((index.value, node.value))

    @staticmethod
    def entry_kind(call: cst.Call) -> str | None:
        name = pyexpr.call_name(call)
        last = _last(name)
        if last == "Tuner":
            return "tuner"
        if name in ("tune.run", "ray.tune.run", "run_experiments", "tune.run_experiments"):
            return "run"
        return None


def _has_sampling(node: cst.CSTNode) -> bool:
    for call in pyexpr.iter_calls(node):
        if _sampling_name(call) is not None:
            return True
    return False


class _Reader:
    def __init__(self, module: cst.Module, ctx: PyReadContext):
        self.module = module
        self.ctx = ctx
        self.pos = ctx.positions
        self.names = dict(ctx.constants)
        self.assigned: dict[str, cst.BaseExpression] = {}
        self.extra: dict[str, list] = {}
        self.used: set[int] = set()
        self.draws: list[RandomDraw] = []  # of the study being read

    def span(self, node: cst.CSTNode) -> Span:
        return self.pos.span(node)

    def lit(self, node: cst.BaseExpression) -> Lit:
        return pyeval.to_lit(node, self.pos, self.names)

    def studies(self) -> list[Study]:
        walk = _Walk()
        walk.run(self.module)
        out: list[Study] = []
        used: set[int] = set()
        for call, kind, assigned, extra in walk.entries:
            study = self.entry(call, kind, assigned, extra, used)
            if study is not None:
                out.append(study)
        for name, node in walk.all_spaces:
            if id(node) in used:
                continue
            used.add(id(node))
            problems: list[Problem] = []
            self.draws = []
            params = self.space(_Space(node, []), "", problems)
            if params:
                out.append(Study(format="ray", loader="python", span=self.span(node), parameters=tuple(params),
                                 problems=tuple(problems), name=name, random_draws=tuple(self.draws)))
        return out

    def resolve(self, node: cst.BaseExpression | None, assigned: dict[str, cst.BaseExpression]) -> cst.BaseExpression | None:
        seen = 0
        while isinstance(node, cst.Name) and node.value in assigned and seen < 5:
            node = assigned[node.value]
            seen += 1
        return node

    def entry_of(self, node: cst.BaseExpression | None, assigned: dict[str, cst.BaseExpression]) -> cst.BaseExpression | None:
        """`config["n_samples"]` where `config` is a dict literal (often the param_space itself): the
        value written there, so a budget kept in the space is still the budget."""
        node = self.resolve(node, assigned)
        if not (isinstance(node, cst.Subscript) and len(node.slice) == 1
                and isinstance(node.slice[0].slice, cst.Index)):
            return node
        table = self.resolve(node.value, assigned)
        key = pyeval.evaluate(node.slice[0].slice.value, self.names)
        if isinstance(table, cst.Dict) and isinstance(key, str):
            for element in table.elements:
                if isinstance(element, cst.DictElement) and pyeval.evaluate(element.key, self.names) == key:
                    return self.resolve(element.value, assigned)
        return node

    def entry(self, call: cst.Call, kind: str, assigned: dict, extra: dict, used: set[int]) -> Study | None:
        if kind == "tuner":
            space_ref = pyexpr.argument(call, None, "param_space")
            config = self.resolve(pyexpr.argument(call, None, "tune_config"), assigned)
            settings: dict[str, cst.BaseExpression] = {}
            if isinstance(config, cst.Call):
                for arg in config.args:
                    if arg.keyword is not None:
                        settings[arg.keyword.value] = arg.value
            trainable = pyexpr.argument(call, 0, "trainable")
        else:
            space_ref = pyexpr.argument(call, None, "config")
            settings = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
            trainable = pyexpr.argument(call, 0, "run_or_experiment")
        problems: list[Problem] = []
        parameters: list[Parameter] = []
        self.assigned, self.extra, self.used = assigned, extra, used
        self.draws = []
        if space_ref is not None:
            node = self.resolve(space_ref, assigned)
            additions = extra.get(space_ref.value, []) if isinstance(space_ref, cst.Name) else []
            if node is not None:
                used.add(id(node))
                parameters = self.space(_Space(node, additions), "", problems)
        search_alg = self.resolve(settings.get("search_alg"), assigned)
        scheduler = self.resolve(settings.get("scheduler"), assigned)
        parameters += self.define_by_run(search_alg, assigned, problems)
        method = self.method(search_alg, call, parameters)
        objective = self.objective(settings, search_alg, scheduler)
        num_samples = self.entry_of(settings.get("num_samples"), assigned)
        early = self.scheduler(scheduler)
        if not parameters and method is None and objective is None:
            return None
        name = pyexpr.dotted(trainable) if trainable is not None else None
        if isinstance(trainable, cst.Call) and pyexpr.argument(trainable, 0, None) is not None:
            name = pyexpr.dotted(pyexpr.argument(trainable, 0, None))  # tune.with_parameters(train, ...)
        return Study(
            format="ray",
            loader="python",
            span=self.span(call),
            parameters=tuple(parameters),
            method=method,
            objective=objective,
            budget=self.lit(num_samples) if num_samples is not None else None,
            parallel=self.lit(settings["max_concurrent_trials"]) if settings.get("max_concurrent_trials") is not None else None,
            early_stopping=early,
            problems=tuple(problems),
            name=name,
            random_draws=tuple(self.draws),
        )

    def define_by_run(self, search_alg: cst.BaseExpression | None, assigned: dict, problems: list[Problem]) -> list[Parameter]:
        """`OptunaSearch(space=fn)`: the suggest calls of the define-by-run function are the space."""
        while isinstance(search_alg, cst.Call) and _last(pyexpr.call_name(search_alg)) in _WRAPPERS:
            search_alg = self.resolve(pyexpr.argument(search_alg, 0, "searcher"), assigned)
        if not (isinstance(search_alg, cst.Call) and _last(pyexpr.call_name(search_alg)) == "OptunaSearch"):
            return []
        space = pyexpr.argument(search_alg, 0, "space")
        if space is None:
            return []
        if isinstance(space, cst.Name) and space.value in assigned and not isinstance(assigned[space.value], cst.Lambda):
            return []  # a dict of Optuna distributions: not read
        from sweeplint.formats.optuna import define_by_run

        parameters, found = define_by_run(self.module, self.ctx, space)
        problems.extend(found)
        return parameters

    # --- the space ---------------------------------------------------------------------------

    def space(self, space: _Space, prefix: str, problems: list[Problem]) -> list[Parameter]:
        node = space.node
        entries: list[tuple[cst.BaseExpression, cst.BaseExpression]] = []
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    entries.append((element.key, element.value))
        elif isinstance(node, cst.Call) and pyexpr.call_name(node) == "dict":
            for arg in node.args:
                if arg.keyword is not None:
                    entries.append((arg.keyword, arg.value))
        else:
            return []
        entries.extend(space.extra)
        out: list[Parameter] = []
        for key_node, value in entries:
            if isinstance(key_node, cst.Name):
                key = key_node.value
            else:
                key = pyeval.evaluate(key_node, self.names)
                if not isinstance(key, str):
                    continue
            name = prefix + key
            out.extend(self.value(name, key_node, value, problems))
        return out

    def value(self, name: str, key_node: cst.CSTNode, value: cst.BaseExpression, problems: list[Problem]) -> list[Parameter]:
        if isinstance(value, cst.Name) and value.value in self.assigned:
            # {"train_loop_config": search_space}: a nested space held in a variable
            target = self.resolve(value, self.assigned)
            if isinstance(target, cst.Dict) and _grid_dict(target) is None:
                self.used.add(id(target))
                return self.space(_Space(target, list(self.extra.get(value.value, []))), name + ".", problems)
        if isinstance(value, cst.Dict):
            grid = _grid_dict(value)
            if grid is not None:
                return [self.categorical(name, key_node, value, grid, "grid_search")]
            return self.space(_Space(value, []), name + ".", problems)
        if isinstance(value, cst.Call) and pyexpr.call_name(value) == "dict" and all(a.keyword is not None for a in value.args):
            return self.space(_Space(value, []), name + ".", problems)
        sampling = _sampling_name(value) if isinstance(value, cst.Call) else None
        if sampling is not None:
            return [self.sampled(name, key_node, value, sampling, problems)]
        for call, called in pyexpr.random_calls(value):
            self.draws.append(RandomDraw(
                called, self.span(call), "the search space", parameter=name, sampler="Tune",
                remedy="use a Tune distribution (e.g. tune.randint or tune.choice) or tune.sample_from(lambda spec: ...)",
            ))
        lit = self.lit(value)
        return [Parameter(name, Space.CONSTANT, self.span(key_node), lit.span, values=(lit,))]

    def categorical(self, name: str, key_node: cst.CSTNode, value: cst.BaseExpression, items: cst.BaseExpression,
                    distribution: str, func: cst.CSTNode | None = None) -> Parameter:
        items = self.resolve(items, self.names) if isinstance(items, cst.Name) else items
        if isinstance(items, (cst.List, cst.Tuple)):
            values = tuple(self.lit(e.value) for e in items.elements if not isinstance(e, cst.StarredElement))
            space = Space.CATEGORICAL
        else:
            values, space = (), Space.UNKNOWN
        return Parameter(name, space, self.span(key_node), self.span(value), distribution=distribution,
                         distribution_span=self.span(func) if func is not None else None, values=values)

    def sampled(self, name: str, key_node: cst.CSTNode, call: cst.Call, sampling: str, problems: list[Problem]) -> Parameter:
        space, arg_names, flags = SAMPLING[sampling]
        func_span_node = call.func.attr if isinstance(call.func, cst.Attribute) else call.func
        if sampling in ("choice", "grid_search"):
            items = pyexpr.argument(call, 0, arg_names[0])
            return self.categorical(name, key_node, call, items, sampling, func_span_node)
        args = {arg: pyexpr.argument(call, i, arg) for i, arg in enumerate(arg_names)}
        fields: dict[str, Any] = {}
        mapping = {"lower": "low", "upper": "high", "q": "q", "mean": "mu", "sd": "sigma"}
        for arg, node in args.items():
            if node is not None and arg in mapping:
                fields[mapping[arg]] = self.lit(node)
        if sampling == "sample_from":
            space = Space.UNKNOWN
        elif space is not Space.NORMAL and ("low" not in fields or "high" not in fields):
            space = Space.UNKNOWN
        q = fields.get("q")
        if space is Space.INT and q is not None and q.value == 1:
            fields.pop("q")
        return Parameter(
            name, space, self.span(key_node), self.span(call),
            distribution=sampling, distribution_span=self.span(func_span_node),
            low=fields.get("low"), high=fields.get("high"), q=fields.get("q"),
            mu=fields.get("mu"), sigma=fields.get("sigma"),
            log=flags.get("log", False), integer=flags.get("integer", False),
            high_inclusive=flags.get("high_inclusive", True),
        )

    # --- search algorithm, objective, scheduler ----------------------------------------------

    def method(self, search_alg: cst.BaseExpression | None, call: cst.Call, parameters: list[Parameter]) -> Method | None:
        func = call.func.attr if isinstance(call.func, cst.Attribute) else call.func
        while isinstance(search_alg, cst.Call) and _last(pyexpr.call_name(search_alg)) in _WRAPPERS:
            search_alg = pyexpr.argument(search_alg, 0, "searcher")
        if search_alg is None or isinstance(search_alg, cst.Name) and search_alg.value == "None":
            varied = [p for p in parameters if p.space is not Space.CONSTANT]
            only_grid = bool(varied) and all(p.distribution == "grid_search" for p in varied)
            return Method("BasicVariantGenerator", MethodKind.GRID if only_grid else MethodKind.RANDOM, self.span(func))
        if not isinstance(search_alg, cst.Call):
            return None
        name = _last(pyexpr.call_name(search_alg)) or "search_alg"
        kind = SEARCHERS.get(name, MethodKind.OTHER)
        if name == "OptunaSearch":
            sampler = pyexpr.argument(search_alg, None, "sampler")
            if _last(pyexpr.call_name(sampler)) in ("RandomSampler", "QMCSampler"):
                kind = MethodKind.RANDOM
        settings = tuple((a.keyword.value, self.lit(a.value)) for a in search_alg.args if a.keyword is not None)
        return Method(name, kind, self.span(search_alg.func), settings)

    def objective(self, settings: dict, search_alg: cst.BaseExpression | None, scheduler: cst.BaseExpression | None) -> Objective | None:
        metric, mode = settings.get("metric"), settings.get("mode")
        for other in (scheduler, search_alg):
            if isinstance(other, cst.Call):
                metric = metric or pyexpr.argument(other, None, "metric")
                mode = mode or pyexpr.argument(other, None, "mode")
        if metric is None or mode is None:
            return None  # Ray Tune has no default mode: a metric needs one
        # `metric_name = "val/acc"` earlier in the same code: the literal it names
        metric, mode = self.resolve(metric, self.assigned), self.resolve(mode, self.assigned)
        mode_value = pyeval.evaluate(mode, self.names)
        goal = {"min": "minimize", "max": "maximize"}.get(mode_value if isinstance(mode_value, str) else "")
        if goal is None:
            return None
        metric_lit = self.lit(metric)
        if not isinstance(metric_lit.value, str):
            return None
        return Objective(metric_lit, goal, self.span(mode), metric_lit.span)

    def scheduler(self, node: cst.BaseExpression | None) -> EarlyStopping | None:
        if not isinstance(node, cst.Call):
            return None
        name = _last(pyexpr.call_name(node)) or "scheduler"
        if name in _NOT_EARLY_STOPPING:
            return None
        settings = tuple((a.keyword.value, self.lit(a.value)) for a in node.args if a.keyword is not None)
        return EarlyStopping(name, settings, self.span(node))


def _grid_dict(node: cst.Dict) -> cst.BaseExpression | None:
    """`{"grid_search": [...]}`, the dict tune.grid_search builds."""
    if len(node.elements) != 1 or not isinstance(node.elements[0], cst.DictElement):
        return None
    element = node.elements[0]
    if pyeval.evaluate(element.key) == "grid_search":
        return element.value
    return None
