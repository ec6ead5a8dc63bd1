from __future__ import annotations

from typing import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule


class ConfigTimeRandomness(Rule):
    """Readers record random draws evaluated while a search space is built as SL109 problems."""

    code = "SL109"
    name = "config-time-randomness"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            for problem in study.problems:
                if problem.code == self.code:
                    yield Finding(problem.span, problem.message)
