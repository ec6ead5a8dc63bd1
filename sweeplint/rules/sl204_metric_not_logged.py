from __future__ import annotations

import re
from typing import Iterator

from sweeplint.codefacts.queries import normalise_metric, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule

# Which logging calls feed each tool's objective.
APIS = {
    "wandb": ("wandb.log", "self.log", "self.log_dict", "summary", "framework"),
    "ray": ("tune.report", "framework"),
    "katib": ("stdout",),
}


class MetricNotLogged(Rule):
    code = "SL204"
    name = "metric-not-logged"
    severity = Severity.ERROR
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            apis = APIS.get(study.format)
            if apis is None or study.objective is None or not isinstance(study.objective.name.value, str):
                continue
            metric = study.objective.name.value
            span = study.objective.name.span
            if metric != metric.strip():
                yield Finding(span, f"the metric name {metric!r} starts or ends with whitespace, so it matches no logged "
                                    "key and the sweep waits for a metric that never arrives - remove the whitespace")
                continue
            facts = ctx.code(study)
            if facts is None:
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
