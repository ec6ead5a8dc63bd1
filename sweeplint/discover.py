"""Step 1 of the pipeline: from command-line paths to the files worth reading."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from sweeplint.settings import DEFAULT_EXCLUDE, relative_to_root

CONFIG_SUFFIXES = (".yaml", ".yml", ".json")
PYTHON_SUFFIXES = (".py",)


@dataclass(frozen=True, slots=True)
class Target:
    path: str          # as the user will see it: relative when the input was relative
    explicit: bool     # named on the command line (report even unrecognised parse failures)


class MissingPath(Exception):
    pass


def _excluded(path: str, name: str, patterns: tuple[str, ...], root: Path) -> bool:
    if not patterns:
        return False
    rel = relative_to_root(path, root)
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern + "/*"):
            return True
    return False


def discover(paths: Iterable[str], exclude: tuple[str, ...], root: Path, python: bool = True) -> Iterator[Target]:
    """Files to check, in a stable order. Directories are walked without following symlinks."""
    suffixes = CONFIG_SUFFIXES + (PYTHON_SUFFIXES if python else ())
    seen: set[str] = set()
    for given in paths:
        if not os.path.lexists(given):
            raise MissingPath(given)
        if not os.path.isdir(given):
            key = os.path.realpath(given)
            if key not in seen:
                seen.add(key)
                yield Target(given, explicit=True)
            continue
        for dirpath, dirnames, filenames in os.walk(given, followlinks=False, onerror=lambda _e: None):
            dirnames[:] = sorted(
                d for d in dirnames
                if d not in DEFAULT_EXCLUDE
                and not d.endswith(".egg-info")
                and not _excluded(os.path.join(dirpath, d), d, exclude, root)
            )
            for name in sorted(filenames):
                if not name.lower().endswith(suffixes):
                    continue  # (`SWEEP.YAML` too: some tools and editors write upper-case suffixes)
                path = os.path.join(dirpath, name)
                if given in (".", "./") and path.startswith("./"):
                    path = path[2:]
                if _excluded(path, name, exclude, root) or os.path.islink(path) and not os.path.exists(path):
                    continue
                key = os.path.realpath(path)
                if key in seen:
                    continue
                seen.add(key)
                yield Target(path, explicit=False)
