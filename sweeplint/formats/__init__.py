"""Format readers. Each one recognises its files by content and turns them into Studies.

A reader module defines a `READER` object with:
    name:       the format name that ends up in Study.format
    semantics:  how the tool's loader types YAML scalars ("yaml1.1", "omegaconf", ...)
    recognise(root: Node) -> bool
    read(root: Node, ctx: ReadContext) -> list[Study]
Readers are tried in order; the first that recognises a document reads it. What each tool decides
(bounds, steps, spellings, objective APIs...) is its Dialect, in `<tool>_dialect.py` (see dialect.py).

This package never imports sweeplint.read: the read pipeline (sweeplint/read.py) calls the readers,
for YAML and Python sources alike, and adds what is common to both (declarations, file problems).
"""

from __future__ import annotations

from sweeplint.model import Directive, Problem
from sweeplint.records import field, record

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any, Protocol


@record(slots=True)
class ReadContext:
    """What a YAML/JSON reader gets besides the document, and where it puts problems."""

    path: str
    text: str
    semantics: str
    directives: tuple[Directive, ...]
    problems: list[Problem] = field(default_factory=list)
    ignored_settings: list = field(default_factory=list)   # model.IgnoredSetting, for the whole file


if TYPE_CHECKING:  # (the interface, for annotations and type checkers only)
    class Reader(Protocol):
        name: str

        def recognise(self, root: Any) -> bool: ...

        def read(self, root: Any, ctx: ReadContext) -> list: ...


# Readers for YAML/JSON documents, most specific first. Each module is imported when its reader is
# first asked about a document: a W&B file never pays for the Hydra override grammar.
CONFIG_READERS = ("wandb", "katib", "determined", "nni", "hydra")


class _ReaderOnDemand:
    """Stands for a format module's READER, importing the module on first use."""

    __slots__ = ("_module", "_reader")

    def __init__(self, module: str):
        self._module = module
        self._reader: Any = None

    def _load(self) -> Any:
        if self._reader is None:
            import importlib

            self._reader = importlib.import_module(f"sweeplint.formats.{self._module}").READER
        return self._reader

    def recognise(self, root: Any) -> bool:
        return self._load().recognise(root)

    def read(self, root: Any, ctx: ReadContext) -> list:
        return self._load().read(root, ctx)

    def __getattr__(self, name: str) -> Any:  # name, semantics...
        if name.startswith("_"):  # our own slots, unset (a copy made without __init__): never recurse
            raise AttributeError(name)
        return getattr(self._load(), name)


_CONFIG_READERS = [_ReaderOnDemand(module) for module in CONFIG_READERS]


def config_readers() -> list[Reader]:
    """Readers for YAML/JSON documents, most specific first: each one itself once its module is
    imported (asked about every document of a run, it is then called without a stand-in)."""
    return [reader if reader._reader is None else reader._reader for reader in _CONFIG_READERS]


@record(slots=True)
class PyReadContext:
    """What a Python reader gets besides the parsed module.

    `positions.span(node)` gives a node's Span (see sweeplint.pyexpr); `constants` maps
    module-level names to their expressions (for `pyeval.evaluate(node, ctx.constants)`).
    """

    path: str
    text: str
    positions: Any            # sweeplint.pyexpr.Positions
    constants: dict
    directives: tuple[Directive, ...]
    problems: list[Problem] = field(default_factory=list)


if TYPE_CHECKING:  # (the interface, for annotations and type checkers only)
    class PythonReader(Protocol):
        name: str

        def wants(self, text: str) -> bool: ...              # a cheap text test, before any parsing

        def read(self, module: Any, ctx: PyReadContext) -> list: ...   # libcst.Module -> list[Study]


# Readers of sweeps written in Python: (module, pattern). The module (which may import libcst)
# is imported only when the pattern occurs in the file's text; it defines READER with `name`,
# `wants(text)` (a finer text test) and `read(module, ctx)`. Register new Python readers here
# (e.g. W&B sweep dicts passed to wandb.sweep).
PYTHON_READERS: list[tuple[str, str]] = [
    ("sweeplint.formats.optuna", r"\.suggest_[a-z_]+\s*\("),
    ("sweeplint.formats.ray", r"\btune\.|\bfrom ray\b|\bimport ray\b"),
    ("sweeplint.formats.wandb_python", r"""sweep\s*\(|["']parameters["']"""),
]


def python_reader_list(text: str) -> list[PythonReader]:
    """The Python readers that want this text, imported on demand."""
    import importlib
    import re

    readers: list[PythonReader] = []
    for module_name, pattern in PYTHON_READERS:
        if re.search(pattern, text):
            reader = importlib.import_module(module_name).READER
            if reader.wants(text):
                readers.append(reader)
    return readers
