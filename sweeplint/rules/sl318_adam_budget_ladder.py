from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.model import MethodKind, number
from sweeplint.rule import Context, Rule
from sweeplint.rules.sl309_insufficient_budget import repeated_grid_points
from sweeplint.trial_budgets import load_trial_budgets

# An enum member looked up on its class (`MethodKind.GRID`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the test run for every study uses this.
_GRID = MethodKind.GRID


class AdamBudgetLadder(Rule):
    code = "SL318"
    name = "adam-budget-ladder"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        budgets = load_trial_budgets()
        for study in ctx.studies:
            trials = number(study.budget)
            if trials is None or trials != trials or trials < 1 or trials == float("inf"):
                continue
            if study.method is not None and study.method.kind is _GRID:
                continue  # a grid runs its own size whatever the cap says (SL309 judges the cap)
            points = repeated_grid_points(study)
            if points is not None:
                trials *= points  # every sample runs the whole grid
            for p in ctx.varied(study):
                family = ctx.knowledge.family_of(p.name)
                budget = budgets.get(family.name) if family is not None else None
                if budget is None or not budget.too_small(trials):
                    continue
                yield Finding.split(
                    p.key_span,
                    f"{p.name} ({family.title}) is searched in a study of only {trials:g} trials: the playbook tunes "
                    f"it only {budget.when}.",
                    related=(Related(ctx.file.path, study.budget.span, "the trial budget"),),
                )
