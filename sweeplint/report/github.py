"""GitHub Actions workflow commands: one annotation per finding on the pull request's diff.

`::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message` (then the related
places and the finding's help on the following lines of the annotation); warnings and
infos use `::warning` and `::notice`. As the Actions runner requires, `%`, CR and LF are escaped
in the message, and additionally `:` and `,` in property values.
"""

from __future__ import annotations

from sweeplint.diagnostics import Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d, root: str | None = None) -> str:
    from sweeplint.report import relative_path

    message = d.message
    for r in d.related:
        message += f"\n{relative_path(r.path, root)}:{r.span.line}:{r.span.column}: {r.message}"
    if d.help:  # the annotation's body has room for the fix, below the one-line message
        message += f"\n\n{d.help}"
    props = {
        "file": relative_path(d.path, root),
        "line": d.span.line,
        "col": d.span.column,
        "endLine": max(d.span.line, d.span.end_line),
        "endColumn": d.span.end_column,
        "title": f"{d.code} {d.name}",
    }
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in props.items())
    return f"::{COMMANDS[d.severity]} {rendered}::{escape_data(message)}"


def render(diagnostics, ctx) -> str:
    root = getattr(ctx, "root", None)
    return "".join(annotation(d, root) + "\n" for d in diagnostics)
