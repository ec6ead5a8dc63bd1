"""Where each node of a parsed module is, computed cheaply and turned into a Span only on request.

libcst's PositionProvider builds two position objects per node of the module while regenerating
its code, which cost twice the parse itself; most nodes never become a fact. Here the same
regeneration records only each node's (start, end) character offsets, with the same rules for
what a node's syntactic extent is (libcst's `record_syntactic_position` hook); `span(node)` turns
the offsets of a node that becomes a fact into lines and columns. Should libcst's code generation
change shape, `node_positions` falls back to the PositionProvider.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

import libcst as cst

from sweeplint.model import Span

_NEWLINE = re.compile(r"\r\n?|\n")  # what libcst counts as a line break


def node_positions(module: cst.Module):
    """An object whose `span(node)` is the node's Span (1-based columns), or None when unknown."""
    try:
        return _OffsetPositions(module)
    except Exception:  # noqa: BLE001 - libcst internals changed: the documented, slower way
        from libcst.metadata import MetadataWrapper, PositionProvider

        return _ProviderPositions(module, MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))


def _offset_state_class():
    from libcst._nodes.internal import CodegenState

    class OffsetCodegenState(CodegenState):
        """Code generation that records each node's extent as token indexes (turned into character
        offsets once, at the end), keyed by the node's id: a node's own `__hash__` is a Python call,
        and libcst's generator-based context manager for syntactic positions costs more than the
        rest of the recording. `full` is the whole code a node generates, `syntactic` the extent
        libcst's `record_syntactic_position` gives the nodes that have one."""

        def __init__(self, indent: str, newline: str):
            super().__init__(default_indent=indent, default_newline=newline)
            self.full: dict[int, tuple[int, int]] = {}
            self.syntactic: dict[int, tuple[int, int]] = {}
            self.popped: list[str] = []
            self._starts: list[int] = []
            self._open: list[tuple] = []

        def pop_trailing_newline(self) -> None:
            if self.tokens:
                self.popped.append(self.tokens.pop())  # extents recorded before still count it

        def before_codegen(self, node) -> None:
            self._starts.append(len(self.tokens))

        def after_codegen(self, node) -> None:
            self.full[id(node)] = (self._starts.pop(), len(self.tokens))

        def record_syntactic_position(self, node, *, start_node=None, end_node=None):
            self._open.append((node, start_node, end_node, len(self.tokens)))
            return self

        def __enter__(self) -> None:
            return None

        def __exit__(self, *exc) -> bool:
            node, start_node, end_node, start = self._open.pop()
            end = len(self.tokens)
            if start_node is not None:
                start = self.extent(start_node)[0]
            if end_node is not None:
                end = self.extent(end_node)[1]
            self.syntactic[id(node)] = (start, end)
            return False

        def extent(self, node) -> tuple[int, int]:
            """The syntactic extent when the node has one, else its whole code."""
            key = id(node)
            found = self.syntactic.get(key)
            return found if found is not None else self.full[key]

    return OffsetCodegenState


_STATE_CLASS = None


class _OffsetPositions:
    def __init__(self, module: cst.Module):
        global _STATE_CLASS
        if _STATE_CLASS is None:
            _STATE_CLASS = _offset_state_class()
        state = _STATE_CLASS(module.default_indent, module.default_newline)
        module._codegen(state)
        self._module = module  # the ids below are the ids of its nodes: keep them alive
        self._full = state.full
        self._syntactic = state.syntactic
        self._text = "".join(state.tokens)
        # character offset at each token index (the trailing newline a module without one popped
        # still counts, as it did when the extents were recorded)
        self._offsets = [0, *accumulate(map(len, state.tokens + state.popped))]
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self._text)]

    def _point(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def span(self, node) -> Span | None:
        key = id(node)
        found = self._syntactic.get(key) or self._full.get(key)
        if found is None:
            return None
        (line, column), (end_line, end_column) = self._point(self._offsets[found[0]]), self._point(self._offsets[found[1]])
        return Span(line, column, end_line, end_column)

    def code(self, node) -> str:
        """The code the node generates, as `Module.code_for_node` gives it up to indentation
        (whitespace differs only where `code_for_node` starts from an empty indentation)."""
        found = self._full.get(id(node))
        if found is None:
            return self._module.code_for_node(node)
        return self._text[self._offsets[found[0]]:self._offsets[found[1]]]


class _ProviderPositions:
    def __init__(self, module: cst.Module, ranges):
        self._module = module
        self._ranges = ranges

    def code(self, node) -> str:
        return self._module.code_for_node(node)

    def span(self, node) -> Span | None:
        r = self._ranges.get(node)
        return None if r is None else Span(r.start.line, r.start.column + 1, r.end.line, r.end.column + 1)
