from __future__ import annotations

import difflib
from collections.abc import Iterator

from sweeplint.codefacts.queries import related, short
from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

# Reads that cope with a missing key: `.get(key, default)`, `key in config`, getattr with a default.
GUARDED = ("get", "in", "getattr")
MEMBERSHIP = ("in", "not in", "contains", "not contains")


def _names(cond, key: str) -> bool:
    """Whether a membership test names the key (as the tested key, a compared value or a literal)."""
    return cond.key[:1] == (key,) or key in {str(v) for v in cond.values} or f'"{key}"' in cond.text or f"'{key}'" in cond.text


class UndefinedConfigKey(Rule):
    """A key the trial's config is subscripted with, which the search space never defines.

    Only for tools that hand a trial exactly the space (the dialect's trial_config_root): there
    `config["task"]` raises KeyError in every trial that reaches it. Unconditional reads are errors
    (every trial crashes there); a read under an `if` only crashes the trials that take that branch."""

    code = "SL218"
    name = "undefined-config-key"
    severity = Severity.ERROR
    uses_code = True
    needs_program_facts = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            dialect = dialect_of(study)
            root = dialect.trial_config_root
            if root is None or not ctx.varied(study):
                continue
            if dialect.trial_config_methods and (study.method is None or study.method.name not in dialect.trial_config_methods):
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            writes = [w for w in facts.writes if w.root == root]
            if any(w.unknown or w.all_args or not w.keys for w in writes):
                continue  # something adds keys we cannot name (wandb.init(config=args), config.update(d))
            written = {k.split(".")[0] for w in writes for k in w.keys}
            # Any segment of a dotted name counts as defined: a nested space may be handed on in
            # parts (Ray Train's train_loop_config), and a key defined anywhere is not reported.
            defined = {part for p in study.parameters for part in p.name.split(".")}
            reads = [r for r in facts.reads if r.root == root and r.key]
            guarded = {r.key[0] for r in reads if r.how in GUARDED or r.has_default}
            # `if "seed" in config:` around a read: the key's presence is tested
            guarded |= {r.key[0] for r in reads for c in r.conditions
                        if c.op in MEMBERSHIP and _names(c, r.key[0])}
            reported: set[str] = set()
            for r in reads:
                key = r.key[0]
                if r.how != "item" or key in defined or key in written or key in guarded or key in reported:
                    continue
                reported.add(key)
                yield self.finding(ctx, study, r, key, sorted(defined), dialect.tool)

    @staticmethod
    def finding(ctx: Context, study, read, key: str, defined: list[str], tool: str) -> Finding:
        close = difflib.get_close_matches(key, defined, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        conditional = bool(read.conditions)
        reach = "every trial that takes this branch" if conditional else "every trial"
        space: tuple[Related, ...] = (related(ctx.file.path, study.span, "the search space is handed to the trials here"),)
        return Finding(
            read.span,
            f"the trial's config is read with key {key!r}, which the search space does not define{hint}",
            path=read.path or None,
            related=space,
            severity=Severity.WARNING if conditional else None,
            help=f"{tool} gives each trial only the keys of the search space ({short(ctx, ctx.file.path)}) and those the "
                 f"program adds itself, so this read raises "
                 f"KeyError in {reach}: add {key!r} to the space (a constant is enough) or read it with a default.",
        )
