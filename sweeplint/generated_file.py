"""The command line of a generated source file (the rule table, the record methods): print it,
`--write` it, or `--check` that the file on disk is current (exit 1 when it is stale)."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(path: Path, text: str, command: str, argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--write"]:
        path.write_text(text, encoding="utf-8")
        return 0
    if argv == ["--check"]:
        stale = not path.is_file() or path.read_text(encoding="utf-8") != text
        if stale:
            sys.stderr.write(f"{path} is stale; run `{command} --write`\n")
        return 1 if stale else 0
    sys.stdout.write(text)
    return 0
