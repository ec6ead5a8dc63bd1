from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import fixed_flags
from sweeplint.diagnostics import Finding, Related, Severity
from sweeplint.graph import describe_space
from sweeplint.model import Span, number
from sweeplint.rule import Context, Rule
from sweeplint.rules.sl305_tuned_batch_size import benchmark_sweep


class BatchSizeEpochBudget(Rule):
    code = "SL321"
    name = "batch-size-epoch-budget"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if benchmark_sweep(study):
                continue  # a sweep that measures speed per batch size: the epochs are its workload
            batches = [p for p in ctx.varied(study) if _kind(ctx, p.name) == "batch"]
            if not batches:
                continue
            lengths = _lengths(ctx, study)
            if lengths is None:
                continue
            epochs = [(name, value, span) for name, value, span in lengths if "epoch" in _leaf(name)]
            steps = [name for name, value, _ in lengths if "epoch" not in _leaf(name)]
            if not epochs or steps:
                continue  # no epoch budget, or a step budget that bounds every trial alike
            name, value, span = epochs[0]
            for p in batches:
                accumulation = ctx.knowledge.family_of(p.name).name == "gradient_accumulation"
                what = "effective batch sizes" if accumulation else "batch sizes"
                yield Finding(
                    p.key_span,
                    f"{p.name} varies over {describe_space(p)} while training is fixed at {value:g} epochs"
                    + ("" if _leaf(name) in ("epoch", "epochs") else f" ({name})"),
                    help=f"At a fixed number of epochs, larger {what} take proportionally fewer steps, so the study "
                         f"only shows which sizes scale perfectly and favours the small ones. Fix the training "
                         f"length in steps for every trial instead (a step budget, e.g. max_steps), chosen for the "
                         f"largest batch size.",
                    related=(Related(ctx.file.path, span, f"{name} fixes the training length in epochs here"),),
                )


def _kind(ctx: Context, name: str) -> str | None:
    family = ctx.knowledge.family_of(name)
    return family.kind if family is not None else None


def _leaf(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower()


def _lengths(ctx: Context, study) -> list[tuple[str, float, Span]] | None:
    """(name, value, where) of every training length the study fixes, in the space or as a fixed
    command-line argument; None when a length varies (SL315's case) or is fixed at a value that is
    not a positive number (a step budget of -1 defers to the epochs, so it is left out)."""
    found = []
    for p in study.parameters:
        if _kind(ctx, p.name) != "training-length":
            continue
        if p.varies:
            return None
        value = number(p.values[0]) if len(p.values) == 1 else None
        if value is None:
            return None
        if value > 0:
            found.append((p.name, value, p.key_span))
    for name, text, lit in fixed_flags(study):
        if _kind(ctx, name) != "training-length":
            continue
        try:
            value = float(text) if text is not None else None
        except ValueError:
            value = None
        if value is None:
            return None
        if value > 0:
            found.append((name, value, lit.span))
    return found
