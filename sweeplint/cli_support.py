"""What the command line's subcommands share: exit codes, the usage error, writing the report,
colour, rule selectors, source texts for the report, and per-rule statistics."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def write_output(text: str, output_file: str | None) -> None:
    """To standard output, or atomically to a file (its folder is created). A device, FIFO or socket
    (`/dev/null`, `/dev/stdout`, a pipe) is written to, never replaced: a new file renamed over it
    would take its place (for root, over /dev/null itself)."""
    if not output_file:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import stat
    import tempfile

    target = Path(output_file)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        mode = None  # (no such file yet: made below)
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def use_color(choice: str, to_terminal: bool) -> bool:
    """--color always/never; in auto, FORCE_COLOR (set and not empty or 0) forces colour, NO_COLOR
    (set and not empty) turns it off, and otherwise colour goes only to a terminal."""
    if choice != "auto":
        return choice == "always"
    force = os.environ.get("FORCE_COLOR", "")
    if force and force.lower() not in ("0", "false"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return to_terminal


def split_codes(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip()) if value else ()


def validate_cli_selectors(args: argparse.Namespace) -> None:
    from sweeplint.lint import validate_selectors
    from sweeplint.rules import rule_index

    for option, value in (("--select", args.select), ("--extend-select", args.extend_select), ("--ignore", args.ignore)):
        if value is not None and not split_codes(value):
            raise UsageError(f"{option} needs at least one rule code or prefix (e.g. {option} SL1)")
        validate_selectors(split_codes(value), rule_index(), option)


def texts_of(paths: set[str], stdin) -> dict[str, str]:
    from sweeplint.source import UnreadableFile, read_text

    texts = {}
    for path in paths:
        if stdin is not None and path == stdin[0]:
            if isinstance(stdin[1], str):
                texts[path] = stdin[1]
            continue
        try:
            texts[path] = read_text(path)
        except (OSError, UnreadableFile):
            pass
    return texts


def statistics(diagnostics) -> str:
    from collections import Counter

    counts = Counter((d.code, d.name) for d in diagnostics)
    return "".join(f"{n:>5}  {code}  {name}\n" for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
