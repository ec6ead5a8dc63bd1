"""From one Python file's text to its FileFacts, with libcst. Never imports or runs the file.

The walk itself is `sweeplint.codefacts.walker.Walker`; its concerns live in their own modules:
config reads and argparse (config_reads), assignments and conditions (flow), calls and consumers
(calls), metric logging (metric_logs), small pure helpers (cst_helpers).
"""

from __future__ import annotations

import re

import libcst as cst

from sweeplint.codefacts.facts import FileFacts
from sweeplint.codefacts.positions import node_positions
from sweeplint.codefacts.walker import Walker
from sweeplint.model import Span

_BRACKETS = re.compile(r"[\[\](){}]")


def _deeply_nested(text: str, limit: int = 100) -> bool:
    """Brackets nested deeper than `limit` (strings and comments counted too: only a cheap filter)."""
    if text.count("(") + text.count("[") + text.count("{") < limit:
        return False
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth += 1 if match.group() in "([{" else -1
        if depth > limit:
            return True
    return False


def extract(text: str) -> FileFacts:
    """The facts of one file; a syntax error gives FileFacts with `error` set."""
    from sweeplint import pyexpr

    try:
        pyexpr.check_size(text)  # before libcst, whose memory grows with the tokens
    except pyexpr.PySyntaxError as exc:
        return FileFacts(error=exc.message, error_span=exc.span)
    if _deeply_nested(text):  # libcst's native parser would overflow its stack and kill the process
        try:
            pyexpr._guard(text)
        except pyexpr.PySyntaxError as exc:
            return FileFacts(error=f"invalid Python: {exc.message}", error_span=exc.span)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        message = " ".join(str(exc.message).split()) or "invalid syntax"
        return FileFacts(error=f"invalid Python: {message}", error_span=Span.point(max(1, exc.raw_line), max(0, exc.raw_column) + 1))
    except (RecursionError, MemoryError):
        return FileFacts(error="invalid Python: the file is nested too deeply to read", error_span=Span.point(1, 1))
    except Exception as exc:  # noqa: BLE001 - libcst raises a few other kinds on odd input
        return FileFacts(error=f"invalid Python: {exc}", error_span=Span.point(1, 1))
    try:
        walker = Walker(module, node_positions(module))
        walker.run()
        return walker.facts()
    except RecursionError:
        return FileFacts(error="the file is nested too deeply to analyse", error_span=Span.point(1, 1), internal=True)
    except Exception as exc:  # noqa: BLE001 - an analysis bug must not stop the run
        return FileFacts(error=f"sweeplint could not analyse it ({type(exc).__name__}: {exc})", internal=True)


