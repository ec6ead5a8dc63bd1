"""Earlier versions of a sweep config, read from git: the one place sweeplint runs `git`.

`sweeplint check --since REF` compares each config with its version at REF; the language server
compares an open file with its last committed version (HEAD). The engine hands rules what this
module finds through the rule Context (`ctx.previous_study`, `ctx.earlier_studies`); rules never call
it themselves.

Every git call is an argument list (no shell), with a time limit and a bound on what is read of its
output, in the file's own repository. A file outside any repository, a path the revision lacks, or a
git that fails on one file gives "no earlier version" (the round-to-round rules stay silent); only
`check_since`, called once before a `check --since` run, turns a missing git, a folder that is not a
repository or an unknown revision into one clear error.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading

from sweeplint.model import ConfigFile, Study
from sweeplint.records import record
from sweeplint.source import MAX_FILE_BYTES

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# Versions of one config read to find whether a value was ever searched (SL602): enough for a
# project's rounds, bounded so a long history costs a fixed time.
MAX_REVISIONS = 30
GIT_TIMEOUT_SECONDS = 20
_SMALL_OUTPUT = 64 * 1024
# What a shallow clone needs to compare with REF, said once in the error.
_SHALLOW_HINT = ("this clone is shallow: fetch the history it needs (`git fetch --deepen=50`, or "
                 "`fetch-depth: 0` for actions/checkout)")


class HistoryError(Exception):
    """One line the user can act on: git is missing, not a repository, unknown revision."""


@record(frozen=True)
class Version:
    """A config as one commit holds it, read by the same readers as the file on disk."""

    commit: str        # the full hash
    path: str          # the path inside the repository at that commit (it may have been renamed since)
    file: ConfigFile


class _GitFailed(Exception):
    def __init__(self, message: str, missing: bool = False):
        super().__init__(message)
        self.missing = missing


def _git(args: list[str], cwd: str, limit: int = _SMALL_OUTPUT) -> bytes:
    """Run `git ARGS` in `cwd`; its standard output, at most `limit` bytes (more is an error).

    Repository configuration cannot make these read-only commands run programs: no pager, no
    external diff or text conversion, no file-system monitor, no prompt for credentials."""
    command = ["git", "--no-pager", "-c", "core.fsmonitor=false", "-c", "core.quotePath=false", *args]
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):  # the file's own repository, not the caller's
        env.pop(name, None)
    # stderr goes to a file: a pipe nobody reads while stdout is read could fill and stall git
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=errors, env=env)
        except FileNotFoundError:
            raise _GitFailed("git is not installed (or not on PATH)", missing=True) from None
        except OSError as exc:
            raise _GitFailed(f"cannot run git: {exc.strerror or exc}", missing=True) from None
        timer = threading.Timer(GIT_TIMEOUT_SECONDS, process.kill)
        timer.start()
        try:
            out = process.stdout.read(limit + 1) if process.stdout else b""
            too_long = len(out) > limit
            if too_long:
                process.kill()
            code = process.wait()
        finally:
            timer.cancel()
            if process.stdout:
                process.stdout.close()
        errors.seek(0)
        err = errors.read(_SMALL_OUTPUT)
    if too_long:
        raise _GitFailed(f"git {args[0]} printed more than {limit} bytes")
    if code != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise _GitFailed(lines[-1] if lines else f"git {args[0]} failed (exit code {code})")
    return out


def _folder_of(path: str) -> str:
    """The nearest existing folder holding `path` (git runs there)."""
    real = os.path.realpath(path)
    while not os.path.isdir(real) and os.path.dirname(real) != real:
        real = os.path.dirname(real)
    return real


def _toplevel(folder: str) -> str:
    return os.path.realpath(_git(["rev-parse", "--show-toplevel"], folder).decode("utf-8", "surrogateescape").strip())


def _commit_of(ref: str, top: str) -> str:
    if not ref or ref.startswith("-") or "\n" in ref or "\0" in ref:
        raise _GitFailed(f"{ref!r} is not a revision")
    return _git(["rev-parse", "--verify", "--quiet", ref + "^{commit}"], top).decode().strip()


def check_since(ref: str, start: str) -> str:
    """Before a `check --since REF` run: REF's commit in the repository holding `start`, or a
    HistoryError saying why the configs cannot be compared with it."""
    folder = _folder_of(start)
    try:
        top = _toplevel(folder)
    except _GitFailed as exc:
        if exc.missing:
            raise HistoryError(f"--since {ref}: {exc}; the round-to-round rules (SL6xx) read the configs' history with git") from None
        detail = "" if "not a git repository" in str(exc) else f" ({exc})"
        raise HistoryError(f"--since {ref}: {folder} is not in a git repository{detail}") from None
    try:
        return _commit_of(ref, top)
    except _GitFailed:
        pass
    shallow = False
    try:
        shallow = _git(["rev-parse", "--is-shallow-repository"], top).strip() == b"true"
    except _GitFailed:
        pass
    why = f"; {_SHALLOW_HINT}" if shallow else "; name a branch, tag or commit of this repository"
    raise HistoryError(f"--since {ref}: no such revision in {top}{why}")


def compare_with(settings: Any, ref: str, start: str) -> bool:
    """`check --since REF`: checks REF (a ConfigError, reported as a usage error, when the configs
    cannot be compared with it) and sets it in the settings. True: results must not be cached."""
    from sweeplint.settings import ConfigError

    try:
        check_since(ref, start)
    except HistoryError as exc:
        raise ConfigError(str(exc)) from None
    settings.since = ref
    return True


class History:
    """The versions of files at one revision (and before it), found lazily.

    Every failure for one file is "no earlier version": the CLI checked the revision once before
    the run (check_since); the editor just shows no round-to-round findings outside a repository.
    The revision is resolved for each file (a long-running editor session sees new commits);
    versions are kept by commit, which never changes."""

    def __init__(self, ref: str, limit: int = MAX_REVISIONS):
        self.ref = ref
        self.limit = limit
        self._tops: dict[str, str | None] = {}
        self._previous: dict[tuple[str, str], Version | None] = {}
        self._earlier: dict[tuple[str, str], tuple[Version, ...]] = {}

    def _where(self, path: str) -> tuple[str, str, str] | None:
        """(repository top level, the path inside it, REF's commit there), or None."""
        folder = _folder_of(path)
        if folder not in self._tops:
            try:
                self._tops[folder] = _toplevel(folder)
            except _GitFailed:
                self._tops[folder] = None
        top = self._tops[folder]
        if top is None:
            return None
        inside = os.path.relpath(os.path.realpath(path), top)
        if inside.startswith(".."):
            return None
        try:
            commit = _commit_of(self.ref, top)
        except _GitFailed:
            return None
        return top, inside.replace(os.sep, "/"), commit

    def previous(self, path: str) -> Version | None:
        """The file as REF holds it (None when REF lacks it or it is not in a repository)."""
        where = self._where(path)
        if where is None:
            return None
        top, inside, commit = where
        if (commit, inside) not in self._previous:
            self._previous[(commit, inside)] = self._read(top, commit, inside)
        return self._previous[(commit, inside)]

    def earlier(self, path: str) -> tuple[Version, ...]:
        """The versions of the file in the commits that changed it, REF and before, newest first
        (renames followed), at most `limit` of them."""
        where = self._where(path)
        if where is None:
            return ()
        top, inside, commit = where
        if (commit, inside) not in self._earlier:
            self._earlier[(commit, inside)] = self._walk(top, inside, commit)
        return self._earlier[(commit, inside)]

    def _walk(self, top: str, inside: str, commit: str) -> tuple[Version, ...]:
        try:
            out = _git(["log", "--follow", "--format=%x00%H", "--name-only", f"-n{self.limit}", commit, "--", inside], top)
        except _GitFailed:
            return ()
        found: list[Version] = []
        for record in out.decode("utf-8", "surrogateescape").split("\0")[1:]:
            lines = [line for line in record.splitlines() if line.strip()]
            if len(lines) < 2:
                continue
            version = self._read(top, lines[0].strip(), lines[-1])
            if version is not None:
                found.append(version)
        return tuple(found)

    def _read(self, top: str, commit: str, inside: str) -> Version | None:
        from sweeplint.read import read_path
        from sweeplint.source import UnreadableFile, text_of

        try:
            data = _git(["cat-file", "blob", f"{commit}:{inside}"], top, limit=MAX_FILE_BYTES)
            text = text_of(data)
        except (_GitFailed, UnreadableFile):
            return None
        try:
            file = read_path(os.path.join(top, inside), explicit=True, text=text)
        except Exception:  # noqa: BLE001 - an old version a reader cannot take is no version to compare with
            return None
        return Version(commit, inside, file) if file.studies else None


_HISTORIES: dict[str, History] = {}


def history_for(settings: Any) -> History | None:
    """The history this run compares with (settings.since), shared by every file the process checks."""
    ref = getattr(settings, "since", None)
    if not ref:
        return None
    if ref not in _HISTORIES:
        _HISTORIES[ref] = History(ref)
    return _HISTORIES[ref]


def same_study(study: Study, index: int, file: ConfigFile | None) -> Study | None:
    """The study of an earlier version of a file that stands for `study` (the `index`-th study of
    the current file): the one with the same format and name, else the one at the same place
    among the studies of its format."""
    if file is None:
        return None
    candidates = [s for s in file.studies if s.format == study.format]
    if study.name is not None:
        named = [s for s in candidates if s.name == study.name]
        if len(named) == 1:
            return named[0]
    if len(candidates) == 1:
        return candidates[0]
    return candidates[index] if 0 <= index < len(candidates) else None
