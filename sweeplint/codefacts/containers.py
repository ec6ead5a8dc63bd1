"""The program a container-based trial runs (Katib), found through the repository's Dockerfiles.

A trial template may name only an image (its command is the image's `CMD`/`ENTRYPOINT`) or a path
inside the image (`python /opt/app/train.py`). The image is built from a Dockerfile of the
repository whose `COPY`/`ADD` lines say which repository file lands at that path. Read as text only,
never built. A mapping counts only when it is unambiguous: one file for a named path, or, for a
template without a command, a single Dockerfile that runs a Python script.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shlex
from pathlib import Path

from sweeplint.codefacts.program import SKIP_DIRS
from sweeplint.records import record
from sweeplint.source import UnreadableFile, read_head

MAX_VISITED = 5000           # directory entries looked at
MAX_DOCKERFILES = 50
MAX_BYTES = 200_000
# (compiled on first use, by re's own cache: most projects have no Dockerfile)
_INSTRUCTION = r"(?i)^\s*(COPY|ADD|WORKDIR|CMD|ENTRYPOINT)\s+(.*)$"


@record(frozen=True, slots=True)
class Dockerfile:
    """What a Dockerfile copies into the image and which script it runs."""

    path: Path
    copies: tuple[tuple[tuple[str, ...], str, str], ...]   # (sources, destination, WORKDIR at that line)
    script: str | None                                      # the .py file CMD/ENTRYPOINT runs, as written
    workdir: str


def dockerfiles(folder: Path, view=None) -> list[Dockerfile]:
    """Every Dockerfile under a folder (bounded walk), parsed. `view`: the run's view of the file
    system (codefacts.folders.FolderView: its folders listed once for every question)."""
    out: list[Dockerfile] = []
    visited = 0
    for current, dirs, names in (view.walk(str(folder)) if view is not None else os.walk(folder)):
        visited += len(dirs) + len(names)
        if visited > MAX_VISITED or len(out) >= MAX_DOCKERFILES:
            break
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(names):
            if name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile"):
                parsed = _parse(Path(current) / name)
                if parsed is not None:
                    out.append(parsed)
    return out


def _parse(path: Path) -> Dockerfile | None:
    try:
        text = read_head(path, MAX_BYTES).decode("utf-8", errors="replace")
    except (OSError, UnreadableFile):
        return None
    text = re.sub(r"\\\r?\n", " ", text)  # continuation lines
    copies: list[tuple[tuple[str, ...], str, str]] = []
    workdir = "/"
    script = None
    for line in text.splitlines():
        match = re.match(_INSTRUCTION, line)
        if match is None:
            continue
        kind, rest = match.group(1).upper(), match.group(2).strip()
        words = _words(rest)
        if kind == "WORKDIR" and words:
            workdir = posixpath.normpath(posixpath.join(workdir, words[0]))
        elif kind in ("COPY", "ADD"):
            words = [w for w in words if not w.startswith("--")]
            if len(words) >= 2:
                copies.append((tuple(words[:-1]), words[-1], workdir))
        elif kind in ("CMD", "ENTRYPOINT"):
            found = next((w for w in words if w.endswith(".py")), None)
            if found is not None:
                script = posixpath.normpath(posixpath.join(workdir, found))
    return Dockerfile(path, tuple(copies), script, workdir)


def _words(rest: str) -> list[str]:
    if rest.startswith("["):
        try:
            value = json.loads(rest)
            if isinstance(value, list):
                return [str(v) for v in value]
        except ValueError:
            pass
    try:
        return shlex.split(rest, comments=True)
    except ValueError:
        return rest.split()


def in_image(image_path: str, files: list[Dockerfile]) -> list[Path]:
    """The repository files the Dockerfiles copy to `image_path` (an absolute path in the image)."""
    wanted = posixpath.normpath(image_path)
    hits: list[Path] = []
    for docker in files:
        for sources, dest, workdir in docker.copies:
            dest = posixpath.normpath(posixpath.join(workdir, dest))
            for source in sources:
                base = docker.path.parent / source
                if wanted == dest:
                    candidate = base if base.is_file() else base / posixpath.basename(wanted)
                elif wanted.startswith(dest.rstrip("/") + "/"):
                    rel = wanted[len(dest.rstrip("/")) + 1:]
                    candidate = base / rel if base.is_dir() else None
                else:
                    continue
                if candidate is not None and candidate.is_file() and candidate.resolve() not in hits:
                    hits.append(candidate.resolve())
    return hits


def container_program(config_path: str, root: Path, image_path: str | None,
                      cache: dict | None = None, folders=None) -> Path | None:
    """The repository file a container trial runs: the file copied to `image_path`, or, for a trial
    with no command, the script of the project's only Dockerfile that runs one. `cache` (folder ->
    its Dockerfiles) lets the configs of one run share one walk of each project; `folders` (a
    codefacts.folders.FolderView) its lookups of project markers. `root`: the project root, resolved."""
    try:
        config_folder = folders.real_folder(config_path) if folders is not None else str(Path(config_path).resolve().parent)
    except (OSError, RuntimeError):
        return None
    if folders is None:
        return _in_dockerfiles(_project_dockerfiles(Path(config_folder), root, cache, None), image_path)
    # The configs of a folder share their project's Dockerfiles, and its answer for each image path:
    # each worked out once per folder and run. Most projects have no Dockerfile, and then no trial
    # of theirs runs a file of the repository, whatever path it names.
    project = str(root)
    files = folders.remembered(("project dockerfiles", config_folder, project),
                               lambda: _project_dockerfiles(Path(config_folder), root, cache, folders))
    if not files:
        return None
    return folders.remembered(("container program", config_folder, project, image_path),
                              lambda: _in_dockerfiles(files, image_path))


def _project_dockerfiles(config_folder: Path, root: Path, cache: dict | None, folders) -> list[Dockerfile]:
    """The Dockerfiles of the project a config folder belongs to (none when it cannot be told)."""
    from sweeplint.codefacts.program import project_folder

    try:
        folder = project_folder(config_folder, folders) or root
    except (OSError, RuntimeError):
        return []
    files = cache.get(folder) if cache is not None else None
    if files is None:
        files = dockerfiles(folder, folders)
        if cache is not None:
            cache[folder] = files
    return files


def _in_dockerfiles(files: list[Dockerfile], image_path: str | None) -> Path | None:
    """The repository file the project's Dockerfiles put at `image_path`, or, for None, the script
    of its only Dockerfile that runs one."""
    if image_path is not None:
        hits = in_image(image_path, files) if image_path.startswith("/") else []
        return hits[0] if len(hits) == 1 else None
    running = [d for d in files if d.script is not None]
    if len(running) != 1:
        return None
    hits = in_image(running[0].script, running)
    return hits[0] if len(hits) == 1 else None
