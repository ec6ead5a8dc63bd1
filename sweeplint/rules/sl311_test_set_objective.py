from __future__ import annotations

from typing import Iterator

from sweeplint.codefacts.queries import has_token, normalise_metric, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule

TEST = ("test", "testing", "heldout", "holdout")
TRAIN = ("train", "training", "tr")
VALIDATION = ("val", "valid", "validation", "eval", "dev", "evaluation")


class TestSetObjective(Rule):
    code = "SL311"
    name = "test-set-objective"
    severity = Severity.ERROR
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            objective = study.objective
            if objective is None or not isinstance(objective.name.value, str):
                continue
            name = objective.name.value
            span = objective.name.span
            if has_token(name, TEST):
                yield Finding(span, f"the sweep selects hyperparameters on {name!r}, a test-set metric; the test set then "
                                    "no longer gives an unbiased estimate of the chosen model - optimize a validation metric")
                continue
            if has_token(name, TRAIN) and not has_token(name, VALIDATION):
                yield Finding(span, f"the sweep optimizes {name!r}, a training metric; it rewards overfitting, not "
                                    "generalisation - optimize a validation metric")
                continue
            source = objective.source
            if source is not None and has_token(str(source.value), TEST) and not has_token(str(source.value), VALIDATION):
                yield Finding(source.span, f"the objective {name!r} is collected from {source.value!r}, a test-data "
                                           "location; selecting hyperparameters on it leaks the test set - collect a "
                                           "validation metric")
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            wanted = normalise_metric(name)
            for m in facts.metrics:
                if m.key is None or normalise_metric(m.key) != wanted or not m.value:
                    continue
                if has_token(m.value, TEST) and not has_token(m.value, VALIDATION):
                    yield Finding(
                        span,
                        f"{name!r} is logged from {m.value} at {short(ctx, m.path)}:{m.span.line}, computed on test data; selecting "
                        "hyperparameters on it leaks the test set - compute the objective on a validation split",
                        related=(related(m.path, m.span, "logged here"),),
                    )
                    break
