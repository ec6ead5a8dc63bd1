from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity, split_help
from sweeplint.rule import Context, Rule


class InvalidParameterSpec(Rule):
    code = "SL003"
    name = "invalid-parameter-spec"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            for problem in study.problems:
                if problem.code == self.code:
                    message, fix = split_help(problem.message, colon=False)
                    yield Finding(problem.span, message, help=fix)
