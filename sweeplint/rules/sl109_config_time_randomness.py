from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule


class ConfigTimeRandomness(Rule):
    """A random draw evaluated while a search space is built: every trial gets the same value."""

    code = "SL109"
    name = "config-time-randomness"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            for draw in study.random_draws:
                of = f" for {draw.parameter!r}" if draw.parameter is not None else ""
                yield Finding.split(
                    draw.span,
                    f"{draw.call}(...){of} is evaluated once, when {draw.built} is built, so every trial gets the "
                    f"same draw and {draw.sampler} never varies it; {draw.remedy}",
                )
