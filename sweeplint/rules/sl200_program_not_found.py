from __future__ import annotations

import os
from collections.abc import Iterator

from sweeplint.codefacts.folders import FolderView
from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule

# How far up from the config a program may sit: agents are usually started from the repository
# root or a folder above the config.
ANCESTORS = 6


class ProgramNotFound(Rule):
    code = "SL200"
    name = "program-not-found"
    severity = Severity.WARNING
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            found = ctx.program(study)
            # Only programs the sweep names as a file of this repository (`program:` or a declared
            # one); a trial command runs inside a container image whose files we cannot see.
            if found.status != "missing" or found.how not in ("program", "declared") or not found.name:
                continue
            if found.name.startswith(("/", "~")) or found.name[1:3] in (":\\", ":/"):
                continue  # an absolute path names a file in a container image or a notebook machine
            folders = ctx.code_facts.folders  # set by ctx.program: this run's view of the folders
            # (hundreds of configs share a few folders and programs: each answer is worked out once a run)
            config_folder = folders.real_folder(ctx.file.path)
            above = folders.remembered(("folders above", config_folder), lambda: _folders_above(config_folder))
            if folders.remembered(("file above", config_folder, found.name),
                                  lambda: any(folders.is_file(folder, found.name) for folder in above)):
                continue
            if not folders.remembered(("python near", config_folder), lambda: _has_python_near(folders, above)):
                continue  # a config kept apart from its code (a folder of configs): nothing to say
            where = "in [[tool.sweeplint.study]]" if found.how == "declared" else "by the sweep"
            yield Finding.split(
                found.span or study.span,
                f"the program {found.name!r} named {where} does not exist next to the config or in any folder above it, "
                f"so every run fails to start, and the rules that read the training code cannot check it",
            )


def _folders_above(folder: str) -> list[str]:
    """The config's (resolved) folder and the folders above it, nearest first, at most ANCESTORS of them."""
    out = [folder]
    while len(out) < ANCESTORS:
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        out.append(parent)
        folder = parent
    return out


def _has_python_near(folders: FolderView, above: list[str]) -> bool:
    """Whether the config sits in a code checkout: a Python file in its folder or a folder above."""
    for folder in above:
        holds = folders.holds_python(folder)  # None: the folder cannot be listed
        if holds is None:
            return False
        if holds:
            return True
    return False
