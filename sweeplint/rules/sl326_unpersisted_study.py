from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import number
from sweeplint.rule import Context, Rule

# Fewer trials than this are a quick check that is cheap to re-run; from here on a crash costs a study.
MANY_TRIALS = 20


class UnpersistedStudy(Rule):
    code = "SL326"
    name = "unpersisted-study"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.keeps_trials is not False:
                continue
            trials = number(study.budget)
            if trials is not None and trials < MANY_TRIALS:
                continue
            count = f"{trials:g} trials" if trials is not None else "its trials"
            yield Finding.split(
                study.span,
                f"the study keeps {count} only in the memory of this process until it ends, so a crash or a stopped "
                f"job loses every finished trial.",
            )
