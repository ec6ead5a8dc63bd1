"""What one run has seen of the file system: each folder listed once, each path resolved once, each
small side file read once.

Hundreds of configs of a repository share a handful of folders, and finding their programs asks the
same questions again and again (is `train.py` beside this config or in a folder above it? is there
any Python file near it? which files beside this search space launch it?). The files do not change
during a run, so a run keeps the answers (`CodeFactsStore.folders`); a caller without one gets a
fresh view, which answers every question from the file system as it is.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")

# A listing answers "is there a file of this name" only where names are compared case by case; on
# other systems each path is looked up by itself (once).
_LISTINGS_ANSWER = sys.platform.startswith("linux")

# The word a file must hold to launch an NNI search space: an experiment config names one with
# `searchSpace...:`, a Python launcher mentions `search_space` (what nni_launch looks for, and what
# note_read keeps of a file the run has read).
LAUNCHER_WORDS = {".py": "search_space", ".yml": "searchSpace", ".yaml": "searchSpace"}


def suffix(name: str) -> str:
    """A file name's suffix as pathlib spells it ("" for `.py` alone)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


class FolderView:
    def __init__(self) -> None:
        self._real: dict[str, str] = {}
        self._real_folders: dict[str, str] = {}
        self._entries: dict[str, dict[str, bool] | None] = {}
        self._links: dict[str, frozenset[str]] = {}   # folder -> the names of its symbolic links
        self._others: dict[str, list[os.DirEntry]] = {}   # folder -> its entries that are not files
        self._absolute_folders: set[str] = set()      # folders of absolute names asked about once
        self._python: dict[str, bool | None] = {}     # folder -> whether it holds a Python file
        self._files: dict[str, bool] = {}
        self._exists: dict[str, bool] = {}
        self._texts: dict[tuple[str, int], str | None] = {}
        self._answers: dict[tuple, object] = {}
        self._not_launchers: set[str] = set()   # files the run read that cannot launch a search space
        self._unresolved_not_launchers: dict[str, list[str]] = {}   # the same: names by the folder the run gave

    def remembered(self, question: tuple, answer: Callable[[], T]) -> T:
        """The answer to a question about the files (`question` names it and its arguments),
        worked out the first time it is asked in the run."""
        try:
            return self._answers[question]  # type: ignore[return-value]
        except KeyError:
            found = self._answers[question] = answer()
            return found

    def known(self, question: tuple, default: object = None) -> object:
        """The answer to a question already worked out in this run, else `default`."""
        return self._answers.get(question, default)

    def remember(self, question: tuple, answer: object) -> None:
        """Keep an answer worked out along with another one (see `remembered`)."""
        self._answers[question] = answer

    def real(self, path: str) -> str:
        """The path resolved (symbolic links followed), as Path.resolve() gives it."""
        found = self._real.get(path)
        if found is None:
            folder, name = os.path.split(path)
            if name in ("", ".", "..") or self._is_link(folder, name, path):
                found = str(Path(path).resolve())
            else:  # resolving the folder resolves the file: each folder is resolved once per run
                found = os.path.join(self.real(folder or "."), name)
            self._real[path] = found
        return found

    def _is_link(self, folder: str, name: str, path: str) -> bool:
        """Whether the path is a symbolic link: the folder's listing says so for the names it holds
        (hundreds of configs share a few folders: one listing instead of an lstat per config). The
        folder is listed by its resolved path, the one the programs beside a config are looked up in:
        one listing serves both."""
        listed = self.real(folder or ".")
        entries = self.entries(listed)
        if entries is None or name not in entries:
            return os.path.islink(path)
        return name in self._links[listed]

    def real_folder(self, path: str) -> str:
        """The folder of a resolved file (os.path.dirname(self.real(path)))."""
        found = self._real_folders.get(path)
        if found is None:
            folder, name = os.path.split(path)
            if name in ("", ".", "..") or self._is_link(folder, name, path):
                found = os.path.dirname(self.real(path))
            else:  # the folder resolved: each config asks it once or more, and its path is not needed
                found = self.real(folder or ".")
            self._real_folders[path] = found
        return found

    def entries(self, folder: str) -> dict[str, bool] | None:
        """A folder's entries in name order, each with whether it is a file (links followed); None
        when the folder cannot be listed."""
        try:
            return self._entries[folder]
        except KeyError:
            pass
        try:
            links = set()
            others = []
            with os.scandir(folder) as listing:
                found = {}
                for entry in listing:
                    is_file = found[entry.name] = _is_file(entry)
                    if _entry_is_link(entry):
                        links.add(entry.name)
                    if not is_file:  # (whether it is a folder: asked by a walk only, see `walk`)
                        others.append(entry)
            found = dict(sorted(found.items()))
        except OSError:
            found = None
            links = set()
            others = []
        self._entries[folder] = found
        self._links[folder] = frozenset(links)
        self._others[folder] = others
        return found

    def walk(self, top: str) -> Iterator[tuple[str, list[str], list[str]]]:
        """What os.walk(top) gives (top-down, links to folders not walked into, a folder that cannot
        be listed skipped; the caller may prune `dirs`), from the run's listings: a project is walked
        for its Dockerfiles and its @hydra.main files, and its folders are listed once for both
        and for the programs beside its configs. Names come sorted."""
        pending = [top]
        while pending:  # (a loop, not a recursion: a tree may be nested deeper than the recursion limit)
            current = pending.pop()
            entries = self.entries(current)
            if entries is None:
                continue
            dirs = sorted(entry.name for entry in self._others[current] if _is_dir(entry))
            folders = set(dirs)
            yield current, dirs, [name for name in entries if name not in folders]
            links = self._links[current]
            pending.extend(os.path.join(current, d) for d in reversed(dirs) if d not in links)

    def holds_python(self, folder: str) -> bool | None:
        """Whether a folder has an entry whose suffix is `.py` (by name; `.py` alone does not count);
        None when the folder cannot be listed. Worked out once per folder and run."""
        try:  # (asked for each folder above each config: a look-up of its own)
            return self._python[folder]
        except KeyError:
            found = self._python[folder] = _holds_python(self.entries(folder))
            return found

    def is_file(self, folder: str, name: str) -> bool:
        """Whether `name` (a relative path with `/`) under `folder` is a file."""
        if _LISTINGS_ANSWER and "/" not in name and name not in ("", ".", ".."):  # (most names: a file beside)
            entries = self.entries(folder)
            return entries is not None and entries.get(name, False)
        parts = name.split("/")
        if _LISTINGS_ANSWER and all(p not in ("", ".", "..") for p in parts):
            entries = self.entries(os.path.join(folder, *parts[:-1]) if len(parts) > 1 else folder)
            return entries is not None and entries.get(parts[-1], False)
        path = os.path.join(folder, name)  # (an absolute name is the same path from every folder)
        found = self._files.get(path)
        if found is None:
            found = self._files[path] = self._absolute_is_file(path) if name.startswith("/") else Path(path).is_file()
        return found

    def _absolute_is_file(self, path: str) -> bool:
        """Path(path).is_file() for an absolute path. Containers' configs name their programs by
        absolute paths, often many in one folder (/opt/train_1.py, /opt/train_2.py): from the second
        name asked in a folder, one listing answers for all; a single name costs one look-up, not a
        listing of a folder that may be large."""
        parent, name = os.path.split(path)
        clean = _LISTINGS_ANSWER and all(p not in ("", ".", "..") for p in path.split("/")[1:])
        if clean and parent in self._absolute_folders:
            entries = self.entries(parent)
            if entries is not None:
                return entries.get(name, False)
        elif clean:
            self._absolute_folders.add(parent)
        return Path(path).is_file()

    def exists(self, path: str) -> bool:
        """Whether something exists at the path (Path.exists). A folder the run has listed already
        answers for a name it does not hold or holds as a file, without a look-up of its own."""
        found = self._exists.get(path)
        if found is None:
            folder, name = os.path.split(path)
            entries = self._entries.get(folder) if _LISTINGS_ANSWER and name not in ("", ".", "..") else None
            if entries is not None and (name not in entries or entries[name]):
                found = name in entries
            else:
                found = Path(path).exists()
            self._exists[path] = found
        return found

    def note_read(self, path: str, text: str) -> None:
        """Keep, of a file the run has read from disk (a config being checked), whether it can launch
        a search space: the scan of a search space's folder then does not read it a second time
        (most files of a folder of configs are configs). Only a non-empty ASCII text answers: it
        holds the word exactly when the file's bytes do (an unreadable file has the text "", and a
        UTF-16 file's bytes could hold a word its text does not)."""
        folder, name = os.path.split(path)
        word = LAUNCHER_WORDS.get(suffix(name))
        if word is not None and text and word not in text and text.isascii():
            # (resolved when a scan asks, most runs never do; by folder, as a folder's configs share it)
            self._unresolved_not_launchers.setdefault(folder, []).append(name)

    def may_launch(self, path: str) -> bool:
        """False for a file (by the path its resolved folder gives it) whose text, read by the run,
        cannot launch a search space (see note_read); True when the run cannot tell."""
        for folder, names in self._unresolved_not_launchers.items():
            try:
                # Each name follows its folder's resolved path: a name split off a path holds no
                # separator, and this is what os.path.join gives, asked once per folder.
                prefix = os.path.join(self.real(folder or "."), "")
            except (OSError, RuntimeError, ValueError):  # (a folder that cannot be resolved: the file is read)
                continue
            self._not_launchers.update(prefix + name for name in names)
        self._unresolved_not_launchers.clear()
        return path not in self._not_launchers

    def text(self, path: str, limit: int) -> str | None:
        """A file's text (undecodable bytes replaced) when it is at most `limit` bytes; None when it
        is larger or cannot be read."""
        key = (path, limit)
        if key in self._texts:
            return self._texts[key]
        found = self._texts[key] = _small_text(path, limit)
        return found


def _small_text(path: str, limit: int) -> str | None:
    """What open(path, encoding="utf-8", errors="replace").read() gives (newlines translated), for a
    file of at most `limit` bytes. Read with os.read: a folder's side files are read by the hundred,
    and a text file object cost more than the reading itself."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        size = status.st_size
        if size > limit:
            return None
        # Asked by the size it has (and a little more when it reports none, as special files do):
        # asking for `limit` bytes allocated that much for each read, twice per file.
        step = size + 1 if size else 65536
        # A regular file that gives fewer bytes than asked is at its end: no second read to hear it.
        regular = size > 0 and stat.S_ISREG(status.st_mode)
        chunks = []
        while chunk := os.read(fd, step):
            chunks.append(chunk)
            if regular and len(chunk) < step:
                break
    except OSError:
        return None
    finally:
        os.close(fd)
    text = b"".join(chunks).decode("utf-8", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _entry_is_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return True  # cannot tell: resolved as a link would be (the same answer, found the slow way)


def _holds_python(entries: dict[str, bool] | None) -> bool | None:
    if entries is None:
        return None
    return any(suffix(name) == ".py" for name in entries)
