from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Confidence, Finding, Severity
from sweeplint.model import MethodKind
from sweeplint.formats.dialect import dialect_of
from sweeplint.rule import Context, Rule

# An enum member looked up on its class (`MethodKind.GRID`) goes through EnumType.__getattr__'s
# slow path, some ten times a global's cost: the tests run for every study use these.
_MODEL_BASED, _RANDOM = MethodKind.MODEL_BASED, MethodKind.RANDOM

# A tool whose random and model-based searches run until stopped when the config sets no trial cap
# names the key that caps them (dialect.budget_key). When users usually cap the trials outside the
# config (dialect.budget_set_outside, e.g. `wandb agent --count`), the finding is an opinion, shown
# only with `--confidence weak`.


class UnboundedBudget(Rule):
    code = "SL313"
    name = "unbounded-budget"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            dialect = dialect_of(study)
            key = dialect.budget_key
            if key is None or study.budget is not None or study.method is None:
                continue
            if study.method.kind not in (_RANDOM, _MODEL_BASED):
                continue
            if not any(p.varies for p in study.parameters):
                continue
            outside = dialect.budget_set_outside
            yield Finding.split(
                study.method.span,
                f"{study.method.name} search with no `{key}`: the sweep keeps launching runs until someone stops it"
                + (f" (unless every agent is started with `{outside}`)" if outside else "")
                + f", so the budget of the study is not part of its definition. Set `{key}` to the number of trials "
                f"the study should get.",
                confidence=Confidence.WEAK if outside else Confidence.STRONG,
            )
