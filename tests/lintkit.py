"""A small harness for tests that lint files written into a temporary folder, as a user would."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sweeplint.lint import lint_paths
from sweeplint.settings import Settings


def shown(d) -> str:
    """What a user reads for a finding (a Diagnostic or a JSON object): its one-sentence message,
    then, when it has one, its help as `--output-format full` prints it (`= help: ...`)."""
    message, help_text = (d["message"], d.get("help")) if isinstance(d, dict) else (d.message, d.help)
    return f"{message}\n= help: {help_text}" if help_text else message


def lint_tree(root: Path, files: dict[str, str], target: str = ".") -> list[tuple[str, str, int, int, str]]:
    """Write `files` under `root`, lint `target` (relative to root) and return
    (file name, code, line, column, message and help as `shown`) for every diagnostic, in report order."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = lint_paths([str(root / target)], Settings(root=root, studies=()))
    return [(Path(d.path).relative_to(root).as_posix(), d.code, d.span.line, d.span.column, shown(d))
            for d in result.diagnostics]


def codes(found: list, code: str) -> list[tuple[str, int, int, str]]:
    """The diagnostics of one code as (file, line, column, message)."""
    return [(f, line, col, msg) for f, c, line, col, msg in found if c == code]
