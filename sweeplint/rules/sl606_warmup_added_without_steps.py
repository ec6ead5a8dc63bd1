from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.model import number
from sweeplint.round_changes import describe, one_value, same, shown
from sweeplint.rule import Context, Rule


def _warms_up(p) -> bool:
    """The parameter gives some trial a warm-up (a positive length, or a search that can)."""
    if p is None:
        return False
    single = one_value(p)
    if single is None:
        return p.varies
    value = number(single)
    return value is not None and value > 0 if not isinstance(single.value, bool) else single.value


def _family_name(kb, name: str) -> str | None:
    family = kb.family_of(name)
    return family.name if family is not None else None


class WarmupAddedWithoutSteps(Rule):
    code = "SL606"
    name = "warmup-added-without-steps"
    severity = Severity.INFO
    compares_revisions = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        kb = ctx.knowledge
        for study, before in ctx.compared_studies():
            lengths = []
            for q in study.parameters:
                family = kb.family_of(q.name)
                if family is not None and family.kind == "training-length":
                    old, new = one_value(before.parameter(q.name)), one_value(q)
                    if old is None or new is None or not same(old.value, new.value):
                        lengths = []
                        break
                    lengths.append((q, new))
            if not lengths:
                continue  # the training length changed, or is not in the config to compare
            for p in study.parameters:
                family = kb.family_of(p.name)
                if family is None or family.name != "warmup" or not _warms_up(p):
                    continue
                if any(_warms_up(q) for q in before.parameters if _family_name(kb, q.name) == "warmup"):
                    continue  # it warmed up before too
                kept = ", ".join(f"{q.name} stays {shown(v)}" for q, v in lengths)
                yield Finding.split(
                    p.value_span,
                    f"a warm-up is added ({p.name}: {describe(p)}) while {kept}: the warm-up takes its steps out of the "
                    f"run, so the rest of training is shorter than before.",
                    related=tuple(Related(ctx.file.path, q.value_span, "the training length left unchanged") for q, _ in lengths),
                )
