from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import HYPHENATED_MACROS, command_items, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.fixes import Applicability, Fix, respell_word
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule


class HydraNeedsArgsNoHyphens(Rule):
    code = "SL203"
    name = "hydra-needs-args-no-hyphens"
    severity = Severity.ERROR
    uses_code = True
    needs_program_facts = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if not dialect_of(study).passes_arguments_by_command or not ctx.varied(study):
                continue
            items = command_items(study)
            if any("${args_no_hyphens}" in t for t, _ in items):
                continue
            bad = next(((t, lit) for t, lit in items if any(m in t for m in HYPHENATED_MACROS)), None)
            if items and bad is None:
                continue  # no ${args} at all: SL202's business
            facts = ctx.code(study)
            if facts is None or not facts.hydra_main:
                continue
            span = bad[1].span if bad else (study.program.span if study.program is not None else study.span)
            how = f"the command passes {bad[0]}" if bad else "the default command passes ${args}"
            example = ctx.varied(study)[0].name
            yield Finding.split(
                span,
                f"{short(ctx, facts.program)} is a Hydra app, but {how}, which hands it --{example}=...; Hydra expects "
                f"overrides like {example}=... and stops with an override parse error - use ${{args_no_hyphens}}",
                fix=_no_hyphens_fix(ctx, bad[1]) if bad else None,
            )


def _no_hyphens_fix(ctx: Context, item) -> Fix | None:
    """`${args}` in the command item written `${args_no_hyphens}`. Unsafe: it changes the command line
    every run gets, on the reading of the program as a Hydra app."""
    edit = respell_word(ctx.file.text, item.span, "${args}", "${args_no_hyphens}", ctx.file.path)
    return Fix("Pass ${args_no_hyphens}", (edit,), Applicability.UNSAFE) if edit else None
