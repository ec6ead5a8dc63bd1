from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import normalise_metric, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Space, number
from sweeplint.rule import Context, Rule

# Calls whose every execution adds one value of the metric to the run's history (what Hyperband counts).
_HISTORY_APIS = ("wandb.log",)
# Functions a program runs once per run: the module itself, or its conventional entry point.
_ONCE = ("", "main")
# Ray Tune's asynchronous successive-halving schedulers, and their defaults.
_ASHA = ("ASHAScheduler", "AsyncHyperBandScheduler")
_GRACE_DEFAULT = 1


class EarlyStoppingMismatch(Rule):
    code = "SL408"
    name = "early-stopping-mismatch"
    severity = Severity.INFO
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            stop = study.early_stopping
            if stop is not None and stop.kind in _ASHA:
                yield from self._asha_after_last_report(ctx, study, stop)
                continue
            if study.format != "wandb" or stop is None or stop.kind != "hyperband":
                continue
            if study.objective is None or not isinstance(study.objective.name.value, str):
                continue
            min_lit, max_lit = stop.get("min_iter"), stop.get("max_iter")
            min_iter, max_iter = number(min_lit), number(max_lit)
            if min_iter is None and max_iter is None:
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            if any(m.dynamic and m.pattern is None for m in facts.metrics):
                continue  # a key we cannot know may be the metric, logged anywhere
            metric = study.objective.name.value
            wanted = normalise_metric(metric)
            logs = [m for m in facts.metrics if m.key is not None
                    and (m.key == metric or normalise_metric(m.key) == wanted)]
            if not logs or any(m.pattern is not None for m in facts.metrics):
                continue
            setting, lit = ("max_iter", max_lit) if max_lit is not None and max_iter is not None else ("min_iter", min_lit)
            value = max_iter if setting == "max_iter" else min_iter
            first = logs[0]
            where = f"{short(ctx, first.path)}:{first.span.line}"
            # (a) logged once per run, while the brackets need several values.
            needs_several = (min_iter is not None and min_iter > 1) or max_iter is not None
            if needs_several and all(m.api in _HISTORY_APIS and not m.in_loop and m.function in _ONCE for m in logs):
                yield Finding.split(
                    lit.span,
                    f"Hyperband's {setting}: {_show(value)} counts logged values, but {metric!r} is logged "
                    f"once per run ({where}); the program logs it outside any loop: no run ever reaches a bracket, so nothing is stopped early - "
                    "log the metric inside the training loop (e.g. every epoch) or remove early_terminate",
                    related=tuple(related(m.path, m.span, f"logs {m.key!r} once") for m in logs)[:5],
                )
                continue
            # (b) more brackets than the fixed training length produces values.
            if not all(m.api in _HISTORY_APIS and m.loops == 1 for m in logs):
                continue  # not logged once per pass of a single loop: we cannot tell what one value stands for
            length = self._fixed_epochs(ctx, study)
            if length is None:
                continue
            param, epochs = length
            for name, lit_, val in (("max_iter", max_lit, max_iter), ("min_iter", min_lit, min_iter)):
                if lit_ is None or val is None or val <= epochs:
                    continue
                yield Finding.split(
                    lit_.span,
                    f"Hyperband's {name}: {_show(val)} counts logged values, but a run logs {metric!r} only "
                    f"{_show(epochs)} times; the sweep fixes {param} to {_show(epochs)} and the program logs the metric "
                    f"once per epoch ({where}): "
                    + ("runs end before the first bracket, so nothing is ever stopped" if name == "min_iter" else
                       "the brackets are spaced for runs that log far more values than any run does, so they stop "
                       "runs at the wrong points or not at all")
                    + f" - set {name} to at most {_show(epochs)}",
                    related=tuple(related(m.path, m.span, f"logs {m.key!r} once per loop pass") for m in logs)[:5],
                )
                break

    @staticmethod
    def _asha_after_last_report(ctx: Context, study, stop) -> Iterator[Finding]:
        """ASHA may stop a trial only at a rung (grace_period reported results, then multiples); a
        trainable that reports no more often than grace_period has finished by then. Counted only
        when one report call in the trainable itself sits in loops of a literal length."""
        time_attr = stop.get("time_attr")
        if time_attr is not None and time_attr.value != "training_iteration":
            return  # rungs counted in another unit (seconds, epochs the trainable reports...)
        grace_lit = stop.get("grace_period")
        grace = number(grace_lit) if grace_lit is not None else _GRACE_DEFAULT
        facts = ctx.code(study)
        if facts is None or grace is None or not study.name:
            return
        if any(m.api == "framework" for m in facts.metrics):
            return  # a callback reports too, as often as its framework calls it
        reports = [m for m in facts.metrics if m.api == "tune.report"]
        trainable = study.name.rsplit(".", 1)[-1]
        if not reports or len({(m.path, m.span.line) for m in reports}) != 1:
            return  # several report calls: we cannot count the reports of one trial
        first = reports[0]
        if first.function.rsplit(".", 1)[-1] != trainable or first.loops == 0 or first.trips is None:
            return
        if first.trips > grace:
            return
        where = f"{short(ctx, first.path)}:{first.span.line}"
        setting = f"grace_period: {_show(grace)}" if grace_lit is not None else f"default grace_period of {_show(grace)}"
        yield Finding(
            grace_lit.span if grace_lit is not None else stop.span,
            f"{stop.kind}'s {setting} lets a trial report {_show(grace)} results before it may be stopped, but "
            f"{trainable} reports only {first.trips}",
            help=f"Lower grace_period well below the number of reports, or report more often: {trainable} reports in "
                 f"a loop of {first.trips} at {where}, so every trial has finished by its first rung and the scheduler "
                 f"never stops one early.",
            related=(related(first.path, first.span, f"reported {first.trips} times per trial"),),
        )

    @staticmethod
    def _fixed_epochs(ctx: Context, study) -> tuple[str, float] | None:
        """The one constant epoch count the sweep sets, if it sets exactly one."""
        found = []
        for p in study.parameters:
            family = ctx.knowledge.family_of(p.name)
            if family is None or family.name != "training_length" or "epoch" not in p.leaf.lower():
                continue
            if p.space is not Space.CONSTANT or len(p.values) != 1:
                return None  # the length varies or is unclear
            value = number(p.values[0])
            if value is None or value <= 0:
                return None
            found.append((p.name, value))
        return found[0] if len(found) == 1 else None


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
