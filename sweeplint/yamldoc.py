"""YAML and JSON documents with a position on every node.

Two ways to the same nodes. The fast one composes in C (libyaml's composer, with PyYAML's tag
resolution switched off so that the scalars are typed by each target tool's rules here), then
makes one iterative pass over the tree. It is taken only after cheap bounds on the text: its size
(the C tree is built before anything can be counted) and an upper bound on its nesting computed
from brackets and indentation (the C composer recurses once per level, and a small thread's stack
holds a few hundred levels). Anything the pass finds out of the ordinary (a node budget or entry
bound exceeded, nesting beyond MAX_DEPTH, a recursive alias, a second document) or any error in C
sends the text down the other way: our own composer over libyaml's event stream, iterative, with
every bound checked as events arrive and every error reported at its exact place. Both give the
same nodes; aliased nodes are shared and counted in full against the node budget. Nothing here
ever constructs a Python object from a tag.
"""

from __future__ import annotations

import yaml

from sweeplint.model import Span
from sweeplint.yamldoc_c import c_composable, compose_in_c
from sweeplint.yamlnodes import (EVENT_LOADER, MAX_DEPTH, MAX_ENTRIES, MAX_NODES, NO_LIMIT, Document, DuplicateKey, Node,
                                 UnsafeTag, YAMLReadError, YMap, YScalar, YSeq, close_collection, over_budget,
                                 read_error, make_scalar, short_tag, span_of, to_python, too_many_entries,
                                 type_scalar)

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

__all__ = ["MAX_DEPTH", "MAX_ENTRIES", "MAX_NODES", "Document", "YAMLReadError", "YMap", "YScalar", "YSeq",
           "compose", "load_data", "to_python", "type_scalar"]


def compose(text: str, semantics: str = "yaml1.1") -> Document:
    """Compose every document in `text`. Raises YAMLReadError on syntax errors and bounds."""
    if semantics == "json":
        # JSON allows tabs as whitespace where YAML does not; outside strings they are only
        # whitespace, and one character for one keeps every position.
        text = text.replace("\t", " ")
    if c_composable(text, semantics == "json"):
        document = compose_in_c(text, semantics)
        if document is not None:
            return document
    return _compose_events(text, semantics)


def load_data(text: str, semantics: str = "yaml1.1") -> Any:
    """The first document as plain Python data, under the same depth, size and alias bounds as
    every sweep file (a side file a program loads must not be a way around them).
    Raises YAMLReadError."""
    roots = compose(text, semantics).roots
    return to_python(roots[0]) if roots else None


def _compose_events(text: str, semantics: str) -> Document:
    """Our composer over libyaml's events: every bound is checked as events arrive (a huge flow
    mapping stops at the node budget, not when it closes after everything has been built), and
    every error is reported where it is."""
    duplicates: list[DuplicateKey] = []
    unsafe: list[UnsafeTag] = []
    roots: list = []
    starts: list[Span] = []
    anchors: dict[str, Node] = {}
    stack: list[tuple[Node, list, int]] = []  # open collections, their children so far (keys and values
    #                                          alternate) and how many children they may have
    open_ids: set[int] = set()
    siblings = roots                      # where the next node goes: the children of the innermost open collection
    room = NO_LIMIT
    total = 0                             # nodes read so far, each use of an alias counted in full
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    starts_collection = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends_collection = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        for event in yaml.parse(text, Loader=EVENT_LOADER):
            kind = type(event)
            if kind is scalar_event:
                node = make_scalar(event, semantics, unsafe)
                total += 1
                if event.anchor:
                    anchors[event.anchor] = node
            elif kind in starts_collection:
                span = span_of(event.start_mark, event.end_mark)
                if len(stack) >= MAX_DEPTH:
                    raise YAMLReadError(f"nesting deeper than {MAX_DEPTH} levels; refusing to read it", span)
                tag = event.tag
                if tag is not None and tag.startswith("tag:yaml.org,2002:python/"):
                    unsafe.append(UnsafeTag(short_tag(tag), span))
                mapping = kind is yaml.MappingStartEvent
                node = YMap([], span) if mapping else YSeq([], span)
                total += 1
                if total > MAX_NODES:
                    raise over_budget(span)
                if len(siblings) >= room:
                    raise too_many_entries(span, room)
                if event.anchor:
                    anchors[event.anchor] = node
                siblings = []
                room = 2 * MAX_ENTRIES if mapping else MAX_ENTRIES  # a mapping's children: key, value, key...
                stack.append((node, siblings, room))
                open_ids.add(id(node))
                continue
            elif kind in ends_collection:
                node, children, _ = stack.pop()
                open_ids.discard(id(node))
                siblings, room = (stack[-1][1], stack[-1][2]) if stack else (roots, NO_LIMIT)
                end = event.end_mark
                node.span = Span(node.span.line, node.span.column, end.line + 1, end.column + 1)
                close_collection(node, children, duplicates)
            elif kind is alias_event:
                node = anchors.get(event.anchor)
                if node is None:
                    raise YAMLReadError(f"found undefined alias '{event.anchor}'", span_of(event.start_mark, event.end_mark))
                if id(node) in open_ids:
                    raise YAMLReadError(f"recursive alias '{event.anchor}'", span_of(event.start_mark, event.end_mark))
                total += node.weight
            else:
                if kind is yaml.DocumentStartEvent:
                    starts.append(span_of(event.start_mark, event.end_mark))
                continue
            if total > MAX_NODES:
                raise over_budget(span_of(event.start_mark, event.end_mark))
            if len(siblings) >= room:  # (a collection was checked where it started)
                raise too_many_entries(span_of(event.start_mark, event.end_mark), room)
            siblings.append(node)
    except yaml.YAMLError as exc:
        raise read_error(exc) from None
    return Document(roots, duplicates, unsafe, starts)
