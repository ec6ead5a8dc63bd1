from __future__ import annotations

import re
from typing import Iterator

from sweeplint.codefacts.queries import normalise_metric, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Span
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

# Which logging calls feed each tool's objective is its dialect's objective_apis.


class MetricNotLogged(Rule):
    code = "SL204"
    name = "metric-not-logged"
    severity = Severity.ERROR
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            dialect = dialect_of(study)
            hydra = dialect.objective_is_task_return
            apis = dialect.objective_apis
            if apis is None or study.objective is None or not isinstance(study.objective.name.value, str):
                continue
            metric = study.objective.name.value
            span = study.objective.name.span
            if hydra and not self._hydra_convention(ctx, study):
                continue
            if metric != metric.strip():
                yield Finding(span, f"the metric name {metric!r} starts or ends with whitespace, so it matches no logged "
                                    "key and the sweep waits for a metric that never arrives - remove the whitespace")
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            if dialect.requires_final_result_report and _takes_nni_parameters(facts) and not any(m.api == "nni" for m in facts.metrics):
                # NNI's objective is whatever the trial hands to nni.report_final_result.
                yield Finding(span, f"the program ({short(ctx, facts.program)}) takes its parameters from NNI but never "
                                    "calls nni.report_final_result, so the tuner gets no result for any trial - report "
                                    "the final metric once at the end of training",
                              related=(related(facts.program, Span.point(1, 1), "the program"),))
                continue
            logs = [m for m in facts.metrics if m.api in apis]
            if not logs or any(m.dynamic and m.pattern is None for m in logs):
                continue  # nothing logged we can see, or a key we cannot know
            wanted = normalise_metric(metric)
            top = metric.split(".", 1)[0]
            found = False
            spaced = None
            for m in logs:
                if m.key is not None:
                    if m.key in (metric, top) or normalise_metric(m.key) == wanted:
                        if m.key != m.key.strip() or any(c.isspace() for c in m.key):
                            spaced = m
                            continue
                        found = True
                        break
                    if normalise_metric(m.key.replace(" ", "")) == wanted and m.key.strip() != m.key or " " in m.key and m.key.replace(" ", "") == metric:
                        spaced = m
                elif m.pattern is not None:
                    if re.fullmatch(m.pattern, metric) or re.fullmatch(m.pattern, wanted):
                        found = True
                        break
            if found:
                continue
            if spaced is not None:
                yield Finding(
                    span,
                    f"the program logs {spaced.key!r} ({short(ctx, spaced.path)}:{spaced.span.line}), with whitespace, not {metric!r}; "
                    f"the sweep never sees its metric - remove the whitespace from the logged key",
                    related=(related(spaced.path, spaced.span, f"logs {spaced.key!r}"),),
                )
                continue
            keys = sorted({m.key for m in logs if m.key is not None})
            shown = ", ".join(repr(k) for k in keys[:6]) + (", ..." if len(keys) > 6 else "")
            first = logs[0]
            yield Finding(
                span,
                f"the sweep optimizes {metric!r}, but the program never logs it (it logs {shown or 'other keys'}, "
                f"e.g. {short(ctx, first.path)}:{first.span.line}); the search gets no objective values, so it cannot compare "
                "trials or stop them early - log this key or name a logged one",
                related=tuple(related(m.path, m.span, f"logs {m.key!r}") for m in logs if m.key is not None)[:5],
            )

    @staticmethod
    def _hydra_convention(ctx: Context, study) -> bool:
        """A Hydra study is checked only when its task function returns the logged metric named by
        `optimized_metric` and all the code that may log it is visible (no config handed whole to
        unknown code, no targets instantiated from strings)."""
        facts = ctx.code(study)
        if facts is None or study.objective.name.text is None:
            return False
        if not facts.reads_of("optimized_metric", ("hydra",)):
            return False
        return not any(not e.key or "instantiate" in e.reason for e in facts.escapes)


def _takes_nni_parameters(facts) -> bool:
    return any(r.root == "nni" for r in facts.reads) or any(e.root == "nni" for e in facts.escapes)
