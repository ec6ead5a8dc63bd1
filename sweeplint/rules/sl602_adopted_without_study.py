from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import number
from sweeplint.round_changes import bookkeeping, covers, describe, one_value, same, shown
from sweeplint.rule import Context, Rule


class AdoptedWithoutStudy(Rule):
    code = "SL602"
    name = "adopted-without-study"
    severity = Severity.INFO
    compares_revisions = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        kb = ctx.knowledge
        for study, before in ctx.compared_studies():
            earlier = None
            for p in study.parameters:
                a = before.parameter(p.name)
                va, vb = one_value(a), one_value(p)
                # fixed now, and before either fixed at another value or searched (then fixed where it searched or not)
                if a is None or vb is None or (va is not None and same(va.value, vb.value)) or bookkeeping(p.name, kb):
                    continue
                family = kb.family_of(p.name)
                if family is None and isinstance(vb.value, str) and number(vb) is None:
                    continue  # a name of something (a dataset, a task), not a tuned value
                if family is not None and family.kind in ("data", "batch"):
                    continue  # a new data set is no tuned value; a batch size is judged by SL604
                if family is not None and family.kind == "training-length" and va is not None and (number(vb) or 0) > (number(va) or 0):
                    continue  # a longer run is judged by SL605
                if earlier is None:
                    earlier = ctx.earlier_studies(study)
                versions = [s.parameter(p.name) for s in earlier]
                searched = [q for q in versions if q is not None and q.varies]
                if any(covers(q, vb.value) for q in searched):
                    continue
                if any(q is not None and one_value(q) is not None and same(one_value(q).value, vb.value) for q in versions):
                    continue  # back to a value an earlier version ran with: a known baseline
                ranges = ", ".join(dict.fromkeys(describe(q) for q in searched))
                if va is None and not searched:
                    continue  # the history could not be read
                if va is None:
                    what = f"{p.name} is now fixed at {shown(vb)}, outside what the earlier versions searched ({ranges})"
                elif searched:
                    what = (f"{p.name} changes from {shown(va)} to {shown(vb)}, outside what the earlier versions "
                            f"searched ({ranges})")
                else:
                    what = (f"{p.name} changes from {shown(va)} to {shown(vb)}, but no earlier version of this config "
                            f"({len(earlier)} read) searched it")
                yield Finding.split(p.value_span, f"{what}: the new value is adopted without a study behind it.")
