from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Confidence, Finding, Related, Severity
from sweeplint.graph import node
from sweeplint.model import MethodKind
from sweeplint.roles import and_list, inferred_note
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`MethodKind.GRID`) goes through EnumType.__getattr__'s
# slow path, some ten times a global's cost: the tests run for every study use these.
_GRID = MethodKind.GRID

# The playbook accepts a grid over one or two dimensions; from three on, a grid spends the budget
# on few distinct values per dimension.
MANY_DIMENSIONS = 3
# Families whose good values lie anywhere on a continuum: a grid over them beside a question tries
# the same few values for every setting being compared.
CONTINUOUS_KINDS = frozenset({"scale", "regularizer-strength", "optimizer"})


class GridOverNuisance(Rule):
    code = "SL312"
    name = "grid-over-nuisance"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.method is None or study.method.kind is not _GRID:
                continue
            roles, graph = ctx.roles(study), ctx.graph(study)
            dimensions = [p for p in ctx.varied(study) if (node(graph, p.name) or {}).get("family_kind") != "seed"]
            nuisance = []
            for p in dimensions:
                a = roles.of(p.name)
                if a is None or a.role != "nuisance":
                    continue
                data = node(graph, p.name) or {}
                family = ctx.knowledge.families.get(data.get("family") or "")
                if not a.declared and (family is None or family.role != "nuisance"):
                    continue  # a data set or an unknown knob: not known to be a nuisance parameter
                nuisance.append((p, a, family))
            if not nuisance:
                continue
            question = [a for a in (roles.of(p.name) for p in dimensions) if a is not None and a.role == "scientific" and a.declared]
            continuous = [(p, a) for p, a, family in nuisance if family is not None and family.kind in CONTINUOUS_KINDS]
            if len(dimensions) >= MANY_DIMENSIONS:
                why = f"a grid over {len(dimensions)} dimensions"
            elif question and continuous:
                nuisance = [(p, a, None) for p, a in continuous]
                why = f"a grid beside the question ({and_list([a.name for a in question])})"
            else:
                continue  # one or two dimensions: the playbook's accepted use of a grid
            names = and_list([p.name for p, _, _ in nuisance]) if len(nuisance) <= 3 else \
                f"{', '.join(p.name for p, _, _ in nuisance[:2])} and {len(nuisance) - 2} more"
            many = len(nuisance) > 1
            level = Confidence.DECLARED if all(a.declared for _, a, _ in nuisance) else Confidence.STRONG
            yield Finding(
                study.method.span,
                f"{why} tries only the listed values of the nuisance parameter{'s' if many else ''} {names}",
                help=f"The grid tries only the listed values of {and_list([p.name for p, _, _ in nuisance])}. "
                     f"Use (quasi-)random search over ranges: it covers each nuisance dimension with as many distinct "
                     f"values as there are trials, while the grid tries the same few values for every setting."
                     + inferred_note([a for _, a, _ in nuisance]),
                related=tuple(Related(ctx.file.path, p.key_span, f"{p.name} is gridded here") for p, _, _ in nuisance),
                confidence=level,
            )
