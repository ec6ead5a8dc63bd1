from __future__ import annotations

import math
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.round_changes import describe, load_rounds, on_log_scale, value_range, width
from sweeplint.rule import Context, Rule


def _close(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-300)


class NarrowedTowardBoundary(Rule):
    code = "SL603"
    name = "narrowed-toward-boundary"
    severity = Severity.INFO
    compares_revisions = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        ratio = load_rounds().narrowing_ratio
        for study, before in ctx.compared_studies():
            for p in ctx.varied(study):
                a = before.parameter(p.name)
                new, old = value_range(p), value_range(a) if a is not None and a.varies else None
                if new is None or old is None:
                    continue
                (low_b, high_b), (low_a, high_a) = new, old
                keeps_low, keeps_high = _close(low_a, low_b), _close(high_a, high_b)
                if keeps_low == keeps_high:
                    continue  # the same range, or both bounds moved: not narrowed towards one side
                inside = low_b >= low_a or _close(low_a, low_b)
                inside = inside and (high_b <= high_a or _close(high_a, high_b))
                log = on_log_scale(p, ctx.knowledge) and on_log_scale(a, ctx.knowledge)
                wide, narrow = width(low_a, high_a, log), width(low_b, high_b, log)
                if not inside or wide is None or narrow is None or wide <= 0 or narrow > ratio * wide:
                    continue
                side, bound = ("upper", describe(p).split("..")[-1]) if keeps_high else ("lower", describe(p).split("..")[0])
                yield Finding.split(
                    p.value_span,
                    f"{p.name} narrows from {describe(a)} to {describe(p)}, keeping the {side} bound {bound}: if the "
                    f"best trials sat near {bound}, the optimum may lie beyond it, and the config shows no study that "
                    f"says otherwise.",
                )
