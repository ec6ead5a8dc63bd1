"""Step 1 of the pipeline: from command-line paths to the files worth reading."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from sweeplint.records import record
from sweeplint.settings import DEFAULT_EXCLUDE, relative_to_root

CONFIG_SUFFIXES = (".yaml", ".yml", ".json")
PYTHON_SUFFIXES = (".py",)


@record(frozen=True, slots=True)
class Target:
    """A file to check, and whether the user named it."""

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


def force_excluded(path: str, exclude: tuple[str, ...], root: Path) -> bool:
    """Whether a path named explicitly is excluded anyway (--force-exclude): by the `exclude`
    patterns, matched against the path and each folder it is in, or by the default exclusions."""
    rel = relative_to_root(path, root)
    parts = rel.split("/")
    if any(part in DEFAULT_EXCLUDE or part.endswith(".egg-info") for part in parts[:-1]):
        return True
    for index in range(len(parts), 0, -1):
        prefix = "/".join(parts[:index])
        if _excluded(prefix, parts[index - 1], exclude, root):
            return True
    return False


def discover(paths: Iterable[str], exclude: tuple[str, ...], root: Path, python: bool = True,
             force_exclude: bool = False, respect_gitignore: bool = True) -> Iterator[Target]:
    """Files to check, in a stable order. Directories are walked without following symlinks,
    leaving out what .gitignore files ignore (unless respect_gitignore is off). A file named
    explicitly is checked even when excluded, unless force_exclude is on (as pre-commit and editors
    name files one by one)."""
    suffixes = CONFIG_SUFFIXES + (PYTHON_SUFFIXES if python else ())
    seen: set[str] = set()
    ignored = GitIgnored() if respect_gitignore else None
    for given in paths:
        if not os.path.lexists(given):
            raise MissingPath(given)
        if not os.path.isdir(given):
            if force_exclude and force_excluded(given, exclude, root):
                continue
            key = os.path.realpath(given)
            if key not in seen:
                seen.add(key)
                yield Target(given, explicit=True)
            continue
        if force_exclude and os.path.abspath(given) != os.path.abspath(root) and force_excluded(given, exclude, root):
            continue
        for dirpath, dirnames, filenames, links in _walk(given):
            # Once per folder: a file's path is the folder's followed by its name (a listed name
            # holds no separator: what os.path.join gives), and one that is no link is found in
            # the real folder.
            folder = os.path.join(dirpath, "")
            if given in (".", "./") and folder.startswith("./"):
                folder = folder[2:]
            real_folder = os.path.join(os.path.realpath(dirpath), "")
            # outside a git repository nothing is ignored: asked once per folder, not per file
            folder_ignored = ignored if ignored is not None and ignored.in_repository(dirpath) else None
            dirnames[:] = sorted(
                d for d in dirnames
                if d not in DEFAULT_EXCLUDE
                and not d.endswith(".egg-info")
                and not _excluded(os.path.join(dirpath, d), d, exclude, root)
                and not (folder_ignored is not None and folder_ignored(os.path.join(dirpath, d), directory=True))
            )
            for name in sorted(filenames):
                if not name.lower().endswith(suffixes):
                    continue  # (`SWEEP.YAML` too: some tools and editors write upper-case suffixes)
                path = folder + name
                link = name in links if links is not None else os.path.islink(path)
                if _excluded(path, name, exclude, root) or link and not os.path.exists(path):
                    continue
                if folder_ignored is not None and folder_ignored(path):
                    continue
                key = os.path.realpath(path) if link else real_folder + name
                if key in seen:
                    continue
                seen.add(key)
                yield Target(path, explicit=False)


def _walk(top: str) -> Iterator[tuple[str, list[str], list[str], set[str] | None]]:
    """os.walk(top, followlinks=False) with errors ignored, each folder with the names of the
    symbolic links among its files, as the listing tells them (None when it could not: each path
    is then asked): a run looks at hundreds of files, and an lstat of each cost more than the rest."""
    pending = [top]
    while pending:
        top = pending.pop()
        dirs: list[str] = []
        files: list[str] = []
        links: set[str] | None = set()
        unsure_dirs: set[str] = set()   # links, or not known to be none: not followed (asked again)
        try:
            with os.scandir(top) as listing:
                for entry in listing:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    try:
                        link = entry.is_symlink()
                    except OSError:
                        link = None
                    if is_dir:
                        dirs.append(entry.name)
                        if link is not False:
                            unsure_dirs.add(entry.name)
                    else:
                        files.append(entry.name)
                        if link is None:
                            links = None
                        elif link and links is not None:
                            links.add(entry.name)
        except OSError:
            continue
        yield top, dirs, files, links
        # the folders as the caller left them (sorted, some left out), the first walked first
        for name in reversed(dirs):
            path = os.path.join(top, name)
            if name not in unsure_dirs or not os.path.islink(path):
                pending.append(path)


class GitIgnored:
    """Whether .gitignore files ignore a path, as git decides: every .gitignore from the repository
    root down to the path's folder, plus .git/info/exclude; a deeper file overrides a shallower one,
    and a later pattern an earlier one (`!` re-includes). Outside a git repository nothing is
    ignored, as git ignores nothing there. Patterns are matched by pathspec."""

    def __init__(self):
        self._specs: dict[str, object] = {}   # folder -> its compiled patterns (None: no file)
        self._repos: dict[str, str | None] = {}

    def __call__(self, path: str, directory: bool = False) -> bool:
        absolute = os.path.abspath(path)
        folder = os.path.dirname(absolute)
        repo = self._repository(folder)
        if repo is None:
            return False
        chain = []
        current = folder
        while True:
            chain.append(current)
            if current == repo:
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for base in chain:  # the deepest .gitignore with an opinion decides
            for spec in self._spec_list(base, repo):
                rel = os.path.relpath(absolute, base).replace(os.sep, "/") + ("/" if directory else "")
                include = spec.check_file(rel).include
                if include is not None:
                    return include
        return False

    def in_repository(self, folder: str) -> bool:
        """Whether the files and folders in `folder` are in a git repository (else none is ignored)."""
        return self._repository(os.path.abspath(folder)) is not None

    def _spec_list(self, base: str, repo: str | None) -> list:
        specs = []
        own = self._load(os.path.join(base, ".gitignore"))
        if own is not None:
            specs.append(own)
        if base == repo:
            exclude = self._load(os.path.join(base, ".git", "info", "exclude"))
            if exclude is not None:
                specs.append(exclude)  # consulted after the root .gitignore: its patterns rank lower
        return specs

    def _load(self, file: str):
        if file not in self._specs:
            import pathspec

            try:
                with open(file, encoding="utf-8", errors="replace") as handle:
                    self._specs[file] = pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines())
            except OSError:
                self._specs[file] = None
        return self._specs[file]

    def _repository(self, folder: str) -> str | None:
        """The nearest folder at or above `folder` holding `.git`, each folder's answer kept (a
        climb, not a recursion: a folder may be nested deeper than the recursion limit)."""
        climbed: list[str] = []
        current = folder
        while current not in self._repos:
            climbed.append(current)
            if os.path.exists(os.path.join(current, ".git")):
                found = current
                break
            parent = os.path.dirname(current)
            if parent == current:
                found = None
                break
            current = parent
        else:
            found = self._repos[current]
        for each in climbed:
            self._repos[each] = found
        return found
