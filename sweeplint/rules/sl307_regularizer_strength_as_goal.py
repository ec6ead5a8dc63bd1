from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.graph import node
from sweeplint.roles import directive
from sweeplint.rule import Context, Rule


class RegularizerStrengthAsGoal(Rule):
    code = "SL307"
    name = "regularizer-strength-as-goal"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            roles, graph = ctx.roles(study), ctx.graph(study)
            for a in roles.assignments.values():
                if not (a.declared and a.role == "scientific"):
                    continue
                data = node(graph, a.name) or {}
                if data.get("family_kind") != "regularizer-strength":
                    continue
                family = ctx.knowledge.families.get(data.get("family"))
                title = family.title if family else a.name
                p = study.parameter(a.name)
                yield Finding.split(
                    a.span or p.key_span,
                    f"{a.name} is declared scientific, but a regularizer's strength is a nuisance parameter: its best "
                    f"value moves with the model, the data and the training length. Ask whether to use {title} at all: "
                    f"compare with and without it, searching {a.name} as nuisance ({directive('nuisance', a.name)}) "
                    f"where it is on.",
                )
