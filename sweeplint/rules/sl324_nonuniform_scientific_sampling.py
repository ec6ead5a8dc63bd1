from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import number
from sweeplint.roles import inferred_note, mention
from sweeplint.rule import Context, Rule

TOLERANCE = 1e-9  # probabilities written as 0.333 / 0.333 / 0.334 are equal for the study's purpose
ROUNDING = 0.005


class NonuniformScientificSampling(Rule):
    code = "SL324"
    name = "nonuniform-scientific-sampling"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            roles = None
            for p in ctx.varied(study):
                if not p.probabilities or len(p.probabilities) != len(p.values):
                    continue  # none given, or malformed (SL004 reports that)
                weights = [number(lit) for lit in p.probabilities]
                if any(w is None or w < 0 for w in weights) or not sum(weights):
                    continue
                if max(weights) - min(weights) <= ROUNDING + TOLERANCE:
                    continue
                roles = roles or ctx.roles(study)
                a = roles.of(p.name)
                if a is None or a.role != "scientific":
                    continue  # a nuisance drawn unevenly is a prior on the search, not a biased comparison
                span = p.probabilities[0].span.cover(p.probabilities[-1].span)
                shown = ", ".join(lit.text or f"{number(lit):g}" for lit in p.probabilities)
                yield Finding.split(
                    span,
                    f"{mention(a)} is drawn with unequal probabilities [{shown}], so its values are compared over "
                    f"unequal numbers of trials, each tuned by a different share of the budget."
                    + inferred_note([a]),
                    confidence=a.confidence,
                )
