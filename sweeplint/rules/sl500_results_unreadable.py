"""SL500: a results file or folder could not be read, or part of it was skipped."""

from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule


class ResultsUnreadable(Rule):
    code = "SL500"
    name = "results-unreadable"
    severity = Severity.ERROR
    formats = ()  # judges results (`sweeplint results`), never a config

    def check(self, ctx: Context) -> Iterator[Finding]:
        round_ = ctx.extras.get("results")
        if round_ is None:  # `sweeplint check`: no results to judge
            return
        for problem in round_.results.problems:
            yield Finding(problem.span, problem.message, path=problem.path)  # a reader's short note
