from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import argname, command_items, fixed_flags, related
from sweeplint.diagnostics import Finding, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule


class ConflictingFixedArgument(Rule):
    code = "SL207"
    name = "conflicting-fixed-argument"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if not dialect_of(study).passes_arguments_by_command or not study.command:
                continue
            items = command_items(study)
            args_at = next((i for i, (t, _) in enumerate(items) if "${args" in t), None)
            swept = {argname(p.name): p for p in ctx.varied(study)}
            for name, value, lit in fixed_flags(study):
                p = swept.get(argname(name))
                if p is None:
                    continue
                index = next(i for i, (_, item) in enumerate(items) if item is lit)
                if args_at is None:
                    effect = "and the command passes no ${args}, so this fixed value is what the program gets"
                elif index > args_at:
                    effect = "and it comes after ${args}, so it wins: every trial runs with this fixed value"
                else:
                    effect = "it comes before ${args}, so the swept value wins today, but the command is misleading and breaks if reordered"
                shown = f"{lit.value}" if value is None or "=" in str(lit.value) else f"{lit.value} {value}"
                yield Finding(
                    lit.span,
                    f"{p.name} is swept (line {p.key_span.line}) but the command also fixes it with {shown}",
                    help=f"Remove the fixed argument: {effect.removeprefix('and ')}.",
                    related=(related(ctx.file.path, p.key_span, f"{p.name} is swept here"),),
                )
