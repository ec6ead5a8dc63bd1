from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from sweeplint.codefacts.queries import never_reads, never_reads_through, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Span
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule
from sweeplint.rules.sl201_callee import unused_in_callee
from sweeplint.rules.sl201_dead_copy import parameters_never_passed_on
from sweeplint.rules.sl201_env import env_only_parameters


# How each tool's trials read their hyperparameters (any way we follow, or only through the tool's
# own API, whose reads must be in the code) is its dialect's parameter_reads.


class UnusedParameter(Rule):
    code = "SL201"
    name = "unused-parameter"
    severity = Severity.WARNING
    uses_code = True
    needs_program_facts = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        yield from self._undefined_flags(ctx)
        yield from unused_in_callee(ctx)
        yield from parameters_never_passed_on(ctx)
        yield from env_only_parameters(ctx)
        for study in ctx.studies:
            dialect = dialect_of(study)
            hydra = dialect.composes_config_groups
            root = dialect.parameter_reads
            if root is None:
                continue
            facts = ctx.code(study)
            if facts is None or not (facts.reads or facts.args):
                continue  # nothing we understand about how this program reads its settings
            if root != "*" and not any(r.root == root for r in facts.reads):
                continue  # the program reads its hyperparameters some way we do not see
            if any(e.root == "*" for e in facts.escapes):
                continue
            known = sorted({".".join(r.key) for r in facts.reads} | {a.dest for a in facts.args})
            files = ", ".join(short(ctx, f) for f in facts.files[:4]) + (", ..." if len(facts.files) > 4 else "")
            groups = ctx.program(study).config_dir if hydra else None
            for p in ctx.varied(study):
                if p.selects_config_group:
                    continue  # a config group choice: Hydra composes the chosen file, no code reads the name
                if hydra and _hydra_skipped(p.name, groups):
                    continue  # Hydra's own settings, or a config group choice that may set any key
                miss = ctx.code_facts.hydra_target_miss(study, ctx.file.path, p.name) if hydra else None
                if miss is not None:
                    yield Finding(
                        p.key_span,
                        f"{p.name} is swept, but {miss.option} instantiates {miss.target} there, whose constructor "
                        f"({short(ctx, miss.init_path)}:{miss.init.line}) takes no {p.leaf}",
                        related=(related(miss.init_path, Span.point(miss.init.line, 1), "the constructor"),),
                    )
                    continue
                if not (never_reads(facts, p.name) if root == "*" else never_reads_through(facts, p.name, root)):
                    continue
                close = difflib.get_close_matches(p.name, known, n=1, cutoff=0.7)
                hint = ""
                rel: tuple = ()
                other = None if root == "*" else (facts.reads_of(p.name) or (facts.arg(p.name),))[0]
                if other is not None:
                    # the same name read from the command line (or another config) the tool never fills in
                    hint = (f"; it reads {p.name!r} from another source at {short(ctx, other.path)}:{other.span.line}, "
                            f"which {dialect.tool} does not set from the hyperparameters")
                    rel = (related(other.path, other.span, f"reads another {p.name!r}"),)
                elif close:
                    site = next((r for r in facts.reads if ".".join(r.key) == close[0]), None)
                    if site is not None:
                        hint = f"; it does read {close[0]!r} at {short(ctx, site.path)}:{site.span.line} - a misspelt key?"
                        rel = (related(site.path, site.span, f"reads {close[0]!r}"),)
                    else:
                        arg = facts.arg(close[0])
                        if arg is not None:
                            hint = f"; it does define --{arg.dest} at {short(ctx, arg.path)}:{arg.span.line} - a misspelt key?"
                            rel = (related(arg.path, arg.span, f"defines --{arg.dest}"),)
                if not hint:
                    nested = next((r for r in facts.reads if len(r.key) > 1 and r.key[-1] == p.leaf and "." not in p.name), None)
                    if nested is not None:
                        # the sweep sets a top-level key; the code reads the same name inside a section
                        shown = ".".join(nested.key)
                        hint = f"; it reads {shown!r} at {short(ctx, nested.path)}:{nested.span.line}, a key inside a section, not the swept top-level {p.name!r}"
                        rel = (related(nested.path, nested.span, f"reads {shown!r}"),)
                looked = f"Sweeplint looked in {files}{hint}"
                yield Finding(
                    p.key_span,
                    f"{p.name} is swept, but the program never reads it",
                    help=f"{looked}{'' if looked.endswith('?') else '.'} Every trial trains with the same value and the "
                         "differences between runs are noise: use it in the code or remove it from the sweep.",
                    related=rel or (related(facts.program, Span.point(1, 1), "the program"),),
                )

    @staticmethod
    def _undefined_flags(ctx: Context) -> Iterator[Finding]:
        """A trial command that hands a parameter to the program as `--flag=${trialParameters.x}` while the
        program's argparse defines no such option: argparse stops the trial with "unrecognized arguments"
        (or, with parse_known_args, drops the value), so the suggested value never reaches training."""
        for study in ctx.studies:
            carriers = _flag_carriers(study)
            if not carriers:
                continue
            facts = ctx.code(study)
            if facts is None or not facts.args or any(e.root == "*" for e in facts.escapes):
                continue  # no argparse we can see, or something else may take the command line
            defined = ", ".join("--" + a.dest for a in facts.args[:6]) + (", ..." if len(facts.args) > 6 else "")
            for flag, name, word in carriers:
                if not never_reads(facts, flag) or facts.reads_of(flag):
                    continue
                yield Finding.split(
                    word.span,
                    f"the trial command passes the trial parameter {name} as --{flag}, but the program's argument parser "
                    f"defines no --{flag} (it defines {defined}); argparse stops every trial with \"unrecognized "
                    "arguments\" (or drops the value with parse_known_args), so the suggested value never reaches "
                    f"training - add the option to the parser or pass the parameter under a flag it defines",
                    related=(related(facts.program, Span.point(1, 1), "the program"),),
                )


def _flag_carriers(study) -> list[tuple[str, str, object]]:
    """(flag, trial parameter, command word) for each `--flag=${trialParameters.x}` or
    `--flag ${trialParameters.x}` of a trial command."""
    words = [(str(w.value), w) for w in study.command if w.value is not None]
    out = []
    for index, (text, word) in enumerate(words):
        joined = _CARRIED.fullmatch(text.strip())
        if joined:
            out.append((joined.group(1), joined.group(2), word))
            continue
        flag = _FLAG.fullmatch(text.strip())
        if flag and index + 1 < len(words):
            value = _TRIAL_PARAMETER.fullmatch(words[index + 1][0].strip())
            if value:
                out.append((flag.group(1), value.group(1), word))
    return out


_CARRIED = re.compile(r"--?([A-Za-z_][\w.-]*)=[\"']?\$\{trialParameters\.([^}]+)\}[\"']?")
_FLAG = re.compile(r"--?([A-Za-z_][\w.-]*)")
_TRIAL_PARAMETER = re.compile(r"[\"']?\$\{trialParameters\.([^}]+)\}[\"']?")


def _hydra_skipped(name: str, config_dir: str | None) -> bool:
    import os

    bare = name.lstrip("+~")
    if bare != name or bare.startswith("hydra.") or "/" in bare or "@" in bare:
        return True
    if config_dir is None:
        return True
    folder = os.path.join(config_dir, *bare.split("."))
    return os.path.isdir(folder)
