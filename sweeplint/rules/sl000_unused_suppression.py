from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule


class UnusedSuppression(Rule):
    """Reported by the engine after suppressions are applied: it alone knows what each one hid."""

    code = "SL000"
    name = "unused-suppression"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Finding]:
        return iter(())
