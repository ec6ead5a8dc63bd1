from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from sweeplint.codefacts.queries import normalise_metric, related, short
from sweeplint.diagnostics import Confidence, Finding, Related, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

# A metric that already holds the best value so far: its last value is its best.
_BEST_SO_FAR = re.compile(r"(^|[^a-z])(best|min|max|lowest|highest|top)([^a-z]|$)")
# Logging calls that add a value to the run's history each time they run, and the Lightning hooks
# that run once per step or epoch (their self.log values reach W&B's history through the logger).
_HISTORY_APIS = ("wandb.log",)
_LIGHTNING_HOOKS = ("training_step", "validation_step", "on_validation_epoch_end", "validation_epoch_end",
                    "on_train_epoch_end", "training_epoch_end")
# define_metric summaries that keep the last value (any other, or one not known, is the program's choice).
_LAST_SUMMARIES = ("last", "none")


class ObjectiveLastValue(Rule):
    code = "SL211"
    name = "objective-last-value"
    severity = Severity.INFO
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            objective = study.objective
            if objective is not None and objective.reduction is None and dialect_of(study).ranks_by_run_summary:
                yield from self._summary_keeps_last(ctx, study)
            if objective is None or objective.reduction is None:
                continue
            dialect = dialect_of(study)
            spelled = str(objective.reduction.value)
            if spelled not in dialect.last_value_reductions:
                continue
            name = str(objective.name.value)
            if _BEST_SO_FAR.search(name.lower()):
                continue  # the program reports its best so far: the last report is the best
            yield Finding.split(
                objective.reduction.span,
                f"{dialect.tool} ranks each trial by the last reported value of {name} ({spelled}), not its best, so "
                f"a trial counts by wherever its fluctuating curve happened to end.",
                related=(Related(ctx.file.path, objective.name.span, "the objective metric"),),
            )

    def _summary_keeps_last(self, ctx: Context, study) -> Iterator[Finding]:
        """W&B ranks a run by its summary, which holds the metric's last logged value unless the
        program says otherwise (define_metric with a summary, or writing the summary itself)."""
        objective = study.objective
        name = str(objective.name.value)
        if _BEST_SO_FAR.search(name.lower()):
            return
        facts = ctx.code(study)
        if facts is None or any(m.api == "framework" for m in facts.metrics):
            return  # no program, or a framework that logs (and may summarise) by itself
        key = normalise_metric(name)
        logs = [m for m in facts.metrics if m.key is not None and normalise_metric(m.key) == key]
        if any(m.key is None and (m.dynamic or m.pattern) for m in facts.metrics if m.api in _HISTORY_APIS + ("summary",)):
            return  # a computed key may be this metric, logged or summarised in ways we cannot see
        if not logs or any(m.api == "summary" for m in logs):
            return
        repeated = [m for m in logs if (m.api in _HISTORY_APIS and m.in_loop)
                    or (m.api in ("self.log", "self.log_dict") and m.function.rsplit(".", 1)[-1] in _LIGHTNING_HOOKS)]
        if not repeated or len(repeated) != len([m for m in logs if m.api != "summary"]):
            return  # logged once (a final value), or also outside a loop (perhaps its best)
        for call in facts.calls:
            if call.func.rsplit(".", 1)[-1] != "define_metric":
                continue
            named, summary = call.arg("name", 0), call.arg("summary")
            if named is None or named.kind != "literal":
                if summary is not None:
                    return  # a summary for a metric we cannot name: perhaps this one
                continue
            if not (isinstance(named.value, str) and (normalise_metric(named.value) == key or fnmatch.fnmatchcase(name, named.value))):
                continue
            if summary is not None and not (summary.kind == "literal" and all(
                    part.strip() in _LAST_SUMMARIES for part in str(summary.value).split(","))):
                return  # the program keeps its min, max or best in the summary
        site = repeated[0]
        # Whether the best value was meant is the user's intent, not something the code shows (a
        # program that deploys its last checkpoint is right to rank by the last value): an opinion,
        # shown with --confidence weak.
        yield Finding(
            objective.name.span,
            f"W&B ranks each run by the summary value of {name}, which is the last value the program logged "
            f"({short(ctx, site.path)}:{site.span.line} logs it at every step or epoch)",
            help=f"A run then counts by wherever its fluctuating curve happened to end, not by its best; call "
                 f"wandb.define_metric({name!r}, summary=\"{'min' if objective.goal == 'minimize' else 'max'}\") "
                 f"after wandb.init, or keep the best value in the run's summary yourself.",
            related=(related(site.path, site.span, f"{name} is logged here, at every step or epoch"),),
            confidence=Confidence.WEAK,
        )
