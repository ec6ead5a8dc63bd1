"""Hydra's Nevergrad sweeper: `optim` (optimizer default NGOpt, budget default 80, maximize default
false) and params as override strings, lists or scalar specs {lower, upper, init, step, integer, log};
its range enumerates with an excluded stop."""

from __future__ import annotations

from sweeplint.formats.nodes import key_text, text_of, type_name
from sweeplint.model import Lit, Method, MethodKind, Objective, Parameter, Space, Span
from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

NEVERGRAD_KEYS = ("_target_", "defaults", "optim", "parametrization", "params")
NEVERGRAD_OPTIM_KEYS = ("optimizer", "budget", "num_workers", "noisy", "maximize", "seed", "max_failure_rate")
NEVERGRAD_SCALAR_KEYS = ("lower", "upper", "init", "step", "integer", "log")


class NevergradSweeper:
    """The Nevergrad part of the Hydra reader (a mixin of hydra.reader._Reader)."""

    def read_nevergrad(self, block: YMap, metric: Any, where: Span, kind_span: Span) -> tuple:
        self.check_keys(block, NEVERGRAD_KEYS, "the Nevergrad sweeper (hydra.sweeper)")
        optim = block.get("optim")
        optim = optim if isinstance(optim, YMap) else YMap([], block.span)
        self.check_keys(optim, NEVERGRAD_OPTIM_KEYS, "optim")
        parameters: list[Parameter] = []
        for key in ("parametrization", "params"):
            parameters.extend(self.nevergrad_parameters(block.get(key)))
        method = self.nevergrad_method(optim, block, kind_span)
        objective = self.nevergrad_objective(optim, metric, where)
        budget = self.budget(optim, "budget", block.key_node("optim").span if block.key_node("optim") else where, "nevergrad")
        return parameters, method, objective, budget

    def nevergrad_method(self, optim: YMap, block: YMap, span: Span) -> Method:
        node = optim.get("optimizer")
        name = text_of(node) or "NGOpt"
        low = name.lower()
        quasi = ("randomsearch", "halton", "hammersley", "lhs", "sobol")
        kind = MethodKind.RANDOM if any(q in low for q in quasi) else MethodKind.MODEL_BASED
        key = block.key_node("optim")
        settings = tuple((key_text(k), self.lit(v)) for k, v in optim.items()
                         if key_text(k) not in ("optimizer", "maximize", "budget") and isinstance(v, YScalar))
        return Method(name, kind, node.span if node is not None else (key.span if key is not None else span), settings)

    def nevergrad_objective(self, optim: YMap, metric: Any, where: Span) -> Objective:
        node = optim.get("maximize")
        goal, goal_span = "minimize", None
        if node is not None:
            value = self.lit(node).value
            if isinstance(value, bool):
                goal, goal_span = ("maximize" if value else "minimize"), node.span
            else:
                self.problem(node.span, f"optim.maximize must be true or false, not {node.text!r}")
        name = self.lit(metric) if isinstance(metric, YScalar) else Lit("objective", where, None)
        return Objective(name, goal, goal_span, optim.span if optim.pairs else where)

    def nevergrad_parameters(self, node: Any) -> list[Parameter]:
        if node is None or (isinstance(node, YScalar) and node.value is None):
            return []
        if not isinstance(node, YMap):
            self.problem(node.span, f"params must be a mapping of names to search spaces, not {type_name(node)}")
            return []
        out = []
        for key, spec in node.items():
            name = key_text(key)
            if isinstance(spec, YSeq):
                out.append(Parameter(name, Space.CATEGORICAL, key.span, spec.span, distribution="choice",
                                     values=tuple(self.lit(v) for v in spec.items)))
            elif isinstance(spec, YMap):
                out.append(self.nevergrad_scalar(name, key, spec))
            else:
                out.extend(self.override_parameters(YMap([(key, spec)], node.span), "nevergrad"))
        return out

    def nevergrad_scalar(self, name: str, key: YScalar, spec: YMap) -> Parameter:
        self.check_keys_always(spec, NEVERGRAD_SCALAR_KEYS, f"parameter {name!r}")
        get = {k: self.lit(spec.get(k)) for k in NEVERGRAD_SCALAR_KEYS if spec.get(k) is not None}
        log = bool(get["log"].value) if "log" in get else False
        integer = bool(get["integer"].value) if "integer" in get else False
        low, high = get.get("lower"), get.get("upper")
        if low is not None and high is not None:
            return Parameter(name, Space.INT if integer else Space.UNIFORM, key.span, spec.span, distribution="scalar",
                             low=low, high=high, log=log, integer=integer)
        # Unbounded (or half-bounded): a scalar that mutates around `init` by `step` (a factor when log).
        return Parameter(name, Space.NORMAL, key.span, spec.span, distribution="scalar", mu=get.get("init"),
                         low=low, high=high, log=log, integer=integer)

    # --- override strings ----------------------------------------------------------------------
