"""The trial program of a bare NNI search space file, found through what launches it.

A search space (`search_space.json`) names no program; the experiment that uses it does: an experiment
config beside it (`searchSpacePath:`/`searchSpaceFile:` with `command:`/`trialCommand:`) or a Python
launcher (`experiment.config.search_space` ... `trial_command = "python3 model.py"`). Both are read as
text only, never run. The program counts only when every launcher that names the file agrees on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MAX_LAUNCHERS = 200          # files looked at in the search space's folder
MAX_BYTES = 200_000

_SPACE_KEY = re.compile(r"""^\s*searchSpace(?:Path|File)\s*:\s*['"]?([^'"#\s]+)""", re.M)
_COMMAND_KEY = re.compile(r"""^\s*(?:trialCommand|command)\s*:\s*['"]?([^'"#\n]+)""", re.M)
_CODE_DIR_KEY = re.compile(r"""^\s*(?:trialCodeDirectory|codeDir)\s*:\s*['"]?([^'"#\s]+)""", re.M)
_PY_COMMAND = re.compile(r"""trial_command\s*=\s*[rRuU]?['"]([^'"\n]+)['"]""")
_PY_CODE_DIR = re.compile(r"""trial_code_directory\s*=\s*[rRuU]?['"]([^'"\n]+)['"]""")


def launched_program(space_path: str) -> tuple[str, Path] | None:
    """(the script as the launcher names it, its path) for a search space file, or None."""
    space = Path(space_path).resolve()
    found: set[tuple[str, Path]] = set()
    for entry, text in _siblings(space, (".yml", ".yaml", ".py")):
        hit = _from_python(text, space, space.parent) if entry.suffix == ".py" else _from_yaml(text, space, space.parent)
        if hit is not None:
            found.add(hit)
    return found.pop() if len(found) == 1 else None


def named_by_experiment_config(space_path: str) -> bool:
    """Whether an experiment config (YAML) beside the search space names it: that config is then the
    study that carries the objective, and findings about the objective belong to it."""
    space = Path(space_path).resolve()
    return any(_same(space.parent / n, space)
               for _, text in _siblings(space, (".yml", ".yaml"))
               for n in (m.group(1) for m in _SPACE_KEY.finditer(text)))


def _siblings(space: Path, suffixes: tuple[str, ...]):
    """(path, text) of the files beside a search space that may launch it: a bounded number, each
    of bounded size, unreadable ones skipped."""
    try:
        entries = sorted(space.parent.iterdir())[:MAX_LAUNCHERS]
    except OSError:
        return
    for entry in entries:
        if entry == space or entry.suffix not in suffixes or not entry.is_file():
            continue
        try:
            if entry.stat().st_size > MAX_BYTES:
                continue
            text = entry.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        yield entry, text


def _from_yaml(text: str, space: Path, folder: Path) -> tuple[str, Path] | None:
    named = [m.group(1) for m in _SPACE_KEY.finditer(text)]
    if not any(_same(folder / n, space) for n in named):
        return None
    commands = [m.group(1) for m in _COMMAND_KEY.finditer(text)]
    code_dir = _CODE_DIR_KEY.search(text)
    return _script(commands, folder / code_dir.group(1) if code_dir else folder, folder)


def _from_python(text: str, space: Path, folder: Path) -> tuple[str, Path] | None:
    if space.name not in text or "search_space" not in text:
        return None
    commands = [m.group(1) for m in _PY_COMMAND.finditer(text)]
    code_dir = _PY_CODE_DIR.search(text)
    return _script(commands, folder / code_dir.group(1) if code_dir else folder, folder)


def _script(commands: list[str], code_dir: Path, folder: Path) -> tuple[str, Path] | None:
    scripts = {w for c in commands for w in c.split() if w.endswith(".py")}
    if len(scripts) != 1:
        return None
    name = scripts.pop()
    for base in (code_dir, folder):
        path = base / name
        if path.is_file():
            return name, path
    return None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b
    except OSError:
        return False


# --- the budget a Python launcher gives the experiment ------------------------------------------

_PY_MAX_TRIALS = re.compile(r"""\.max_trial_number\s*=\s*(\d+)""")
_PY_TUNER = re.compile(r"""\.tuner\.name\s*=\s*[rRuU]?['"](\w+)['"]""")
_PY_STARTUP = re.compile(r"""['"](population_size|n_startup_jobs|n_initial_points)['"]\s*:\s*(\d+)""")


@dataclass(frozen=True, slots=True)
class LaunchBudget:
    """What a Python launcher (`nni.experiment.Experiment`) sets: the trial cap, the tuner, and how
    many random trials the tuner starts with when its class_args say (each with its line)."""

    path: Path
    max_trials: tuple[int, int]                   # (value, line)
    tuner: str | None = None
    startup: tuple[str, int, int] | None = None   # (key, value, line)


def launch_budget(space_path: str) -> LaunchBudget | None:
    """The budget of the one Python launcher beside a search space that uses it, read as text."""
    space = Path(space_path).resolve()
    found: list[LaunchBudget] = []
    for entry, text in _siblings(space, (".py",)):
        if space.name not in text or "search_space" not in text:
            continue
        caps = list(_PY_MAX_TRIALS.finditer(text))
        if len(caps) != 1:
            continue
        tuner = _PY_TUNER.search(text)
        startup = list(_PY_STARTUP.finditer(text))
        found.append(LaunchBudget(
            entry, (int(caps[0].group(1)), _line(text, caps[0].start(1))), tuner.group(1) if tuner else None,
            (startup[0].group(1), int(startup[0].group(2)), _line(text, startup[0].start(1))) if len(startup) == 1 else None,
        ))
    return found[0] if len(found) == 1 else None


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
