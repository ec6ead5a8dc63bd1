from __future__ import annotations

from typing import Any, Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.model import Lit, Parameter
from sweeplint.rule import Context, Rule


def _describe(p: Parameter) -> str:
    def text(lit: Lit | None) -> str:
        return "?" if lit is None else (lit.text or repr(lit.value))

    if p.values:
        return f"{p.distribution}([{', '.join(text(v) for v in p.values)}])"
    extra = ", log=True" if p.log else ""
    if p.q is not None:
        extra += f", step={text(p.q)}"
    return f"{p.distribution}({text(p.low)}, {text(p.high)}{extra})"


def _signature(p: Parameter) -> tuple[Any, ...]:
    def v(lit: Lit | None) -> Any:
        return None if lit is None else repr(lit.value)

    return (p.space, p.log, p.integer, v(p.low), v(p.high), v(p.q), tuple(repr(x.value) for x in p.values))


class OptunaNameReuse(Rule):
    code = "SL401"
    name = "optuna-name-reuse"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            for problem in study.problems:
                if problem.code == self.code:
                    yield Finding(problem.span, problem.message)
            define_by_run = study.format == "ray" and study.method is not None and study.method.name == "OptunaSearch"
            if study.format != "optuna" and not define_by_run:
                continue
            first_seen: dict[str, Parameter] = {}
            for p in study.parameters:
                first = first_seen.setdefault(p.name, p)
                if first is p or _signature(first) == _signature(p):
                    continue
                yield Finding(
                    p.key_span,
                    f"{p.name!r} is suggested as {_describe(p)} here but as {_describe(first)} at line "
                    f"{first.key_span.line}: Optuna keys parameters by name, so the study records one name with "
                    f"two distributions - a categorical raises \"does not support dynamic value space\", and "
                    f"multivariate TPE and CMA-ES drop the parameter from their joint search space; give each "
                    f"variant its own name (e.g. {p.name}_{(p.condition.values[0] if p.condition and p.condition.values else 'b')})",
                    related=(Related(ctx.file.path, first.key_span, f"{p.name!r} first suggested here"),),
                )
