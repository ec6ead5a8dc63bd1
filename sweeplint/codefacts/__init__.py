"""Step 3 of the pipeline: what the training code does with each hyperparameter.

`CodeFactsStore` is made once per run. For a study it finds the program (`resolve_program`), reads
the program and the repository-local modules it imports, extracts each file's facts once (libcst,
imported only here and only when a Python file must really be parsed), and links them into
`ProgramFacts`. Nothing is imported or executed from the user's code.
"""

from __future__ import annotations

from pathlib import Path

from sweeplint.codefacts.folders import FolderView
from sweeplint.codefacts.program import MAX_FILES, Resolution, local_module, resolve_program
from sweeplint.model import ConfigFile, Problem, Study
from sweeplint.records import replace

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any, Protocol

    from sweeplint.codefacts.facts import FileFacts, ProgramFacts

__all__ = ["CodeFactsStore", "FileFacts", "ProgramFacts", "Resolution", "resolve_program", "file_facts_from_text"]


def __getattr__(name: str):
    """FileFacts and ProgramFacts, imported on first use: a run whose configs name no readable
    program never makes facts, and defining their classes cost every start some 3 ms."""
    if name in ("FileFacts", "ProgramFacts"):
        from sweeplint.codefacts import facts

        return getattr(facts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:  # (only for annotations: defining a Protocol class cost every start a fraction of a millisecond)
    class FactsCache(Protocol):
        """Where facts of a file may be kept between runs, keyed by the hash of its text."""

        def get(self, key: str) -> dict | None: ...

        def put(self, key: str, value: dict) -> None: ...


# Part of every cache key: change it whenever the extracted facts (or their shape) change.
FACTS_VERSION = "8"


def content_key(text: str) -> str:
    import hashlib  # (only runs with a cache need it)

    from sweeplint import __version__

    return hashlib.sha256(f"codefacts/{__version__}/{FACTS_VERSION}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def file_facts_from_text(text: str) -> FileFacts:
    from sweeplint.codefacts.extract import extract  # imports libcst

    return extract(text)


class CodeFactsStore:
    """Facts of programs for one run: each file parsed at most once, each program linked once."""

    def __init__(self, settings: Any = None, cache: FactsCache | None = None, texts: dict[str, str] | None = None):
        self.settings = settings
        self.cache = cache
        self.texts = texts or {}                 # path -> text given by the caller (e.g. stdin)
        self._files: dict[str, FileFacts] = {}
        self._programs: dict[str, ProgramFacts | None] = {}
        self._resolutions: dict[tuple[int, str], Resolution] = {}
        self._hydra_entries: dict = {}           # folder -> its @hydra.main files by config dir, scanned once per run
        self._dockerfiles: dict = {}             # project folder -> its Dockerfiles, walked once per run
        self.folders = FolderView()              # each folder listed, each config resolved, once per run
        self.root = Path(getattr(settings, "root", None) or Path.cwd()).resolve()

    # --- per file ----------------------------------------------------------------------------------

    def file_facts(self, path: str) -> FileFacts:
        key = str(Path(path).resolve())
        found = self._files.get(key)
        if found is not None:
            return found
        from sweeplint.codefacts.facts import FileFacts

        text = self.texts.get(path)
        if text is None:
            from sweeplint.source import UnreadableFile, read_text

            try:
                text = read_text(path)
            except UnreadableFile as exc:
                facts = FileFacts(error=exc.message, error_span=exc.span)
                self._files[key] = facts
                return facts
            except OSError as exc:
                facts = FileFacts(error=f"cannot read the file: {exc.strerror or exc}")
                self._files[key] = facts
                return facts
        facts = None
        hashed = content_key(text) if self.cache is not None else None
        if hashed is not None:
            stored = self.cache.get(hashed)
            if stored is not None:
                try:
                    facts = FileFacts.from_dict(stored)
                except (TypeError, KeyError, ValueError):
                    facts = None
        if facts is None:
            facts = file_facts_from_text(text)
            if hashed is not None:
                self.cache.put(hashed, facts.to_dict())
        self._files[key] = facts
        return facts

    # --- per program -------------------------------------------------------------------------------

    def resolution(self, study: Study, config_path: str) -> Resolution:
        key = (id(study), config_path)
        found = self._resolutions.get(key)
        if found is None:
            if study.program is None and not study.command and config_path.endswith(".py") and not study.declarations.program:
                found = self._importer(study, config_path) or Resolution("python", config_path, config_path, None, "self")
            else:
                found = resolve_program(study, config_path, self.settings, self._hydra_entries, self.folders)
                if found.status in ("none", "missing") and study.format == "katib":
                    found = self._in_container(study, config_path, found)
            self._resolutions[key] = found
        return found

    def _importer(self, study: Study, config_path: str) -> Resolution | None:
        """A W&B sweep dict in a module that reads no run config itself: the project file that imports
        the module and starts the run is the program (sweep_importers)."""
        if study.format != "wandb" or any(r.root == "wandb" for r in self.file_facts(config_path).reads):
            return None
        from sweeplint.codefacts.program import _display as shown
        from sweeplint.codefacts.sweep_importers import importing_program

        found = importing_program(config_path, self.root, self.file_facts)
        if found is None:
            return None
        return Resolution("python", shown(found), shown(found), None, "importer")

    def _in_container(self, study: Study, config_path: str, res: Resolution) -> Resolution:
        """A container trial's program through the repository's Dockerfiles (containers): the file
        copied to the path the command names, or the script the only Dockerfile runs."""
        from sweeplint.codefacts.containers import container_program
        from sweeplint.codefacts.program import _display as shown

        if res.status == "missing" and not (res.name or "").startswith("/"):
            return res
        found = container_program(config_path, self.root, res.name if res.status == "missing" else None,
                                  self._dockerfiles, self.folders)
        if found is None:
            return res
        return Resolution("python", res.name or shown(found), shown(found), res.span, "container")

    def hydra_target_miss(self, study: Study, config_path: str, name: str):
        """For a Hydra sweep key, the project class instantiated at its node when that class's
        constructor does not take the key (codefacts.hydra_targets), else None."""
        from sweeplint.codefacts.hydra_targets import missed_key, primary_config
        from sweeplint.codefacts.program import project_folder

        res = self.resolution(study, config_path)
        if res.how != "hydra" or res.path is None or res.config_dir is None:
            return None
        project = project_folder(Path(res.path).resolve().parent) or self.root
        return missed_key(res.config_dir, primary_config(res.path), config_path, name, project, self.file_facts)

    def for_study(self, study: Study, config_path: str) -> ProgramFacts | None:
        res = self.resolution(study, config_path)
        if res.status != "python" or res.path is None:
            return None
        return self.program(res.path)

    def program(self, path: str) -> ProgramFacts | None:
        key = str(Path(path).resolve())
        if key in self._programs:
            return self._programs[key]
        try:
            return self._program(path, key)
        except (RecursionError, OSError, ValueError):  # a pathological tree or file system: no facts
            self._programs[key] = None
            return None

    def _program(self, path: str, key: str) -> ProgramFacts | None:
        entry = self.file_facts(path)
        if entry.error is not None:
            self._programs[key] = None
            return None
        program_dir = Path(path).resolve().parent
        files: dict[str, FileFacts] = {path: entry}
        modules: dict[str, dict[str, tuple[str, str]]] = {}
        seen = {key: path}
        queue = [path]
        while queue and len(files) < MAX_FILES:
            current = queue.pop(0)
            facts = files[current]
            table: dict[str, tuple[str, str]] = {}
            for imp in facts.imports:
                for hit in local_module(current, imp.module, imp.name, imp.level, program_dir, self.root):
                    hit_key = str(hit.resolve())
                    shown = seen.get(hit_key)
                    if shown is None:
                        shown = _display(hit)
                        seen[hit_key] = shown
                        sub = self.file_facts(shown)
                        if sub.error is None:
                            files[shown] = sub
                            queue.append(shown)
                    if shown not in files:
                        continue
                    is_submodule = imp.name is not None and hit.stem == imp.name
                    if imp.name is None or imp.name == "*":
                        table[imp.alias] = (shown, "")
                    elif is_submodule:
                        table[imp.alias] = (shown, "")
                    else:
                        table[imp.alias] = (shown, imp.name)
            modules[current] = table
        from sweeplint.codefacts.linking import link

        result = link(path, files, modules)
        self._programs[key] = result
        return result

    # --- the pipeline step ---------------------------------------------------------------------------

    def annotate(self, file: ConfigFile) -> ConfigFile:
        """Resolve every study's program and compute its facts; a program that is Python but cannot
        be parsed becomes a parse-error problem of the config, at the place that names it."""
        extra: list[Problem] = []
        if file.path not in self.texts:  # (a text given by the caller may not be what the disk holds)
            self.folders.note_read(file.path, file.text)
        for study in file.studies:
            res = self.resolution(study, file.path)
            if res.status != "python" or res.path is None or res.how == "self":
                continue
            facts = self.file_facts(res.path)
            if facts.error is not None and res.span is not None and not facts.internal:
                problem = Problem("SL001", res.span, f"the program {res.name} cannot be read: {facts.error}"
                                  + (f" (line {facts.error_span.line})" if facts.error_span else ""))
                if problem not in extra:
                    extra.append(problem)
                continue
            self.program(res.path)
        if extra:
            return replace(file, problems=file.problems + tuple(extra))
        return file


def _display(path: Path) -> str:
    import os

    try:
        rel = os.path.relpath(path)
        return rel if not rel.startswith("..") else str(path)
    except ValueError:
        return str(path)
