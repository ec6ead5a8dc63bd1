from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.model import CallSite, Condition, Lit, Parameter
from sweeplint.rule import Context, Rule

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


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


def _exclusive(a: Condition | None, b: Condition | None) -> bool:
    """Two branches that never run in the same trial: one parent, no value in common."""
    return a is not None and b is not None and a.parent == b.parent and not set(a.values) & set(b.values)


class OptunaNameReuse(Rule):
    code = "SL401"
    name = "optuna-name-reuse"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            # Only define-by-run spaces have call sites: names are asked for by calls that may repeat.
            suggested = [p for p in study.parameters if p.sites]
            for p in suggested:
                for site in p.sites:
                    if site.in_loop and site.fixed_name:
                        yield self._loop(p, site)
            yield from self._shared_value(ctx, suggested)
            first_seen: dict[str, Parameter] = {}
            for p in suggested:
                first = first_seen.setdefault(p.name, p)
                if first is p or _signature(first) == _signature(p):
                    continue
                yield Finding.split(
                    p.key_span,
                    f"{p.name!r} is suggested as {_describe(p)} here but as {_describe(first)} at line "
                    f"{first.key_span.line}: Optuna keys parameters by name, so the study records one name with "
                    f"two distributions - a categorical raises \"does not support dynamic value space\", and "
                    f"multivariate TPE and CMA-ES drop the parameter from their joint search space; give each "
                    f"variant its own name (e.g. {p.name}_{(p.condition.values[0] if p.condition and p.condition.values else 'b')})",
                    related=(Related(ctx.file.path, first.key_span, f"{p.name!r} first suggested here"),),
                )

    def _loop(self, p: Parameter, site: CallSite) -> Finding:
        return Finding.split(
            site.span,
            f"trial.{site.method}({p.name!r}, ...) runs in a loop with a constant name: a name "
            f"is one parameter per trial, so Optuna returns the first value for every later call and all "
            f"iterations share it; put the loop index in the name (f\"{p.name}_{{i}}\")",
        )

    def _shared_value(self, ctx: Context, suggested: list[Parameter]) -> Iterator[Finding]:
        """One name, one distribution, two variables: both always hold the one value Optuna drew."""
        for p in suggested:
            first_of: dict[str, CallSite] = {}
            for site in p.sites:
                if site.target is None or not site.fixed_name or site.in_loop:
                    continue
                first = next((f for f in first_of.values()
                              if f.scope == site.scope and not _exclusive(f.condition, site.condition)), None)
                if first is not None and site.target not in first_of:
                    yield Finding.split(
                        site.span,
                        f"{site.target} = trial.{site.method}({p.name!r}, ...) asks for the same name and "
                        f"distribution as {first.target} at line {first.span.line}: Optuna returns the value "
                        f"drawn by the first call to every later call of a name in a trial, so {first.target} and "
                        f"{site.target} are always equal and never tuned separately; give each its own name "
                        f"(e.g. \"{_leaf(first.target)}\" and \"{_leaf(site.target)}\")",
                        related=(Related(ctx.file.path, first.span, f"{p.name!r} first suggested here, for {first.target}"),),
                    )
                first_of.setdefault(site.target, site)


def _leaf(target: str) -> str:
    return target.rsplit(".", 1)[-1]
