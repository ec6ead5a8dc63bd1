from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import MethodKind
from sweeplint.rule import Context, Rule


class RayUnsupportedSampler(Rule):
    code = "SL404"
    name = "ray-unsupported-sampler"
    severity = Severity.ERROR
    formats = ("ray",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            method = study.method
            if study.format != "ray" or method is None or method.kind is not MethodKind.MODEL_BASED:
                continue
            for p in study.parameters:
                if p.distribution not in ("grid_search", "sample_from"):
                    continue
                if p.distribution == "grid_search":
                    why = (f"{method.name} cannot convert grid_search parameters (Ray raises \"Grid search "
                           f"parameters cannot be automatically converted\")")
                    fix = "use tune.choice over the same values, or drop the search algorithm to run the grid"
                else:
                    why = (f"{method.name} cannot model a tune.sample_from function (Ray rejects or ignores "
                           f"parameters of type Function with model-based searchers)")
                    fix = "use a Tune distribution (tune.choice, tune.uniform...), or a define-by-run space for OptunaSearch"
                yield Finding.split(p.value_span, f"{p.name}: {why}; {fix}")
