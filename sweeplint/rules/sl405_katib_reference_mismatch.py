from __future__ import annotations

from typing import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule


class KatibReferenceMismatch(Rule):
    """Cross-field checks of a Katib Experiment that its admission webhook would reject.

    The Katib reader finds them while reading (a trial parameter whose `reference` names no
    parameter, a template placeholder without a trial parameter, a parameterType whose
    feasibleSpace has the wrong shape) and records them as problems with this code.
    """

    code = "SL405"
    name = "katib-reference-mismatch"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.format != "katib":
                continue
            for problem in study.problems:
                if problem.code == self.code:
                    yield Finding(problem.span, problem.message)
