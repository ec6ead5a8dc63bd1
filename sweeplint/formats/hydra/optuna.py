"""Hydra's Optuna sweeper: `params` as override strings (or the legacy `search_space`), the sampler,
`direction` (default minimize; a list is multi-objective) and `n_trials` (default 20).

range -> Int/FloatDistribution with Optuna's inclusive bounds, interval -> FloatDistribution,
`int(interval)` -> IntDistribution, tag log -> log=True; the sampler defaults to TPE, and the legacy
`search_space` is ignored when `params` is also set.
"""

from __future__ import annotations

from sweeplint.formats.nodes import key_text, text_of, type_name
from sweeplint.model import Lit, Method, MethodKind, Objective, Parameter, Space, Span
from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# An enum member looked up on its class (`Space.INT`) takes EnumType's slow path, some ten times a
# global's cost; the code run for every parameter uses these.
_CATEGORICAL, _INT, _QUANTIZED, _UNIFORM = Space.CATEGORICAL, Space.INT, Space.QUANTIZED, Space.UNIFORM

OPTUNA_KEYS = (
    "_target_", "defaults", "sampler", "direction", "storage", "study_name", "n_trials", "n_jobs",
    "max_failure_rate", "params", "custom_search_space", "search_space", "experiment_sequence", "pruner",
    "optuna_config",
)
OPTUNA_CONFIG_KEYS = ("direction", "storage", "study_name", "n_trials", "n_jobs", "sampler", "seed")
SEARCH_SPACE_KEYS = ("type", "low", "high", "log", "step", "choices")

# Optuna samplers: class name or config-group name -> (short name, kind)
SAMPLERS = {
    "TPESampler": ("tpe", MethodKind.MODEL_BASED),
    "RandomSampler": ("random", MethodKind.RANDOM),
    "CmaEsSampler": ("cmaes", MethodKind.MODEL_BASED),
    "GridSampler": ("grid", MethodKind.GRID),
    "QMCSampler": ("qmc", MethodKind.RANDOM),
    "GPSampler": ("gp", MethodKind.MODEL_BASED),
    "NSGAIISampler": ("nsgaii", MethodKind.MODEL_BASED),
    "NSGAIIISampler": ("nsgaiii", MethodKind.MODEL_BASED),
    "create_nsgaiii_sampler": ("nsgaiii", MethodKind.MODEL_BASED),
    "MOTPESampler": ("motpe", MethodKind.MODEL_BASED),
    "BruteForceSampler": ("bruteforce", MethodKind.GRID),
}
SAMPLER_GROUP = {short: kind for short, kind in SAMPLERS.values()}


class OptunaSweeper:
    """The Optuna part of the Hydra reader (a mixin of hydra.reader._Reader)."""

    def read_optuna(self, block: YMap, defaults: dict, metric: Any, where: Span) -> tuple:
        self.check_keys(block, OPTUNA_KEYS, "the Optuna sweeper (hydra.sweeper)")
        parameters = self.optuna_parameters(block)
        method = self.optuna_method(block, defaults, where)
        objective = self.optuna_objective(block, metric, where)
        budget = self.budget(block, "n_trials", where, "optuna")
        legacy = block.get("optuna_config")
        if isinstance(legacy, YMap):
            self.check_keys(legacy, OPTUNA_CONFIG_KEYS, "optuna_config")
            if block.get("n_trials") is None and legacy.get("n_trials") is not None:
                budget = self.lit(legacy.get("n_trials"))
        return parameters, method, objective, budget

    def optuna_parameters(self, block: YMap) -> list[Parameter]:
        params, search_space = block.get("params"), block.get("search_space")
        has_params = params is not None and not (isinstance(params, YScalar) and params.value is None)
        has_space = search_space is not None and not (isinstance(search_space, YScalar) and search_space.value is None)
        if has_params and has_space:
            self.ignored(block.key_node("search_space"), "superseded")
        if has_params:
            return self.override_parameters(params, "optuna")
        if has_space:
            return self.search_space_parameters(search_space)
        return []

    def search_space_parameters(self, node: Any) -> list[Parameter]:
        if not isinstance(node, YMap):
            self.problem(node.span, f"search_space must be a mapping of names to distributions, not {type_name(node)}")
            return []
        out = []
        deprecated = ("hydra.sweeper.search_space is deprecated (Hydra's Optuna sweeper >= 1.2 warns and "
                      "will remove it); write the parameter in hydra.sweeper.params with the override grammar")
        for key, spec in node.items():
            name = key_text(key)
            if not isinstance(spec, YMap):
                self.problem(spec.span, f"search_space entry {name!r} must be a mapping with type, low/high or choices")
                out.append(Parameter(name, Space.UNKNOWN, key.span, spec.span))
                continue
            self.check_keys_always(spec, SEARCH_SPACE_KEYS, f"search_space entry {name!r}")
            kind_node = spec.get("type")
            kind = text_of(kind_node)
            log = bool(self.lit(spec.get("log")).value) if spec.get("log") is not None else False
            step = self.lit(spec.get("step")) if spec.get("step") is not None else None
            common = dict(key_span=key.span, value_span=spec.span, distribution=kind,
                          distribution_span=kind_node.span if kind_node is not None else None, deprecated=deprecated)
            if kind == "categorical":
                choices = spec.get("choices")
                if not isinstance(choices, YSeq):
                    self.problem((choices or kind_node).span, f"search_space entry {name!r} (categorical) needs a `choices` list")
                    out.append(Parameter(name, Space.UNKNOWN, **common))
                    continue
                out.append(Parameter(name, _CATEGORICAL, values=tuple(self.lit(c) for c in choices.items), **common))
            elif kind in ("int", "float"):
                low, high = spec.get("low"), spec.get("high")
                if low is None or high is None:
                    self.problem(key.span, f"search_space entry {name!r} ({kind}) needs both `low` and `high`")
                    out.append(Parameter(name, Space.UNKNOWN, **common))
                    continue
                space = _INT if kind == "int" else (_QUANTIZED if step is not None else _UNIFORM)
                out.append(Parameter(name, space, low=self.lit(low), high=self.lit(high), q=step, log=log,
                                     integer=kind == "int", **common))
            else:
                self.problem((kind_node or key).span, f"search_space entry {name!r} needs `type`: int, float or categorical"
                                                      + (f", not {kind!r}" if kind else ""))
                out.append(Parameter(name, Space.UNKNOWN, **common))
        return out

    def optuna_method(self, block: YMap, defaults: dict, where: Span) -> Method:
        sampler = block.get("sampler")
        settings: tuple = ()
        if isinstance(sampler, YMap):
            settings = tuple((key_text(k), self.lit(v)) for k, v in sampler.items()
                             if key_text(k) != "_target_" and isinstance(v, YScalar))
            target = sampler.get("_target_")
            if text_of(target):
                cls = text_of(target).rsplit(".", 1)[-1]
                short, kind = SAMPLERS.get(cls, (cls, MethodKind.OTHER))
                return Method(cls, kind, target.span, settings)
        if "hydra/sweeper/sampler" in defaults:
            name, node = defaults["hydra/sweeper/sampler"]
            return Method(name, SAMPLER_GROUP.get(name, MethodKind.OTHER), node.span, settings)
        legacy = block.get("optuna_config")
        if isinstance(legacy, YMap) and text_of(legacy.get("sampler")):
            node = legacy.get("sampler")
            seed = legacy.get("seed")
            extra = (("seed", self.lit(seed)),) if seed is not None else ()
            return Method(node.value, SAMPLER_GROUP.get(node.value, MethodKind.OTHER), node.span, extra)
        span = sampler.span if isinstance(sampler, YMap) else where
        return Method("tpe", MethodKind.MODEL_BASED, span, settings)

    def optuna_objective(self, block: YMap, metric: Any, where: Span) -> Objective:
        direction = block.get("direction")
        legacy = block.get("optuna_config")
        if direction is None and isinstance(legacy, YMap):
            direction = legacy.get("direction")
        goal, goal_span = "minimize", None
        first = direction.items[0] if isinstance(direction, YSeq) and direction.items else direction
        if isinstance(direction, YSeq):
            for item in direction.items:
                self._direction(item)
        if first is not None and not isinstance(first, YSeq):
            value = self._direction(first)
            if value is not None:
                goal, goal_span = value, first.span
        name = self.lit(metric) if isinstance(metric, YScalar) else Lit("objective", direction.span if direction is not None else where, None)
        return Objective(name, goal, goal_span, direction.span if direction is not None else where)

    def _direction(self, node: Any) -> str | None:
        text = text_of(node)
        if text in ("minimize", "maximize"):
            return text
        self.problem(node.span, f"direction must be minimize or maximize (or a list of them), not "
                                f"{text if text is not None else type_name(node)!r}")
        return None

    # --- Ax ------------------------------------------------------------------------------------
