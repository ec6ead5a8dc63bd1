from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Confidence, Finding, Severity
from sweeplint.model import MethodKind
from sweeplint.roles import directive, inferred_note
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`MethodKind.GRID`) goes through EnumType.__getattr__'s
# slow path, some ten times a global's cost: the tests run for every study use these.
_MODEL_BASED = MethodKind.MODEL_BASED


class ModelBasedExploration(Rule):
    code = "SL308"
    name = "model-based-exploration"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.method is None or study.method.kind is not _MODEL_BASED:
                continue
            roles = ctx.roles(study)
            if roles.phase != "exploration":
                continue
            if roles.phase_declared:
                why = "this round is declared an exploration round"
                declare = ""
            elif roles.phase_confidence is Confidence.DECLARED:
                why = f"this round {roles.phase_reason.removeprefix('it ')}"
                declare = ""
            else:
                why = f"this looks like an exploration round (inferred: {roles.phase_reason})"
                first = [roles.of(n) for n in roles.scientific][:1]
                declare = inferred_note(first) + (f" If this is the final tuning round, declare it with {directive('phase', 'exploitation')}"
                           f" (or {directive('phase', 'exploration')} to confirm).")
            yield Finding.split(
                study.method.span,
                f"{study.method.name} search, but {why}: a model-based search piles trials where it expects the best "
                f"objective, so the values being compared are sampled unevenly and the results cannot be re-analysed "
                f"for another question. Explore with (quasi-)random search, and keep Bayesian optimisation for "
                f"exploitation, once the search space is trusted.{declare}",
                confidence=roles.phase_confidence,
            )
