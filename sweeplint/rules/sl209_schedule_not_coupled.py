from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.facts import Cond, key_matches
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
    "StepLR": ("step_size", 1),           # a decay period: fixed while the length varies, trials decay a different number of times
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
    needs_program_facts = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            lengths = [p for p in ctx.varied(study) if (f := ctx.knowledge.family_of(p.name)) is not None and f.kind == "training-length"]
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
                if not all(_branch_taken(study, facts, cond) for cond in call.conditions):
                    continue  # a schedule of a branch this sweep may never take (another scheduler type)
                arg = call.arg(*spec)
                if arg is None:
                    continue
                if arg.kind == "literal":
                    why = f"the literal {arg.text}"
                elif arg.kind == "read" and not any(self._is_length(ctx, root, key, lengths) for root, key in arg.reads):
                    why = f"{arg.text}, which does not depend on " + " or ".join(p.name for p in lengths)
                elif arg.kind == "expr" and (module := _module_constant(arg.text, facts)) is not None:
                    why = f"{arg.text}, a constant of {short(ctx, module)}"
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


_TESTS = ("==", "!=", "in", "not in", "truthy", "falsy")


def _branch_taken(study, facts, cond: Cond) -> bool:
    """Whether some trial of the sweep takes the branch a schedule sits under. A test of a config value
    (`scheduler_type == "cosine"`) is decided by the sweep's own values for that key, else by an
    argparse default; a value the sweep does not choose and the code does not fix (a config file, a
    Hydra group the sweep does not select) leaves the branch undecided, and it counts as not taken.
    A test about anything else (a step counter, a local flag) does not hold the schedule back."""
    if cond.root is None or not cond.key or cond.op not in _TESTS:
        return True
    values: list = []
    for p in study.parameters:
        if key_matches(cond.root, cond.key, p.name):
            if p.space.varies and not p.values:
                return True  # a range: some trial has a value that passes an equality test or not
            values.extend(v.value for v in p.values)
    if not values and cond.root == "argparse":
        arg = facts.arg(".".join(cond.key))
        if arg is not None:
            values.append(arg.default if arg.has_default else None)
    return any(_passes(cond, v) for v in values)


def _passes(cond: Cond, value) -> bool:
    wanted = [str(v).lower() for v in cond.values]
    seen = str(value).lower()
    if cond.op in ("==", "in"):
        return seen in wanted
    if cond.op in ("!=", "not in"):
        return seen not in wanted
    return bool(value) if cond.op == "truthy" else not value


def _module_constant(text: str, facts) -> str | None:
    """The program's own module whose constant an argument is (`config.step_size` with config.py
    among the program's files): a value fixed in the code, whatever the sweep sets."""
    import re
    from pathlib import PurePath

    match = re.fullmatch(r"([A-Za-z_]\w*)\.([A-Za-z_]\w*)", text)
    if match is None:
        return None
    module = next((f for f in facts.files if PurePath(f).stem == match.group(1) and f != facts.program), None)
    if module is None or any(r.path == module for r in facts.reads) or any(a.path == module for a in facts.args):
        return None  # a module that reads settings itself may derive the value from the swept one
    return module
