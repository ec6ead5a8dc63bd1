from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import Opaque, Space
from sweeplint.rule import Context, Rule

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# An enum member looked up on its class (`Space.CATEGORICAL`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the test run for every parameter uses this.
_CATEGORICAL = Space.CATEGORICAL


def _what(value: Any) -> str | None:
    """Why a choice is not a primitive Optuna can store, or None when it is one."""
    if isinstance(value, tuple):
        return "a tuple"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a dict"
    if isinstance(value, (set, frozenset)):
        return "a set"
    if isinstance(value, Opaque):
        if value.kind == "lambda":
            return "a function"
        if value.kind == "call":
            # `nn.ReLU()` builds an object; `int(x)` or `random.randint(...)` may well give a number.
            return "an object" if _class_like(value.text.split("(", 1)[0]) else None
        if value.kind in ("name", "attribute") and _class_like(value.text):
            return "a class"
    return None


def _class_like(dotted: str) -> bool:
    last = dotted.rsplit(".", 1)[-1].strip()
    return last[:1].isupper() and not last.isupper()


class NonPrimitiveChoice(Rule):
    code = "SL108"
    name = "non-primitive-choice"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if not dialect_of(study).stores_choices_in_optuna(study):
                continue
            for p in study.parameters:
                if p.space is not _CATEGORICAL:
                    continue
                bad = [(v, what) for v in p.values if (what := _what(v.value)) is not None]
                if not bad:
                    continue
                first, what = bad[0]
                spelled = first.text or repr(first.value)
                if what in ("a tuple", "a list", "a dict", "a set"):
                    harm = ("it warns, and JSON/RDB storage turns tuples into lists, so resumed studies and "
                            "optuna-dashboard stop matching the stored value with the choice")
                else:
                    harm = ("it warns, and persistent storage keeps only its repr, which changes between runs, "
                            "so resumed studies cannot match it")
                yield Finding.split(
                    first.span.cover(bad[-1][0].span),
                    f"{p.name} chooses among non-primitive values ({spelled} is {what}): Optuna expects None, bool, "
                    f"int, float or str choices - {harm}; choose among string keys and look the value up in a "
                    f"dict in code",
                )
