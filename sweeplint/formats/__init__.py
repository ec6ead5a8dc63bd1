"""Format readers. Each one recognises its files by content and turns them into Studies.

A reader module defines a `READER` object with:
    name:       the format name that ends up in Study.format
    semantics:  how the tool's loader types YAML scalars ("yaml1.1", "omegaconf", ...)
    recognise(root: Node) -> bool
    read(root: Node, ctx: ReadContext) -> list[Study]
Readers are tried in order; the first that recognises a document reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sweeplint.model import Directive, Problem


@dataclass(slots=True)
class ReadContext:
    path: str
    text: str
    semantics: str
    directives: tuple[Directive, ...]
    problems: list[Problem] = field(default_factory=list)


class Reader(Protocol):
    name: str

    def recognise(self, root: Any) -> bool: ...

    def read(self, root: Any, ctx: ReadContext) -> list: ...


def config_readers() -> list[Reader]:
    """Readers for YAML/JSON documents, most specific first."""
    from sweeplint.formats import wandb

    return [wandb.READER]


def python_readers(path: str, text: str, explicit: bool):
    """Sweeps defined in Python (W&B dicts, Optuna, Ray Tune). None are read yet: not a sweep file."""
    from sweeplint.model import ConfigFile

    return ConfigFile(path, text)
