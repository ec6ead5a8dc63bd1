"""Step 6 of the pipeline: turning diagnostics into one of the output formats.

Each format is a module here with `render(diagnostics, ctx) -> str`.
"""

from __future__ import annotations

import importlib
import os

from sweeplint.records import record

FORMATS = ("concise", "full", "json", "json-lines", "sarif", "github", "gitlab", "junit")


@record
class ReportContext:
    """What a report format needs besides the findings."""

    color: bool = False
    files_checked: int = 0
    texts: dict | None = None       # path -> text, for formats that quote the source
    files: tuple = ()               # the sweep files checked (a report per file: junit)
    root: str | None = None         # what CI formats make paths relative to (default: the working directory)


def relative_path(path: str, root: str | None = None) -> str:
    """A path relative to `root` (default: the working directory), forward slashes, no `./`.

    Paths outside the root stay absolute: they cannot be shown in the repository anyway.
    """
    root = os.path.abspath(root or os.getcwd())
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return absolute.replace(os.sep, "/")
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return absolute.replace(os.sep, "/")
    return rel.replace(os.sep, "/")


def repository_root(start, settings=None) -> str:
    """The folder CI reports make paths relative to, whatever the working directory: the git
    repository holding `start` (a `.git` folder, or the `.git` file of a worktree or submodule),
    else the project root (where the configuration, or a pyproject.toml, is), else the working
    directory."""
    from pathlib import Path

    here = Path(start).resolve()
    folders = [here, *here.parents] if here.is_dir() else list(here.parents)
    for folder in folders:
        if (folder / ".git").exists():
            return str(folder)
    if settings is not None and getattr(settings, "source", None) is not None:
        return str(Path(settings.root).resolve())
    for folder in folders:
        if (folder / "pyproject.toml").is_file():
            return str(folder)
    return str(Path.cwd())


def render(fmt: str, diagnostics: list, ctx: ReportContext) -> str:
    module = importlib.import_module(f"sweeplint.report.{fmt.replace('-', '_')}")
    # A file name with undecodable bytes, or a string escape in a config, can put a lone surrogate
    # into a path or a message. Written as its backslash escape it stays readable in text and is the
    # JSON escape of the same character in JSON, SARIF and GitLab documents, so every document is valid.
    text = module.render(diagnostics, ctx)
    if text.isascii():  # (known without a scan) no surrogate: a JSON report always, most others
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def available() -> tuple[str, ...]:
    """The formats whose module is present. The folder is listed directly: pkgutil costs more to
    import (~5 ms) than a check spends rendering a small report; it is the fallback where the
    package is not a folder (a zip)."""
    try:
        present = {entry.split(".", 1)[0].replace("_", "-") for entry in os.listdir(os.path.dirname(__file__))}
    except OSError:
        import pkgutil

        from sweeplint import report

        present = {m.name.replace("_", "-") for m in pkgutil.iter_modules(report.__path__)}
    return tuple(f for f in FORMATS if f in present)
