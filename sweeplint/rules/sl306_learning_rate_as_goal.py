from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.graph import node
from sweeplint.roles import directive
from sweeplint.rule import Context, Rule

OPTIMIZER_KINDS = frozenset({"scale", "optimizer", "schedule"})


class LearningRateAsGoal(Rule):
    code = "SL306"
    name = "learning-rate-as-goal"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            roles, graph = ctx.roles(study), ctx.graph(study)
            for a in roles.assignments.values():
                if not (a.declared and a.role == "scientific"):
                    continue
                data = node(graph, a.name) or {}
                if data.get("family_kind") not in OPTIMIZER_KINDS:
                    continue
                family = ctx.knowledge.families.get(data.get("family"))
                title = family.title if family else a.name
                p = study.parameter(a.name)
                yield Finding.split(
                    a.span or p.key_span,
                    f"{a.name} is declared scientific, but the {title} is an optimizer hyperparameter: its best value "
                    f"changes with almost every other change to the pipeline, so \"which {title} is best\" does not stay "
                    f"answered. Declare it nuisance ({directive('nuisance', a.name)}) and make the question about "
                    f"something that stays true (a model, a feature, a regularizer), searching {a.name} for each of its values.",
                )
