from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import argname, fixed_flags, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Span
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

KINDS = ("scale", "optimizer", "regularizer-strength", "schedule", "training-length", "batch")


class HiddenFixedParameter(Rule):
    code = "SL208"
    name = "hidden-fixed-parameter"
    severity = Severity.INFO
    uses_code = True
    needs_program_facts = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            run_config = dialect_of(study).run_config_root
            if run_config is None:
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            declared = {argname(p.name) for p in study.parameters} | {argname(p.leaf) for p in study.parameters}
            declared |= {argname(n) for n, _v, _l in fixed_flags(study)}
            args_recorded = any(w.kind in ("init", "update") and w.all_args for w in facts.writes) or any(
                w.kind in ("init", "update") and w.unknown for w in facts.writes)
            anchor = study.program.span if study.program is not None else Span.point(study.span.line, study.span.column)
            seen: set[str] = set()
            candidates = []
            if not args_recorded:
                candidates += [(a.dest, a.default, a.path, a.span, "argparse default") for a in facts.args if a.has_default]
            candidates += [(".".join(r.key), r.default, r.path, r.span, "default")
                           for r in facts.reads if r.has_default and r.root == run_config]
            for name, default, path, span, how in candidates:
                key = argname(name)
                if key in declared or key in seen or default is None or isinstance(default, (bool, dict, tuple)):
                    continue
                family = ctx.knowledge.family_of(name)
                if family is None or family.kind not in KINDS:
                    continue
                seen.add(key)
                yield Finding.split(
                    anchor,
                    f"the program uses {name}={default!r} ({how} at {short(ctx, path)}:{span.line}), a {family.name.replace('_', ' ')} "
                    "the sweep neither sets nor records; every conclusion depends on it, yet the runs do not show it - "
                    f"add it to the sweep as a fixed value (`{name}: {{value: {default!r}}}`)",
                    related=(related(path, span, f"{name} defaults to {default!r}"),),
                )
