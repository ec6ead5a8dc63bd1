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

from sweeplint.codefacts.folders import FolderView, suffix
from sweeplint.records import record

MAX_LAUNCHERS = 200          # files looked at in the search space's folder
MAX_BYTES = 200_000

_SPACE_KEY = re.compile(r"""^\s*searchSpace(?:Path|File)\s*:\s*['"]?([^'"#\s]+)""", re.M)
_COMMAND_KEY = re.compile(r"""^\s*(?:trialCommand|command)\s*:\s*['"]?([^'"#\n]+)""", re.M)
_CODE_DIR_KEY = re.compile(r"""^\s*(?:trialCodeDirectory|codeDir)\s*:\s*['"]?([^'"#\s]+)""", re.M)
_PY_COMMAND = re.compile(r"""trial_command\s*=\s*[rRuU]?['"]([^'"\n]+)['"]""")
_PY_CODE_DIR = re.compile(r"""trial_code_directory\s*=\s*[rRuU]?['"]([^'"\n]+)['"]""")


def launched_program(space_path: str, folders: FolderView | None = None) -> tuple[str, Path] | None:
    """(the script as the launcher names it, its path) for a search space file, or None.
    `folders`: the run's view of the file system (a folder's launchers read once per run)."""
    folders = folders if folders is not None else FolderView()
    space = Path(folders.real(space_path))
    found: set[tuple[str, Path]] = set()
    for name, text in _siblings(space, (".yml", ".yaml", ".py"), folders):
        if name.endswith(".py"):
            hit = _from_python(text, space, space.parent, folders)
        else:
            hit = _from_yaml(text, space, space.parent, folders)
        if hit is not None:
            found.add(hit)
    return found.pop() if len(found) == 1 else None


def named_by_experiment_config(space_path: str, folders: FolderView | None = None) -> bool:
    """Whether an experiment config (YAML) beside the search space names it: that config is then the
    study that carries the objective, and findings about the objective belong to it."""
    folders = folders if folders is not None else FolderView()
    space = Path(folders.real(space_path))
    return any(_same(space.parent / n, space, folders)
               for _, text in _siblings(space, (".yml", ".yaml"), folders)
               for n in (m.group(1) for m in _SPACE_KEY.finditer(text)))


def _siblings(space: Path, suffixes: tuple[str, ...], folders: FolderView):
    """(name, text) of the files beside a search space that may launch it: a bounded number, each
    of bounded size, unreadable ones skipped."""
    folder = str(space.parent)
    entries = folders.entries(folder)
    if entries is None:
        return
    for name in list(entries)[:MAX_LAUNCHERS]:
        if name == space.name or suffix(name) not in suffixes or not entries[name]:
            continue
        text = folders.text(os.path.join(folder, name), MAX_BYTES)
        if text is not None:
            yield name, text


def _from_yaml(text: str, space: Path, folder: Path, folders: FolderView) -> tuple[str, Path] | None:
    named = [m.group(1) for m in _SPACE_KEY.finditer(text)]
    if not any(_same(folder / n, space, folders) for n in named):
        return None
    commands = [m.group(1) for m in _COMMAND_KEY.finditer(text)]
    code_dir = _CODE_DIR_KEY.search(text)
    return _script(commands, folder / code_dir.group(1) if code_dir else folder, folder, folders)


def _from_python(text: str, space: Path, folder: Path, folders: FolderView) -> tuple[str, Path] | None:
    if space.name not in text or "search_space" not in text:
        return None
    commands = [m.group(1) for m in _PY_COMMAND.finditer(text)]
    code_dir = _PY_CODE_DIR.search(text)
    return _script(commands, folder / code_dir.group(1) if code_dir else folder, folder, folders)


def _script(commands: list[str], code_dir: Path, folder: Path, folders: FolderView) -> tuple[str, Path] | None:
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

_PY_MAX_TRIALS = re.compile(r"""\.max_trial_number\s*=\s*(\d+)""")
_PY_TUNER = re.compile(r"""\.tuner\.name\s*=\s*[rRuU]?['"](\w+)['"]""")
_PY_STARTUP = re.compile(r"""['"](population_size|n_startup_jobs|n_initial_points)['"]\s*:\s*(\d+)""")


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
    space = Path(folders.real(space_path))
    found: list[LaunchBudget] = []
    for name, text in _siblings(space, (".py",), folders):
        if space.name not in text or "search_space" not in text:
            continue
        caps = list(_PY_MAX_TRIALS.finditer(text))
        if len(caps) != 1:
            continue
        tuner = _PY_TUNER.search(text)
        startup = list(_PY_STARTUP.finditer(text))
        found.append(LaunchBudget(
            space.parent / name, (int(caps[0].group(1)), _line(text, caps[0].start(1))), tuner.group(1) if tuner else None,
            (startup[0].group(1), int(startup[0].group(2)), _line(text, startup[0].start(1))) if len(startup) == 1 else None,
        ))
    return found[0] if len(found) == 1 else None


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
