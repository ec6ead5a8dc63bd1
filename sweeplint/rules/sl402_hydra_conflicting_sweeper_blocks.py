from __future__ import annotations

from typing import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule


class HydraConflictingSweeperBlocks(Rule):
    """Reported by the Hydra reader, which sees where each sweeper setting sits."""

    code = "SL402"
    name = "hydra-conflicting-sweeper-blocks"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for problem in ctx.file.problems:
            if problem.code == self.code:
                yield Finding(problem.span, problem.message)
        for study in ctx.studies:
            for problem in study.problems:
                if problem.code == self.code:
                    yield Finding(problem.span, problem.message)
