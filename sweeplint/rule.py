"""The rule API. A rule is one small class in one module under `sweeplint/rules/`:

    class LinearScaleParameter(Rule):
        code = "SL101"
        name = "linear-scale-parameter"
        severity = Severity.WARNING

        def check(self, ctx: Context) -> Iterator[Finding]:
            for study in ctx.studies:
                ...
                yield Finding(param.value_span, "...")

Its documentation and its bad/good examples live in `rules/catalogue/<code>.yaml`; the test suite
runs every example, so adding a rule is adding those two files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import ConfigFile, Study

if TYPE_CHECKING:
    from sweeplint.knowledge import Knowledge


@dataclass
class Context:
    """Everything a rule may look at for one file."""

    file: ConfigFile
    settings: Any = None              # sweeplint.settings.Settings
    knowledge_loader: Any = None      # callable returning Knowledge; loaded only if a rule asks
    graphs: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)

    @property
    def studies(self) -> tuple[Study, ...]:
        return self.file.studies

    @property
    def knowledge(self) -> Knowledge:
        return self.knowledge_loader()


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]

    def check(self, ctx: Context) -> Iterator[Finding]:  # pragma: no cover - interface
        raise NotImplementedError
