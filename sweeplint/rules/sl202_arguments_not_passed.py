from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import passes_args, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

CLI_ROOTS = ("argparse", "hydra")


class ArgumentsNotPassed(Rule):
    code = "SL202"
    name = "arguments-not-passed"
    severity = Severity.ERROR
    uses_code = True
    needs_program_facts = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if not dialect_of(study).passes_arguments_by_command or not study.command or passes_args(study):
                continue
            facts = ctx.code(study)
            if facts is None or any(e.root == "*" for e in facts.escapes):
                continue
            if any(w.root in CLI_ROOTS and w.source not in (None, *CLI_ROOTS) for w in facts.writes):
                continue  # the parsed arguments are filled from the run config (args.__dict__.update(wandb.config))
            cli_only = []
            for p in ctx.varied(study):
                other = [r for r in facts.reads_of(p.name) if r.root not in CLI_ROOTS]
                escape = facts.escaped(p.name)
                if other or (escape is not None and escape.root not in CLI_ROOTS):
                    continue
                site = next(iter(facts.reads_of(p.name, CLI_ROOTS)), None) or facts.arg(p.name)
                if site is not None:
                    cli_only.append((p, site))
            if not cli_only:
                continue
            names = ", ".join(p.name for p, _ in cli_only[:5]) + (" ..." if len(cli_only) > 5 else "")
            first = cli_only[0][1]
            source = "Hydra overrides" if facts.hydra_main and not facts.uses_argparse else "command-line arguments"
            yield Finding.split(
                study.command_span or study.span,
                f"the command passes no ${{args}}, but the program reads {names} only from its {source} "
                f"({short(ctx, first.path)}:{first.span.line}); every trial runs with the defaults while W&B records the swept "
                "values - add ${args} (or ${args_no_hyphens} for Hydra) to the command, or read wandb.config",
                related=tuple(related(site.path, site.span, f"{p.name} is read here") for p, site in cli_only[:5]),
            )
