from __future__ import annotations

import math
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import MethodKind, Space, number
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`Space.INT`, `MethodKind.GRID`) goes through
# EnumType.__getattr__'s slow path, some ten times a global's cost: the tests run for every
# study and parameter use these.
_MODEL_BASED = MethodKind.MODEL_BASED
_CATEGORICAL = Space.CATEGORICAL

MAX_VALUES = 4


def _fmt(value: float) -> str:
    return f"{value:g}"


class CategoricalScaleParameter(Rule):
    code = "SL107"
    name = "categorical-scale-parameter"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            method = study.method
            if method is None or method.kind is not _MODEL_BASED:
                continue
            for p in study.parameters:
                if p.space is not _CATEGORICAL or not p.values or len(p.values) > MAX_VALUES:
                    continue
                # Numbers written as text ("1e-3", Katib's string values) are still numbers here.
                values = [number(v) for v in p.values]
                if any(v is None or not math.isfinite(v) or v <= 0 for v in values):
                    continue  # words, booleans, or a 0 that stands for "off": a real categorical
                distinct = sorted(set(values))
                if len(distinct) < 2:
                    continue  # a single value is SL105's finding
                family = ctx.knowledge.family_of(p.name)
                if family is None or not family.log_scale:
                    continue
                low, high = distinct[0], distinct[-1]
                spelling = dialect_of(study).log_scale_spelling
                yield Finding.split(
                    p.values[0].span.cover(p.values[-1].span),
                    f"{p.name} ({family.name.replace('_', ' ')}) is a categorical choice of {len(distinct)} values "
                    f"({', '.join(_fmt(v) for v in distinct)}) under {method.name}, a model-based search: the sampler "
                    f"treats them as unordered labels, so it cannot learn from their order and never tries a value "
                    f"in between; search it as a log-scale range over {_fmt(low)} .. {_fmt(high)} ({spelling}), or "
                    f"keep the list and use a grid or random search",
                    related=(Related(ctx.file.path, method.span, f"the method is {method.name} here"),),
                )
