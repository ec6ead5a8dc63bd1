"""Which program a study runs, which local files belong to it, and their facts linked together."""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

from sweeplint.codefacts.folders import FolderView
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import Lit, Span, Study
from sweeplint.records import record
from sweeplint.source import UnreadableFile, read_head

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

MAX_FILES = 200
@record(frozen=True, slots=True)
class Resolution:
    """Where a study's program is. status: python | missing | not-python | none."""

    status: str
    name: str | None = None          # as written in the config
    path: str | None = None          # the file found
    span: Span | None = None         # where the config names it
    how: str = ""                    # program, command, module, declared, hydra
    config_dir: str | None = None    # hydra: the config directory of the task function


def command_strings(study: Study) -> list[tuple[str, Lit]]:
    return [(str(item.value), item) for item in study.command if isinstance(item.value, (str, int, float))]


def resolve_program(study: Study, config_path: str, settings: Any = None, hydra_cache: dict | None = None,
                    folders: FolderView | None = None) -> Resolution:
    """The program a study runs, looked up next to the config, then under the project root.
    `folders`: the run's view of the file system (each folder listed once)."""
    folders = folders if folders is not None else FolderView()
    root = getattr(settings, "root", None) or Path.cwd()
    dialect = dialect_of(study)
    if (dialect.composes_config_groups and study.program is None and not study.command
            and not study.declarations.program and _declared_program(config_path, settings) is None):
        return resolve_hydra_task(config_path, root, hydra_cache, folders)
    name, span, how = None, None, ""
    program = study.program.value if study.program is not None and isinstance(study.program.value, str) else None
    command = command_strings(study)
    module = None
    texts = [text for text, _ in command]
    if "${program}" in texts and texts.index("${program}") > 0 and texts[texts.index("${program}") - 1] == "-m" and program:
        # python -m ${program}: the program is a module name
        module, span, how = program.strip(), study.program.span, "module"
    elif command and not any("${program}" in text for text, _ in command):
        # The command names the script itself: python train.py / python -m pkg.train / bash run.sh
        for index, (text, lit) in enumerate(command):
            if text == "-m" and index + 1 < len(command):
                module, span, how = command[index + 1][0], command[index + 1][1].span, "module"
                break
            if text.endswith(".py"):
                name, span, how = text, lit.span, "command"
                break
            if text.endswith((".sh", ".bash")) or text in ("bash", "sh", "make", "julia", "Rscript", "node"):
                return Resolution("not-python", text, None, lit.span, "command")
        else:
            if program is None:
                return Resolution("none")
    if name is None and module is None:
        if program is not None:
            name, span, how = program.strip(), study.program.span, "program"
        elif study.declarations.program:
            name, span, how = study.declarations.program, None, "declared"
        else:
            declared = _declared_program(config_path, settings)
            if declared is None and dialect.trial_named_by_experiment_config:
                # a bare search space: the experiment config or Python launcher beside it names the trial
                from sweeplint.codefacts.nni_launch import launched_program

                launched = launched_program(config_path, folders)
                if launched is not None:
                    return Resolution("python", launched[0], _display(launched[1]), None, "launcher")
            if declared is None:
                return Resolution("none")
            name, how = declared, "declared"
    if module is not None:
        candidates = [module.replace(".", "/") + ".py", module.replace(".", "/") + "/__main__.py"]
        name = module
    else:
        if not name.endswith(".py"):
            return Resolution("not-python", name, None, span, how)
        candidates = [name.replace("\\", "/")]
        if candidates[0].startswith("/"):
            # An absolute path of the machine the sweep ran on (/content/<repo>/train.py): its
            # trailing parts, as they would sit inside this project.
            parts = candidates[0].strip("/").split("/")
            candidates += ["/".join(parts[i:]) for i in range(len(parts)) if parts[i:]]  # `/train.py` too
    base = folders.real_folder(config_path)
    # The configs of a folder name the same few programs: each name is looked up once per folder and run.
    found = folders.remembered(("program file", base, root, *candidates),
                               lambda: _program_file(base, root, candidates, folders))
    if found is not None:
        return Resolution("python", name, found, span, how)
    return Resolution("missing", name, None, span, how)


def _program_file(base: str, root: Any, candidates: list[str], folders: FolderView) -> str | None:
    """The first candidate that is a file, the longest first, next to the config, then under the root."""
    resolved_root = folders.remembered(("resolved root", root), lambda: _resolved(root))  # (once per run)
    searched = (base,) if resolved_root is None or resolved_root == base else (base, resolved_root)
    for candidate in candidates:
        for folder in searched:
            if folders.is_file(folder, candidate):
                return _display(Path(folder, candidate))
    return None


def _resolved(root: Any) -> str | None:
    """The project root resolved, absolute first (the answer must not depend on the cwd); None when
    it cannot be resolved."""
    try:
        return str(Path(os.path.abspath(root)).resolve())
    except OSError:
        return None


def _display(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
        return rel if not rel.startswith("..") else str(path)
    except ValueError:
        return str(path)


def _declared_program(config_path: str, settings: Any) -> str | None:
    if settings is None or not getattr(settings, "studies", ()):
        return None
    from sweeplint.settings import relative_to_root  # (imported only when studies are declared)

    rel = relative_to_root(config_path, settings.root)
    for s in getattr(settings, "studies", ()):
        if s.program and (fnmatch.fnmatch(rel, s.config) or fnmatch.fnmatch(os.path.basename(config_path), s.config)):
            return s.program
    return None


# --- Hydra task functions ----------------------------------------------------------------------

MAX_SCANNED = 2000
MAX_VISITED = 50_000
MAX_SOURCE_BYTES = 1_000_000
SKIP_DIRS = {".git", ".hg", ".svn", "site-packages", "dist-packages", "node_modules", "__pycache__", ".tox", ".nox",
             ".venv", "venv", "env", ".env", "virtualenv", ".mypy_cache", ".pytest_cache", "build", "dist", ".eggs"}
_MARKERS = (".git", "pyproject.toml", "setup.py")


# The patterns are compiled on first use (re's own cache): only a run that reads Python files for
# Hydra task functions uses them, and compiling them cost every start ~1 ms.
_HYDRA_MAIN = r"(?s)@\s*(?:hydra\s*\.\s*)?main\s*\(([^()]*)\)"
_STRING = r"""(?:[rRuU]?"([^"\\\n]*)"|[rRuU]?'([^'\\\n]*)'|(None))"""
_KEYWORD = {name: rf"\b{name}\s*=\s*{_STRING}" for name in ("config_path", "config_name")}
_POSITIONAL = rf"^\s*{_STRING}\s*(?:,|$)"


@record(frozen=True, slots=True)
class HydraEntry:
    """A file with an @hydra.main task function and the config directory it names."""

    path: Path
    config_dir: Path
    config_name: str | None


def resolve_hydra_task(config_path: str, root: Path | str, cache: dict | None = None, view: FolderView | None = None) -> Resolution:
    """The Python file whose @hydra.main config directory holds this config (text only, nothing run).
    `view`: the run's view of the file system."""
    view = view if view is not None else FolderView()
    try:
        real = view.real(config_path)
    except (OSError, RuntimeError):
        return Resolution("none")
    # The configs of a folder share the folders searched and the task functions whose config
    # directory is their folder or one above it: worked out once per folder and run.
    tables = view.remembered(("hydra tables", str(root), os.path.dirname(real)),
                             lambda: _hydra_tables(Path(root), Path(os.path.dirname(real)), cache, view))
    if not any(by_dir for by_dir, _ in tables):
        return Resolution("none")  # (no task function in the folders searched: most configs of a run)
    config = Path(real)
    matches: list[HydraEntry] = []
    for by_dir, above in tables:
        for entry in (*by_dir.get(config, ()), *above):
            if entry not in matches:
                matches.append(entry)
    if not matches:
        return Resolution("none")
    best = min(matches, key=lambda e: (-_mentions_group(e, config), str(e.path)))
    shown = _display(best.path)
    return Resolution("python", shown, shown, None, "hydra", str(best.config_dir))


def _hydra_tables(root: Path, start: Path, cache: dict | None, view: FolderView) -> list[tuple[dict, list[HydraEntry]]]:
    """For each folder searched for a config in `start`: its task functions by config directory,
    and those whose config directory is `start` or a folder above it."""
    tables = []
    for folder in _hydra_folders(root, start, view):
        key = str(folder)
        by_dir = cache.get(key) if cache is not None else None
        if by_dir is None:
            by_dir = {}  # by config directory: each config looks up its folders, not every entry point
            for entry in hydra_entries(folder, view):
                by_dir.setdefault(entry.config_dir, []).append(entry)
            if cache is not None:
                cache[key] = by_dir
        # (most folders searched hold no task function: no need to make and hash the folders above)
        above = [entry for holder in (start, *start.parents) for entry in by_dir.get(holder, ())] if by_dir else []
        tables.append((by_dir, above))
    return tables


def _hydra_folders(root: Path, start: Path, view: FolderView) -> list[Path]:
    """Where a config's task function may be: the project root and the config's project folder."""
    folders: list[Path] = []
    for folder in (root, project_folder(start, view)):
        if folder is None:
            continue
        # (the root is asked for by every config folder: resolved once per run)
        folder = view.remembered(("searchable folder", folder), lambda: _resolved_folder(folder))
        if folder is not None and folder not in folders:
            folders.append(folder)
    return folders


def _resolved_folder(folder: Path) -> Path | None:
    """The folder resolved, or None when it cannot be resolved or is not a folder."""
    try:
        folder = folder.resolve()
    except (OSError, RuntimeError):
        return None
    return folder if folder.is_dir() else None


def project_folder(start: Path, folders: FolderView | None = None) -> Path | None:
    """The nearest folder at or above `start` that marks a project (a .git, pyproject.toml or setup.py).
    `folders`: the run's view of the file system (each folder's answer worked out once per run)."""
    if folders is not None and start.is_absolute():
        found = _marked_folder(os.fspath(start), folders)
        return Path(found) if found is not None else None
    for folder in (start, *start.parents):
        if folders is not None:
            if any(folders.exists(os.path.join(folder, marker)) for marker in _MARKERS):
                return folder
        elif any((folder / marker).exists() for marker in _MARKERS):
            return folder
    return None


def _marked_folder(folder: str, view: FolderView) -> str | None:
    """project_folder of an absolute folder, worked out once per folder and run: a climb (not a
    recursion: a folder may be nested deeper than the interpreter's recursion limit) that stops at
    the first folder whose answer the run knows and gives its answer to every folder it passed (the
    config folders of a project share the folders above them: each is looked at once)."""
    passed: list[str] = []
    current = folder
    found = view.known(("project folder", current), _UNKNOWN)
    while found is _UNKNOWN:
        passed.append(current)
        parent = os.path.dirname(current)
        if any(view.exists(os.path.join(current, marker)) for marker in _MARKERS):
            found = current
        elif parent == current:
            found = None
        else:
            current = parent
            found = view.known(("project folder", current), _UNKNOWN)
    for each in passed:
        view.remember(("project folder", each), found)
    return found


_UNKNOWN = object()  # (a question the run has not answered yet)


def _virtualenv(folder: str, view: FolderView | None) -> bool:
    """Whether a folder is a virtualenv (holds a pyvenv.cfg). With a view, the folder is listed
    (as the walk would list it next) and the listing answers."""
    if view is None:
        return Path(folder, "pyvenv.cfg").exists()
    view.entries(folder)
    return view.exists(os.path.join(folder, "pyvenv.cfg"))


def _mentions_group(entry: HydraEntry, config: Path) -> int:
    """1 when the entry's primary config names the config group the sweep config belongs to."""
    try:
        group = config.relative_to(entry.config_dir).parts
    except ValueError:
        return 0
    if entry.config_name is None:
        return 0
    primary = entry.config_dir / entry.config_name
    if primary.suffix not in (".yaml", ".yml"):
        primary = primary.with_name(primary.name + ".yaml")
    if primary.resolve() == config:
        return 2
    if len(group) < 2:
        return 0
    try:
        text = primary.read_text(encoding="utf-8", errors="replace")[:MAX_SOURCE_BYTES]
    except OSError:
        return 0
    return 1 if re.search(rf"(?m)^\s*-?\s*(?:override\s+)?/?{re.escape(group[0])}\s*:", text) else 0


def hydra_entries(folder: Path, view: FolderView | None = None) -> list[HydraEntry]:
    """Every @hydra.main function under a folder (bounded walk, virtualenvs and VCS folders skipped).
    `view`: the run's view of the file system (its folders listed once for every question)."""
    out: list[HydraEntry] = []
    scanned = visited = 0
    for current, dirs, names in (view.walk(str(folder)) if view is not None else os.walk(folder)):
        visited += len(dirs) + len(names)
        if visited > MAX_VISITED:
            return out  # a data folder with many files: stop rather than stall the run
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                         and not _virtualenv(os.path.join(current, d), view))
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            scanned += 1
            if scanned > MAX_SCANNED:
                return out
            path = Path(current) / name
            try:  # a FIFO or device named *.py is skipped, not waited on
                data = read_head(path, MAX_SOURCE_BYTES)
            except (OSError, UnreadableFile):
                continue
            if b"hydra" not in data or b"main" not in data:
                continue
            text = data.decode("utf-8", errors="replace")
            for match in re.finditer(_HYDRA_MAIN, text):
                entry = _entry(path, match.group(1), text)
                if entry is not None and entry not in out:
                    out.append(entry)
    return out


def _literal(match: re.Match) -> str | None:
    return match.group(1) if match.group(1) is not None else match.group(2)


def _entry(path: Path, args: str, text: str) -> HydraEntry | None:
    if "hydra.main" not in text.replace(" ", "") and not re.search(r"from\s+hydra\s+import[^\n]*\bmain\b", text):
        return None
    found = re.search(_KEYWORD["config_path"], args) or re.search(_POSITIONAL, args)
    if found is None or _literal(found) is None:
        return None  # no config directory (or one computed at run time)
    where = _literal(found)
    if "://" in where:
        return None  # pkg:// and other search-path schemes: not a folder of this repository
    named = re.search(_KEYWORD["config_name"], args)
    config_name = _literal(named) if named is not None else None
    try:
        config_dir = (path.parent / where).resolve()
    except (OSError, RuntimeError):
        return None
    return HydraEntry(path, config_dir, config_name)


# --- local modules -----------------------------------------------------------------------------


def local_module(importer: str, module: str, name: str | None, level: int, program_dir: Path, root: Path) -> list[Path]:
    """Files in the repository an import refers to (none for site-packages or missing modules)."""
    if level:
        base = Path(importer).resolve().parent
        for _ in range(level - 1):
            base = base.parent
        folders = [base]
    else:
        folders = [Path(importer).resolve().parent, program_dir]
        if root not in folders:
            folders.append(root)
        if (root / "src").is_dir():
            folders.append(root / "src")
    parts = [p for p in module.split(".") if p] if module else []
    found: list[Path] = []
    for folder in folders:
        target = folder.joinpath(*parts) if parts else folder
        hits = []
        if parts and target.with_suffix(".py").is_file():
            hits.append(target.with_suffix(".py"))
        elif (target / "__init__.py").is_file():
            hits.append(target / "__init__.py")
        if name and name != "*" and (target / f"{name}.py").is_file():
            hits.append(target / f"{name}.py")
        hits = [h for h in hits if _inside(h, root, program_dir)]
        if hits:
            found.extend(hits)
            break
    return found


def _inside(path: Path, root: Path, program_dir: Path) -> bool:
    text = str(path)
    if "site-packages" in text or "dist-packages" in text or f"{os.sep}.venv{os.sep}" in text:
        return False
    resolved = path.resolve()
    return any(resolved.is_relative_to(folder) for folder in (root, program_dir))
