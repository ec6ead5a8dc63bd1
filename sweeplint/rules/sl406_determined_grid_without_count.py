from __future__ import annotations

from typing import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule


class DeterminedGridWithoutCount(Rule):
    """A Determined grid searcher over an int/double/log hyperparameter that has no `count`.

    Determined's config check requires `count` on every range when the searcher is grid; the
    Determined reader records each such hyperparameter as a problem with this code.
    """

    code = "SL406"
    name = "determined-grid-without-count"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.format != "determined":
                continue
            for problem in study.problems:
                if problem.code == self.code:
                    yield Finding(problem.span, problem.message)
