from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.graph import node
from sweeplint.model import MethodKind, Space, number
from sweeplint.roles import and_list, distinct_values, inferred_note, mention
from sweeplint.rule import Context, Rule
from sweeplint.rules.sl309_insufficient_budget import repeated_grid_points

# An enum member looked up on its class (`MethodKind.GRID`) goes through EnumType.__getattr__'s
# slow path, some ten times a global's cost: the tests run for every study use these.
_MODEL_BASED, _RANDOM = MethodKind.MODEL_BASED, MethodKind.RANDOM

# The playbook's example of a noisy study is 6 trials per setting (README "how many trials"):
# fewer leave each scientific value's best result to the luck of a handful of nuisance draws.
PER_VALUE = 6
# Scientific values can be counted only in these spaces (a continuous range has no "values").
COUNTABLE = (Space.CATEGORICAL, Space.INT)


class TrialsPerScientificValue(Rule):
    code = "SL316"
    name = "trials-per-scientific-value"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.method is None or study.method.kind not in (_RANDOM, _MODEL_BASED):
                continue  # a grid runs every combination; a bandit spends its budget on partial trials
            trials = number(study.budget)
            if trials is None or trials != trials or trials < 1 or trials == float("inf"):
                continue  # no known budget (a W&B agent's --count is not in the config): nothing to divide
            points = repeated_grid_points(study)
            if points is not None:
                trials *= points  # every sample runs the whole grid
            roles, graph = ctx.roles(study), ctx.graph(study)
            if roles.phase == "exploitation":
                continue  # a round that maximises the objective compares no scientific values
            scientific, nuisance = [], []
            for p in ctx.varied(study):
                if (node(graph, p.name) or {}).get("family_kind") == "seed":
                    continue  # a seed is neither a question nor something to tune
                a = roles.of(p.name)
                if a is None:
                    continue
                if a.role == "scientific":
                    scientific.append((p, a))
                elif a.role == "nuisance":
                    nuisance.append((p, a))
            if not scientific or not nuisance:
                continue
            counts = [distinct_values(p) if p.space in COUNTABLE else None for p, _ in scientific]
            if any(c is None or c < 2 for c in counts):
                continue  # a continuous or unknown scientific space: its values cannot be counted
            settings = 1
            for c in counts:
                settings *= c
            per = trials / settings
            if per >= PER_VALUE:
                continue
            if len(scientific) == 1:
                what = f"{settings} values of {mention(scientific[0][1])}"
            else:
                shape = " x ".join(str(c) for c in counts)
                what = f"{settings} combinations ({shape}) of {and_list([mention(a) for _, a in scientific])}"
            tuned = and_list([p.name for p, _ in nuisance]) if len(nuisance) <= 3 else \
                f"{', '.join(p.name for p, _ in nuisance[:2])} and {len(nuisance) - 2} more"
            shown = f"{per:.1f}".removesuffix(".0")
            count = f"{trials:g} trial{'s' if trials != 1 else ''}"
            yield Finding(
                study.budget.span,
                f"{count} for {what} leave {shown} per setting to tune {tuned}",
                help=f"Each setting's best result then rests on a handful of draws of the nuisance parameters, so the "
                     f"comparison is mostly luck. Budget at least {PER_VALUE} trials per setting "
                     f"({PER_VALUE * settings:g} here), compare fewer values, or search fewer nuisance parameters."
                     + inferred_note([a for _, a in scientific]),
                related=tuple(Related(ctx.file.path, p.key_span, f"{p.name} is scientific here") for p, _ in scientific),
                # Nuisance roles are inferred surely (every searched range is one); the question is not.
                confidence=roles.confidence([a.name for _, a in scientific]),
            )
