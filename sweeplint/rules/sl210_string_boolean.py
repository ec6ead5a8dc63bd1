from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import passes_args, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

FALSY_TEXT = {"false", "no", "off", "0", "none", "null", "n", "f", ""}
BOOL_TYPES = ("bool", "builtins.bool")


class StringBoolean(Rule):
    code = "SL210"
    name = "string-boolean"
    severity = Severity.WARNING
    uses_code = True
    needs_program_facts = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            facts = ctx.code(study)
            if facts is None:
                continue
            for p in study.parameters:
                strings = [v for v in p.values if isinstance(v.value, str) and v.value.strip().lower() in FALSY_TEXT]
                cast = next((r for r in facts.reads_of(p.name) if r.bool_cast), None)
                if strings and cast is not None:
                    v = strings[0]
                    yield Finding.split(
                        v.span,
                        f"{p.name} takes the string {v.value!r}, and the program applies bool() to it at "
                        f"{short(ctx, cast.path)}:{cast.span.line}; bool({v.value!r}) is True, so the 'off' setting never happens - "
                        "use a YAML boolean (false) or compare the string",
                        related=(related(cast.path, cast.span, "bool() of the parameter"),),
                    )
                    continue
                arg = facts.arg(p.name)
                if (dialect_of(study).passes_arguments_by_command and arg is not None and arg.type in BOOL_TYPES and p.varies
                        and passes_args(study) and any(v.value in (False, "false", "False") for v in p.values)):
                    v = next(v for v in p.values if v.value in (False, "false", "False"))
                    yield Finding(
                        v.span,
                        f"{p.name} reaches the program as --{arg.dest}=False, which type=bool "
                        f"({short(ctx, arg.path)}:{arg.span.line}) turns into True",
                        help="Parse it with a str-to-bool function or action='store_true': argparse's type=bool turns "
                             "every non-empty string, 'False' included, into True.",
                        related=(related(arg.path, arg.span, "type=bool"),),
                    )
