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


def node_positions(module: cst.Module, text: str | None = None, tree=None):
    """An object whose `span(node)` is the node's Span (1-based columns), or None when unknown.
    Given the module's text and the standard library's parse of it (`tree`), positions are
    computed statement by statement, on demand."""
    if text is not None and tree is not None:
        try:
            return _LazyPositions(module, text, tree)
        except (_Mismatch, RecursionError):
            pass
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
            self.heads: dict[int, int] = {}    # where the nodes open when the generation stopped begin
            self.stop_at = 0                   # id of the node before which to stop (a statement's body)
            self._starts: list[int] = []
            self._open: list[tuple] = []

        def pop_trailing_newline(self) -> None:
            if self.tokens:
                self.popped.append(self.tokens.pop())  # extents recorded before still count it

        def before_codegen(self, node) -> None:
            if id(node) == self.stop_at:
                raise _Stop
            self._starts.append(len(self.tokens))

        def after_codegen(self, node) -> None:
            self.full[id(node)] = (self._starts.pop(), len(self.tokens))

        def record_syntactic_position(self, node, *, start_node=None, end_node=None):
            self._open.append((node, start_node, end_node, len(self.tokens)))
            return self

        def __enter__(self) -> None:
            return None

        def __exit__(self, kind, *exc) -> bool:
            node, start_node, end_node, start = self._open.pop()
            if kind is _Stop:
                self.heads[id(node)] = start if start_node is None else self.extent(start_node)[0]
                return False
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


def _line_and_column(line_starts: list[int], offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset, given the offset each line starts at."""
    line = bisect.bisect_right(line_starts, offset)
    return line, offset - line_starts[line - 1] + 1


class _Stop(Exception):
    """Raised to end a statement's generation where its body begins."""


def _state_class():
    global _STATE_CLASS
    if _STATE_CLASS is None:
        _STATE_CLASS = _offset_state_class()
    return _STATE_CLASS


class _OffsetPositions:
    def __init__(self, module: cst.Module):
        state = _state_class()(module.default_indent, module.default_newline)
        module._codegen(state)
        self._module = module  # the ids below are the ids of its nodes: keep them alive
        self._full = state.full
        self._syntactic = state.syntactic
        if state.popped:  # the module's own extent still ends after the newline it popped
            self._full[id(module)] = (self._full[id(module)][0], len(state.tokens) + len(state.popped))
        self._text = "".join(state.tokens)
        # character offset at each token index (the trailing newline a module without one popped
        # still counts, as it did when the extents were recorded)
        self._offsets = [0, *accumulate(map(len, state.tokens + state.popped))]
        # the popped newline too: the end of the last line's nodes is the start of the next line, as
        # libcst's PositionProvider counts it
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self._text + "".join(state.popped))]

    def _point(self, offset: int) -> tuple[int, int]:
        return _line_and_column(self._line_starts, offset)

    def span(self, node) -> Span | None:
        key = id(node)
        found = self._syntactic.get(key) or self._full.get(key)
        if found is None:
            return None
        (line, column), (end_line, end_column) = self._point(self._offsets[found[0]]), self._point(self._offsets[found[1]])
        return Span(line, column, end_line, end_column)

    def line(self, node) -> int | None:
        found = self.span(node)
        return None if found is None else found.line

    def code(self, node) -> str:
        """The code the node generates, as `Module.code_for_node` gives it up to indentation
        (whitespace differs only where `code_for_node` starts from an empty indentation)."""
        found = self._full.get(id(node))
        if found is None:
            return self._module.code_for_node(node)
        return self._text[self._offsets[found[0]]:self._offsets[found[1]]]

    def enter(self, node) -> None:
        pass

    def leave(self) -> None:
        pass


class _ProviderPositions:
    def __init__(self, module: cst.Module, ranges):
        self._module = module
        self._ranges = ranges

    def code(self, node) -> str:
        return self._module.code_for_node(node)

    def line(self, node) -> int | None:
        r = self._ranges.get(node)
        return None if r is None else r.start.line

    def enter(self, node) -> None:
        pass

    def leave(self) -> None:
        pass

    def span(self, node) -> Span | None:
        r = self._ranges.get(node)
        return None if r is None else Span(r.start.line, r.start.column + 1, r.end.line, r.end.column + 1)


# --- positions on demand ---------------------------------------------------------------------------
#
# Most statements of a module hold no node that becomes a fact. The standard library's parse of
# the same text (C, a tenth of libcst's) gives the line each statement's first token is on; with
# the number of comment and blank lines libcst attaches before it, that is the line its code starts
# at (column 1: a statement's code begins with its indentation). A statement's code is then
# generated alone, with the indentation of the blocks around it, only when a node in it is asked
# about, and only up to where its body begins when the node is in its header. Each generated piece
# is checked against the text at the place computed for it; on any mismatch (or a parse the two
# parsers disagree on) the whole module is generated as before.

_STATEMENT_BODIES = ("body", "handlers", "orelse", "finalbody", "cases")   # in source order


def _first_lines(tree) -> list[tuple[int, int]]:
    """The line of each statement's first token (a decorator's for a decorated definition) and of
    its keyword, in source order, nested statements after the statement holding them."""
    import ast

    out: list[tuple[int, int]] = []
    pending = [iter(tree.body)]
    while pending:
        statement = next(pending[-1], None)
        if statement is None:
            pending.pop()
            continue
        decorators = getattr(statement, "decorator_list", None)
        out.append((decorators[0].lineno if decorators else statement.lineno, statement.lineno))
        inner: list = []
        kind = type(statement)
        if kind is ast.Match:
            for case in statement.cases:
                inner.extend(case.body)
        else:
            inner.extend(getattr(statement, "body", ()))
            for handler in getattr(statement, "handlers", ()):
                inner.extend(handler.body)
            inner.extend(getattr(statement, "orelse", ()))
            inner.extend(getattr(statement, "finalbody", ()))
        if inner:
            pending.append(iter(inner))
    return out


class _Mismatch(Exception):
    """The two parses or the text and the generated code disagree: generate the whole module."""


class _LazyPositions:
    def __init__(self, module: cst.Module, text: str, tree) -> None:
        self._module = module
        self._text = text
        # a module without a final newline: its last statement's code still ends with one
        self._checked_text = text if module.has_trailing_newline else text + module.default_newline
        # (lines counted in that text: the newline ends the last line, as libcst's PositionProvider counts it)
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self._checked_text)]
        # id(statement) -> (statement, first line of its code, indentation around it, is an elif)
        self._units: dict[int, tuple] = {}
        self._full: dict[int, tuple[int, int]] = {}      # absolute character offsets
        self._syntactic: dict[int, tuple[int, int]] = {}
        self._heads: dict[int, int] = {}                 # start offsets of statements generated up to their body
        self._generated: set[int] = set()                # units generated whole
        self._headed: set[int] = set()                   # units generated up to their body
        self._keyword_lines: dict[int, int] = {}        # a definition's `def`/`class` line
        self._stack: list = []
        self._whole = None                               # _OffsetPositions, once anything disagreed
        lines = _first_lines(tree)
        end = self._map(module.body, (), lines, 0)
        if end != len(lines):
            raise _Mismatch

    def _map(self, body, indents: tuple, lines: list[int], i: int) -> int:
        units = self._units
        for statement in body:
            kind = type(statement)
            if i >= len(lines):
                raise _Mismatch
            units[id(statement)] = (statement, lines[i][0] - len(statement.leading_lines), indents, False)
            if kind is cst.FunctionDef or kind is cst.ClassDef:
                self._keyword_lines[id(statement)] = lines[i][1]
            if kind is cst.SimpleStatementLine:
                i += len(statement.body)
                continue
            i = self._map_compound(statement, indents, lines, i + 1)
        return i

    def _map_compound(self, statement, indents: tuple, lines: list[int], i: int) -> int:
        for name in _STATEMENT_BODIES:
            part = getattr(statement, name, None)
            if part is None:
                continue
            if type(part) is cst.If:  # elif: a statement of its own, at the same indentation
                self._units[id(part)] = (part, lines[i][0] - len(part.leading_lines), indents, True)
                i = self._map_compound(part, indents, lines, i + 1)
            elif isinstance(part, (tuple, list)):   # handlers, match cases (indented below the match)
                around = indents
                if name == "cases":
                    around = (*indents, self._module.default_indent if statement.indent is None else statement.indent)
                for clause in part:
                    i = self._map_suite(clause.body, around, lines, i)
            elif isinstance(part, cst.BaseSuite):
                i = self._map_suite(part, indents, lines, i)
            else:                                   # else:, finally:
                i = self._map_suite(part.body, indents, lines, i)
        return i

    def _map_suite(self, suite, indents: tuple, lines: list[int], i: int) -> int:
        if type(suite) is cst.IndentedBlock:
            return self._map(suite.body, (*indents, self._module.default_indent if suite.indent is None else suite.indent), lines, i)
        return i + len(suite.body)   # statements on the header's line belong to the header's statement

    # --- the walk says which statement it is in ---------------------------------------------------

    def enter(self, node) -> None:
        self._stack.append(node)

    def leave(self) -> None:
        self._stack.pop()

    # --- generating pieces -------------------------------------------------------------------------

    def _generate(self, statement, whole: bool) -> None:
        _, first_line, indents, is_elif = self._units[id(statement)]
        state = _state_class()(self._module.default_indent, self._module.default_newline)
        state.indent_tokens.extend(indents)
        if not whole:
            body = statement.cases[0] if type(statement) is cst.Match else statement.body
            state.stop_at = id(body)
        try:
            if is_elif:
                statement._codegen(state, is_elif=True)
            else:
                statement._codegen(state)
        except _Stop:
            if whole:
                raise
        if not 1 <= first_line <= len(self._line_starts):
            raise _Mismatch
        base = self._line_starts[first_line - 1]
        tokens = state.tokens
        code = "".join(tokens)
        if not self._checked_text.startswith(code, base):
            raise _Mismatch
        offsets = list(accumulate(map(len, tokens), initial=base))
        self._full.update({key: (offsets[a], offsets[b]) for key, (a, b) in state.full.items()})
        self._syntactic.update({key: (offsets[a], offsets[b]) for key, (a, b) in state.syntactic.items()})
        self._heads.update({key: offsets[a] for key, a in state.heads.items()})
        (self._generated if whole else self._headed).add(id(statement))

    def _find(self, key: int, want_end: bool) -> tuple[int, int | None] | None:
        found = self._syntactic.get(key) or self._full.get(key)
        if found is not None:
            return found
        if not want_end and key in self._heads:
            return self._heads[key], None
        return None

    def _locate(self, node, want_end: bool = True) -> tuple[int, int | None] | None:
        key = id(node)
        found = self._find(key, want_end)
        if found is not None:
            return found
        try:
            # the statements the walk is in, innermost first: a simple statement whole, a compound
            # one up to its body; then the compound ones whole
            for statement in reversed(self._stack):
                unit = id(statement)
                if unit in self._generated:
                    continue
                whole = type(statement) is cst.SimpleStatementLine
                if not whole and (unit in self._headed or type(statement) is cst.Match):
                    continue
                self._generate(statement, whole)
                found = self._find(key, want_end)
                if found is not None:
                    return found
            for statement in reversed(self._stack):
                if id(statement) not in self._generated:
                    self._generate(statement, True)
                    found = self._find(key, want_end)
                    if found is not None:
                        return found
        except _Mismatch:
            pass
        return None

    def _fallback(self):
        if self._whole is None:
            self._whole = _OffsetPositions(self._module)
        return self._whole

    def _point(self, offset: int) -> tuple[int, int]:
        return _line_and_column(self._line_starts, offset)

    def span(self, node) -> Span | None:
        if self._whole is None:
            found = self._locate(node)
            if found is not None:
                (line, column), (end_line, end_column) = self._point(found[0]), self._point(found[1])
                return Span(line, column, end_line, end_column)
        return self._fallback().span(node)

    def _keyword_line(self, node) -> int | None:
        """A definition's line as the standard parse gives it, when that line holds the keyword
        at the definition's indentation (else the definition's head is generated)."""
        line = self._keyword_lines.get(id(node))
        if line is None or line > len(self._line_starts):
            return None
        indent = "".join(self._units[id(node)][2])
        start = self._line_starts[line - 1]
        if type(node) is cst.ClassDef:
            keyword = "class"
        else:
            keyword = "def" if node.asynchronous is None else "async"
        if self._text.startswith(indent, start) and self._text.startswith(keyword, start + len(indent)):
            return line
        return None

    def line(self, node) -> int | None:
        """The line a node starts on (a compound statement's body need not be generated for it)."""
        if self._whole is None:
            line = self._keyword_line(node)
            if line is not None:
                return line
            found = self._locate(node, want_end=False)
            if found is not None:
                return self._point(found[0])[0]
        found = self._fallback().span(node)
        return None if found is None else found.line

    def code(self, node) -> str:
        if self._whole is None:
            found = self._full.get(id(node))
            if found is not None:
                return self._text[found[0]:found[1]]
            return self._module.code_for_node(node)
        return self._fallback().code(node)
