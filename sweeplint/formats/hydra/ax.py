"""Hydra's Ax sweeper: `ax_config.params` with type range/choice/fixed, `experiment.minimize`
(default true) and `max_trials` (default 10)."""

from __future__ import annotations

from sweeplint.formats.nodes import key_text, text_of, type_name
from sweeplint.model import Lit, Method, MethodKind, Objective, Parameter, Space, Span
from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

AX_KEYS = ("_target_", "defaults", "max_batch_size", "ax_config")
AX_CONFIG_KEYS = ("max_trials", "early_stop", "experiment", "client", "params", "is_noisy")
AX_EXPERIMENT_KEYS = ("name", "objective_name", "minimize", "parameter_constraints", "outcome_constraints", "status_quo")
AX_EARLY_STOP_KEYS = ("minimize", "max_epochs_without_improvement", "epsilon")
AX_CLIENT_KEYS = ("verbose_logging", "random_seed")


class AxSweeper:
    """The Ax part of the Hydra reader (a mixin of hydra.reader._Reader)."""

    def read_ax(self, block: YMap, metric: Any, where: Span, kind_span: Span) -> tuple:
        self.check_keys(block, AX_KEYS, "the Ax sweeper (hydra.sweeper)")
        ax = block.get("ax_config")
        ax = ax if isinstance(ax, YMap) else YMap([], block.span)
        self.check_keys(ax, AX_CONFIG_KEYS, "ax_config")
        for sub, keys in (("experiment", AX_EXPERIMENT_KEYS), ("early_stop", AX_EARLY_STOP_KEYS), ("client", AX_CLIENT_KEYS)):
            if isinstance(ax.get(sub), YMap):
                self.check_keys(ax.get(sub), keys, f"ax_config.{sub}")
        parameters = self.ax_parameters(ax.get("params"))
        key = block.key_node("ax_config")
        method = Method("ax", MethodKind.MODEL_BASED, key.span if key is not None else kind_span)
        objective = self.ax_objective(ax, metric, where)
        budget = self.budget(ax, "max_trials", key.span if key is not None else where, "ax")
        return parameters, method, objective, budget

    def ax_parameters(self, node: Any) -> list[Parameter]:
        if node is None or (isinstance(node, YScalar) and node.value is None):
            return []
        if not isinstance(node, YMap):
            self.problem(node.span, f"ax_config.params must be a mapping of names to parameter specs, not {type_name(node)}")
            return []
        out = []
        for key, spec in node.items():
            name = key_text(key)
            if not isinstance(spec, YMap):
                self.problem(spec.span, f"Ax parameter {name!r} must be a mapping with `type` (range, choice or fixed)")
                out.append(Parameter(name, Space.UNKNOWN, key.span, spec.span))
                continue
            type_node = spec.get("type")
            kind = text_of(type_node)
            log = spec.get("log_scale")
            log_value = bool(self.lit(log).value) if log is not None else False
            common = dict(key_span=key.span, value_span=spec.span, distribution=kind,
                          distribution_span=type_node.span if type_node is not None else None)
            if kind == "range":
                bounds = spec.get("bounds")
                if not (isinstance(bounds, YSeq) and len(bounds.items) == 2 and all(
                        isinstance(b, YScalar) and self.lit(b).is_number for b in bounds.items)):
                    self.problem((bounds or type_node).span, f"Ax range parameter {name!r} needs `bounds: [low, high]` with two numbers")
                    out.append(Parameter(name, Space.UNKNOWN, **common))
                    continue
                low, high = (self.lit(b) for b in bounds.items)
                both_int = low.is_int and high.is_int
                out.append(Parameter(name, Space.INT if both_int else Space.UNIFORM, low=low, high=high, log=log_value,
                                     integer=both_int, inferred=True, **common))
            elif kind == "choice":
                values = spec.get("values")
                if not isinstance(values, YSeq) or not values.items:
                    self.problem((values or type_node).span, f"Ax choice parameter {name!r} needs a non-empty `values` list")
                    out.append(Parameter(name, Space.UNKNOWN, **common))
                    continue
                out.append(Parameter(name, Space.CATEGORICAL, values=tuple(self.lit(v) for v in values.items), **common))
            elif kind == "fixed":
                value = spec.get("value")
                if value is None:
                    self.problem(type_node.span, f"Ax fixed parameter {name!r} needs `value`")
                    out.append(Parameter(name, Space.UNKNOWN, **common))
                    continue
                out.append(Parameter(name, Space.CONSTANT, values=(self.lit(value),), **common))
            else:
                self.problem((type_node or key).span, f"Ax parameter {name!r} needs `type`: range, choice or fixed"
                                                      + (f", not {kind!r}" if kind else ""))
                out.append(Parameter(name, Space.UNKNOWN, **common))
        return out

    def ax_objective(self, ax: YMap, metric: Any, where: Span) -> Objective:
        experiment = ax.get("experiment")
        goal, goal_span, name = "minimize", None, None
        span = where
        if isinstance(experiment, YMap):
            span = experiment.span
            minimize = experiment.get("minimize")
            if minimize is not None:
                value = self.lit(minimize).value
                if isinstance(value, bool):
                    goal, goal_span = ("minimize" if value else "maximize"), minimize.span
                else:
                    self.problem(minimize.span, f"experiment.minimize must be true or false, not {minimize.text!r}")
            if isinstance(experiment.get("objective_name"), YScalar):
                name = self.lit(experiment.get("objective_name"))
        if isinstance(metric, YScalar):
            name = self.lit(metric)
        return Objective(name or Lit("objective", span, None), goal, goal_span, span)
