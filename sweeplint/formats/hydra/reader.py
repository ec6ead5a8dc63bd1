"""The Hydra reader: recognises a sweeper config, finds which sweeper reads it and builds the Study.

Scalars are typed the way OmegaConf types them (`1e-5` is a float); each sweeper's schema and
semantics live in its own module (basic, optuna, ax, nevergrad), override strings in sweeps.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sweeplint.formats import ReadContext
from sweeplint.formats.hydra.ax import AxSweeper
from sweeplint.formats.hydra.basic import BasicSweeper
from sweeplint.formats.hydra.groups import config_folders, defaults_groups, selects_config_group
from sweeplint.formats.hydra.interpolation import derivations as interpolation_derivations, may_interpolate
from sweeplint.formats.hydra.layout import (
    _LAUNCHER_SWEEPER_KEYS,
    ANY_SWEEPER_KEYS,
    DEFAULT_BUDGET,
    FORMATS,
    SWEEPER_NAMES,
    SWEEPER_ONLY,
    _ax_params_root,
    _defaults,
    _looks_like_sweeper,
    _misplaced,
    _other_sweeper,
    _sweeper_class,
    package_of,
)
from sweeplint.formats.hydra.nevergrad import NevergradSweeper
from sweeplint.formats.hydra.optuna import OptunaSweeper
from sweeplint.formats.hydra.sweeps import OverrideParameters
from sweeplint.formats.nodes import Collector, key_text, text_of
from sweeplint.model import IgnoredSetting, Lit, Span, Study
from sweeplint.records import replace
from sweeplint.yamldoc import YMap, YScalar, to_python, type_scalar

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


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


class _Reader(Collector, OptunaSweeper, AxSweeper, NevergradSweeper, BasicSweeper, OverrideParameters):
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

    def check_keys_always(self, node: YMap, allowed: tuple[str, ...], where: str) -> None:
        """Unknown keys where the schema is fixed whatever the sweeper (a parameter spec)."""
        Collector.check_keys(self, node, allowed, where)

    def ignored(self, key: YScalar, place: str) -> None:
        """A sweeper setting the sweeper never reads where it sits (SL402 reports it)."""
        self.ctx.ignored_settings.append(IgnoredSetting(key_text(key), key.span, place))

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
                    self.ignored(key, "launcher")
            if package == "_global_" and (block is not root):
                for key, _ in _misplaced(root, SWEEPER_ONLY):
                    self.ignored(key, "global-package")
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
        if kind == "optuna":
            parameters, method, objective, budget = self.read_optuna(block, defaults, metric, where)
        elif kind == "ax":
            parameters, method, objective, budget = self.read_ax(block, metric, where, kind_span)
        elif kind == "nevergrad":
            parameters, method, objective, budget = self.read_nevergrad(block, metric, where, kind_span)
        else:
            parameters, method, objective, budget = self.read_basic(block, kind_span)
        if not known and not _other_sweeper(block, defaults):
            self.check_keys_always(block, ANY_SWEEPER_KEYS, "hydra.sweeper (no Hydra sweeper takes it)")
        declared_groups = defaults_groups(root)
        folders = config_folders(self.ctx.path) if parameters else []
        parameters = [replace(p, selects_config_group=True)
                      if selects_config_group(p.name, folders, declared_groups) else p for p in parameters]
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
            name=text_of(block.get("study_name")),
            # (the walk of the whole document only when a value may interpolate)
            derivations=tuple(interpolation_derivations(root, "" if package in (None, "_global_") else package))
            if may_interpolate(self.ctx.text) else (),
        )

    def budget(self, node: YMap, key: str, where: Span, kind: str) -> Lit | None:
        value = node.get(key)
        if value is not None:
            return self.lit(value)
        default = DEFAULT_BUDGET.get(kind)
        return Lit(default, where) if default is not None else None
