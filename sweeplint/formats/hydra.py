"""Hydra multirun sweeps: the sweeper config in `hydra.sweeper` (basic, Optuna, Ax, Nevergrad).

Facts encoded here follow Hydra's own sources: the override grammar functions (`choice`, `range` with
an excluded stop, `interval` whose bounds become floats, `tag`, casts), the basic sweeper (keys
`max_batch_size`, `params`; it enumerates choice and range sweeps and rejects intervals), the Optuna
sweeper (range -> Int/FloatDistribution with Optuna's inclusive bounds, interval -> FloatDistribution,
`int(interval)` -> IntDistribution, tag log -> log=True; direction default minimize, a list is
multi-objective; n_trials default 20; sampler default TPE; the legacy `search_space` is ignored when
`params` is also set), the Ax sweeper (`ax_config.params` with type range/choice/fixed;
`experiment.minimize` default true; max_trials default 10) and the Nevergrad sweeper (`optim` with
optimizer default NGOpt, budget default 80, maximize default false; params as override strings, lists
or scalar specs {lower, upper, init, step, integer, log}; range enumerates with an excluded stop).
Scalars are typed the way OmegaConf types them (`1e-5` is a float).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from sweeplint.formats import ReadContext
from sweeplint.formats import hydra_overrides as ov
from sweeplint.formats.hydra_groups import defaults_groups, selects_config_group
from sweeplint.formats.hydra_interpolation import derivations as interpolation_derivations
from sweeplint.formats.nodes import Collector, key_text, type_name
from sweeplint.model import (
    Lit,
    Method,
    MethodKind,
    Objective,
    Parameter,
    Space,
    Span,
    Study,
)
from sweeplint.yamldoc import YMap, YScalar, YSeq, to_python, type_scalar

BASIC_KEYS = ("_target_", "defaults", "max_batch_size", "params")
OPTUNA_KEYS = (
    "_target_", "defaults", "sampler", "direction", "storage", "study_name", "n_trials", "n_jobs",
    "max_failure_rate", "params", "custom_search_space", "search_space", "experiment_sequence", "pruner",
    "optuna_config",
)
OPTUNA_CONFIG_KEYS = ("direction", "storage", "study_name", "n_trials", "n_jobs", "sampler", "seed")
AX_KEYS = ("_target_", "defaults", "max_batch_size", "ax_config")
AX_CONFIG_KEYS = ("max_trials", "early_stop", "experiment", "client", "params", "is_noisy")
AX_EXPERIMENT_KEYS = ("name", "objective_name", "minimize", "parameter_constraints", "outcome_constraints", "status_quo")
AX_EARLY_STOP_KEYS = ("minimize", "max_epochs_without_improvement", "epsilon")
AX_CLIENT_KEYS = ("verbose_logging", "random_seed")
NEVERGRAD_KEYS = ("_target_", "defaults", "optim", "parametrization", "params")
NEVERGRAD_OPTIM_KEYS = ("optimizer", "budget", "num_workers", "noisy", "maximize", "seed", "max_failure_rate")
NEVERGRAD_SCALAR_KEYS = ("lower", "upper", "init", "step", "integer", "log")
SEARCH_SPACE_KEYS = ("type", "low", "high", "log", "step", "choices")
# Keys some sweeper accepts: where the sweeper is not known for sure, a key outside all of them is
# still certainly unknown.
ANY_SWEEPER_KEYS = tuple(dict.fromkeys(BASIC_KEYS + OPTUNA_KEYS + AX_KEYS + NEVERGRAD_KEYS))

FORMATS = {"basic": "hydra-basic", "optuna": "hydra-optuna", "ax": "hydra-ax", "nevergrad": "hydra-nevergrad"}
SWEEPER_NAMES = {"basic": "basic", "optuna": "optuna", "optuna_v2": "optuna", "ax": "ax", "nevergrad": "nevergrad"}
DEFAULT_BUDGET = {"optuna": 20, "ax": 10, "nevergrad": 80}

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

# Top-level keys that only mean something to a sweeper (for misplaced-key reports).
SWEEPER_ONLY = ("n_trials", "sampler", "search_space", "custom_search_space", "ax_config", "optim", "max_failure_rate",
                "study_name", "direction", "params")
_LAUNCHER_SWEEPER_KEYS = ("direction", "n_trials", "params", "sampler", "search_space", "custom_search_space",
                          "ax_config", "optim", "max_failure_rate", "study_name")
_SWEEP_CALL = re.compile(r"\b(choice|range|interval|tag|glob|shuffle)\s*\(")
_PACKAGE = re.compile(r"#\s*@package\s+(\S+)")


def _text(node: Any) -> str | None:
    return node.value if isinstance(node, YScalar) and isinstance(node.value, str) else None


def _sweeper_class(node: Any) -> str | None:
    """basic / optuna / ax / nevergrad for a sweeper `_target_` class path, else None."""
    text = _text(node)
    if not text:
        return None
    if "hydra_optuna_sweeper" in text or text.endswith("OptunaSweeper"):
        return "optuna"
    if "hydra_ax_sweeper" in text or text.endswith("AxSweeper"):
        return "ax"
    if "hydra_nevergrad_sweeper" in text or text.endswith("NevergradSweeper"):
        return "nevergrad"
    if text.endswith("basic_sweeper.BasicSweeper"):
        return "basic"
    return None


def _looks_like_sweeper(node: Any) -> bool:
    if not isinstance(node, YMap):
        return False
    if _sweeper_class(node.get("_target_")) is not None:
        return True
    for key in ("ax_config", "optuna_config"):
        if isinstance(node.get(key), YMap):
            return True
    params = node.get("params")
    if isinstance(params, YMap) and params.pairs:
        return True
    return isinstance(node.get("optim"), YMap) or isinstance(node.get("search_space"), YMap) or (
        isinstance(node.get("sampler"), YMap) and node.get("n_trials") is not None)


def _other_sweeper(block: YMap, defaults: dict) -> bool:
    """A sweeper plugin other than the four known ones is selected (its schema is its own)."""
    target = block.get("_target_")
    if target is not None and _sweeper_class(target) is None:
        return True
    chosen = defaults.get("hydra/sweeper")
    return chosen is not None and chosen[0] not in SWEEPER_NAMES and chosen[0] != "null"


def _ax_params_root(node: YMap) -> bool:
    specs = [v for _, v in node.items()]
    return bool(specs) and all(
        isinstance(v, YMap) and _text(v.get("type")) in ("range", "choice", "fixed")
        and any(v.get(k) is not None for k in ("bounds", "values", "value"))
        for v in specs
    )


def _misplaced(node: YMap, keys: tuple[str, ...]) -> list[tuple[YScalar, Any]]:
    out = []
    for k, v in node.items():
        name = key_text(k)
        if name not in keys:
            continue
        if name == "direction" and not (_text(v) in ("minimize", "maximize") or isinstance(v, YSeq)):
            continue
        if name == "params" and not (isinstance(v, YMap) and any(isinstance(x, YScalar) and isinstance(x.value, str)
                                                                 and (_SWEEP_CALL.search(x.value) or "," in x.value)
                                                                 for _, x in v.items())):
            continue
        out.append((k, v))
    return out


def package_of(text: str) -> str | None:
    """The `# @package` of a config file's header (its leading comment lines), or None."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _PACKAGE.match(stripped)
        if m:
            return m.group(1)
    return None


def _defaults(root: YMap) -> dict[str, tuple[str, YScalar]]:
    """`hydra/sweeper` and `hydra/sweeper/sampler` choices made in the defaults list."""
    out: dict[str, tuple[str, YScalar]] = {}
    items = root.get("defaults")
    if not isinstance(items, YSeq):
        return out
    for item in items.items:
        if not isinstance(item, YMap) or len(item.pairs) != 1:
            continue
        key, value = item.pairs[0]
        if not isinstance(key, YScalar) or not isinstance(key.value, str):
            continue
        group = key.value.strip()
        if group.startswith("override "):
            group = group[len("override "):].strip()
        group = group.lstrip("/").split("@", 1)[0]
        if group in ("hydra/sweeper", "hydra/sweeper/sampler") and isinstance(value, YScalar):
            out[group] = (str(value.value) if value.value is not None else "null", value)
    return out


class HydraReader:
    name = "hydra"
    semantics = "omegaconf"

    def recognise(self, root: Any) -> bool:
        if not isinstance(root, YMap):
            return False
        hydra = root.get("hydra")
        if isinstance(hydra, YMap):
            sweeper = hydra.get("sweeper")
            if _looks_like_sweeper(sweeper):
                return True
            if isinstance(sweeper, YMap) and sweeper.pairs and "hydra/sweeper" in _defaults(root):
                return True
            launcher = hydra.get("launcher")
            if isinstance(launcher, YMap) and _misplaced(launcher, _LAUNCHER_SWEEPER_KEYS):
                return True
        if _sweeper_class(root.get("_target_")) is not None:
            return True
        if any(isinstance(root.get(k), YMap) for k in ("ax_config", "optuna_config")):
            return True
        if "hydra/sweeper" in _defaults(root) and _misplaced(root, SWEEPER_ONLY):
            return True
        if _ax_params_root(root):
            return True
        # A sweeper config file of its own (`# @package hydra.sweeper`): override strings in `params`
        # and other sweeper settings next to them.
        params = root.get("params")
        return (isinstance(params, YMap) and bool(_misplaced(root, ("params",)))
                and any(root.get(k) is not None for k in ("sampler", "direction", "n_trials", "optim")))

    def read(self, root: YMap, ctx: ReadContext) -> list[Study]:
        return _Reader(ctx).read(root)


READER = HydraReader()


class _Reader(Collector):
    def __init__(self, ctx: ReadContext):
        super().__init__()
        self.ctx = ctx
        self.lines = ctx.text.splitlines()
        self.check_keys_on = False

    # --- helpers -------------------------------------------------------------------------------

    def lit(self, node: Any) -> Lit:
        """A literal typed with OmegaConf's rules (`1e-5` is a float)."""
        if isinstance(node, YScalar):
            value = node.value
            if not node.quoted:
                _, value = type_scalar(node.text, None, True, "omegaconf")
            return Lit(value, node.span, node.text, node.quoted)
        return Lit(to_python(node), node.span)

    def check_keys(self, node: YMap, allowed: tuple[str, ...], where: str) -> None:
        if self.check_keys_on:  # only where the sweeper's type, and so its schema, is known
            super().check_keys(node, allowed, where)

    def locator(self, node: YScalar) -> Callable[[int, int], Span]:
        """Maps offsets in a scalar's value to file positions; the whole scalar when that is not exact."""
        span = node.span
        whole = lambda start, end: span  # noqa: E731
        if span.line != span.end_line or span.line > len(self.lines):
            return whole
        raw = self.lines[span.line - 1][span.column - 1:span.end_column - 1]
        if node.quoted:
            if len(raw) < 2 or raw[0] not in "'\"" or raw[-1] != raw[0] or raw[1:-1] != node.text:
                return whole
            base = span.column + 1
        else:
            if raw != node.text:
                return whole
            base = span.column
        return lambda start, end: Span(span.line, base + start, span.line, base + max(end, start + 1))

    # --- the file ------------------------------------------------------------------------------

    def read(self, root: YMap) -> list[Study]:
        package = package_of(self.ctx.text)
        defaults = _defaults(root)
        studies: list[Study] = []
        block, block_key = None, None
        if package is not None and package.startswith("hydra.sweeper"):
            rest = package[len("hydra.sweeper"):].lstrip(".")
            if rest == "":
                block = root
            elif rest == "ax_config.params":
                block = YMap([(YScalar("ax_config", "ax_config", "", False, root.span),
                               YMap([(YScalar("params", "params", "", False, root.span), root)], root.span))], root.span)
            elif rest == "params":
                block = YMap([(YScalar("params", "params", "", False, root.span), root)], root.span)
        else:
            hydra = root.get("hydra")
            if isinstance(hydra, YMap) and isinstance(hydra.get("sweeper"), YMap):
                block, block_key = hydra.get("sweeper"), hydra.key_node("sweeper")
            elif _sweeper_class(root.get("_target_")) is not None or any(
                    isinstance(root.get(k), YMap) for k in ("ax_config", "optuna_config")):
                block = root
            elif _ax_params_root(root):
                block = YMap([(YScalar("ax_config", "ax_config", "", False, root.span),
                               YMap([(YScalar("params", "params", "", False, root.span), root)], root.span))], root.span)
            elif package is None and isinstance(root.get("params"), YMap) and "hydra/sweeper" not in defaults:
                block = root
            if isinstance(hydra, YMap) and isinstance(hydra.get("launcher"), YMap):
                for key, _ in _misplaced(hydra.get("launcher"), _LAUNCHER_SWEEPER_KEYS):
                    self.problem(key.span, f"`{key_text(key)}` is a sweeper setting, but it sits under hydra.launcher, "
                                           f"which passes it to the launcher and never to the sweeper: the sweep runs "
                                           f"without it; move it under hydra.sweeper", code="SL402")
            if package == "_global_" and (block is not root):
                for key, _ in _misplaced(root, SWEEPER_ONLY):
                    self.problem(key.span, f"`{key_text(key)}` is a sweeper setting at the top level of a "
                                           f"`# @package _global_` file, so it lands in the app's own config and the "
                                           f"sweeper never sees it; move it under hydra.sweeper", code="SL402")
        if block is not None:
            study = self.study(root, block, block_key, defaults, package)
            if study is not None:
                studies.append(study)
        if not studies and self.problems:
            self.ctx.problems.extend(self.problems)
        return studies

    def sweeper_kind(self, block: YMap, defaults: dict) -> tuple[str, bool, Span]:
        """(kind, known for sure, span that selects it)."""
        target = block.get("_target_")
        kind = _sweeper_class(target)
        if kind is not None:
            return kind, True, target.span
        if "hydra/sweeper" in defaults:
            name, node = defaults["hydra/sweeper"]
            if name in SWEEPER_NAMES:
                return SWEEPER_NAMES[name], True, node.span
        if isinstance(block.get("ax_config"), YMap):
            return "ax", True, block.key_node("ax_config").span
        if isinstance(block.get("optim"), YMap):
            return "nevergrad", True, block.key_node("optim").span
        if isinstance(block.get("optuna_config"), YMap):
            return "optuna", True, block.key_node("optuna_config").span
        if "hydra/sweeper" in defaults:
            name, node = defaults["hydra/sweeper"]
            for known in ("optuna", "nevergrad", "ax"):
                if known in name:
                    return known, False, node.span
        span = block.span
        if any(block.get(k) is not None for k in ("sampler", "direction", "n_trials", "search_space", "custom_search_space",
                                                   "study_name", "n_jobs", "storage")):
            return "optuna", False, span
        params = block.get("params")
        if isinstance(params, YMap):
            for _, v in params.items():
                if isinstance(v, YScalar) and isinstance(v.value, str) and re.search(r"\b(interval|tag)\s*\(", v.value):
                    return "optuna", False, span
        return "basic", False, span

    # --- the study -----------------------------------------------------------------------------

    def study(self, root: YMap, block: YMap, block_key: Any, defaults: dict, package: str | None) -> Study | None:
        kind, known, kind_span = self.sweeper_kind(block, defaults)
        self.check_keys_on = known
        where = block_key.span if block_key is not None else kind_span
        global_root = package is None or package == "_global_" or block is not root
        metric = root.get("optimized_metric") if global_root and block is not root else None
        parameters: list[Parameter] = []
        method = objective = budget = None
        if kind == "optuna":
            self.check_keys(block, OPTUNA_KEYS, "the Optuna sweeper (hydra.sweeper)")
            parameters = self.optuna_parameters(block)
            method = self.optuna_method(block, defaults, where)
            objective = self.optuna_objective(block, metric, where)
            budget = self.budget(block, "n_trials", where, kind)
            legacy = block.get("optuna_config")
            if isinstance(legacy, YMap):
                self.check_keys(legacy, OPTUNA_CONFIG_KEYS, "optuna_config")
                if block.get("n_trials") is None and legacy.get("n_trials") is not None:
                    budget = self.lit(legacy.get("n_trials"))
        elif kind == "ax":
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
            budget = self.budget(ax, "max_trials", key.span if key is not None else where, kind)
        elif kind == "nevergrad":
            self.check_keys(block, NEVERGRAD_KEYS, "the Nevergrad sweeper (hydra.sweeper)")
            optim = block.get("optim")
            optim = optim if isinstance(optim, YMap) else YMap([], block.span)
            self.check_keys(optim, NEVERGRAD_OPTIM_KEYS, "optim")
            for key in ("parametrization", "params"):
                parameters.extend(self.nevergrad_parameters(block.get(key)))
            method = self.nevergrad_method(optim, block, kind_span)
            objective = self.nevergrad_objective(optim, metric, where)
            budget = self.budget(optim, "budget", block.key_node("optim").span if block.key_node("optim") else where, kind)
        else:
            self.check_keys(block, BASIC_KEYS, "the basic sweeper (hydra.sweeper)")
            parameters = self.override_parameters(block.get("params"), "basic")
            method = Method("basic", MethodKind.GRID, kind_span)
        if not known and not _other_sweeper(block, defaults):
            Collector.check_keys(self, block, ANY_SWEEPER_KEYS, "hydra.sweeper (no Hydra sweeper takes it)")
        declared_groups = defaults_groups(root)
        parameters = [replace(p, selects_config_group=True)
                      if selects_config_group(p.name, self.ctx.path, declared_groups) else p for p in parameters]
        return Study(
            format=FORMATS[kind],
            loader="omegaconf",
            span=block.span,
            parameters=tuple(parameters),
            method=method,
            objective=objective,
            budget=budget,
            unknown_keys=tuple(self.unknown),
            problems=tuple(self.problems),
            name=_text(block.get("study_name")),
            derivations=tuple(interpolation_derivations(root, "" if package in (None, "_global_") else package)),
        )

    def budget(self, node: YMap, key: str, where: Span, kind: str) -> Lit | None:
        value = node.get(key)
        if value is not None:
            return self.lit(value)
        default = DEFAULT_BUDGET.get(kind)
        return Lit(default, where) if default is not None else None

    # --- Optuna --------------------------------------------------------------------------------

    def optuna_parameters(self, block: YMap) -> list[Parameter]:
        params, search_space = block.get("params"), block.get("search_space")
        has_params = params is not None and not (isinstance(params, YScalar) and params.value is None)
        has_space = search_space is not None and not (isinstance(search_space, YScalar) and search_space.value is None)
        if has_params and has_space:
            key = block.key_node("search_space")
            self.problem(key.span, "both `search_space` (the legacy API) and `params` are set; the Optuna sweeper uses "
                                   "`params` and ignores every parameter in `search_space`; move them into `params` "
                                   "(e.g. `lr: tag(log, interval(1e-5, 1e-1))`) and delete `search_space`", code="SL402")
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
            Collector.check_keys(self, spec, SEARCH_SPACE_KEYS, f"search_space entry {name!r}")
            kind_node = spec.get("type")
            kind = _text(kind_node)
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
                out.append(Parameter(name, Space.CATEGORICAL, values=tuple(self.lit(c) for c in choices.items), **common))
            elif kind in ("int", "float"):
                low, high = spec.get("low"), spec.get("high")
                if low is None or high is None:
                    self.problem(key.span, f"search_space entry {name!r} ({kind}) needs both `low` and `high`")
                    out.append(Parameter(name, Space.UNKNOWN, **common))
                    continue
                space = Space.INT if kind == "int" else (Space.QUANTIZED if step is not None else Space.UNIFORM)
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
            if _text(target):
                cls = _text(target).rsplit(".", 1)[-1]
                short, kind = SAMPLERS.get(cls, (cls, MethodKind.OTHER))
                return Method(cls, kind, target.span, settings)
        if "hydra/sweeper/sampler" in defaults:
            name, node = defaults["hydra/sweeper/sampler"]
            return Method(name, SAMPLER_GROUP.get(name, MethodKind.OTHER), node.span, settings)
        legacy = block.get("optuna_config")
        if isinstance(legacy, YMap) and _text(legacy.get("sampler")):
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
        text = _text(node)
        if text in ("minimize", "maximize"):
            return text
        self.problem(node.span, f"direction must be minimize or maximize (or a list of them), not "
                                f"{text if text is not None else type_name(node)!r}")
        return None

    # --- Ax ------------------------------------------------------------------------------------

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
            kind = _text(type_node)
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

    # --- Nevergrad -----------------------------------------------------------------------------

    def nevergrad_method(self, optim: YMap, block: YMap, span: Span) -> Method:
        node = optim.get("optimizer")
        name = _text(node) or "NGOpt"
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
        Collector.check_keys(self, spec, NEVERGRAD_SCALAR_KEYS, f"parameter {name!r}")
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

    def override_parameters(self, node: Any, kind: str) -> list[Parameter]:
        if node is None or (isinstance(node, YScalar) and node.value is None):
            return []
        if not isinstance(node, YMap):
            self.problem(node.span, f"params must be a mapping of names to override strings, not {type_name(node)}")
            return []
        out = []
        for key, value in node.items():
            name = key_text(key)
            if not isinstance(value, YScalar):
                self.problem(value.span, f"the value of {name!r} in params must be an override string such as "
                                         f"`choice(a, b)` or `a,b`, not {type_name(value)}")
                out.append(Parameter(name, Space.UNKNOWN, key.span, value.span))
                continue
            out.append(self.override_parameter(name, key, value, kind))
        return out

    def override_parameter(self, name: str, key: YScalar, node: YScalar, kind: str) -> Parameter:
        at = self.locator(node)
        text = node.text if not (node.quoted is False and node.value is None) else "null"
        unknown = Parameter(name, Space.UNKNOWN, key.span, node.span)
        try:
            tree = ov.parse(text)
        except ov.OverrideSyntaxError as exc:
            self.problem(at(exc.start, exc.end), f"{name}: cannot read the override {text!r}: {exc.message}")
            return unknown
        try:
            sweep = _Sweep.of(tree)
        except _SemanticError as exc:
            self.problem(at(exc.start, exc.end), f"{name}: {exc.message}")
            return unknown

        def lit(prim: Any, value: Any = ...) -> Lit:
            return Lit(prim.value if value is ... else value, at(prim.start, prim.end), prim.text, prim.quoted)

        base = dict(key_span=key.span, value_span=node.span)
        fn = at(sweep.fn_start, sweep.fn_end) if sweep.fn_start is not None else None
        if sweep.kind == "value":
            value = sweep.value
            values = (lit(value, sweep.cast_value(value.value)),) if isinstance(value, ov.Prim) else (
                Lit(_plain(value), at(value.start, value.end), text[value.start:value.end]),)
            return Parameter(name, Space.CONSTANT, values=values, **base)
        if sweep.kind == "glob":
            return Parameter(name, Space.CATEGORICAL, distribution="glob", distribution_span=fn, **base)
        if sweep.kind == "choice":
            values = tuple(lit(v, sweep.cast_value(v.value)) if isinstance(v, ov.Prim)
                           else Lit(_plain(v), at(v.start, v.end), text[v.start:v.end]) for v in sweep.values)
            return Parameter(name, Space.CATEGORICAL, distribution="choice", distribution_span=fn, values=values, **base)
        if sweep.kind == "interval":
            if kind == "basic":
                self.problem(fn, f"{name}: the basic sweeper only enumerates values (choice, range, a,b,c) and rejects "
                                 f"interval(); list the values to try, or select an optimizing sweeper "
                                 f"(override hydra/sweeper: optuna, ax or nevergrad)")
                return unknown
            integer = sweep.cast == "int"
            low = lit(sweep.start, sweep.cast_value(sweep.start.value, interval=True))
            high = lit(sweep.stop, sweep.cast_value(sweep.stop.value, interval=True))
            return Parameter(name, Space.INT if integer else Space.UNIFORM, distribution="interval", distribution_span=fn,
                             low=low, high=high, log="log" in sweep.tags, integer=integer, **base)
        # range
        start = lit(sweep.start, sweep.cast_value(sweep.start.value)) if sweep.start is not None else Lit(0, fn, None)
        stop = lit(sweep.stop, sweep.cast_value(sweep.stop.value))
        step_given = sweep.step is not None
        step = lit(sweep.step, sweep.cast_value(sweep.step.value)) if step_given else Lit(1, fn, None)
        is_float = any(isinstance(v.value, float) for v in (start, stop, step))
        inclusive = kind == "optuna"
        if kind == "optuna" and sweep.shuffle:
            values = tuple(Lit(v, fn, None) for v in _enumerate(start.value, stop.value, step.value))
            return Parameter(name, Space.CATEGORICAL, distribution="shuffle(range)", distribution_span=fn, values=values, **base)
        q = step if (is_float or step.value != 1) else None
        return Parameter(name, Space.QUANTIZED if is_float else Space.INT, distribution="range", distribution_span=fn,
                         low=start, high=stop, q=q, integer=not is_float, high_inclusive=inclusive, **base)


def _plain(node: Any) -> Any:
    if isinstance(node, ov.Prim):
        return node.value
    if isinstance(node, ov.ListV):
        return [_plain(i) for i in node.items]
    if isinstance(node, ov.DictV):
        return {k: _plain(v) for k, v in node.pairs}
    if isinstance(node, ov.Call):
        return f"{node.name}(...)"
    return None


def _enumerate(start: Any, stop: Any, step: Any, limit: int = 1000) -> list:
    try:
        a, b, s = Decimal(str(start)), Decimal(str(stop)), Decimal(str(step))
    except InvalidOperation:
        return []
    out = []
    is_int = all(isinstance(x, int) for x in (start, stop, step))
    while s and ((s > 0 and a < b) or (s < 0 and a > b)) and len(out) < limit:
        out.append(int(a) if is_int else float(a))
        a += s
    return out


class _SemanticError(Exception):
    def __init__(self, message: str, start: int, end: int):
        super().__init__(message)
        self.message, self.start, self.end = message, start, end


_FUNCTION_HINTS = {
    "uniform": "interval(low, high)", "loguniform": "tag(log, interval(low, high))",
    "log_uniform": "tag(log, interval(low, high))", "randint": "int(interval(low, high)) or range(low, high)",
    "logspace": "tag(log, interval(low, high))", "linspace": "range(start, stop, step)",
    "choices": "choice(a, b, c)", "categorical": "choice(a, b, c)",
}


class _Sweep:
    """What an override value means: a constant, a choice, a range, an interval or a glob."""

    def __init__(self, kind: str):
        self.kind = kind
        self.value: Any = None
        self.values: list = []
        self.start = self.stop = self.step = None
        self.tags: set[str] = set()
        self.cast: str | None = None
        self.shuffle = False
        self.fn_start: int | None = None
        self.fn_end: int | None = None

    def cast_value(self, value: Any, interval: bool = False) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        if interval and self.cast != "int" and isinstance(value, (int, float)):
            return float(value)        # interval() makes its bounds floats
        if self.cast == "int" and isinstance(value, (int, float)):
            return int(value)
        if self.cast == "float" and isinstance(value, (int, float)):
            return float(value)
        if self.cast == "str":
            return str(value)
        return value

    @classmethod
    def of(cls, node: Any) -> _Sweep:
        if isinstance(node, ov.SimpleChoice):
            sweep = cls("choice")
            sweep.values = [_element(v) for v in node.items]
            return sweep
        if isinstance(node, ov.Call):
            return cls.call(node)
        sweep = cls("value")
        sweep.value = node
        return sweep

    @classmethod
    def call(cls, node: ov.Call) -> _Sweep:
        name = node.name
        if name not in ov.FUNCTIONS:
            hint = _FUNCTION_HINTS.get(name)
            close = difflib.get_close_matches(name, ov.FUNCTIONS, n=1, cutoff=0.6)
            advice = f"; write {hint}" if hint else (f"; did you mean {close[0]}()?" if close else
                                                     f"; Hydra knows {', '.join(ov.FUNCTIONS)}")
            raise _SemanticError(f"{name}() is not a function of Hydra's override grammar, so Hydra rejects the "
                                 f"sweep{advice}", node.start, node.name_end)
        fn_start, fn_end = node.start, node.name_end
        pos = node.positional()

        def number_arg(value: Any, label: str) -> Any:
            if not (isinstance(value, ov.Prim) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool)
                    and not value.quoted):
                start, end = (value.start, value.end) if value is not None else (fn_start, fn_end)
                raise _SemanticError(f"{label} of {name}() must be a number", start, end)
            return value

        if name == "choice":
            if any(a.name is not None for a in node.args):
                a = next(a for a in node.args if a.name is not None)
                raise _SemanticError("choice() takes only values, not named arguments", a.start, a.start + len(a.name))
            if not pos:
                raise _SemanticError("choice() is empty; Hydra rejects an empty choice - list the values to try",
                                     fn_start, node.end)
            sweep = cls("choice")
            sweep.values = [_element(v) for v in pos]
        elif name in ("range", "interval"):
            labels = ("start", "stop", "step") if name == "range" else ("start", "end")
            bound: dict[str, Any] = {}
            for index, value in enumerate(pos):
                if index >= len(labels):
                    raise _SemanticError(f"{name}() takes at most {len(labels)} arguments", value.start, value.end)
                bound[labels[index]] = value
            for a in node.args:
                if a.name is None:
                    continue
                if a.name not in labels:
                    raise _SemanticError(f"{name}() has no argument {a.name!r} (it takes {', '.join(labels)})",
                                         a.start, a.start + len(a.name))
                if a.name in bound:
                    raise _SemanticError(f"{name}() gets {a.name} twice", a.start, a.start + len(a.name))
                bound[a.name] = a.value
            sweep = cls(name)
            if name == "range":
                if "start" not in bound:
                    raise _SemanticError("range() needs at least a stop value", fn_start, node.end)
                if "stop" not in bound:
                    bound["stop"], bound["start"] = bound["start"], None
                sweep.start = number_arg(bound["start"], "the start") if bound.get("start") is not None else None
                sweep.stop = number_arg(bound["stop"], "the stop")
                sweep.step = number_arg(bound["step"], "the step") if "step" in bound else None
                if sweep.step is not None and sweep.step.value == 0:
                    raise _SemanticError("the step of range() cannot be 0", sweep.step.start, sweep.step.end)
            else:
                if "start" not in bound or "end" not in bound:
                    raise _SemanticError("interval() needs two bounds: interval(low, high)", fn_start, node.end)
                sweep.start = number_arg(bound["start"], "the start")
                sweep.stop = number_arg(bound["end"], "the end")
        elif name == "glob":
            sweep = cls("glob")
        elif name == "tag":
            target = node.keyword("sweep")
            items = list(pos)
            if target is None:
                if not items:
                    raise _SemanticError("tag() needs a sweep as its last argument, e.g. tag(log, interval(1e-5, 1e-1))",
                                         fn_start, node.end)
                target = items.pop()
            for t in items:
                if not (isinstance(t, ov.Prim) and isinstance(t.value, str)):
                    raise _SemanticError("the tags of tag() must be words such as log", t.start, t.end)
            if not isinstance(target, ov.Call):
                raise _SemanticError("the last argument of tag() must be choice(), range() or interval()",
                                     target.start, target.end)
            sweep = cls.call(target)
            if sweep.kind not in ("choice", "range", "interval"):
                raise _SemanticError("the last argument of tag() must be choice(), range() or interval()",
                                     target.start, target.end)
            sweep.tags |= {t.value for t in items}
            return sweep
        elif name in ov.CASTS or name in ("shuffle", "sort"):
            inner = pos[0] if len(pos) == 1 else (node.keyword("value") or node.keyword("sweep") or node.keyword("list"))
            if inner is None and len(pos) > 1:
                sweep = cls("choice")
                sweep.values = [_element(v) for v in pos]
            elif inner is None:
                raise _SemanticError(f"{name}() needs an argument", fn_start, node.end)
            else:
                sweep = cls.of(inner)
            if name in ov.CASTS:
                if name in ("str", "bool", "json_str") and sweep.kind == "interval":
                    raise _SemanticError(f"an interval cannot be cast with {name}()", fn_start, node.end)
                sweep.cast = name if sweep.cast is None else sweep.cast
            elif name == "shuffle":
                sweep.shuffle = True
            if sweep.fn_start is not None:
                return sweep
        else:  # extend_list
            sweep = cls("value")
            sweep.value = ov.ListV(pos, node.start, node.end)
        sweep.fn_start, sweep.fn_end = fn_start, fn_end
        return sweep


def _element(node: Any) -> Any:
    """A choice element: a primitive, list or dict; casts of primitives are applied."""
    if isinstance(node, ov.Call):
        if node.name in ov.CASTS and len(node.args) == 1 and isinstance(node.args[0].value, ov.Prim):
            return node.args[0].value
        raise _SemanticError(f"{node.name}() cannot be nested inside a choice", node.start, node.name_end)
    return node
