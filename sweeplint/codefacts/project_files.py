"""The project's Python files that mention a module by name: where the importers of a sweep module
are looked for, bounded in files looked at and bytes read from each."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from sweeplint.codefacts.program import SKIP_DIRS
from sweeplint.source import UnreadableFile, read_head


class ScanLimit(Exception):
    """More Python files under the folder than the scan may look at: what it found is incomplete."""


def python_files_mentioning(folder: Path, needle: bytes, skip: Path, max_files: int,
                            max_bytes: int) -> Iterator[tuple[Path, bytes]]:
    """(path, first `max_bytes` bytes) of each Python file under `folder` whose text holds `needle`,
    in a stable order, leaving out `skip` and vendored or hidden folders; raises ScanLimit once more
    than `max_files` files have been looked at."""
    scanned = 0
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            scanned += 1
            if scanned > max_files:
                raise ScanLimit(folder)
            path = Path(current) / name
            if path == skip:
                continue
            try:  # a FIFO or device named *.py is skipped, not waited on
                data = read_head(path, max_bytes)
            except (OSError, UnreadableFile):
                continue
            if needle in data:
                yield path, data
