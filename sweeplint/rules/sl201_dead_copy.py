"""SL201 for a whole search space: the program takes the tool's parameters and copies them into a dict
that nothing uses (`PARAMS.update(nni.get_next_parameter())` and then never `PARAMS`)."""

from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import related, short
from sweeplint.diagnostics import Finding
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context

# The inter-procedural modules are imported when a program's facts are known: a folder of configs
# without code never needs them.


def parameters_never_passed_on(ctx: Context) -> Iterator[Finding]:
    for study in ctx.studies:
        dialect = dialect_of(study)
        root = dialect.parameter_reads
        if root in (None, "*") or not ctx.varied(study):
            continue
        facts = ctx.code(study)
        if facts is None or any(r.root == root for r in facts.reads) or any(e.root == "*" for e in facts.escapes):
            continue
        handed = [e for e in facts.escapes if e.root == root]
        if not handed or any(e.key for e in handed):
            continue
        from sweeplint.codefacts.config_copies import copied_into_unused
        from sweeplint.codefacts.interproc import Interproc

        trace = Interproc(facts.files)
        copies = [copied_into_unused(trace, e.path, e.span) for e in handed]
        if any(c is None for c in copies):
            continue
        name, line = copies[0]
        first = handed[0]
        # a config naming its search space file reports at that name; lint hands the finding to the file
        span = next((p.key_span for p in study.parameters if p.linked_from), study.span)
        yield Finding(
            span,
            f"no swept value reaches training: the program copies {dialect.tool}'s parameters into {name} "
            f"({short(ctx, first.path)}:{line}) and never uses {name}",
            help=f"Every trial trains with the same settings and the differences between runs are noise: hand {name} "
                 "(or the parameters themselves) to the code that builds and trains the model.",
            related=(related(first.path, first.span, f"copied into {name}, which nothing uses"),),
        )
