from __future__ import annotations

from typing import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.graph import node
from sweeplint.model import MethodKind
from sweeplint.roles import and_list, inferred_note
from sweeplint.rule import Context, Rule


class GridOverNuisance(Rule):
    code = "SL312"
    name = "grid-over-nuisance"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.method is None or study.method.kind is not MethodKind.GRID:
                continue
            roles, graph = ctx.roles(study), ctx.graph(study)
            nuisance = []
            for p in study.varied:
                a = roles.of(p.name)
                if a is None or a.role != "nuisance":
                    continue
                data = node(graph, p.name) or {}
                if data.get("family_kind") == "seed":
                    continue  # repeating each configuration over seeds is what a grid is for
                family = ctx.knowledge.families.get(data.get("family") or "")
                if not a.declared and (family is None or family.role != "nuisance"):
                    continue  # a data set or an unknown knob: not known to be a nuisance parameter
                nuisance.append((p, a))
            if not nuisance:
                continue
            names = and_list([f"{p.name} ({a.label})" for p, a in nuisance])
            many = len(nuisance) > 1
            yield Finding(
                study.method.span,
                f"grid search over the nuisance parameter{'s' if many else ''} {names}: a grid tries only the few "
                f"values listed, the same ones for every setting, and spends most trials varying dimensions that matter "
                f"little; (quasi-)random search over ranges covers each nuisance dimension with as many distinct values "
                f"as there are trials."
                + inferred_note([a for _, a in nuisance]),
                related=tuple(Related(ctx.file.path, p.key_span, f"{p.name} is gridded here") for p, _ in nuisance),
            )
