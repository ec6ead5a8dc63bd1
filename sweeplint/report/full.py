"""The concise line, then the source line with a caret under the finding, its related places and
its help: how to fix this finding (or, for findings without their own, the rule's fix hint)."""

from __future__ import annotations

from sweeplint.report.concise import line
from sweeplint.report.json import help_text
from sweeplint.source import split_lines


def render(diagnostics, ctx) -> str:
    out: list[str] = []
    lines_by_path: dict[str, list[str]] = {}
    for d in diagnostics:
        out.append(line(d, ctx.color))
        text = (ctx.texts or {}).get(d.path)
        if text is not None:
            lines = lines_by_path.setdefault(d.path, split_lines(text))
            if 0 < d.span.line <= len(lines):
                source = lines[d.span.line - 1].expandtabs(1)
                width = d.span.end_column - d.span.column if d.span.end_line == d.span.line else len(source) - d.span.column + 1
                gutter = f"{d.span.line:>5} | "
                out.append(gutter + source)
                out.append(" " * (len(gutter) + d.span.column - 1) + "^" * max(1, width))
        for related in d.related:
            out.append(f"      = note: {related.path}:{related.span.line}:{related.span.column}: {related.message}")
        hint = help_text(d)
        if hint:
            out.append("      = help: " + "\n              ".join(hint.splitlines()))
        out.append("")
    return "\n".join(out) + ("\n" if out else "")
