from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.fixes import Applicability, replace
from sweeplint.model import number
from sweeplint.rule import Context, Rule


class RayGridRepeated(Rule):
    code = "SL403"
    name = "ray-grid-repeated"
    severity = Severity.INFO
    formats = ("ray",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.format != "ray" or study.budget is None:
                continue
            samples = number(study.budget)
            if samples is None or samples <= 1:
                continue
            varied = ctx.varied(study)
            grids = [p for p in varied if p.distribution == "grid_search"]
            if not grids or len(grids) != len(varied):
                continue  # with random dimensions too, num_samples draws them anew per grid point
            points = 1
            for p in grids:
                points *= max(1, len(p.values))
            total = points * int(samples)
            yield Finding.split(
                study.budget.span,
                f"num_samples={study.budget.text or int(samples)} repeats the whole grid ({points} point"
                f"{'s' if points != 1 else ''} over {', '.join(p.name for p in grids)}) {int(samples)} times: "
                f"{total} trials where every configuration runs {int(samples)} times; if the repeats are meant "
                f"as seeds, sweep a seed explicitly, otherwise set num_samples=1",
                # unsafe: the repeats may have been meant as replicates
                fix=replace(study.budget.span, "1", "Set num_samples=1", Applicability.UNSAFE)
                if (study.budget.text or "").strip().isdigit() else None,
            )
