from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.model import Space
from sweeplint.rule import Context, Rule


class UnvariedScientific(Rule):
    code = "SL314"
    name = "unvaried-scientific"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            roles = ctx.roles(study)
            for a in roles.assignments.values():
                if not (a.declared and a.role == "scientific"):
                    continue
                p = study.parameter(a.name)
                if p is None or p.varies or p.space is Space.UNKNOWN:
                    continue
                value = p.values[0].text if p.values and p.values[0].text else (p.values[0].value if p.values else "?")
                related = (Related(ctx.file.path, a.span, f"{a.name} is declared scientific here"),) if a.span else ()
                yield Finding.split(
                    p.value_span,
                    f"{a.name} is declared scientific but takes the single value {value}: the study compares nothing "
                    f"about it. List the values to compare (e.g. `values: [...]`), or declare it fixed.",
                    related=related,
                )
