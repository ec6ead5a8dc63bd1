"""Step 6 of the pipeline: turning diagnostics into one of the output formats.

Each format is a module here with `render(diagnostics, ctx) -> str`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

FORMATS = ("concise", "full", "json", "json-lines", "sarif", "github", "gitlab", "junit")


@dataclass
class ReportContext:
    color: bool = False
    files_checked: int = 0
    texts: dict | None = None       # path -> text, for formats that quote the source
    files: tuple = ()               # the sweep files checked (a report per file: junit)


def render(fmt: str, diagnostics: list, ctx: ReportContext) -> str:
    module = importlib.import_module(f"sweeplint.report.{fmt.replace('-', '_')}")
    return module.render(diagnostics, ctx)


def available() -> tuple[str, ...]:
    import pkgutil

    from sweeplint import report

    present = {m.name.replace("_", "-") for m in pkgutil.iter_modules(report.__path__)}
    return tuple(f for f in FORMATS if f in present)
