from __future__ import annotations

from typing import Iterator

from sweeplint.codefacts.facts import key_matches
from sweeplint.codefacts.queries import never_reads, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule

# scheduler -> (keyword, position) of the argument that sets the schedule's length
LENGTH_ARGUMENT = {
    "CosineAnnealingLR": ("T_max", 1),
    "OneCycleLR": ("total_steps", 2),
    "PolynomialLR": ("total_iters", 1),
    "LinearLR": ("total_iters", 3),
    "MultiStepLR": ("milestones", 1),
    "get_cosine_schedule_with_warmup": ("num_training_steps", 2),
    "get_linear_schedule_with_warmup": ("num_training_steps", 2),
    "get_polynomial_decay_schedule_with_warmup": ("num_training_steps", 2),
    "get_cosine_with_hard_restarts_schedule_with_warmup": ("num_training_steps", 2),
    "get_scheduler": ("num_training_steps", None),
    "CosineDecay": ("decay_steps", 1),
    "cosine_decay_schedule": ("decay_steps", 1),
    "warmup_cosine_decay_schedule": ("decay_steps", 3),
    "CosineLRScheduler": ("t_initial", 1),
}


class ScheduleNotCoupled(Rule):
    code = "SL209"
    name = "schedule-not-coupled"
    severity = Severity.WARNING
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            lengths = [p for p in study.varied if (f := ctx.knowledge.family_of(p.name)) is not None and f.kind == "training-length"]
            if not lengths:
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            # A length the program never reads has no effect at all: SL201 says so, and the schedule is moot.
            lengths = [p for p in lengths if not never_reads(facts, p.name)]
            if not lengths:
                continue
            for call in facts.calls:
                spec = LENGTH_ARGUMENT.get(call.func.rsplit(".", 1)[-1])
                if spec is None:
                    continue
                arg = call.arg(*spec)
                if arg is None:
                    continue
                if arg.kind == "literal":
                    why = f"the literal {arg.text}"
                elif arg.kind == "read" and not any(self._is_length(ctx, root, key, lengths) for root, key in arg.reads):
                    why = f"{arg.text}, which does not depend on " + " or ".join(p.name for p in lengths)
                else:
                    continue
                p = lengths[0]
                yield Finding.split(
                    p.key_span,
                    f"{p.name} is swept, but the learning-rate schedule at {short(ctx, call.path)}:{call.span.line} takes its length "
                    f"({arg.keyword or spec[0]}) from {why}; trials then differ in schedule shape (never decayed, or "
                    f"stuck at the floor) rather than in {p.name} - derive the schedule length from {p.name}",
                    related=(related(call.path, arg.span, "the schedule length"),),
                )

    @staticmethod
    def _is_length(ctx: Context, root: str, key: tuple[str, ...], lengths) -> bool:
        if any(key_matches(root, key, p.name) for p in lengths):
            return True
        family = ctx.knowledge.family_of(".".join(key))
        return family is not None and family.kind in ("training-length",)
