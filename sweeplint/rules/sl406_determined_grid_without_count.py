from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import MethodKind
from sweeplint.rule import Context, Rule

# The Determined hyperparameter types that are ranges: a grid takes `count` points from each.
RANGE_TYPES = ("int", "double", "log")


class DeterminedGridWithoutCount(Rule):
    """A Determined grid searcher over an int/double/log hyperparameter that has no `count`.

    Determined's config check requires `count` on every range when the searcher is grid; the reader
    records each range's count as Parameter.grid_points.
    """

    code = "SL406"
    name = "determined-grid-without-count"
    severity = Severity.ERROR
    formats = ("determined",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.format != "determined" or study.method is None or study.method.kind is not MethodKind.GRID:
                continue
            for p in study.parameters:
                if p.distribution in RANGE_TYPES and p.grid_points is None:
                    yield Finding.split(p.key_span, f"hyperparameter {p.name!r} is a {p.distribution} range but the searcher is grid "
                                              "and it has no `count`, so Determined rejects the experiment (a grid needs to "
                                              "know how many points to take from the range); add e.g. `count: 5`")
