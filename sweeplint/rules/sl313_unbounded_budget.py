from __future__ import annotations

from typing import Iterator

from sweeplint.diagnostics import Confidence, Finding, Severity
from sweeplint.model import MethodKind
from sweeplint.rule import Context, Rule

# Tools whose random and model-based searches run until stopped when the config sets no trial cap,
# with the key that caps them, and whether a cap set outside the config is the usual practice
# (W&B users give the budget to `wandb agent --count`: the finding is then an opinion, shown only
# with `--confidence weak`).
CAP_KEY = {"wandb": "run_cap"}
CAPPED_OUTSIDE = {"wandb": "wandb agent --count"}


class UnboundedBudget(Rule):
    code = "SL313"
    name = "unbounded-budget"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            key = CAP_KEY.get(study.format)
            if key is None or study.budget is not None or study.method is None:
                continue
            if study.method.kind not in (MethodKind.RANDOM, MethodKind.MODEL_BASED):
                continue
            if not any(p.varies for p in study.parameters):
                continue
            outside = CAPPED_OUTSIDE.get(study.format)
            yield Finding(
                study.method.span,
                f"{study.method.name} search with no `{key}`: the sweep keeps launching runs until someone stops it"
                + (f" (unless every agent is started with `{outside}`)" if outside else "")
                + f", so the budget of the study is not part of its definition. Set `{key}` to the number of trials "
                f"the study should get.",
                confidence=Confidence.WEAK if outside else Confidence.STRONG,
            )
