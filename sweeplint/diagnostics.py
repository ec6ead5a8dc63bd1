"""What sweeplint reports: a diagnostic with a code, a severity and a place."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sweeplint.model import Span


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; use error, warning or info") from None


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a finding (the training-code line a config key relates to)."""

    path: str
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule yields: where and what. The engine adds code, name, severity and path."""

    span: Span
    message: str
    path: str | None = None          # defaults to the file being checked
    related: tuple[Related, ...] = ()
    severity: Severity | None = None  # this finding's level when it differs from the rule's default


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    path: str
    span: Span
    related: tuple[Related, ...] = ()

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)
