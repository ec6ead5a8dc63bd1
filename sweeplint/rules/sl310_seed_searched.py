from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.graph import node
from sweeplint.model import MethodKind
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`MethodKind.MODEL_BASED`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the test run for every study uses this.
_MODEL_BASED = MethodKind.MODEL_BASED


class SeedSearched(Rule):
    code = "SL310"
    name = "seed-searched"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.method is None or study.method.kind is not _MODEL_BASED:
                continue
            graph = ctx.graph(study)
            for p in ctx.varied(study):
                if (node(graph, p.name) or {}).get("family_kind") != "seed":
                    continue
                yield Finding.split(
                    p.key_span,
                    f"{p.name} is a seed, searched by {study.method.name}: the model fits the luck of individual seeds "
                    f"as if it were an effect and steers trials toward 'good' seeds, so the best configuration is partly "
                    f"a lucky draw. Fix the seed during the search (or let each trial draw its own), then re-run the "
                    f"best configurations over several seeds to measure the noise.",
                )
