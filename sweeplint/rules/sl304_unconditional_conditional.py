from __future__ import annotations

from typing import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.graph import active_values, choice_parents, distinct_values, norm_value
from sweeplint.model import Span
from sweeplint.roles import and_list
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule


class UnconditionalConditional(Rule):
    code = "SL304"
    name = "unconditional-conditional"
    severity = Severity.WARNING
    uses_code = True  # code evidence in the graph (reads under ifs, derivations)

    def check(self, ctx: Context) -> Iterator[Finding]:
        kb = ctx.knowledge
        for study in ctx.studies:
            graph = ctx.graph(study)
            for parent in choice_parents(graph):
                values = distinct_values(parent)
                pname = parent["name"]
                for child in study.varied:
                    if child.name == pname or child.condition is not None:
                        continue
                    activity = active_values(graph, child.name, pname, values, kb)
                    if activity.values is None or activity.source not in ("knowledge", "code"):
                        continue
                    used = [v for v in values if norm_value(v) in activity.values]
                    unused = [v for v in values if norm_value(v) not in activity.values]
                    if not used or not unused:
                        continue
                    if activity.source == "code":
                        path, line, _ = activity.sites[0]
                        evidence = f"the program reads it only when {pname} is {' or '.join(map(str, used))} ({path}:{line})"
                        related = tuple(Related(p, Span.point(l, c), f"{child.name} is read here") for p, l, c in activity.sites if p)
                    else:
                        evidence = f"only {and_list([f'{pname}={v}' for v in used])} {'has' if len(used) == 1 else 'have'} a {child.name}"
                        related = ()
                    dialect = dialect_of(study)
                    if not dialect.has_conditional_parameters:
                        fix = (f"{dialect.search_spaces} have no conditional parameters: run a separate sweep for {' and '.join(map(str, unused))} "
                               f"without {child.name}.")
                    else:
                        fix = f"Sample {child.name} only when {pname} is {' or '.join(map(str, used))} (a conditional parameter)."
                    yield Finding(
                        child.key_span,
                        f"{child.name} is searched for every {pname}, but {evidence}: in trials with "
                        f"{and_list([f'{pname}={v}' for v in unused])} it has no effect, so they spend a search dimension "
                        f"on noise and a model-based search may learn an effect that is not there. {fix}",
                        related=related,
                    )
