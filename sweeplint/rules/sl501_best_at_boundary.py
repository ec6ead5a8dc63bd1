"""SL501: the best trials sit in the outer part of a searched range, on its scale."""

from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule


class BestAtBoundary(Rule):
    code = "SL501"
    name = "best-at-boundary"
    severity = Severity.WARNING
    formats = ()  # judges results (`sweeplint results`), never a config

    def check(self, ctx: Context) -> Iterator[Finding]:
        round_ = ctx.extras.get("results")
        if round_ is None or not round_.enough():
            return
        from sweeplint.model import Space, number
        from sweeplint.results.analysis import fmt, names

        limits = round_.limits
        top = round_.top()
        for searched in round_.searched:
            p = searched.parameter
            if p.space is Space.INT and not p.log and (number(p.high) or 0) - (number(p.low) or 0) < 10:
                continue  # a handful of integers: every value is an edge
            placed = [(t, searched.position(t.params.get(searched.key))) for t in top]
            placed = [(t, x) for t, x in placed if x is not None]
            if len(placed) < 3 or placed[0][0] is not top[0]:
                continue
            for side, inside in (("upper", lambda x: x >= 1 - limits.boundary_fraction),
                                 ("lower", lambda x: x <= limits.boundary_fraction)):
                edge = [t for t, x in placed if inside(x)]
                if inside(placed[0][1]) and len(edge) >= limits.boundary_share * len(placed):
                    bound = p.high if side == "upper" else p.low
                    scale = "log" if p.log else "linear"
                    yield Finding.split(searched.span, (
                        f"the best trials sit at the {side} edge of {p.name}'s range: {len(edge)} of the {len(placed)} best "
                        f"lie in its {side} {limits.boundary_fraction:.0%} on its {scale} scale "
                        f"(range {fmt(number(p.low))} to {fmt(number(p.high))}; {names(edge)}); the optimum may lie beyond "
                        f"{fmt(number(bound))}"), path=searched.path)
