"""The findings of a run in report order, each once (lint.sorted_unique)."""

from __future__ import annotations

import random

from sweeplint.diagnostics import Diagnostic, Severity
from sweeplint.lint import sorted_unique
from sweeplint.model import Span


def _finding(path: str, line: int, code: str, message: str, help: str | None = None) -> Diagnostic:
    return Diagnostic(code, "rule", Severity.WARNING, message, path, Span(line, 1, line, 5), help=help)


def test_each_finding_once_in_the_order_of_a_sort_of_the_first_ones():
    pool = [_finding(p, line, c, m, h) for p in ("a.yaml", "b.yaml") for line in (1, 2) for c in ("SL101", "SL002")
            for m in ("x", "y") for h in (None, "fix it")]
    rng = random.Random(7)
    for _ in range(50):
        findings = [rng.choice(pool) for _ in range(40)]
        # equal findings that are distinct objects, and findings of one sort key that differ (help)
        findings += [_finding(f.path, f.span.line, f.code, f.message, f.help) for f in findings[:10]]
        expected = sorted(dict.fromkeys(findings), key=lambda d: d.sort_key)
        got = sorted_unique(findings)
        assert got == expected
        assert [id(d) for d in got] == [id(d) for d in expected]   # the first of equal findings is kept
    assert sorted_unique([]) == []
