from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from sweeplint.codefacts.queries import has_token, normalise_metric, related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import Space, number
from sweeplint.rule import Context, Rule

TEST = ("test", "testing", "heldout", "holdout")
TRAIN = ("train", "training", "tr")
VALIDATION = ("val", "valid", "validation", "eval", "dev", "evaluation")
# What the code shows the objective is computed on, and what that costs.
SPLIT_HARM = {
    "test": ("test data", "selecting hyperparameters on it leaks the test set - compute the objective on a validation split"),
    "train": ("training data", "it rewards overfitting, not generalisation - optimize a validation metric"),
}


# Pure (a function of the name alone), and asked of every study: the files of a run repeat a few
# metric names, whose answer is then found at once.
@lru_cache(maxsize=1024)
def _splits_named(name: str) -> tuple[bool, bool, bool]:
    """Whether a metric's name speaks of test, training and validation data."""
    return bool(has_token(name, TEST)), bool(has_token(name, TRAIN)), bool(has_token(name, VALIDATION))


def _test_not_validation(name: str) -> bool:
    test, _, validation = _splits_named(name)
    return test and not validation


class TestSetObjective(Rule):
    code = "SL311"
    name = "test-set-objective"
    severity = Severity.ERROR
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            objective = study.objective
            if objective is None and dialect_of(study).requires_final_result_report:
                # a bare search space: the objective is whatever the trial reports (NNI); when an
                # experiment config names the space, that config's study reports it, once
                # (what the program reports first: looking for an experiment config reads the folder)
                reported = self._reported_split(ctx, study)
                if reported is None:
                    continue
                from sweeplint.codefacts.nni_launch import named_by_experiment_config  # (only for such a space)

                if not named_by_experiment_config(ctx.file.path, getattr(ctx.code_facts, "folders", None)):
                    yield reported
                continue
            if objective is None or not isinstance(objective.name.value, str):
                continue
            name = objective.name.value
            span = objective.name.span
            test, train, validation = _splits_named(name)
            if test:
                yield Finding.split(span, f"the sweep selects hyperparameters on {name!r}, a test-set metric; the test set then "
                                    "no longer gives an unbiased estimate of the chosen model - optimize a validation metric")
                continue
            if train and not validation:
                yield Finding.split(span, f"the sweep optimizes {name!r}, a training metric; it rewards overfitting, not "
                                    "generalisation - optimize a validation metric")
                continue
            source = objective.source
            if source is not None and _test_not_validation(str(source.value)):
                yield Finding.split(source.span, f"the objective {name!r} is collected from {source.value!r}, a test-data "
                                           "location; selecting hyperparameters on it leaks the test set - collect a "
                                           "validation metric")
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            logged, shown = _logged_key(facts, name)
            found = facts.objective_split(logged)
            if found is not None and found[0] == "train" and not _only_training(facts, logged):
                found = None  # also logged from data we cannot place (a validation loop printing `loss=` too)
            if found is not None:
                split, path, where = found
                if split in SPLIT_HARM and (split == "test" or not validation):
                    data, harm = SPLIT_HARM[split]
                    yield Finding.split(span, f"{shown} is computed on {data} ({short(ctx, path)}:{where.line}); {harm}",
                                  related=(related(path, where, f"{data} here"),))
                    continue
            overfit = _overfit_batches(ctx, study, facts)
            if overfit is not None:
                yield overfit
                continue
            for chosen in facts.selections():
                if _test_not_validation(chosen.metric):
                    yield Finding.split(
                        chosen.span,
                        f"the best configuration is chosen by {chosen.metric!r}, a test-set metric ({chosen.func}); the "
                        "test set then no longer gives an unbiased estimate of the chosen model - select on a "
                        "validation metric",
                        path=chosen.path or None,
                    )
                    break


    @staticmethod
    def _reported_split(ctx: Context, study) -> Finding | None:
        """The final result a trial reports, computed on test or training data, for a study that names
        no objective of its own; reported where the program shows the data."""
        facts = ctx.code(study)
        if facts is None:
            return None
        reports = [m for m in facts.metrics if m.api == "nni"]
        found = [m for m in reports if m.split is not None]
        if not found or len(found) != len(reports) or len({m.split for m in found}) != 1:
            return None  # also reported from data we cannot place
        m = found[0]
        data, harm = SPLIT_HARM[m.split]
        where = m.split_span or m.span
        return Finding(where, f"the result the trial reports to the tuner (nni.report_final_result, line {m.span.line}) "
                              f"is computed on {data}; {harm}", path=m.path)


def _logged_key(facts, name: str) -> tuple[str, str]:
    """The key the program logs the objective under, and how messages name it. NNI's objective is
    whatever the trial reports; an objective spelled in another case than the only key that
    matches it (`mae` for a logged `MAE`) stands for that key."""
    if name == "default" and any(m.api == "nni" for m in facts.metrics):
        return name, "the value the trial reports (nni.report_final_result)"
    wanted = normalise_metric(name)
    keys = {m.key for m in facts.metrics if m.key is not None}
    if any(normalise_metric(k) == wanted for k in keys):
        return name, repr(name)
    same = {k for k in keys if normalise_metric(k).lower() == wanted.lower()}
    if len(same) == 1:
        key = same.pop()
        return key, f"{name!r} (logged as {key!r})"
    return name, repr(name)


def _only_training(facts, key: str) -> bool:
    wanted = normalise_metric(key)
    return all(m.split == "train" for m in facts.metrics if m.key is not None and normalise_metric(m.key) == wanted)


def _overfit_batches(ctx: Context, study, facts) -> Finding | None:
    """Lightning's `Trainer(overfit_batches=n)` with n > 0 trains on n fixed training batches and
    (Lightning 1.x) validates on those same batches: whatever the objective, it measures memorisation.
    Reported at the sweep's constant when the value comes from it, else at the objective."""
    name = study.objective.name.value
    for call in facts.calls:
        if call.func.rsplit(".", 1)[-1] != "Trainer":
            continue
        arg = call.arg("overfit_batches")
        if arg is None:
            continue
        where = f"{short(ctx, call.path)}:{arg.span.line}"
        tail = (f"every trial trains on a few fixed batches to overfit them (a debugging mode; Lightning 1.x also "
                f"validates on those training batches), so {name!r} does not measure how well the model generalises - "
                "set overfit_batches to 0 for the sweep")
        if arg.kind == "literal":
            if isinstance(arg.value, (int, float)) and not isinstance(arg.value, bool) and arg.value > 0:
                return Finding.split(study.objective.name.span, f"the program passes overfit_batches={arg.text} to Lightning's "
                               f"Trainer ({where}); {tail}", related=(related(call.path, arg.span, "overfit_batches here"),))
            continue
        for _, key in arg.reads:
            for p in study.parameters:
                if not key or (p.name != ".".join(key) and p.leaf != key[-1]):
                    continue
                numbers = [number(v) for v in p.values]
                if p.space is Space.CONSTANT and numbers and all(n for n in numbers):
                    return Finding.split(p.values[0].span, f"{p.name} = {p.values[0].text} is passed to Lightning's "
                                   f"Trainer(overfit_batches=...) ({where}); {tail}",
                                   related=(related(call.path, arg.span, "overfit_batches here"),))
    return None
