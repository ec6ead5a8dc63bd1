"""From one Python file's text to its FileFacts, with libcst. Never imports or runs the file.

The walk itself is `sweeplint.codefacts.walker.Walker`; its concerns live in their own modules:
config reads and argparse (config_reads), assignments and conditions (flow), calls and consumers
(calls), metric logging (metric_logs), small pure helpers (cst_helpers).
"""

from __future__ import annotations

import gc
import re

from sweeplint.codefacts.facts import FileFacts
from sweeplint.model import Span

_BRACKETS = re.compile(r"[\[\](){}]")

# The walk is linear in a function's length, but a generated function of tens of thousands of lines
# costs seconds and hundreds of MB to parse and follow: past this many lines it is refused, with a
# finding that says so, before libcst sees the file. (A file's tokens are bounded too, see
# pyexpr.MAX_TOKENS; a function this long with seven tokens a line stays within that.)
MAX_FUNCTION_LINES = 5_000
_DEF = re.compile(r"[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)")


def _overlong_function(text: str) -> tuple[str, int] | None:
    """(name, line) of a function whose body runs past MAX_FUNCTION_LINES lines, judged by
    indentation. A continuation or string line indented less than the body ends the function
    early here, so the length is never overestimated."""
    if text.count("\n") <= MAX_FUNCTION_LINES:
        return None
    open_defs: list[tuple[int, str, int]] = []   # (indent, name, line) of the functions the line is in
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        while open_defs and indent <= open_defs[-1][0]:
            open_defs.pop()
        if open_defs and number - open_defs[0][2] > MAX_FUNCTION_LINES:
            return open_defs[0][1], open_defs[0][2]
        found = _DEF.match(line)
        if found:
            open_defs.append((indent, found.group(1), number))
    return None


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


def load_parser() -> None:
    """Import what `extract` imports on first use (libcst, ~0.4 s, and the walk): done by a parent
    process once, before it forks workers that would each import them."""
    import libcst  # noqa: F401

    import sweeplint.codefacts.interproc  # noqa: F401
    import sweeplint.codefacts.positions  # noqa: F401
    import sweeplint.codefacts.walker  # noqa: F401


def extract(text: str) -> FileFacts:
    """The facts of one file; a syntax error gives FileFacts with `error` set."""
    # The parse and the walk allocate hundreds of thousands of objects that live until the end
    # of the file and make few reference cycles (a few hundred objects per file); the cyclic
    # collector, run every few hundred allocations, would traverse them again and again (a fifth
    # of the time). The little garbage made here is collected once the collector is back on.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _extract(text)
    finally:
        if collecting:
            gc.enable()


def _extract(text: str) -> FileFacts:
    overlong = _overlong_function(text)
    if overlong is not None:
        name, line = overlong
        return FileFacts(error=f"the function {name} at line {line} is longer than {MAX_FUNCTION_LINES:,} lines, more than sweeplint "
                               "follows; split it into functions sweeplint can follow", error_span=Span.point(line, 1))
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
    import libcst as cst  # only for a file that passed the checks above

    from sweeplint.codefacts.interproc import standard_parse
    from sweeplint.codefacts.positions import node_positions
    from sweeplint.codefacts.walker import Walker

    # the tree the sweep reader made of this very text, when the file was just read as a sweep
    module = pyexpr.take_parsed(text)
    try:
        if module is None:
            module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        message = " ".join(str(exc.message).split()) or "invalid syntax"
        return FileFacts(error=f"invalid Python: {message}", error_span=Span.point(max(1, exc.raw_line), max(0, exc.raw_column) + 1))
    except (RecursionError, MemoryError):
        return FileFacts(error="invalid Python: the file is nested too deeply to read", error_span=Span.point(1, 1))
    except Exception as exc:  # noqa: BLE001 - libcst raises a few other kinds on odd input
        return FileFacts(error=f"invalid Python: {exc}", error_span=Span.point(1, 1))
    try:
        walker = Walker(module, node_positions(module, text, standard_parse(text)))
        walker.run()
        return walker.facts()
    except RecursionError:
        return FileFacts(error="the file is nested too deeply to analyse", error_span=Span.point(1, 1), internal=True)
    except Exception as exc:  # noqa: BLE001 - an analysis bug must not stop the run
        return FileFacts(error=f"sweeplint could not analyse it ({type(exc).__name__}: {exc})", internal=True)


