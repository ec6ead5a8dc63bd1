from __future__ import annotations

import math
import re
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.fix_builders import merge_fixes, modern_spelling_fix
from sweeplint.model import Parameter, number
from sweeplint.rule import Context, Rule
from sweeplint.rules.sl102_exponent_bounds_as_values import ExponentBoundsAsValues, effective


def _values_form(p: Parameter) -> str:
    """The same range written with the `_values` distribution, when the bounds are known."""
    low, high = number(p.low), number(p.high)
    if low is None or high is None or not p.distribution or p.distribution.startswith("inv_"):
        return ""
    base = p.base or math.e
    return f" (here: distribution: {p.distribution}_values, min: {effective(low, base)}, max: {effective(high, base)})"


class DeprecatedDistribution(Rule):
    code = "SL409"
    name = "deprecated-distribution"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        # One finding per deprecated spelling per file, at its first use: the fix is the same for
        # every use, and a note per parameter would bury the other findings.
        uses: dict[str, list[tuple[Parameter, Finding]]] = {}
        for p, finding in self._uses(ctx):
            uses.setdefault(_spelling(p), []).append((p, finding))
        for group in uses.values():
            (_, finding), rest = group[0], group[1:]
            fix = merge_fixes([modern_spelling_fix(ctx.file.text, ctx.file.path, p) for p, _ in group])
            if not rest:
                yield Finding(finding.span, finding.message, related=finding.related, help=finding.help, fix=fix)
                continue
            names = ", ".join(p.name for p, _ in rest[:4]) + (", ..." if len(rest) > 4 else "")
            more = f"{len(rest)} more {'use' if len(rest) == 1 else 'uses'} in this file"
            yield Finding(
                finding.span, f"{finding.message}; {more}", help=f"{finding.help or ''} The same holds for {names}.".strip(),
                related=tuple(Related(ctx.file.path, f.span, f"also {p.distribution or 'deprecated'} ({p.name})")
                              for p, f in rest),
                fix=fix,
            )

    def _uses(self, ctx: Context) -> Iterator[tuple[Parameter, Finding]]:
        # Exponent bounds that look wrong are SL102's error; this note is for the ones used as intended.
        misused = {f.span for f in ExponentBoundsAsValues().check(ctx)}
        for study in ctx.studies:
            for p in study.parameters:
                if not p.deprecated:
                    continue
                span = p.distribution_span or p.value_span
                if p.exponent_bounds:
                    if p.low is not None and p.high is not None and p.low.span.cover(p.high.span) in misused:
                        continue
                    yield p, Finding.split(
                        span,
                        f"{p.name} uses {p.distribution}, a legacy distribution whose min/max are exponents; "
                        f"these bounds are plausible exponents, but {p.distribution}_values takes the values "
                        f"themselves and says what is sampled{_values_form(p)}",
                    )
                    continue
                yield p, Finding.split(span, f"{p.name}: {p.deprecated}")


def _spelling(p: Parameter) -> str:
    """What is deprecated: the distribution's name when the reason names it (W&B log_uniform, Optuna
    suggest_uniform), else the reason itself (every entry of Hydra's legacy search_space)."""
    if p.distribution and (p.exponent_bounds or re.search(rf"\b{re.escape(p.distribution)}\b", p.deprecated or "")):
        return p.distribution
    return p.deprecated or ""
