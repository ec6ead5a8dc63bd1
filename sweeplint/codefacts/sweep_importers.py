"""The program of a W&B sweep dict that lives in a module of its own (`configs/sweep_config.py`).

Such a module names no program; the training script that imports it (to hand the dict to
`wandb.sweep`, or to keep it beside the code) and starts a W&B run is the program its trials run.
Found by text first (the module's name and `wandb` in the file), then by the importer's own facts:
its imports must resolve to the sweep module, and it must read the run's config. Only a single such
importer counts: with two, the sweep's program is ambiguous.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sweeplint.codefacts.facts import FileFacts
from sweeplint.codefacts.program import local_module, project_folder
from sweeplint.codefacts.project_files import ScanLimit, python_files_mentioning

MAX_SCANNED = 500            # Python files looked at in the project
MAX_BYTES = 1_000_000


def importing_program(sweep_path: str, root: Path, facts_of: Callable[[str], FileFacts]) -> Path | None:
    """The one project file that imports the sweep module and reads a W&B run's config, or None."""
    try:
        target = Path(sweep_path).resolve()
    except (OSError, RuntimeError):
        return None
    folder = project_folder(target.parent) or root
    stem = (target.parent.name if target.name == "__init__.py" else target.stem).encode("utf-8")
    found: list[Path] = []
    try:
        for path, data in python_files_mentioning(folder, stem, target, MAX_SCANNED, MAX_BYTES):
            if b"wandb" not in data:
                continue
            facts = facts_of(str(path))
            if facts.error is None and _imports(path, facts, target, folder) and any(r.root == "wandb" for r in facts.reads):
                found.append(path)
                if len(found) > 1:
                    return None
    except ScanLimit:
        return None
    return found[0] if found else None


def _imports(importer: Path, facts: FileFacts, target: Path, root: Path) -> bool:
    for imp in facts.imports:
        hits = local_module(str(importer), imp.module, imp.name, imp.level, importer.parent, root)
        if any(h.resolve() == target for h in hits):
            return True
    return False
