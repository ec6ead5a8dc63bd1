"""SL201's inter-procedural case: a swept value that the program reads and hands to a function of
the project whose receiving parameter is never used (codefacts.interproc)."""

from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import related, short
from sweeplint.diagnostics import Finding
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import Span
from sweeplint.rule import Context

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from sweeplint.codefacts.interproc import Interproc

# The inter-procedural modules are imported when a program's facts are known: a folder of configs
# without code never needs them.


def unused_in_callee(ctx: Context) -> Iterator[Finding]:
    for study in ctx.studies:
        dialect = dialect_of(study)
        suggests = dialect.builds_space_in_trials and ctx.file.path.endswith(".py")
        if dialect.parameter_reads is None and not suggests:
            continue
        facts = ctx.code(study)
        if facts is None or any(e.root == "*" for e in facts.escapes):
            continue
        from sweeplint.codefacts import interproc

        trace = interproc.Interproc(facts.files)
        for p in ctx.varied(study):
            if p.selects_config_group:
                continue
            if suggests:
                ends = trace.dead_ends_of_suggestion(ctx.file.path, p.key_span)
            else:
                ends = _dead_ends_of_reads(trace, facts, p.name)
            if not ends:
                copy = None if suggests else _copied_to_unread_key(trace, facts, p.name)
                if copy is not None:
                    target, read = copy
                    yield Finding(
                        p.key_span,
                        f"{p.name} is swept, but the program only copies it into {target} "
                        f"({short(ctx, read.path)}:{read.span.line}) and never reads {target} afterwards",
                        help="Every trial trains with the same behaviour and the differences between runs are noise: read "
                             f"{target} where the model or data is built after the copy, or pass the swept value there.",
                        related=(related(read.path, read.span, f"copied into {target}, never read after"),),
                    )
                continue
            first = ends[0]
            also = sorted({f"{e.function}({e.parameter}=...)" for e in ends[1:]} - {f"{first.function}({first.parameter}=...)"})
            more = f" (and to {', '.join(also)}, likewise unused)" if also else ""
            yield Finding(
                p.key_span,
                f"{p.name} is swept, but the program only hands it to the parameter {first.parameter!r} of "
                f"{first.function} ({short(ctx, first.path)}:{first.line}), which never uses it{more}",
                help="Every trial trains with the same behaviour and the differences between runs are noise: use the "
                     "parameter in the function's body or remove it from the sweep.",
                related=tuple(related(e.path, Span.point(e.line, 1), f"{e.function} never uses {e.parameter!r}") for e in ends[:3]),
            )


def _dead_ends_of_reads(trace: Interproc, facts, name: str):
    """The unused parameters every read of `name` ends in, or None when any read may take effect."""
    reads = facts.reads_of(name)
    if not reads or facts.reads_below(name) or facts.escaped(name) is not None:
        return None
    if facts.arg(name) is not None and not any(r.root == "argparse" for r in reads):
        return None  # an argparse option of the same name whose reads we may not see
    out = []
    for read in reads:
        ends = trace.dead_ends_of_read(read.path, read.span)
        if not ends:
            return None
        out.extend(ends)
    return out


def _copied_to_unread_key(trace: Interproc, facts, name: str):
    """(the key, the read) when the only read of `name` is copied into a config key that the function
    never reads afterwards."""
    reads = facts.reads_of(name)
    if len(reads) != 1 or facts.reads_below(name) or facts.escaped(name) is not None:
        return None
    if facts.arg(name) is not None and reads[0].root != "argparse":
        return None
    from sweeplint.codefacts.config_copies import copied_to_unread_key

    found = copied_to_unread_key(trace, reads[0].path, reads[0].span)
    return None if found is None else (found[0], reads[0])
