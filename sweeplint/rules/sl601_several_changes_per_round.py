from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.model import Parameter, Span, Study
from sweeplint.round_changes import bookkeeping, describe, kind_of, load_rounds, one_value, same, shown
from sweeplint.rule import Context, Rule


class SeveralChangesPerRound(Rule):
    code = "SL601"
    name = "several-changes-per-round"
    severity = Severity.WARNING
    compares_revisions = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study, before in ctx.compared_studies():
            changes = self._changes(before, study, ctx)
            # changes of one family (encoder and decoder depth) are one change to the model
            by_family: dict[str, tuple[Span, str]] = {}
            for key, span, text in changes:
                by_family.setdefault(key, (span, text))
            if len(by_family) < 2:
                continue
            ordered = sorted(by_family.values(), key=lambda c: (c[0].line, c[0].column))
            listed = ", ".join(text for _, text in ordered)
            yield Finding.split(
                ordered[0][0],
                f"this revision changes {len(ordered)} things at once since the compared version ({listed}); "
                f"their effects on the objective cannot be told apart.",
                related=tuple(Related(ctx.file.path, span, f"another change: {text}") for span, text in ordered[1:]),
            )

    def _changes(self, before: Study, after: Study, ctx: Context) -> list[tuple[str, Span, str]]:
        kb = ctx.knowledge
        pipeline = load_rounds().pipeline_kinds
        old = {p.name: p for p in before.parameters}
        new = {p.name: p for p in after.parameters}
        found: list[tuple[str, Span, str]] = []
        for name in list(new) + [n for n in old if n not in new]:
            if bookkeeping(name, kb):
                continue
            family = kb.family_of(name)
            key = family.name if family is not None else name
            a, b = old.get(name), new.get(name)
            defines_pipeline = kind_of(name, kb) in pipeline
            if a is None and b is not None:
                if one_value(b) is not None or defines_pipeline:
                    found.append((key, b.key_span, f"{name} added ({describe(b)})"))
            elif b is None and a is not None:
                if one_value(a) is not None or defines_pipeline:
                    found.append((key, after.span, f"{name} removed (was {describe(a)})"))
            elif a is not None and b is not None:
                va, vb = one_value(a), one_value(b)
                if va is not None and vb is not None:
                    if not same(va.value, vb.value):
                        found.append((key, b.value_span, f"{name} {shown(va)} -> {shown(vb)}"))
                elif defines_pipeline and not _same_space(a, b):
                    found.append((key, b.value_span, f"{name} {describe(a)} -> {describe(b)}"))
        return found


def _same_space(a: Parameter, b: Parameter) -> bool:
    left, right = [v.value for v in a.values], [v.value for v in b.values]
    if a.space != b.space or len(left) != len(right):
        return False
    return all(any(same(x, y) for y in right) for x in left) and describe(a) == describe(b)
