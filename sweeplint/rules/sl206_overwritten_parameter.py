from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.facts import key_matches
from sweeplint.codefacts.queries import never_reads, passes_args, related, short
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
    needs_program_facts = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        yield from self._restored_optimizer(ctx)
        yield from self._dropped_reads(ctx)
        for study in ctx.studies:
            if dialect_of(study).run_config_root is None:
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            for p in ctx.varied(study):
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
                    yield Finding.split(
                        p.key_span,
                        f"{p.name} is swept, but the program overwrites it in {source} at {short(ctx, write.path)}:{write.span.line}; "
                        f"it writes it {how}, so the trial then trains with (or records) a value the sweep did not choose - "
                        "drop the write, or only fill in keys the sweep does not set",
                        related=(related(write.path, write.span, f"overwrites {p.name}"),),
                    )
                    continue
                literal = self._literal_in_optimizer(ctx, facts, p)
                if literal is not None:
                    call, arg = literal
                    yield Finding.split(
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

    @staticmethod
    def _restored_optimizer(ctx: Context) -> Iterator[Finding]:
        """A swept optimizer setting that the program reads, into an optimizer whose state it then
        loads from a checkpoint every time (`optimizer.load_state_dict(...)` with no condition around
        it): loading a state restores the saved param_groups, the learning rate and momentum among them."""
        for study in ctx.studies:
            facts = ctx.code(study)
            if facts is None:
                continue
            loads = [c for c in facts.calls if c.func.endswith(".load_state_dict")
                     and all(_is_main_guard(cond.text) for cond in c.conditions)]
            if not loads:
                continue
            load = loads[0]
            for p in ctx.varied(study):
                family = ctx.knowledge.family_of(p.name)
                keywords = OPTIMIZER_KEYWORDS.get(family.name) if family is not None else None
                if not keywords or never_reads(facts, p.name):
                    continue
                yield Finding.split(
                    p.key_span,
                    f"{p.name} is swept, but {load.func}(...) at {short(ctx, load.path)}:{load.span.line} puts back "
                    f"the saved {keywords[0]}; after building the optimizer the program always loads its state from a "
                    f"checkpoint, so every trial trains with the checkpoint's value - load only the model's weights, "
                    f"or set the swept {p.name} in the optimizer's param_groups after loading",
                    related=(related(load.path, load.span, f"restores the saved {keywords[0]}"),),
                )

    @staticmethod
    def _dropped_reads(ctx: Context) -> Iterator[Finding]:
        """A swept value whose every read is stored in a local that nothing uses (`lr = params["lr"]`
        and the optimizer built with a value set elsewhere): the trial trains with some other value."""
        for study in ctx.studies:
            facts = ctx.code(study)
            if facts is None or any(e.root == "*" for e in facts.escapes):
                continue
            for p in ctx.varied(study):
                reads = facts.reads_of(p.name)
                if not reads or not all(r.dead_local for r in reads) or facts.reads_below(p.name):
                    continue
                if any(e.key and _is_prefix_of(e.key, p.name) for e in facts.escapes):
                    continue  # the value itself is handed somewhere we cannot follow
                first = reads[0]
                yield Finding.split(
                    p.key_span,
                    f"{p.name} is swept, but the program only stores it in the local {first.dead_local!r} "
                    f"({short(ctx, first.path)}:{first.span.line}) and never uses {first.dead_local!r} afterwards; the "
                    f"trial trains with whatever value the code sets elsewhere - pass {first.dead_local!r} on to where "
                    f"{p.name} is used",
                    related=(related(first.path, first.span, f"stored in {first.dead_local!r}, never used"),),
                )


def _is_prefix_of(key: tuple[str, ...], name: str) -> bool:
    joined = ".".join(key)
    return name == joined or name.startswith(joined + ".")


def _is_main_guard(text: str) -> bool:
    """`if __name__ == "__main__":` - the script's own entry, not a condition on how it runs."""
    return text.replace(" ", "").replace("'", '"') in ('__name__=="__main__"', '"__main__"==__name__')
