from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import passes_args, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Lit, Parameter, Space
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule


def _breaks(lit: Lit, wanted: str) -> bool:
    """Whether argparse's type=int / type=float raises on the text the command line gets."""
    value = lit.value
    if isinstance(value, bool) or value is None:
        return wanted in ("int", "float")
    if wanted == "int":
        if isinstance(value, int):
            return False
        if isinstance(value, float):
            return True  # `--depth=2.0`: int("2.0") raises
        return not str(value).strip().lstrip("+-").isdigit()
    if wanted == "float":
        if isinstance(value, (int, float)):
            return False
        try:
            float(str(value))
        except ValueError:
            return True
    return False


def _samples(p: Parameter) -> tuple[Lit, ...]:
    """The literals a trial may receive as they are: the choices, or a float range's bounds."""
    if p.space in (Space.CATEGORICAL, Space.CONSTANT):
        return p.values
    if p.space is Space.UNIFORM and not p.integer:
        return tuple(lit for lit in (p.low, p.high) if lit is not None)
    return ()


class ArgumentTypeMismatch(Rule):
    code = "SL217"
    name = "argument-type-mismatch"
    severity = Severity.ERROR
    uses_code = True
    needs_program_facts = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if not study.command and not dialect_of(study).passes_arguments_by_command:
                continue  # values reach argparse only through a command line (W&B builds one from ${args})
            if not passes_args(study):
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            for p in study.parameters:
                arg = facts.arg(p.name)
                if arg is None or arg.type not in ("int", "float"):
                    continue
                if p.space is Space.UNIFORM and not p.integer and arg.type == "int":
                    yield Finding.split(
                        p.value_span,
                        f"{p.name} is sampled from a continuous range, but the program parses --{arg.dest} with "
                        f"type=int ({short(ctx, arg.path)}:{arg.span.line}): a sampled value such as 2.5 makes "
                        f"argparse exit, so those trials crash before training",
                        related=(related(arg.path, arg.span, f"--{arg.dest} is parsed with type=int"),),
                    )
                    continue
                bad = [lit for lit in _samples(p) if _breaks(lit, arg.type)]
                if not bad:
                    continue
                shown = ", ".join(lit.text or str(lit.value) for lit in bad[:4]) + (", ..." if len(bad) > 4 else "")
                yield Finding.split(
                    bad[0].span,
                    f"{p.name} takes {shown}, which the program's --{arg.dest} (type={arg.type}, "
                    f"{short(ctx, arg.path)}:{arg.span.line}) cannot parse: argparse exits and those trials crash "
                    f"before training",
                    related=(related(arg.path, arg.span, f"--{arg.dest} is parsed with type={arg.type}"),),
                )
