"""`path:line:col: CODE [severity] message`, one line per finding (errorformat `%f:%l:%c: %m`)."""

from __future__ import annotations

from sweeplint.diagnostics import Severity

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
BOLD, RESET = "\033[1m", "\033[0m"


def line(d, color: bool) -> str:
    fixable = "[*] " if d.fix is not None and d.fix.safe else ""   # --fix fixes it
    if color:
        return f"{BOLD}{d.path}:{d.span.line}:{d.span.column}:{RESET} {_COLORS[d.severity]}{d.code}{RESET} [{d.severity}] {fixable}{d.message}"
    return f"{d.path}:{d.span.line}:{d.span.column}: {d.code} [{d.severity}] {fixable}{d.message}"


def render(diagnostics, ctx) -> str:
    return "".join(line(d, ctx.color) + "\n" for d in diagnostics)
