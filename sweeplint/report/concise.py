"""`path:line:col: severity: CODE message`, one line per finding.

The severity word sits where compilers put it (`file:line:col: warning: ...`), so editors that read
compiler output classify findings: Emacs compilation-mode (gnu regexp) reads `error`, `warning` and
`info` as its three levels, Vim reads the first letter with `%t` (e, w, i), and VS Code's `$gcc`
problem matcher reads `error` and `warning` (info lines need the matcher documented in the README).
The line carries only the one-sentence message; `full` and the JSON formats add the help.
"""

from __future__ import annotations

from sweeplint.diagnostics import Severity

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
BOLD, RESET = "\033[1m", "\033[0m"


def line(d, color: bool) -> str:
    fixable = "[*] " if d.fix is not None and d.fix.safe else ""   # --fix fixes it
    if color:
        return (f"{BOLD}{d.path}:{d.span.line}:{d.span.column}:{RESET} "
                f"{BOLD}{_COLORS[d.severity]}{d.severity}:{RESET} {BOLD}{d.code}{RESET} {fixable}{d.message}")
    return f"{d.path}:{d.span.line}:{d.span.column}: {d.severity}: {d.code} {fixable}{d.message}"


def render(diagnostics, ctx) -> str:
    return "".join(line(d, ctx.color) + "\n" for d in diagnostics)
