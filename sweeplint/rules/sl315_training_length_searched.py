from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import never_reads
from sweeplint.diagnostics import Finding, Severity
from sweeplint.graph import describe_space
from sweeplint.model import MethodKind
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`MethodKind.GRID`) goes through EnumType.__getattr__'s
# slow path, some ten times a global's cost: the tests run for every study use these.
_BANDIT = MethodKind.BANDIT


class TrainingLengthSearched(Rule):
    code = "SL315"
    name = "training-length-searched"
    severity = Severity.WARNING
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.method is not None and study.method.kind is _BANDIT:
                continue  # a bandit search spends training length as its resource: varying it is the method
            kinds = {p.name: _kind(ctx, p.name) for p in ctx.varied(study)}
            if "training-length" not in kinds.values():
                continue  # (most studies) no training length varies
            roles = ctx.roles(study)
            facts = ctx.code(study)
            questions = [name for name, kind in kinds.items() if kind != "seed"]
            for p in ctx.varied(study):
                if kinds[p.name] != "training-length":
                    continue
                if never_reads(facts, p.name):
                    continue  # a length the program never reads changes nothing (SL201's finding)
                if questions == [p.name]:
                    continue  # the length is all the study varies: how long to train is its question
                a = roles.of(p.name)
                if a is not None and a.declared and a.role == "scientific":
                    continue  # a declared study of the training length
                yield Finding.split(
                    p.key_span,
                    f"{p.name} is a training length searched over {describe_space(p)} alongside other hyperparameters: "
                    f"trials that trained for different lengths are ranked against each other as if the length "
                    f"were a quality knob.",
                )


def _kind(ctx: Context, name: str) -> str | None:
    family = ctx.knowledge.family_of(name)
    return family.kind if family is not None else None
