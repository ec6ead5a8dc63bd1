"""What sweeplint reports: a diagnostic with a code, a severity and a place."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sweeplint.fixes import Fix
from sweeplint.model import Span


class _Level(enum.IntEnum):
    """An ordered level spelled in lower case in settings, on the command line and in output."""

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str):
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = [str(m) for m in sorted(cls, reverse=True)]
            raise ValueError(f"unknown {cls.__name__.lower()} {text!r}; use {', '.join(names[:-1])} or {names[-1]}") from None


class Severity(_Level):
    INFO = 1
    WARNING = 2
    ERROR = 3


class Confidence(_Level):
    """How sure a finding is when it rests on a role, goal or phase that might be inferred.

    DECLARED: the user declared what the finding rests on. STRONG: inferred, but the evidence
    leaves little doubt. WEAK: an opinion on a guessed role; shown only on request
    (`--confidence weak`). Findings that rest on no inference carry no confidence (None).
    """

    WEAK = 1
    STRONG = 2
    DECLARED = 3


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
    confidence: Confidence | None = None  # set by findings that rest on inferred roles or phase
    fix: Fix | None = None            # the edits that would fix it (sweeplint.fixes), when mechanical


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding as a user sees it: rule, severity, message, place and optional fix."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    span: Span
    related: tuple[Related, ...] = ()
    confidence: Confidence | None = None
    fix: Fix | None = None

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)
