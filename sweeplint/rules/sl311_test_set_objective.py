from __future__ import annotations

from typing import Iterator

from sweeplint.codefacts.queries import has_token, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule

TEST = ("test", "testing", "heldout", "holdout")
TRAIN = ("train", "training", "tr")
VALIDATION = ("val", "valid", "validation", "eval", "dev", "evaluation")
# What the code shows the objective is computed on, and what that costs.
SPLIT_HARM = {
    "test": ("test data", "selecting hyperparameters on it leaks the test set - compute the objective on a validation split"),
    "train": ("training data", "it rewards overfitting, not generalisation - optimize a validation metric"),
}


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
            found = facts.objective_split(name)
            if found is not None:
                split, path, where = found
                if split in SPLIT_HARM and (split == "test" or not has_token(name, VALIDATION)):
                    data, harm = SPLIT_HARM[split]
                    yield Finding(span, f"{name!r} is computed on {data} ({short(ctx, path)}:{where.line}); {harm}",
                                  related=(related(path, where, f"{data} here"),))
                    continue
            for chosen in facts.selections():
                if has_token(chosen.metric, TEST) and not has_token(chosen.metric, VALIDATION):
                    yield Finding(
                        chosen.span,
                        f"the best configuration is chosen by {chosen.metric!r}, a test-set metric ({chosen.func}); the "
                        "test set then no longer gives an unbiased estimate of the chosen model - select on a "
                        "validation metric",
                        path=chosen.path or None,
                    )
                    break
