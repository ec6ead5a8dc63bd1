from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.lengths import load_lengths
from sweeplint.model import Lit, Parameter, Space, number
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`Space.INT`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the tests run for every parameter use these.
_CONSTANT = Space.CONSTANT
_CHOICES = (Space.CONSTANT, Space.CATEGORICAL)
_RANGES = (Space.UNIFORM, Space.INT, Space.QUANTIZED)


def largest(p: Parameter) -> tuple[float, Lit] | None:
    """The largest value a parameter takes and the literal that says it, when the space is bounded."""
    if p.space in _CHOICES:
        found = [(number(v), v) for v in p.values]
        found = [(x, v) for x, v in found if x is not None]
        return max(found, key=lambda pair: pair[0]) if found else None
    if p.space in _RANGES:
        high = number(p.high)
        return (high, p.high) if high is not None and p.high is not None else None
    return None


class WarmupShare(Rule):
    code = "SL319"
    name = "warmup-share"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        lengths = load_lengths()
        limit = lengths.max_share
        for study in ctx.studies:
            # Each name as the lengths' tables hold it (worked out once: three tables look it up).
            leaves = [lengths.key(p.name) for p in study.parameters]
            if lengths.fractions.isdisjoint(leaves) and lengths.warmups.keys().isdisjoint(leaves):
                continue  # (most studies) no warm-up, so no share of training to judge
            # The fixed training length of each unit, when the sweep sets one.
            trainings: dict[str, tuple[Parameter, float]] = {}
            for p, leaf in zip(study.parameters, leaves):
                unit = lengths.trainings.get(leaf)
                value = number(p.values[0]) if unit is not None and p.space is _CONSTANT and p.values else None
                if unit is not None and unit not in trainings and value is not None and value > 0:
                    trainings[unit] = (p, value)
            for p, leaf in zip(study.parameters, leaves):
                # (by name first: few parameters are warm-ups, and their values are what costs)
                fraction = leaf in lengths.fractions
                unit = None if fraction else lengths.warmups.get(leaf)
                if not fraction and (unit is None or unit not in trainings):
                    continue
                top = largest(p)
                if top is None:
                    continue
                value, lit = top
                reach = "reaches" if p.varies else "is"
                if fraction:
                    if limit < value <= 1:
                        yield Finding(lit.span, f"{p.name} {reach} {value:g}, a warm-up of {value:.0%} of training",
                                      help="The playbook finds a warm-up of at most a tenth of training useful.")
                    continue
                length, total = trainings[unit]
                if value > limit * total:
                    yield Finding.split(
                        lit.span,
                        f"{p.name} {reach} {value:g} {unit} of the {total:g} set by {length.name}: the warm-up takes "
                        f"{value / total:.0%} of training, more than the tenth of it that the playbook finds useful.",
                        related=(Related(ctx.file.path, length.key_span, f"{length.name} sets the training length here"),),
                    )
