from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.model import number
from sweeplint.round_changes import leaf, load_rounds, one_value, same, shown
from sweeplint.rule import Context, Rule


class LongerRunSameSchedule(Rule):
    code = "SL605"
    name = "longer-run-same-schedule"
    severity = Severity.WARNING
    compares_revisions = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        rounds = load_rounds()
        for study, before in ctx.compared_studies():
            schedules = []
            for q in study.parameters:
                old = one_value(before.parameter(q.name))
                new = one_value(q)
                if leaf(q.name) in rounds.schedule_lengths and old is not None and new is not None and same(old.value, new.value):
                    schedules.append((q, new))
            if not schedules:
                continue
            for p in study.parameters:
                family = ctx.knowledge.family_of(p.name)
                if family is None or family.kind != "training-length":
                    continue
                va, vb = one_value(before.parameter(p.name)), one_value(p)
                old, new = number(va), number(vb)
                if old is None or new is None or old <= 0 or new < rounds.longer_training * old:
                    continue
                kept = ", ".join(f"{q.name} stays {shown(v)}" for q, v in schedules)
                yield Finding.split(
                    p.value_span,
                    f"{p.name} grows from {shown(va)} to {shown(vb)} but {kept}: the learning-rate schedule keeps the "
                    f"length it had for the shorter run, so the extra training does not follow it.",
                    related=tuple(Related(ctx.file.path, q.value_span, "the schedule length left unchanged") for q, _ in schedules),
                )
