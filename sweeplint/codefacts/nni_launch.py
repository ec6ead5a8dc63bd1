"""The trial program of a bare NNI search space file, found through what launches it.

A search space (`search_space.json`) names no program; the experiment that uses it does: an experiment
config beside it (`searchSpacePath:`/`searchSpaceFile:` with `command:`/`trialCommand:`) or a Python
launcher (`experiment.config.search_space` ... `trial_command = "python3 model.py"`). Both are read as
text only, never run. The program counts only when every launcher that names the file agrees on it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sweeplint.codefacts.folders import LAUNCHER_WORDS, FolderView, suffix
from sweeplint.records import record

MAX_LAUNCHERS = 200          # files looked at in the search space's folder
MAX_BYTES = 200_000

# The patterns are compiled on first use (re's own cache): few projects have a launcher, and
# compiling them cost every run that reads a search space.
_SPACE_KEY = r"""(?m)^\s*searchSpace(?:Path|File)\s*:\s*['"]?([^'"#\s]+)"""
_COMMAND_KEY = r"""(?m)^\s*(?:trialCommand|command)\s*:\s*['"]?([^'"#\n]+)"""
_CODE_DIR_KEY = r"""(?m)^\s*(?:trialCodeDirectory|codeDir)\s*:\s*['"]?([^'"#\s]+)"""
_PY_COMMAND = r"""trial_command\s*=\s*[rRuU]?['"]([^'"\n]+)['"]"""
_PY_CODE_DIR = r"""trial_code_directory\s*=\s*[rRuU]?['"]([^'"\n]+)['"]"""


def launched_program(space_path: str, folders: FolderView | None = None) -> tuple[str, Path] | None:
    """(the script as the launcher names it, its path) for a search space file, or None.
    `folders`: the run's view of the file system (a folder's launchers read once per run)."""
    folders = folders if folders is not None else FolderView()
    real = folders.real(space_path)
    launchers = _launchers_beside(real, (".yml", ".yaml", ".py"), folders)
    if not launchers:
        return None  # (most search spaces: no Path made for them)
    space = Path(real)
    folder = space.parent
    found: set[tuple[str, Path]] = set()
    for launcher in launchers:
        if launcher.name.endswith(".py"):
            if space.name not in launcher.text or "search_space" not in launcher.text:
                continue
        elif not any(_same(folder / n, space, folders) for n in launcher.spaces):
            continue
        code_dir = folder / launcher.code_dir if launcher.code_dir is not None else folder
        hit = _script(launcher.commands, code_dir, folder, folders)
        if hit is not None:
            found.add(hit)
    return found.pop() if len(found) == 1 else None


def named_by_experiment_config(space_path: str, folders: FolderView | None = None) -> bool:
    """Whether an experiment config (YAML) beside the search space names it: that config is then the
    study that carries the objective, and findings about the objective belong to it."""
    folders = folders if folders is not None else FolderView()
    real = folders.real(space_path)
    launchers = _launchers_beside(real, (".yml", ".yaml"), folders)
    if not launchers:
        return False
    space = Path(real)
    return any(_same(space.parent / n, space, folders) for launcher in launchers for n in launcher.spaces)


class _Launcher:
    """A file that may launch the search spaces beside it, with what its text names. (A plain
    class: a NamedTuple cost more to define, at every start, than a run spends making these.)"""

    __slots__ = ("name", "text", "spaces", "commands", "code_dir")

    def __init__(self, name: str, text: str, spaces: tuple[str, ...], commands: tuple[str, ...], code_dir: str | None):
        self.name = name
        self.text = text
        self.spaces = spaces          # search space files an experiment config (YAML) names
        self.commands = commands      # its trial commands
        self.code_dir = code_dir      # the trial code folder it names


def _launchers_beside(space: str, suffixes: tuple[str, ...], folders: FolderView) -> list[_Launcher]:
    """The launchers beside a search space (its resolved path), by suffix. Asked for every search
    space, most often of a folder without any: its path is split as a string, not made a Path."""
    folder, name = os.path.split(space)
    # Many search spaces share a folder: its files are scanned once per run, not once per space.
    launchers = folders.remembered(("nni launchers", folder), lambda: _launchers(folder, folders))
    return [x for x in launchers if x.name != name and suffix(x.name) in suffixes]


def _launchers(folder: str, folders: FolderView) -> list[_Launcher]:
    """The files of a folder that may launch a search space: a bounded number, each of bounded
    size, unreadable ones skipped."""
    entries = folders.entries(folder)
    if entries is None:
        return []
    found = []
    prefix = os.path.join(folder, "")  # (a listed name holds no separator: prefix + name is the join)
    for name in list(entries)[:MAX_LAUNCHERS]:
        # Only a launcher that can name a search space is kept: an experiment config names one
        # with `searchSpace...:`, a Python launcher mentions `search_space` (what every caller asks
        # before looking further). Most files of a folder of configs are neither, and their text
        # is not scanned for commands.
        word = LAUNCHER_WORDS.get(suffix(name))  # (its keys: .yml, .yaml and .py)
        if word is None or not entries[name]:
            continue
        path = prefix + name
        if not folders.may_launch(path):  # (a config this run has read: its text names no search space)
            continue
        text = folders.text(path, MAX_BYTES)
        if text is None:
            continue
        if name.endswith(".py"):
            if word not in text:
                continue
            code_dir = re.search(_PY_CODE_DIR, text) if "trial_code_directory" in text else None
            found.append(_Launcher(name, text, (), tuple(m.group(1) for m in re.finditer(_PY_COMMAND, text)),
                                   code_dir.group(1) if code_dir else None))
        else:
            spaces = tuple(m.group(1) for m in re.finditer(_SPACE_KEY, text)) if word in text else ()
            if not spaces:
                continue
            code_dir = re.search(_CODE_DIR_KEY, text)
            found.append(_Launcher(name, text, spaces, tuple(m.group(1) for m in re.finditer(_COMMAND_KEY, text)),
                                   code_dir.group(1) if code_dir else None))
    return found


def _script(commands: tuple[str, ...], code_dir: Path, folder: Path, folders: FolderView) -> tuple[str, Path] | None:
    scripts = {w for c in commands for w in c.split() if w.endswith(".py")}
    if len(scripts) != 1:
        return None
    name = scripts.pop()
    for base in (code_dir, folder):
        if folders.is_file(str(base), name):
            return name, base / name
    return None


def _same(a: Path, b: Path, folders: FolderView) -> bool:
    try:
        return Path(folders.real(str(a))) == b
    except OSError:
        return False


# --- the budget a Python launcher gives the experiment ------------------------------------------

_PY_MAX_TRIALS = r"""\.max_trial_number\s*=\s*(\d+)"""
_PY_TUNER = r"""\.tuner\.name\s*=\s*[rRuU]?['"](\w+)['"]"""
_PY_STARTUP = r"""['"](population_size|n_startup_jobs|n_initial_points)['"]\s*:\s*(\d+)"""


@record(frozen=True, slots=True)
class LaunchBudget:
    """What a Python launcher (`nni.experiment.Experiment`) sets: the trial cap, the tuner, and how
    many random trials the tuner starts with when its class_args say (each with its line)."""

    path: Path
    max_trials: tuple[int, int]                   # (value, line)
    tuner: str | None = None
    startup: tuple[str, int, int] | None = None   # (key, value, line)


def launch_budget(space_path: str, folders: FolderView | None = None) -> LaunchBudget | None:
    """The budget of the one Python launcher beside a search space that uses it, read as text."""
    folders = folders if folders is not None else FolderView()
    real = folders.real(space_path)
    launchers = _launchers_beside(real, (".py",), folders)
    if not launchers:
        return None
    space = Path(real)
    found: list[LaunchBudget] = []
    for launcher in launchers:
        name, text = launcher.name, launcher.text
        if space.name not in text or "search_space" not in text:
            continue
        caps = list(re.finditer(_PY_MAX_TRIALS, text))
        if len(caps) != 1:
            continue
        tuner = re.search(_PY_TUNER, text)
        startup = list(re.finditer(_PY_STARTUP, text))
        found.append(LaunchBudget(
            space.parent / name, (int(caps[0].group(1)), _line(text, caps[0].start(1))), tuner.group(1) if tuner else None,
            (startup[0].group(1), int(startup[0].group(2)), _line(text, startup[0].start(1))) if len(startup) == 1 else None,
        ))
    return found[0] if len(found) == 1 else None


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
