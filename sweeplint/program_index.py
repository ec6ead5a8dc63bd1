"""Which sweep configs run which Python programs.

When only a program changes (a commit that renames the logged metric in train.py), the configs that
run it must be checked again: `sweeplint check train.py` and the language server both ask this
module. A config's program is found as the checks find it (sweeplint.codefacts.program).
"""

from __future__ import annotations

import os
from pathlib import Path

MAX_CONFIGS = 2000    # configs read to learn which programs they run (a bound for huge repositories)


def programs_of(path: str, text: str | None, settings, folders=None, hydra_cache: dict | None = None) -> list[str]:
    """The absolute paths of the Python programs a config runs (none for a file that is not a sweep).
    `folders` (a codefacts.folders.FolderView) and `hydra_cache`: what the configs of one scan share
    (each folder listed, each project walked for Hydra task functions, once per scan)."""
    from sweeplint.read import read_path

    try:
        file = read_path(path, False, text)
    except Exception:  # noqa: BLE001 - the index is a convenience; never break linting for it
        return []
    found = []
    for study in file.studies:
        resolved = None
        try:
            from sweeplint.codefacts.program import resolve_program

            resolution = resolve_program(study, path, settings, hydra_cache, folders)
            resolved = resolution.path if resolution.status == "python" else None
        except Exception:  # noqa: BLE001 - fall back to the program key next to the config
            program = getattr(study.program, "value", None)
            if isinstance(program, str) and program.strip().endswith(".py"):
                candidate = Path(path).parent / program.strip()
                resolved = str(candidate) if candidate.is_file() else None
        if resolved and os.path.abspath(resolved) not in found:
            found.append(os.path.abspath(resolved))
    return found


class ProgramIndex:
    """Program path (absolute) -> the config paths known to run it."""

    def __init__(self):
        self.configs: dict[str, set[str]] = {}

    def remember(self, path: str, text: str | None, settings, folders=None, hydra_cache: dict | None = None) -> None:
        for program in programs_of(path, text, settings, folders, hydra_cache):
            self.configs.setdefault(program, set()).add(path)

    def scan(self, folder: str, settings) -> None:
        """Read every config under a folder (as discovery walks it: exclusions and .gitignore)."""
        from sweeplint.codefacts.folders import FolderView
        from sweeplint.discover import discover

        targets = discover([folder], settings.exclude, settings.root, python=False,
                           respect_gitignore=getattr(settings, "respect_gitignore", True))
        # The scan's configs share one view of the files (made for this scan only: an index the
        # language server keeps must not answer from folders as they were at an earlier scan).
        view, hydra_cache = FolderView(), {}
        for count, target in enumerate(targets):
            if count >= MAX_CONFIGS:
                break
            self.remember(target.path, None, settings, view, hydra_cache)

    def running(self, program: str) -> set[str]:
        return set(self.configs.get(os.path.abspath(program), ()))


def project_of(program: str, settings) -> str:
    """The folder whose configs may run a program: the configured project root, else the nearest
    folder above the program with a .git, pyproject.toml or setup.py, else the working directory."""
    if getattr(settings, "source", None) is not None:
        return str(settings.root)
    from sweeplint.codefacts.program import project_folder

    found = project_folder(Path(program).resolve().parent)
    return str(found) if found is not None else os.getcwd()


def configs_running(programs: list[str], settings) -> dict[str, list[str]]:
    """For each program path, the configs of its project that run it (paths as discovery gives
    them: relative when the project folder is the working directory or below it)."""
    index = ProgramIndex()
    scanned: set[str] = set()
    out: dict[str, list[str]] = {}
    for program in programs:
        folder = project_of(program, settings)
        if folder not in scanned:
            scanned.add(folder)
            index.scan(_shown(folder), settings)
        out[program] = sorted(index.running(program))
    return out


def _shown(folder: str) -> str:
    """A folder as discovery should walk it: relative to the working directory, so the configs
    found are reported with relative paths, as for `sweeplint check .`."""
    try:
        return os.path.relpath(folder)
    except ValueError:  # another drive on Windows
        return folder
