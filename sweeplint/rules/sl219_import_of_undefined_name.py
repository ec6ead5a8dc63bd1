from __future__ import annotations

from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Span
from sweeplint.rule import Context, Rule


class ImportOfUndefinedName(Rule):
    """A sweep written in Python imports a name from a module of its own project that does not
    define it: loading the sweep raises ImportError before any trial runs."""

    code = "SL219"
    name = "import-of-undefined-name"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        # A property of the file, not of one study: reported once however many studies it holds.
        if not ctx.studies or not ctx.file.path.endswith(".py"):
            return
        from sweeplint.codefacts.import_targets import missing_imports  # (with ast: only for a sweep in Python)

        for missing in missing_imports(ctx.file.path, ctx.file.text):
            yield Finding(
                Span(missing.line, missing.column, missing.line, missing.end_column),
                f"{missing.name} is imported from {missing.module_file}, which does not define it: loading the "
                f"sweep raises ImportError",
                help=f"The import fails before any trial runs, so the sweep never starts. Define {missing.name} "
                f"in {missing.module_file}, or import it from the module that does define it.",
            )
