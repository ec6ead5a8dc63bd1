from __future__ import annotations

import os
import re
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.model import MethodKind, Space, Study, number
from sweeplint.roles import distinct_values
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`Space.INT`, `MethodKind.GRID`) goes through
# EnumType.__getattr__'s slow path, some ten times a global's cost: the tests run for every
# study and parameter use these.
_BANDIT, _GRID, _MODEL_BASED, _OTHER, _RANDOM = MethodKind.BANDIT, MethodKind.GRID, MethodKind.MODEL_BASED, MethodKind.OTHER, MethodKind.RANDOM
_CATEGORICAL = Space.CATEGORICAL
_COUNTABLE = (Space.CATEGORICAL, Space.INT, Space.QUANTIZED)

PER_DIMENSION = 2           # trials per searched dimension below which nothing can be compared
# Settings that make the first trials random before the search adapts (an evolution tuner's
# first population is random too).
STARTUP_KEYS = ("n_startup_trials", "n_initial_points", "n_initial_trials", "population_size")
# Samplers that start with random trials unless told otherwise, and how many (Optuna's TPESampler and
# GPSampler default to n_startup_trials=10; a tool's own defaults, e.g. Hydra's Optuna sweeper, are its
# dialect's default_startup_trials): a budget no larger never reaches the model.
DEFAULT_STARTUP = {"TPESampler": ("n_startup_trials", 10), "GPSampler": ("n_startup_trials", 10)}
# A study named as a quick check of the pipeline (`quick_hpo_test`, `smoke`) is not meant to search.
SMOKE_TEST = re.compile(r"(?:^|[^a-z])(?:quick|smoke|debug|dry_?run|sanity)", re.IGNORECASE)


def repeated_grid_points(study: Study) -> int | None:
    """The size of a grid that every sample repeats (Ray Tune's grid_search: the study runs
    num_samples x the product of the grid lengths), or None when the space has no such grid."""
    grids = [p for p in study.parameters if p.distribution == "grid_search" and p.space is _CATEGORICAL and p.varies]
    if not grids:
        return None
    points = 1
    for p in grids:
        points *= max(1, len(p.values))
    return points


class InsufficientBudget(Rule):
    code = "SL309"
    name = "insufficient-budget"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.budget is None and dialect_of(study).trial_named_by_experiment_config:
                yield from self.launched(ctx, study)
                continue
            if study.budget is None or study.method is None:
                continue
            trials = number(study.budget)
            if trials is None or trials != trials or trials <= 0 or trials == float("inf") or trials != int(trials):
                continue
            trials = int(trials)
            dims = list(ctx.varied(study))
            if not dims:
                continue
            kind = study.method.kind
            samples, points = trials, repeated_grid_points(study)
            if points is not None:
                trials = samples * points  # every sample runs the whole grid: the budget is no cap on it
            elif kind is _GRID:
                yield from self.grid(ctx, study, trials, dims)
                continue
            startup = None
            for key in STARTUP_KEYS:
                lit = study.method.get(key)
                if lit is not None and number(lit) is not None:
                    startup = (key, lit)
                    break
            default = DEFAULT_STARTUP.get(study.method.name.rsplit(".", 1)[-1]) or \
                dialect_of(study).startup_default(study.method.name)
            smoke = bool(study.name and SMOKE_TEST.search(study.name))
            if startup is None and default is not None and kind is _MODEL_BASED and default[1] >= trials and not smoke:
                key, count = default
                yield Finding(
                    study.budget.span,
                    f"{trials} trial{'s' if trials != 1 else ''} under {study.method.name}, which starts with {count} random "
                    f"trials by default ({key}={count})",
                    help=f"Raise the budget well above {count}, lower {key}, or say random search, which is what runs: "
                         f"every trial is one of the random start-up trials, so the model never chooses a configuration.",
                )
                continue
            if kind in (_MODEL_BASED, _OTHER) and startup is not None and number(startup[1]) >= trials:
                key, lit = startup
                yield Finding(
                    lit.span,
                    f"{key}={number(lit):g} is not below the trial budget ({trials})",
                    help=f"Lower {key} or raise the budget (or say random search, which is what runs): every trial is one "
                         f"of the random start-up trials, so the {study.method.name} model never chooses a configuration.",
                    related=(Related(ctx.file.path, study.budget.span, "the trial budget"),),
                )
                continue
            if kind not in (_RANDOM, _MODEL_BASED, _BANDIT):
                continue
            need = PER_DIMENSION * len(dims)
            if trials < need:
                per = trials / len(dims)
                count = f"{trials} trial{'s' if trials != 1 else ''}"
                if points is not None:
                    count += f" ({samples} sample{'s' if samples != 1 else ''} of a {points}-point grid)"
                yield Finding(
                    study.budget.span,
                    f"{count} for {len(dims)} searched dimensions ({per:.1f} per dimension) are too few",
                    help=f"Budget several trials per dimension (at least {need} here, and more for a model-based search), "
                         f"or search fewer dimensions (fix the ones that matter least): {per:.1f} trials per dimension "
                         f"cannot sample the space densely enough to tell good configurations from lucky ones.",
                )

    @staticmethod
    def launched(ctx: Context, study) -> Iterator[Finding]:
        """A bare search space run by a Python launcher (NNI's Experiment API): the launcher's trial cap
        against the random trials its tuner starts with."""
        from sweeplint.codefacts.nni_launch import launch_budget
        from sweeplint.model import Span

        budget = launch_budget(ctx.file.path, getattr(ctx.code_facts, "folders", None))
        if budget is None or budget.startup is None:
            return
        trials, cap_line = budget.max_trials
        key, count, line = budget.startup
        shown = os.path.relpath(budget.path)
        shown = str(budget.path) if shown.startswith("..") else shown
        if count >= trials > 0:
            tuner = budget.tuner or "the tuner"
            yield Finding(
                Span.point(line, 1),
                f"{key}={count} is not below the trial budget (max_trial_number={trials}, line {cap_line}): every "
                f"trial is one of {tuner}'s random start-up trials, so the search never adapts.",
                path=shown,
                related=(Related(shown, Span.point(cap_line, 1), "the trial budget"),),
            )

    def grid(self, ctx: Context, study, trials: int, dims) -> Iterator[Finding]:
        size = 1
        for p in dims:
            count = distinct_values(p) if p.space in _COUNTABLE else None
            if count is None or count <= 0:
                return
            size *= count
        if trials < size:
            yield Finding(
                study.budget.span,
                f"the trial cap ({trials}) is smaller than the grid ({size} combinations)",
                help=f"Raise the cap to {size}, shrink the grid of {', '.join(p.name for p in dims)}, or use random "
                     f"search: the sweep stops after {trials} of the {size} combinations, in grid order, so whole values "
                     f"are never tried.",
            )
