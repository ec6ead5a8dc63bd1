from __future__ import annotations

import re
from typing import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

# A metric that already holds the best value so far: its last value is its best.
_BEST_SO_FAR = re.compile(r"(^|[^a-z])(best|min|max|lowest|highest|top)([^a-z]|$)")


class ObjectiveLastValue(Rule):
    code = "SL211"
    name = "objective-last-value"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            objective = study.objective
            if objective is None or objective.reduction is None:
                continue
            dialect = dialect_of(study)
            spelled = str(objective.reduction.value)
            if spelled not in dialect.last_value_reductions:
                continue
            name = str(objective.name.value)
            if _BEST_SO_FAR.search(name.lower()):
                continue  # the program reports its best so far: the last report is the best
            yield Finding.split(
                objective.reduction.span,
                f"{dialect.tool} ranks each trial by the last reported value of {name} ({spelled}), not its best, so "
                f"a trial counts by wherever its fluctuating curve happened to end.",
                related=(Related(ctx.file.path, objective.name.span, "the objective metric"),),
            )
