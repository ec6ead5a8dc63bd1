from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity, split_help
from sweeplint.rule import Context, Rule


class ParseError(Rule):
    code = "SL001"
    name = "parse-error"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for problem in ctx.file.problems:
            if problem.code == self.code:
                message, fix = split_help(problem.message, colon=False)
                yield Finding(problem.span, message, help=fix)
