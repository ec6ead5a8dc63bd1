"""Weights & Biases sweep configs (YAML and JSON).

The key schema and the inference rules follow W&B's published sweep-config schema: a parameter
is exactly one shape; without `distribution`, `values` means categorical, `value` constant, and
`min`/`max` both integers mean int_uniform (any float: uniform).
"""

from __future__ import annotations

import math
import re

from sweeplint.formats import ReadContext
from sweeplint.formats.nodes import Collector, key_text, lit, text_of, type_name
from sweeplint.formats.wandb_dialect import ONLY_WARNS, REFUSES, refuses_or_warns
from sweeplint.formats.wandb_keys import EARLY_TERMINATE_KEYS, METRIC_KEYS, TopLevelChecks, engine_search_space, is_launch_sweep
from sweeplint.limits import MAX_PARAMETERS
from sweeplint.model import (
    Declarations,
    Span,
    EarlyStopping,
    KeyRef,
    Lit,
    Method,
    MethodKind,
    Objective,
    Opaque,
    Parameter,
    Space,
    Study,
    number,
)
from sweeplint.records import replace
from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# An enum member looked up on its class (`Space.INT`) takes EnumType's slow path, some ten times a
# global's cost; the code run for every parameter uses these.
_CATEGORICAL, _CONSTANT, _QUANTIZED = Space.CATEGORICAL, Space.CONSTANT, Space.QUANTIZED
_NORMAL, _BETA = Space.NORMAL, Space.BETA

TOP_LEVEL_KEYS = (
    "method", "parameters", "metric", "metrics", "program", "command", "name", "description",
    "project", "entity", "early_terminate", "run_cap", "controller", "job", "image_uri",
    "apiVersion", "kind", "scheduler", "launch",
)
METHODS = {
    "grid": MethodKind.GRID,
    "random": MethodKind.RANDOM,
    "bayes": MethodKind.MODEL_BASED,
    "custom": MethodKind.OTHER,
}
# W&B's schema for parameter names (a name it cannot pass as `--name=value` is refused).
PARAMETER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")

# distribution -> (space, required keys, optional keys, flags)
_V1_EXPONENTS = "its min/max are natural-log exponents (the value is e^min .. e^max)"
DISTRIBUTIONS: dict[str, tuple[Space, tuple[str, ...], tuple[str, ...], dict[str, Any]]] = {
    "constant": (Space.CONSTANT, ("value",), (), {}),
    "categorical": (Space.CATEGORICAL, ("values",), (), {}),
    "categorical_w_probabilities": (Space.CATEGORICAL, ("values", "probabilities"), (), {}),
    "int_uniform": (Space.INT, ("min", "max"), (), {"integer": True}),
    "uniform": (Space.UNIFORM, ("min", "max"), (), {}),
    "q_uniform": (Space.QUANTIZED, ("min", "max"), ("q",), {}),
    "log_uniform": (Space.UNIFORM, ("min", "max"), (), {"log": True, "exponent_bounds": True, "deprecated": _V1_EXPONENTS}),
    "log_uniform_values": (Space.UNIFORM, ("min", "max"), (), {"log": True}),
    "q_log_uniform": (Space.QUANTIZED, ("min", "max"), ("q",), {"log": True, "exponent_bounds": True, "deprecated": _V1_EXPONENTS}),
    "q_log_uniform_values": (Space.QUANTIZED, ("min", "max"), ("q",), {"log": True}),
    "inv_log_uniform": (Space.UNIFORM, ("min", "max"), (), {"log": True, "exponent_bounds": True, "deprecated": _V1_EXPONENTS}),
    "inv_log_uniform_values": (Space.UNIFORM, ("min", "max"), (), {"log": True}),
    "normal": (Space.NORMAL, (), ("mu", "sigma"), {}),
    "q_normal": (Space.NORMAL, (), ("mu", "sigma", "q"), {}),
    "log_normal": (Space.NORMAL, (), ("mu", "sigma"), {"log": True}),
    "q_log_normal": (Space.NORMAL, (), ("mu", "sigma", "q"), {"log": True}),
    "beta": (Space.BETA, (), ("a", "b"), {}),
    "q_beta": (Space.BETA, (), ("a", "b", "q"), {}),
}
PARAMETER_KEYS = ("value", "values", "probabilities", "min", "max", "distribution", "q", "mu", "sigma", "a", "b", "parameters")
_KNOWN_KEYS = frozenset(PARAMETER_KEYS)
_SPEC_KEYS = _KNOWN_KEYS - {"parameters"}
_MAIN_SPEC_KEYS = frozenset({"value", "values", "min", "max", "distribution", "probabilities", "parameters"})
_FIELD_NAMES = {"min": "low", "max": "high", "a": "alpha", "b": "beta"}  # spec keys -> Parameter fields


class WandbReader:
    name = "wandb"

    def recognise(self, root: Any) -> bool:
        if not isinstance(root, YMap):
            return False
        parameters = root.get("parameters")
        if parameters is None and _only_sweep_keys(root) and text_of(root.get("method")) in METHODS:
            # Nothing but sweep keys and a W&B method: a sweep that lacks its parameters is reported,
            # not skipped. (`parameters` alone stays unrecognised: code often loads such a fragment
            # and adds the method itself.)
            return True
        if parameters is None:
            # The engine's own scheduler may define the search space in code instead (and without
            # one, the sweep lacks its parameters).
            scheduler = root.get("scheduler")
            return root.get("method") is not None and isinstance(scheduler, YMap) and scheduler.get("engine") is not None
        # A `method` or a `metric` beside a `parameters` mapping is a sweep, whatever its parameter
        # keys say: a sweep whose specs are misspelt (`valeus:`) must be reported, not skipped.
        # (Plain lists, `lr: [1, 2]`, are other tools' grids.)
        if isinstance(parameters, YMap) and (
            isinstance(root.get("method"), YScalar) or isinstance(root.get("metric"), YMap) or _misspelt_method(root)
        ):
            mappings = sum(1 for _, v in parameters.items() if isinstance(v, YMap))
            return mappings * 2 >= len(parameters.pairs)
        # `parameters` alone is too common a key; a sweep also says how to search or what to run.
        others = ("program", "command", "early_terminate", "run_cap", "job", "image_uri", "scheduler", "metrics")
        if not any(root.get(k) is not None for k in others):
            return False
        if not isinstance(parameters, YMap) or not parameters.pairs:
            return False
        specs = [v for _, v in parameters.items()]
        shaped = sum(1 for v in specs if isinstance(v, YMap) and any(text_of(k) in PARAMETER_KEYS for k, _ in v.items()))
        return shaped * 2 >= len(specs)

    def read(self, root: YMap, ctx: ReadContext) -> list[Study]:
        return [_Builder(ctx).study(root)]


READER = WandbReader()


class _Builder(Collector):
    def __init__(self, ctx: ReadContext):
        super().__init__()
        self.ctx = ctx
        self.parameters_read = 0

    # --- the sweep ---------------------------------------------------------------------------

    def study(self, root: YMap) -> Study:
        self.check_keys(root, TOP_LEVEL_KEYS, "the sweep")
        method = self.method(root)
        checks = TopLevelChecks(self, root)
        checks.run(method.name if method is not None else None)
        objective = self.objective(root.get("metric"), root.key_node("metric"), checks)
        if root.get("parameters") is None and not engine_search_space(root):
            self.problem(Span.point(root.span.line, root.span.column),
                         f"the sweep has no `parameters` (nor a scheduler.search_space), so {refuses_or_warns(method.name if method else None)}")
        parameters = self.parameters(root.get("parameters"), prefix="")
        if method is not None and method.kind is MethodKind.GRID:
            # A grid enumerates q_uniform as min, min + q, ... (numpy's arange): integers only when
            # min, max and q all are.
            parameters = [replace(p, integer=all(_is_int(x.value) for x in (p.low, p.high, p.q)))
                          if p.space is _QUANTIZED and p.integer and p.low and p.high and p.q else p
                          for p in parameters]
            for p in parameters:
                if p.probabilities:
                    self.problem(p.probabilities[0].span.cover(p.probabilities[-1].span),
                                 f"parameter {p.name!r} has probabilities, which a grid search does not take (W&B's grid search refuses them); remove them or use random search")
        budget = root.get("run_cap")
        if budget is not None and not (isinstance(budget, YScalar) and _is_int(budget.value) and budget.value > 0):
            self.problem(budget, f"run_cap must be a positive integer, not {type_name(budget)}")
        command_node = root.get("command")
        command: tuple[Lit, ...] = ()
        if isinstance(command_node, YSeq):
            command = tuple(lit(item) for item in command_node.items)
        elif command_node is not None:
            self.problem(command_node, "command must be a list of strings, e.g. [${env}, ${interpreter}, ${program}, ${args}]")
        program = root.get("program")
        return Study(
            format="wandb",
            loader=self.ctx.semantics,
            span=root.span,
            parameters=tuple(parameters),
            method=method,
            objective=objective,
            budget=lit(budget) if budget is not None else None,
            early_stopping=self.early_stopping(root.get("early_terminate"), checks),
            program=lit(program) if program is not None else None,
            command=command,
            command_span=command_node.span if command_node is not None else None,
            declarations=Declarations(),
            unknown_keys=tuple(self.unknown),
            problems=tuple(self.problems),
            name=text_of(root.get("name")),
        )

    def method(self, root: YMap) -> Method | None:
        node = root.get("method")
        scheduler = root.get("scheduler")
        settings = scheduler.get("settings") if isinstance(scheduler, YMap) and is_launch_sweep(root) else None
        settings_method = settings.get("method") if isinstance(settings, YMap) else None
        if node is None and _scheduler_job(root) is not None:
            # A Launch sweep with a scheduler job: the scheduler job does the searching (W&B then
            # records the method as custom), or its `settings.method` names the W&B method.
            node = settings_method
            if node is None:
                return Method("custom", METHODS["custom"], root.get("scheduler").get("job").span)
        elif settings_method is not None and _scheduler_job(root) is None:
            # Without a scheduler job, `wandb launch-sweep` runs the method of scheduler.settings.
            node = settings_method
        if node is None:
            self.problem(Span.point(root.span.line, root.span.column),
                         f"the sweep has no top-level `method` (grid, random, bayes or custom), so {REFUSES}")
            return None
        name = text_of(node)
        if name not in METHODS:
            self.problem(node, f"method must be one of grid, random, bayes, custom, not {name if name is not None else type_name(node)!r}")
            return None
        return Method(name, METHODS[name], node.span)

    def objective(self, node: Any, key: Any, checks: TopLevelChecks) -> Objective | None:
        if node is None:
            return None
        if not isinstance(node, YMap):
            self.problem(node, f"metric must be a mapping with `name` and `goal`, not {type_name(node)}")
            return None
        self.check_keys(node, METRIC_KEYS, "metric")
        checks.metric_fields(node, "metric")
        name = node.get("name")
        if name is None:
            self.problem(key or node, "metric has no `name`")
            return None
        goal_node = node.get("goal")
        goal = "minimize"
        goal_span = None
        if goal_node is not None:
            text = text_of(goal_node)
            if text in ("minimize", "maximize"):
                goal, goal_span = text, goal_node.span
            else:
                self.problem(goal_node, f"metric.goal must be minimize or maximize; W&B silently replaces {text or type_name(goal_node)!r} with the default, minimize")
        return Objective(lit(name), goal, goal_span, node.span)

    def early_stopping(self, node: Any, checks: TopLevelChecks) -> EarlyStopping | None:
        if node is None:
            return None
        if not isinstance(node, YMap):
            self.problem(node, f"early_terminate must be a mapping, not {type_name(node)}")
            return None
        self.check_keys(node, EARLY_TERMINATE_KEYS, "early_terminate")
        kind = text_of(node.get("type")) or ""
        if kind != "hyperband":
            self.problem(node.get("type") or node, "early_terminate.type must be hyperband")
        else:
            checks.early_terminate(node)
        settings = tuple((key_text(k), lit(v)) for k, v in node.items() if key_text(k) != "type")
        return EarlyStopping(kind, settings, node.span)

    # --- parameters --------------------------------------------------------------------------

    def parameters(self, node: Any, prefix: str) -> list[Parameter]:
        if node is None:
            return []
        if not isinstance(node, YMap):
            self.problem(node, f"parameters must be a mapping of names to specs, not {type_name(node)}")
            return []
        if not node.pairs:
            self.problem(node, f"`parameters`{' of ' + repr(prefix[:-1]) if prefix else ''} is empty, so {REFUSES}")
        out: list[Parameter] = []
        for key, spec in node.items():
            if self.parameters_read > MAX_PARAMETERS:
                break  # nested groups can hold more than one mapping's entries; the study is cut there anyway
            name = prefix + key_text(key)
            if not (isinstance(key.value, str) and PARAMETER_NAME.match(key.value)):
                self.problem(key, f"the parameter name {key_text(key)!r} breaks W&B's schema (a name starts with a letter or _ "
                                  f"and holds only letters, digits, _, . and -), and {ONLY_WARNS}")
            if isinstance(spec, YMap) and spec.get("parameters") is not None:
                extra = [key_text(k) for k, _ in spec.items() if key_text(k) != "parameters"]
                if extra:
                    self.problem(key, f"parameter {name!r} has nested `parameters`, so it cannot also have {', '.join(extra)}")
                out.extend(self.parameters(spec.get("parameters"), prefix=name + "."))
                continue
            param = self.parameter(name, key, spec)
            if param is not None:
                out.append(param)
                self.parameters_read += 1
        return out

    def parameter(self, name: str, key: YScalar, spec: Any) -> Parameter | None:
        where = f"parameter {name!r}"
        if not isinstance(spec, YMap):
            self.problem(spec if spec is not None else key,
                         f"{where} must be a mapping with value, values, min/max or distribution, not {type_name(spec) if spec is not None else 'empty'}")
            return Parameter(name, Space.UNKNOWN, key.span, spec.span if spec is not None else key.span)
        named = []  # (key node, its text) of each entry, in order: spelled out once for every check below
        for k, v in spec.items():
            named.append((k, key_text(k)))
            if type(v) is YScalar and type(v.value) is Opaque:
                # A value computed in Python that we cannot follow (an imported constant, a call):
                # the spec cannot be judged, and is not reported malformed.
                return Parameter(name, Space.UNKNOWN, key.span, spec.span)
        keys = {k_name for _, k_name in named}
        if keys.isdisjoint(_MAIN_SPEC_KEYS):
            # No value, values, min/max, distribution or parameters: misspelled keys (`valeus:`,
            # `paramters:`), or a group written without `parameters:`.
            import difflib  # (a malformed spec's path: not imported by every run)

            typos = [(k, k_name) for k, k_name in named
                     if k_name not in PARAMETER_KEYS
                     and difflib.get_close_matches(k_name, PARAMETER_KEYS, n=1, cutoff=0.7)]
            if typos:
                for k, k_name in typos:
                    self.unknown.append(KeyRef(k_name, k.span, PARAMETER_KEYS, where))
                return Parameter(name, Space.UNKNOWN, key.span, spec.span)
            if spec.pairs and all(isinstance(v, YMap) for _, v in spec.items()):
                # Every entry is itself a mapping (`a: {values: ...}` included), which W&B rejects.
                self.problem(key, f"{where} holds other parameters ({', '.join(sorted(keys))}) but no value, values, min/max or distribution; to nest parameters, put them under `parameters:`")
                return Parameter(name, Space.UNKNOWN, key.span, spec.span)
        if not keys <= _KNOWN_KEYS and keys.isdisjoint(_SPEC_KEYS):
            # A mapping with no spec key at all: a group written without `parameters:`.
            self.problem(key, f"{where} has no value, values, min/max or distribution; to nest parameters, put them under `parameters:`")
            return Parameter(name, Space.UNKNOWN, key.span, spec.span)

        dist_node = spec.get("distribution")
        distribution = text_of(dist_node) if dist_node is not None else None
        present = keys
        fields: dict[str, Any] = {}
        inferred = False
        if distribution is not None:
            if distribution not in DISTRIBUTIONS:
                self.unknown_value(dist_node, distribution, tuple(DISTRIBUTIONS), f"{where} distribution")
                return Parameter(name, Space.UNKNOWN, key.span, spec.span, distribution=distribution, distribution_span=dist_node.span)
            space, required, optional, flags = DISTRIBUTIONS[distribution]
        elif dist_node is not None:
            self.problem(dist_node, f"{where} distribution must be a name such as uniform or log_uniform_values")
            return Parameter(name, Space.UNKNOWN, key.span, spec.span)
        else:
            inferred = True
            if "values" in present:
                distribution = "categorical_w_probabilities" if "probabilities" in present else "categorical"
            elif "value" in present:
                distribution = "constant"
            elif "min" in present and "max" in present:
                low, high = spec.get("min"), spec.get("max")
                both_int = all(isinstance(n, YScalar) and _is_int(n.value) for n in (low, high))
                distribution = "int_uniform" if both_int else "uniform"
            elif present & {"mu", "sigma", "a", "b", "q"}:
                self.problem(key, f"{where} has {', '.join(sorted(present & {'mu', 'sigma', 'a', 'b', 'q'}))} but no `distribution`; say which one (e.g. normal)")
                return Parameter(name, Space.UNKNOWN, key.span, spec.span)
            else:
                missing = "max" if "min" in present else "min" if "max" in present else "value, values or min/max"
                self.problem(key, f"{where} needs {missing}")
                return Parameter(name, Space.UNKNOWN, key.span, spec.span)
            space, required, optional, flags = DISTRIBUTIONS[distribution]

        allowed = ("distribution",) + required + optional
        if not keys.issubset(allowed):  # (a well-formed spec, nearly all of them: nothing to report)
            for k, k_name in named:
                if k_name in allowed:
                    continue
                if k_name in PARAMETER_KEYS:
                    self.problem(k, f"`{k_name}` does not belong to a {distribution} parameter ({where}); it takes {', '.join(required + optional)}")
                else:
                    self.unknown.append(KeyRef(k_name, k.span, allowed, where))
        for req in required:
            if req not in present:
                self.problem(key, f"{where} ({distribution}) needs `{req}`")

        for field_name in required + optional:
            node = spec.get(field_name)
            if node is None:
                continue
            if field_name in ("values", "probabilities"):
                if not isinstance(node, YSeq):
                    self.problem(node, f"`{field_name}` of {where} must be a list, not {type_name(node)}; write [{node.text if isinstance(node, YScalar) else '...'}]")
                    continue
                if not node.items:
                    self.problem(node, f"`{field_name}` of {where} is empty")
                fields[field_name] = tuple(lit(item) for item in node.items)
            elif field_name == "value":
                fields["values"] = (lit(node),)
            else:
                if not (isinstance(node, YScalar) and _is_number_like(node, self.ctx.semantics)):
                    self.problem(node, f"`{field_name}` of {where} must be a number, not {type_name(node)}")
                    continue
                if distribution == "int_uniform" and field_name in ("min", "max") and not _is_int(node.value):
                    pass  # reported by SL103: int_uniform with float bounds
                fields[_FIELD_NAMES.get(field_name, field_name)] = lit(node)

        sigma = fields.get("sigma")
        if sigma is not None and _is_number_like(spec.get("sigma"), self.ctx.semantics) and sigma.value == 0:
            # W&B's schema lets sigma be 0, but then every draw is NaN.
            self.problem(spec.get("sigma"), f"sigma of {where} is 0, so W&B draws NaN for every run; use a positive sigma, or a constant `value`")
        q = fields.get("q")
        if q is not None and space in (_NORMAL, _BETA) and isinstance(q.value, (int, float)) and q.value <= 0:
            # (a bounded range's q is SL004's to judge)
            self.problem(spec.get("q"), f"q (the step) of {where} must be positive, not {q.text or q.value}, so {REFUSES}")
        values = fields.get("values", ())
        if space is _QUANTIZED and "q" not in fields and "q" not in present and dist_node is not None:
            # W&B rounds to q = 1.0 when q is not given (a float: the values stay floats).
            q = fields["q"] = Lit(1.0, dist_node.span, None)
        if space is _CATEGORICAL and len(values) == 1 and not fields.get("probabilities"):
            # `values: [x]` is how W&B users fix a parameter (W&B passes x to every run): a constant.
            space = _CONSTANT
        # (the first fields by position: matching each keyword among Parameter's 28 fields costs more
        # than making the rest of it)
        return Parameter(
            name, space, key.span, spec.span, distribution, dist_node.span if dist_node is not None else None,
            log=flags.get("log", False),
            # W&B returns integers from a quantized distribution whose q is an integer.
            integer=flags.get("integer", False) or (q is not None and _is_int(q.value)),
            inferred=inferred,
            exponent_bounds=flags.get("exponent_bounds", False),
            base=math.e if flags.get("exponent_bounds") else None,
            deprecated=flags.get("deprecated"),
            # the spec's own fields, those it has (named as Parameter's: low, high, values, q, mu...);
            # the others keep Parameter's defaults
            **fields,
        )

    def unknown_value(self, node: YScalar, value: str, allowed: tuple[str, ...], where: str) -> None:
        self.unknown.append(KeyRef(value, node.span, allowed, where))


def _misspelt_method(root: YMap) -> bool:
    """A top-level key that is nearly `method` (`metod:`, `methods:`) holding a W&B method name."""
    import difflib  # (not imported by every run)

    return any(key_text(k) != "method" and difflib.get_close_matches(key_text(k), ("method",), n=1, cutoff=0.8)
               and text_of(v) in METHODS for k, v in root.items() if isinstance(k, YScalar))


def _only_sweep_keys(root: YMap) -> bool:
    return all(isinstance(k, YScalar) and key_text(k) in TOP_LEVEL_KEYS for k, _ in root.items())


def _scheduler_job(root: YMap) -> Any:
    """The `scheduler.job` of a W&B Launch sweep, or None."""
    scheduler = root.get("scheduler")
    return scheduler.get("job") if isinstance(scheduler, YMap) else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number_like(node: YScalar, semantics: str) -> bool:
    value = node.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    # `1e-5` left a string by a YAML 1.1 loader is SL005's finding, not a second one here.
    return semantics == "yaml1.1" and isinstance(value, str) and not node.quoted and number(lit(node)) is not None
