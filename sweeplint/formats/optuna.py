"""Optuna search spaces written in Python (define-by-run), read with libcst and never run.

What is read:
- `trial.suggest_float/int/categorical` and the deprecated `suggest_uniform`, `suggest_loguniform`,
  `suggest_discrete_uniform`, and `suggest_int` with `step`/`log` passed by position, inside
  objective functions: any function with a parameter named `trial` (or annotated `...Trial`),
  and any function passed to `study.optimize(...)`, `OptunaSearch(space=...)` or used as a Hydra
  `custom_search_space` (`fn(cfg, trial)`);
- the `if` around a suggest call whose test compares a categorical parameter with values
  (`if optimizer == "sgd":`, `elif`, `else`, `in (...)`, truthiness of a boolean choice, and
  `match`/`case`) becomes the parameter's condition; suggest calls inside loops are noted (SL401);
- `optuna.create_study(direction=|directions=, sampler=..., pruner=...)`, `study.optimize(...,
  n_trials=...)`, and a `GridSampler(search_space)` grid, which replaces the suggested
  distributions by the grid's values.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import libcst as cst

from sweeplint import pyexpr
from sweeplint.formats import PyReadContext
from sweeplint.model import (
    Condition,
    EarlyStopping,
    Lit,
    Method,
    MethodKind,
    Objective,
    Opaque,
    Parameter,
    Problem,
    Space,
    Span,
    Study,
)

SUGGEST = ("suggest_float", "suggest_int", "suggest_categorical", "suggest_uniform", "suggest_loguniform",
           "suggest_discrete_uniform")
_DEPRECATED = {
    "suggest_uniform": "trial.suggest_uniform is deprecated since Optuna 3.0; write trial.suggest_float({args})",
    "suggest_loguniform": "trial.suggest_loguniform is deprecated since Optuna 3.0; write trial.suggest_float({args}, log=True)",
    "suggest_discrete_uniform": "trial.suggest_discrete_uniform is deprecated since Optuna 3.0; write trial.suggest_float({args}, step={q})",
}
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
        return _Reader(module, ctx).study()


READER = OptunaReader()


# --- small helpers ---------------------------------------------------------------------------


def _attr_call(node: cst.CSTNode, attr: str | tuple[str, ...]) -> bool:
    names = (attr,) if isinstance(attr, str) else attr
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in names


def _last(name: str | None) -> str | None:
    return name.rsplit(".", 1)[-1] if name else None


def _params(fn: cst.FunctionDef | cst.Lambda) -> list[cst.Param]:
    p = fn.params
    return list(p.posonly_params) + list(p.params) + list(p.kwonly_params)


def _is_trial_annotation(param: cst.Param) -> bool:
    if param.annotation is None:
        return False
    ann = param.annotation.annotation
    if isinstance(ann, (cst.SimpleString, cst.ConcatenatedString)):
        text = str(pyexpr.evaluate(ann))
    else:
        text = pyexpr.dotted(ann) or ""
    return text.rsplit(".", 1)[-1] in ("Trial", "BaseTrial", "FrozenTrial")


class _Collector:
    """One pass over the module: functions, assignments, and the Optuna calls we care about.

    A plain walk over `children` (libcst's visitor machinery costs more than the parse itself).
    """

    def __init__(self) -> None:
        self.functions: dict[str, list[cst.FunctionDef]] = {}
        self.all_functions: list[cst.FunctionDef] = []
        self.assigned: dict[str, cst.BaseExpression] = {}
        self.create_study: list[cst.Call] = []
        self.optimize: list[cst.Call] = []
        self.space_functions: list[cst.BaseExpression] = []

    def run(self, module: cst.Module) -> _Collector:
        stack: list[cst.CSTNode] = [module]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.FunctionDef):
                self.visit_FunctionDef(node)
            elif isinstance(node, cst.Assign):
                self.visit_Assign(node)
            elif isinstance(node, cst.Call):
                self.visit_Call(node)
            stack.extend(reversed(pyexpr.children(node)))
        return self

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.setdefault(node.name.value, []).append(node)
        self.all_functions.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self.assigned[node.targets[0].target.value] = node.value

    def visit_Call(self, node: cst.Call) -> None:
        name = pyexpr.call_name(node)
        last = _last(name)
        if last == "create_study":
            self.create_study.append(node)
        elif _attr_call(node, "optimize"):
            self.optimize.append(node)
        elif last == "OptunaSearch":
            space = pyexpr.argument(node, 0, "space")
            if space is not None:
                self.space_functions.append(space)


class _Reader:
    def __init__(self, module: cst.Module, ctx: PyReadContext):
        self.module = module
        self.ctx = ctx
        self.pos = ctx.positions
        self.names = dict(ctx.constants)
        self.problems: list[Problem] = []
        self.found: list[tuple[Parameter, bool, bool, cst.Call]] = []  # (param, in_loop, constant name, call)

    def span(self, node: cst.CSTNode) -> Span:
        return self.pos.span(node)

    def lit(self, node: cst.BaseExpression) -> Lit:
        return pyexpr.to_lit(node, self.pos, self.names)

    def resolve(self, node: cst.BaseExpression | None, collector: _Collector) -> cst.BaseExpression | None:
        """A name stands for what was last assigned to it in the module (one level)."""
        seen = 0
        while isinstance(node, cst.Name) and node.value in collector.assigned and seen < 5:
            node = collector.assigned[node.value]
            seen += 1
        return node

    # --- the study ---------------------------------------------------------------------------

    def study(self) -> list[Study]:
        collector = _Collector().run(self.module)
        self.names.update({k: v for k, v in collector.assigned.items() if k not in self.names})

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
            for param in _params(fn):
                if param.name.value == "trial" or _is_trial_annotation(param):
                    seen.add(id(fn))
                    trial_fns.append((fn, param.name.value))
                    break
        for fn, trial in trial_fns:
            _FunctionWalker(self, trial).walk(fn.body)
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
            ours = isinstance(func, cst.Lambda) or _last(pyexpr.dotted(func)) in objective_names
            n_trials = pyexpr.argument(call, 1 if ours else None, "n_trials")
            if n_trials is not None:
                budget = self.lit(n_trials)
                break
        if create is not None:
            early = self.pruner(pyexpr.argument(create, None, "pruner"), collector)
        first_call = self.found[0][3]
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
        )]

    def objective_functions(self, collector: _Collector) -> list[tuple[cst.FunctionDef, str]]:
        """Functions passed to study.optimize / OptunaSearch(space=), with their trial parameter."""
        refs = [pyexpr.argument(c, 0, "func") for c in collector.optimize] + collector.space_functions
        return self.functions_of(refs, collector)

    def functions_of(self, refs: list, collector: _Collector) -> list[tuple[cst.FunctionDef, str]]:
        """The function definitions that references (names, lambdas, partials, instances) stand for."""
        out: list[tuple[cst.FunctionDef, str]] = []
        for ref in refs:
            if ref is None:
                continue
            index = 0
            if isinstance(ref, cst.Lambda):
                lambda_params = _params(ref)
                inner = ref.body
                if not lambda_params or not isinstance(inner, cst.Call):
                    continue
                trial_name = lambda_params[0].name.value
                index = next((i for i, a in enumerate(inner.args) if isinstance(a.value, cst.Name) and a.value.value == trial_name), 0)
                ref = inner.func
            if isinstance(ref, cst.Call) and _last(pyexpr.call_name(ref)) == "partial":
                inner_ref = pyexpr.argument(ref, 0, None)
                if inner_ref is None:
                    continue
                ref = inner_ref
            name = _last(pyexpr.dotted(ref))
            if isinstance(ref, cst.Call):  # Objective(...) instance: its __call__
                name = "__call__"
            for fn in collector.functions.get(name or "", []):
                params = [p for p in _params(fn) if p.name.value not in ("self", "cls")]
                trial_param = next((p for p in params if p.name.value == "trial" or _is_trial_annotation(p)), None)
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
        for param, in_loop, constant_name, call in self.found:
            if in_loop and constant_name:
                self.problems.append(Problem(
                    "SL401", param.key_span,
                    f"trial.{param.distribution}({param.name!r}, ...) runs in a loop with a constant name: a name "
                    f"is one parameter per trial, so Optuna returns the first value for every later call and all "
                    f"iterations share it; put the loop index in the name (f\"{param.name}_{{i}}\")",
                ))
            if param.name not in by_name:
                order.append(param.name)
            by_name.setdefault(param.name, []).append(param)
        out: list[Parameter] = []
        for name in order:
            group = by_name[name]
            distinct: list[Parameter] = []
            for p in group:
                same = next((d for d in distinct if _signature(d) == _signature(p)), None)
                if same is None:
                    distinct.append(p)
                else:
                    distinct[distinct.index(same)] = replace(same, condition=_merge_conditions(same.condition, p.condition))
            out.extend(distinct)
        return out

    # --- method, grid, objective, pruner -----------------------------------------------------

    def method(self, create: cst.Call | None, collector: _Collector) -> tuple[Method | None, cst.BaseExpression | None]:
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
        name = _last(pyexpr.call_name(sampler)) or "sampler"
        kind = SAMPLERS.get(name, MethodKind.OTHER)
        settings = tuple((a.keyword.value, self.lit(a.value)) for a in sampler.args if a.keyword is not None)
        grid = None
        if name == "GridSampler":
            grid = self.resolve(pyexpr.argument(sampler, 0, "search_space"), collector)
        if name == "PartialFixedSampler":
            base = self.resolve(pyexpr.argument(sampler, 1, "base_sampler"), collector)
            if isinstance(base, cst.Call):
                kind = SAMPLERS.get(_last(pyexpr.call_name(base)) or "", MethodKind.OTHER)
        return Method(name, kind, self.span(sampler.func), settings), grid

    def apply_grid(self, parameters: list[Parameter], grid: cst.BaseExpression) -> list[Parameter]:
        """GridSampler samples its grid's values whatever the suggest call says."""
        if not isinstance(grid, cst.Dict):
            return parameters
        for call, name in pyexpr.random_calls(grid):
            self.problems.append(Problem("SL109", self.span(call), _randomness_message(name, "the GridSampler grid")))
        entries: dict[str, tuple[cst.BaseExpression, cst.BaseExpression]] = {}
        for element in grid.elements:
            if isinstance(element, cst.DictElement):
                key = pyexpr.evaluate(element.key, self.names)
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
            value = pyexpr.evaluate(direction, self.names)
            text = value if isinstance(value, str) else (_last(pyexpr.dotted(direction)) or "")
            text = text.lower()
            if text in ("minimize", "maximize"):
                goal, goal_span = text, self.span(direction)
        name_lit = self.returned_name(fn)
        return Objective(name_lit, goal, goal_span, self.span(create))

    def returned_name(self, fn: cst.FunctionDef | None) -> Lit:
        ret = None
        if fn is not None:
            for node in _returns(fn.body):
                ret = node
        value = ret.value if ret is not None else None
        if isinstance(value, cst.Tuple) and value.elements:
            value = value.elements[0].value
        if value is None:
            anchor = fn.name if fn is not None else None
            return Lit("objective", self.span(anchor) if anchor is not None else Span.point(1, 1), "objective")
        name = _metric_name(value, self.names)
        return Lit(name, self.span(value), pyexpr.source(value))

    def pruner(self, node: cst.BaseExpression | None, collector: _Collector) -> EarlyStopping | None:
        node = self.resolve(node, collector)
        if not isinstance(node, cst.Call):
            return None
        name = _last(pyexpr.call_name(node)) or "pruner"
        if name == "NopPruner":
            return None
        settings = tuple((a.keyword.value, self.lit(a.value)) for a in node.args if a.keyword is not None)
        return EarlyStopping(name, settings, self.span(node))


def define_by_run(module: cst.Module, ctx: PyReadContext, ref: cst.BaseExpression) -> tuple[list[Parameter], list[Problem]]:
    """The parameters a define-by-run space function suggests (for `OptunaSearch(space=fn)`)."""
    reader = _Reader(module, ctx)
    collector = _Collector().run(module)
    reader.names.update({k: v for k, v in collector.assigned.items() if k not in reader.names})
    for fn, trial in reader.functions_of([ref], collector):
        _FunctionWalker(reader, trial).walk(fn.body)
    parameters = reader.merge()
    return parameters, reader.problems


class _FunctionWalker:
    """Walks one objective function: suggest calls with their `if` conditions and loops."""

    def __init__(self, reader: _Reader, trial: str):
        self.reader = reader
        self.trial = trial
        self.variables: dict[str, str] = {}       # local variable -> parameter name
        self.choices: dict[str, tuple[Any, ...]] = {}

    def walk(self, body: Any, condition: Condition | None = None, loop: bool = False) -> None:
        statements = body.body if isinstance(body, cst.IndentedBlock) else [body] if isinstance(body, cst.SimpleStatementSuite) else body
        for statement in statements:
            self.statement(statement, condition, loop)

    def statement(self, node: cst.CSTNode, condition: Condition | None, loop: bool) -> None:
        if isinstance(node, cst.SimpleStatementSuite):
            for small in node.body:
                self.small(small, condition, loop)
        elif isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self.small(small, condition, loop)
        elif isinstance(node, cst.If):
            self.if_chain(node, condition, loop, tested=())
        elif isinstance(node, (cst.For, cst.While)):
            header = node.iter if isinstance(node, cst.For) else node.test
            self.calls(header, condition, loop)
            self.walk(node.body, condition, True)
            if node.orelse is not None:
                self.walk(node.orelse.body, condition, loop)
        elif isinstance(node, cst.With):
            for item in node.items:
                self.calls(item.item, condition, loop)
            self.walk(node.body, condition, loop)
        elif isinstance(node, cst.Try):
            self.walk(node.body, condition, loop)
            for handler in node.handlers:
                self.walk(handler.body, condition, loop)
            if node.orelse is not None:
                self.walk(node.orelse.body, condition, loop)
            if node.finalbody is not None:
                self.walk(node.finalbody.body, condition, loop)
        elif isinstance(node, cst.Match):
            self.match(node, condition, loop)
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            return  # nested definitions run later; functions taking `trial` are walked on their own
        else:
            self.calls(node, condition, loop)

    def small(self, node: cst.BaseSmallStatement, condition: Condition | None, loop: bool) -> None:
        self.calls(node, condition, loop)
        if isinstance(node, (cst.Assign, cst.AnnAssign)):
            value = node.value
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            if value is not None and self.is_suggest(value):
                name = pyexpr.evaluate(pyexpr.argument(value, 0, "name"), self.reader.names) if pyexpr.argument(value, 0, "name") is not None else None
                for target in targets:
                    if isinstance(target, cst.Name) and isinstance(name, str):
                        self.variables[target.value] = name
                        choices = pyexpr.argument(value, 1, "choices")
                        if value.func.attr.value == "suggest_categorical" and choices is not None:
                            evaluated = pyexpr.evaluate(choices, self.reader.names)
                            if isinstance(evaluated, (list, tuple)) and pyexpr.is_known(evaluated):
                                self.choices[name] = tuple(evaluated)

    def if_chain(self, node: cst.If, outer: Condition | None, loop: bool, tested: tuple[Any, ...]) -> None:
        self.calls(node.test, outer, loop)
        parsed = self.condition_of(node.test)
        here = outer
        parent = None
        if parsed is not None:
            parent, values = parsed
            here = Condition(parent, values)
        self.walk(node.body, here, loop)
        orelse = node.orelse
        if orelse is None:
            return
        if isinstance(orelse, cst.If):
            next_tested = tested + (here.values if parsed is not None else ())
            if parsed is not None and isinstance(orelse.test, cst.BaseExpression):
                nested = self.condition_of(orelse.test)
                if nested is not None and nested[0] == parent:
                    self.if_chain(orelse, outer, loop, next_tested)
                    return
            self.if_chain(orelse, outer, loop, ())
            return
        rest = outer
        if parsed is not None:
            all_tested = tested + here.values
            choices = self.choices.get(parent)
            if choices is not None:
                remaining = tuple(c for c in choices if c not in all_tested)
                if remaining:
                    rest = Condition(parent, remaining)
        self.walk(orelse.body, rest, loop)

    def match(self, node: cst.Match, outer: Condition | None, loop: bool) -> None:
        """`match optimizer:` with `case "sgd":`, `case "a" | "b":` and a final `case _:`."""
        self.calls(node.subject, outer, loop)
        parent = self.variables.get(node.subject.value) if isinstance(node.subject, cst.Name) else None
        tested: tuple[Any, ...] = ()
        for case in node.cases:
            here = outer
            values = _match_values(case.pattern, self.reader.names) if parent is not None and case.guard is None else None
            if values is not None:
                here = Condition(parent, values)
                tested += values
            elif (parent is not None and case.guard is None and isinstance(case.pattern, cst.MatchAs)
                  and case.pattern.pattern is None and parent in self.choices):
                remaining = tuple(c for c in self.choices[parent] if c not in tested)
                if remaining:
                    here = Condition(parent, remaining)
            self.walk(case.body, here, loop)

    def condition_of(self, test: cst.BaseExpression) -> tuple[str, tuple[Any, ...]] | None:
        """`x == "a"`, `"a" == x`, `x in ("a", "b")`, `x` / `not x` for a suggested categorical x."""
        if isinstance(test, cst.Name) and test.value in self.variables:
            return self.variables[test.value], (True,)
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            inner = test.expression
            if isinstance(inner, cst.Name) and inner.value in self.variables:
                return self.variables[inner.value], (False,)
            return None
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            target = test.comparisons[0]
            left, right = test.left, target.comparator
            if isinstance(target.operator, cst.Equal):
                for var, other in ((left, right), (right, left)):
                    if isinstance(var, cst.Name) and var.value in self.variables:
                        value = pyexpr.evaluate(other, self.reader.names)
                        if pyexpr.is_known(value) and not isinstance(value, (list, dict, set, frozenset)):
                            return self.variables[var.value], (value,)
            if isinstance(target.operator, cst.In) and isinstance(left, cst.Name) and left.value in self.variables:
                value = pyexpr.evaluate(right, self.reader.names)
                if isinstance(value, (list, tuple, set, frozenset)) and pyexpr.is_known(value):
                    return self.variables[left.value], tuple(value)
        return None

    def is_suggest(self, node: cst.CSTNode) -> bool:
        return (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in SUGGEST
            and pyexpr.dotted(node.func.value) in (self.trial, f"self.{self.trial}")
        )

    def calls(self, node: cst.CSTNode, condition: Condition | None, loop: bool) -> None:
        stack: list[tuple[cst.CSTNode, bool]] = [(node, loop)]
        found: list[tuple[cst.Call, bool]] = []
        while stack:
            current, in_loop = stack.pop()
            if isinstance(current, (cst.Lambda, cst.FunctionDef)):
                continue
            if self.is_suggest(current):
                found.append((current, in_loop))
            inner_loop = in_loop or isinstance(current, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp))
            stack.extend((child, inner_loop) for child in reversed(pyexpr.children(current)))
        for call, in_loop in found:
            param, constant = _Suggest(self.reader, call).parameter(condition)
            if param is not None:
                self.reader.found.append((param, in_loop, constant, call))


class _Suggest:
    """One `trial.suggest_*(...)` call as a Parameter."""

    def __init__(self, reader: _Reader, call: cst.Call):
        self.reader = reader
        self.call = call
        self.method = call.func.attr.value  # type: ignore[union-attr]

    def arg(self, index: int | None, keyword: str) -> cst.BaseExpression | None:
        return pyexpr.argument(self.call, index, keyword)

    def parameter(self, condition: Condition | None) -> tuple[Parameter | None, bool]:
        r = self.reader
        name_node = self.arg(0, "name")
        if name_node is None:
            return None, False
        value = pyexpr.evaluate(name_node, r.names)
        constant = isinstance(value, str)
        if constant:
            name = value
        elif isinstance(name_node, cst.FormattedString):
            name = pyexpr.source(name_node)
            name = re.sub(r"^[rRbBfF]+", "", name).strip("'\"")
        else:
            name = pyexpr.source(name_node)
        fields: dict[str, Any] = {
            "name": name,
            "key_span": r.span(name_node),
            "value_span": r.span(self.call),
            "distribution": self.method,
            "distribution_span": r.span(self.call.func.attr),  # type: ignore[union-attr]
            "condition": condition,
        }
        method = self.method
        if method == "suggest_categorical":
            choices = self.arg(1, "choices")
            resolved = choices
            while isinstance(resolved, cst.Name) and resolved.value in r.names:
                resolved = r.names[resolved.value]
            if isinstance(resolved, (cst.List, cst.Tuple)):
                values = tuple(r.lit(e.value) for e in resolved.elements if not isinstance(e, cst.StarredElement))
                return Parameter(space=Space.CATEGORICAL, values=values, **fields), constant
            return Parameter(space=Space.UNKNOWN, **fields), constant

        low, high = self.arg(1, "low"), self.arg(2, "high")
        if low is None or high is None:
            return Parameter(space=Space.UNKNOWN, **fields), constant
        fields["low"], fields["high"] = r.lit(low), r.lit(high)
        if method == "suggest_int":
            step_node, log_node = self.arg(3, "step"), self.arg(4, "log")
            positional = [a for a in self.call.args if a.keyword is None]
            log = pyexpr.evaluate(log_node, r.names) is True if log_node is not None else False
            step = r.lit(step_node) if step_node is not None else None
            deprecated = None
            if len(positional) > 3:
                extra = "step and log" if len(positional) > 4 else "step"
                deprecated = (f"passing {extra} to trial.suggest_int by position is deprecated since Optuna 3.5; "
                              f"write them as keywords (step=..., log=...)")
            q = step if step is not None and step.value != 1 else None
            return Parameter(space=Space.INT, integer=True, log=log, q=q, deprecated=deprecated, **fields), constant
        if method == "suggest_float":
            step_node, log_node = self.arg(None, "step"), self.arg(None, "log")
            log = pyexpr.evaluate(log_node, r.names) is True if log_node is not None else False
            if step_node is not None and not (isinstance(step_node, cst.Name) and step_node.value == "None"):
                return Parameter(space=Space.QUANTIZED, q=r.lit(step_node), log=log, **fields), constant
            return Parameter(space=Space.UNIFORM, log=log, **fields), constant
        args = f"{pyexpr.source(name_node)}, {pyexpr.source(low)}, {pyexpr.source(high)}"
        if method == "suggest_uniform":
            return Parameter(space=Space.UNIFORM, deprecated=_DEPRECATED[method].format(args=args), **fields), constant
        if method == "suggest_loguniform":
            return Parameter(space=Space.UNIFORM, log=True, deprecated=_DEPRECATED[method].format(args=args), **fields), constant
        q_node = self.arg(3, "q")
        q = r.lit(q_node) if q_node is not None else None
        message = _DEPRECATED[method].format(args=args, q=pyexpr.source(q_node) if q_node is not None else "...")
        return Parameter(space=Space.QUANTIZED, q=q, deprecated=message, **fields), constant


# --- helpers ---------------------------------------------------------------------------------


def _signature(p: Parameter) -> tuple:
    def v(lit: Lit | None) -> Any:
        return None if lit is None else repr(lit.value)

    return (p.space, p.log, p.integer, v(p.low), v(p.high), v(p.q), tuple(repr(x.value) for x in p.values))


def _merge_conditions(a: Condition | None, b: Condition | None) -> Condition | None:
    if a is None or b is None or a.parent != b.parent:
        return None
    values = a.values + tuple(x for x in b.values if x not in a.values)
    return Condition(a.parent, values)


def _match_values(pattern: cst.MatchPattern, names: dict) -> tuple[Any, ...] | None:
    if isinstance(pattern, cst.MatchValue):
        value = pyexpr.evaluate(pattern.value, names)
        return (value,) if pyexpr.is_known(value) else None
    if isinstance(pattern, cst.MatchSingleton):
        value = pyexpr.evaluate(pattern.value, names)
        return (value,)
    if isinstance(pattern, cst.MatchOr):
        out: tuple[Any, ...] = ()
        for element in pattern.patterns:
            inner = _match_values(element.pattern, names)
            if inner is None:
                return None
            out += inner
        return out
    return None


def _returns(body: Any) -> list[cst.Return]:
    found: list[cst.Return] = []
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(node, cst.Return):
            found.append(node)
            continue
        stack.extend(reversed(pyexpr.children(node)))
    return found


def _metric_name(node: cst.BaseExpression, names: dict) -> str:
    """A readable name for what a function returns: `val_loss`, `metrics["val_loss"]`, `h.val_loss`."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        key = pyexpr.evaluate(node.slice[0].slice.value, names)
        if isinstance(key, str):
            return key
    if isinstance(node, cst.UnaryOperation):
        return _metric_name(node.expression, names)
    if isinstance(node, cst.Call):
        # `float(val_loss)`, `np.mean(scores)`, `history.history["val_acc"][-1]`-style wrappers
        args = [a.value for a in node.args if a.keyword is None]
        if len(args) == 1 and _last(pyexpr.call_name(node)) in ("float", "mean", "max", "min", "item", "abs"):
            return _metric_name(args[0], names)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in ("item", "mean") and not args:
            return _metric_name(node.func.value, names)
    if isinstance(node, cst.Subscript):
        return _metric_name(node.value, names)
    return "objective"


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


def _randomness_message(call: str, where: str) -> str:
    return (f"{call}(...) is evaluated once, when {where} is built, so every trial gets the same draw "
            f"and the search never varies it; let the tuner sample it instead")


__all__ = ["READER", "Opaque"]


def _keeps_trials(create: cst.Call | None) -> bool | None:
    """Whether create_study names a storage (its first parameter): without one the trials live in memory."""
    if create is None or any(arg.star for arg in create.args):
        return None  # no call read, or arguments spread from a mapping we do not follow
    storage = pyexpr.argument(create, 0, "storage")
    if storage is None or (isinstance(storage, cst.Name) and storage.value == "None"):
        return False
    return True
