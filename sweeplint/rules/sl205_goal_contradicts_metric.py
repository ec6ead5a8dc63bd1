from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from sweeplint.codefacts.queries import has_token, tokens
from sweeplint.diagnostics import Finding, Severity
from sweeplint.fix_builders import reverse_goal_fix, sibling_key_fix
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

LOSS_LIKE = ("loss", "err", "error", "errors", "mae", "mse", "rmse", "nll", "perplexity", "ppl", "wasserstein", "fid",
             "distance", "regret", "wer", "cer", "cost", "bpd", "kl")
GAIN_LIKE = ("acc", "accuracy", "f1", "auc", "auroc", "auprc", "ap", "map", "bleu", "rouge", "reward", "r2",
             "iou", "miou", "dice", "precision", "recall", "top1", "top5", "psnr", "ssim", "mcc", "ndcg")
NEGATED = ("neg", "negative", "minus", "inv", "inverse", "1m")
# Words that turn a score into an amount lost: an accuracy drop, gap or degradation is minimized.
CHANGE = ("drop", "gap", "decrease", "decline", "degradation", "reduction", "diff", "delta", "change")


class GoalContradictsMetric(Rule):
    code = "SL205"
    name = "goal-contradicts-metric"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            objective = study.objective
            if objective is None or not isinstance(objective.name.value, str):
                continue
            name = objective.name.value
            loss, gain = _direction(name)
            if bool(loss) == bool(gain):
                continue  # neither, or both ("loss_score"): the name does not say
            span = objective.goal_span or objective.name.span
            if loss and objective.goal == "maximize":
                yield Finding.split(span, f"{name!r} looks like a loss ({loss!r}), but the sweep maximizes it: the search "
                                          "will favour the worst configurations and report the worst trial as best - minimize it",
                              fix=_goal_fix(ctx, study, "minimize"))
            elif gain and objective.goal == "minimize":
                why = "minimizes it" if objective.goal_span is not None else (
                    f"minimizes it ({dialect_of(study).default_goal})")
                yield Finding.split(span, f"{name!r} looks like a score to raise ({gain!r}), but the sweep {why}: the search "
                                    "will favour the worst configurations - set the goal to maximize",
                              fix=_goal_fix(ctx, study, "maximize"))


# Pure (a function of the name alone), and asked of every study: the files of a run repeat a few
# metric names, whose answer is then found at once.
@lru_cache(maxsize=1024)
def _direction(name: str) -> tuple[str | None, str | None]:
    """(the loss word, the score word) the metric's name holds; (None, None) for a negated score or
    a change in one, whose direction is not the score's."""
    if has_token(name, NEGATED) or has_token(name, CHANGE):
        return None, None
    return has_token(name, LOSS_LIKE), has_token(name, GAIN_LIKE)


def _goal_fix(ctx: Context, study, goal: str):
    """The goal turned around where it is written, or added beside the metric's name where the tool's
    default applied. Unsafe: the search then optimizes the other way, on a guess from the name."""
    objective = study.objective
    title = f"Set the goal to {goal}"
    if objective.goal_span is not None:
        return reverse_goal_fix(ctx.file.text, ctx.file.path, objective.goal_span, title)
    setting = dialect_of(study).goal_setting
    if setting is None:
        return None
    key, maximize, minimize = setting
    return sibling_key_fix(ctx.file.text, ctx.file.path, objective.name.span, key,
                           maximize if goal == "maximize" else minimize, title)


def metric_tokens(name: str) -> list[str]:
    return tokens(name)
