from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.round_changes import one_value, same, shown
from sweeplint.rule import Context, Rule


class BatchSizeChangedNoRetune(Rule):
    code = "SL604"
    name = "batch-size-changed-no-retune"
    severity = Severity.WARNING
    compares_revisions = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        kb = ctx.knowledge
        for study, before in ctx.compared_studies():
            for p in study.parameters:
                family = kb.family_of(p.name)
                if family is None or family.kind != "batch":
                    continue
                va, vb = one_value(before.parameter(p.name)), one_value(p)
                if va is None or vb is None or same(va.value, vb.value):
                    continue
                rates, untouched = self._kept(before, study, ctx, "learning_rate")
                if rates is None:
                    continue  # the learning rate is searched again or was changed
                _, regularisers = self._kept(before, study, ctx, None)
                kept = f"the learning rate stays {rates}" if rates else "the learning rate is not set in either version"
                also = f" (and {', '.join(regularisers)} unchanged)" if regularisers else ""
                yield Finding.split(
                    p.value_span,
                    f"{p.name} changes from {shown(va)} to {shown(vb)} but {kept}{also}: the best learning rate and "
                    f"regularisation depend on the batch size, so the new size runs with settings tuned for the old one.",
                )

    @staticmethod
    def _kept(before, after, ctx: Context, family_name: str | None) -> tuple[str | None, list[str]]:
        """For the learning rate (family_name) or the regularisation strengths (None): ('' or the
        values kept, the parameters kept), or (None, ...) when one of them was re-tuned or changed."""
        kb = ctx.knowledge
        names = dict.fromkeys(p.name for p in before.parameters + after.parameters)
        kept: list[str] = []
        for name in names:
            family = kb.family_of(name)
            if family is None or (family.name != family_name if family_name else family.kind != "regularizer-strength"):
                continue
            a, b = before.parameter(name), after.parameter(name)
            va, vb = one_value(a), one_value(b)
            if va is None or vb is None or not same(va.value, vb.value):
                return None, []
            kept.append(f"{name}={shown(vb)}")
        return ", ".join(kept), kept
