from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import MethodKind, Space
from sweeplint.round_changes import covers, describe, value_range
from sweeplint.rule import Context, Rule


class ModelBasedOnGrowingSpace(Rule):
    code = "SL607"
    name = "model-based-on-growing-space"
    severity = Severity.INFO
    compares_revisions = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study, before in ctx.compared_studies():
            if study.method is None or before.method is None:
                continue
            if study.method.kind is not MethodKind.MODEL_BASED or before.method.kind not in (MethodKind.RANDOM, MethodKind.GRID):
                continue
            growth = []
            for p in ctx.varied(study):
                a = before.parameter(p.name)
                if a is None or not a.varies:
                    growth.append(f"{p.name} is new")
                elif p.space is Space.CATEGORICAL:
                    added = [v for v in p.values if not covers(a, v.value)]
                    if added:
                        growth.append(f"{p.name} gains {', '.join(str(v.value) for v in added)}")
                else:
                    new, old = value_range(p), value_range(a)
                    if new is not None and old is not None and (new[0] < old[0] or new[1] > old[1]):
                        growth.append(f"{p.name} widens from {describe(a)} to {describe(p)}")
            if not growth:
                continue
            yield Finding.split(
                study.method.span,
                f"this revision switches from {before.method.name} to {study.method.name} (model-based) and enlarges "
                f"the search space at once ({'; '.join(growth)}): the model is fitted to a space no earlier study explored.",
            )
