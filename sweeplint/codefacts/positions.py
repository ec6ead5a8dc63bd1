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
from contextlib import contextmanager

import libcst as cst

from sweeplint.model import Span

_NEWLINE = re.compile(r"\r\n?|\n")  # what libcst counts as a line break


def node_positions(module: cst.Module):
    """An object whose `span(node)` is the node's Span (1-based columns), or None when unknown."""
    try:
        return _OffsetPositions(module)
    except Exception:  # noqa: BLE001 - libcst internals changed: the documented, slower way
        from libcst.metadata import MetadataWrapper, PositionProvider

        return _ProviderPositions(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))


def _offset_state_class():
    from libcst._nodes.internal import CodegenState

    class OffsetCodegenState(CodegenState):
        """Code generation that counts characters and records each node's offsets."""

        def __init__(self, indent: str, newline: str):
            super().__init__(default_indent=indent, default_newline=newline)
            self.offset = 0
            self.ranges: dict = {}
            self._starts: list[int] = []

        def add_indent_tokens(self) -> None:
            self.tokens.extend(self.indent_tokens)
            for token in self.indent_tokens:
                self.offset += len(token)

        def add_token(self, value: str) -> None:
            self.tokens.append(value)
            self.offset += len(value)

        def pop_trailing_newline(self) -> None:
            if self.tokens:
                self.offset -= len(self.tokens.pop())

        def before_codegen(self, node) -> None:
            self._starts.append(self.offset)

        def after_codegen(self, node) -> None:
            start = self._starts.pop()
            if node not in self.ranges:  # a syntactic extent recorded inside wins
                self.ranges[node] = (start, self.offset)

        @contextmanager
        def record_syntactic_position(self, node, *, start_node=None, end_node=None):
            start = self.offset
            try:
                yield
            finally:
                end = self.offset
                if start_node is not None:
                    start = self.ranges[start_node][0]
                if end_node is not None:
                    end = self.ranges[end_node][1]
                self.ranges[node] = (start, end)

    return OffsetCodegenState


_STATE_CLASS = None


class _OffsetPositions:
    def __init__(self, module: cst.Module):
        global _STATE_CLASS
        if _STATE_CLASS is None:
            _STATE_CLASS = _offset_state_class()
        state = _STATE_CLASS(module.default_indent, module.default_newline)
        module._codegen(state)
        self._ranges = state.ranges
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer("".join(state.tokens))]

    def _point(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def span(self, node) -> Span | None:
        found = self._ranges.get(node)
        if found is None:
            return None
        (line, column), (end_line, end_column) = self._point(found[0]), self._point(found[1])
        return Span(line, column, end_line, end_column)


class _ProviderPositions:
    def __init__(self, ranges):
        self._ranges = ranges

    def span(self, node) -> Span | None:
        r = self._ranges.get(node)
        return None if r is None else Span(r.start.line, r.start.column + 1, r.end.line, r.end.column + 1)
