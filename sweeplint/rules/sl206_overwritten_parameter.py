from __future__ import annotations

from typing import Iterator

from sweeplint.codefacts.facts import key_matches
from sweeplint.codefacts.queries import passes_args, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

# The optimizer keyword each family is passed as.
OPTIMIZER_KEYWORDS = {"learning_rate": ("lr", "learning_rate"), "weight_decay": ("weight_decay",), "momentum": ("momentum",),
                      "adam_epsilon": ("eps", "epsilon")}


class OverwrittenParameter(Rule):
    code = "SL206"
    name = "overwritten-parameter"
    severity = Severity.WARNING
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if dialect_of(study).run_config_root is None:
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            for p in study.varied:
                write = None
                for w in facts.writes:
                    # the parsed arguments hold the swept values when the command passes ${args}
                    from_args = w.all_args and facts.arg(p.name) is not None and not passes_args(study)
                    hit = any(key_matches(w.root, tuple(k.split(".")), p.name) for k in w.keys) or from_args
                    if not hit or w.source == "wandb":
                        continue  # not this key, or the swept value itself copied in (`args.lr = config.lr`)
                    if w.kind == "assign" or w.allow_val_change:
                        write = w
                        break
                if write is not None:
                    how = {
                        "assign": "by assignment",
                        "update": "with update(..., allow_val_change=True)",
                        "init": "with wandb.init(..., allow_val_change=True)",
                    }[write.kind]
                    source = {"argparse": "the parsed arguments", "hydra": "the Hydra config"}.get(write.root, "the run config")
                    yield Finding(
                        p.key_span,
                        f"{p.name} is swept, but the program overwrites it in {source} at {short(ctx, write.path)}:{write.span.line} "
                        f"({how}); the trial then trains with (or records) a value the sweep did not choose - "
                        "drop the write, or only fill in keys the sweep does not set",
                        related=(related(write.path, write.span, f"overwrites {p.name}"),),
                    )
                    continue
                literal = self._literal_in_optimizer(ctx, facts, p)
                if literal is not None:
                    call, arg = literal
                    yield Finding(
                        p.key_span,
                        f"{p.name} is swept, but the optimizer at {short(ctx, call.path)}:{call.span.line} is built with "
                        f"{arg.keyword}={arg.text}, a literal; every trial trains with that value - pass the swept "
                        f"{p.name} instead",
                        related=(related(call.path, arg.span, f"{arg.keyword} is fixed here"),),
                    )

    @staticmethod
    def _literal_in_optimizer(ctx: Context, facts, p):
        family = ctx.knowledge.family_of(p.name)
        keywords = OPTIMIZER_KEYWORDS.get(family.name) if family is not None else None
        if not keywords:
            return None
        optimizers = facts.optimizer_calls()
        if not optimizers:
            return None
        for c in optimizers:
            for a in c.args:
                if any(key_matches(root, key, p.name) for root, key in a.reads):
                    return None  # the swept value does reach an optimizer
        for c in optimizers:
            for a in c.args:
                if a.keyword in keywords and a.kind == "literal":
                    return c, a
        return None
