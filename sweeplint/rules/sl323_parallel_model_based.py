from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.model import MethodKind, number
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`MethodKind.MODEL_BASED`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the test run for every study uses this.
_MODEL_BASED = MethodKind.MODEL_BASED

# The share of the budget running at once from which a model-based search is mostly blind: the
# first batch alone is this much of the budget, proposed before any result exists.
BLIND_SHARE = 0.5


class ParallelModelBased(Rule):
    code = "SL323"
    name = "parallel-model-based"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            method = study.method
            if method is None or method.kind is not _MODEL_BASED or study.parallel is None:
                continue
            at_once, budget = number(study.parallel), number(study.budget)
            if at_once is None or budget is None or budget < 2 or at_once < 2:
                continue
            if at_once < BLIND_SHARE * budget:
                continue
            shown = min(at_once, budget)
            yield Finding.split(
                study.parallel.span,
                f"{shown:g} of the {budget:g} trials run at once under {method.name} search: at least half the "
                f"budget is proposed before any result comes back and the model has next to nothing to learn from.",
                related=(Related(ctx.file.path, study.budget.span, "the trial budget"),),
            )
