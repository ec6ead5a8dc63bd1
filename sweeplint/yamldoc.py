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

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from sweeplint.model import Span

try:  # the C parser is several times faster; the pure one gives identical events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 200
MAX_NODES = 100_000  # nodes after alias expansion; a billion-laughs document stops here (a large sweep has a few thousand)
# Entries of one mapping, items of one list: no sweep has ten thousand parameters or values, and
# what readers and rules do per entry stays bounded (issue 15: 200,000 parameters took minutes).
MAX_ENTRIES = 10_000


class YAMLReadError(Exception):
    """The document cannot be read; carries the position to report."""

    def __init__(self, message: str, span: Span):
        super().__init__(message)
        self.message = message
        self.span = span


# --- nodes -----------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class YScalar:
    """A scalar node: its loaded value, its source text, tag, quoting and position."""

    value: Any
    text: str
    tag: str
    quoted: bool
    span: Span
    weight: int = 1


@dataclass(slots=True, eq=False)
class YSeq:
    """A sequence node and its position."""

    items: list
    span: Span
    weight: int = 1


@dataclass(slots=True, eq=False)
class YMap:
    """A mapping node: its key/value pairs in order, and its position."""

    pairs: list  # list[tuple[node, node]]
    span: Span
    weight: int = 1
    _index: dict | None = field(default=None, repr=False)

    def get(self, key: str):
        """The value node for a string key, or None."""
        if self._index is None:
            self._index = {}
            for k, v in self.pairs:
                if isinstance(k, YScalar):
                    self._index[_key_of(k.value)] = (k, v)
        found = self._index.get(_key_of(key))
        return found[1] if found else None

    def key_node(self, key: str):
        self.get(key)
        found = self._index.get(_key_of(key)) if self._index is not None else None
        return found[0] if found else None

    def items(self) -> Iterator[tuple[YScalar, Any]]:
        """(key, value) pairs whose key is a scalar."""
        for k, v in self.pairs:
            if isinstance(k, YScalar):
                yield k, v


Node = YScalar | YSeq | YMap


def _key_of(value: Any) -> Any:
    return (type(value).__name__, value) if not isinstance(value, str) else value


def to_python(node: Node | None) -> Any:
    """Plain Python data for a node (lists, dicts, scalars); aliases were budgeted at compose time."""
    if node is None:
        return None
    if isinstance(node, YScalar):
        return node.value
    if isinstance(node, YSeq):
        return [to_python(n) for n in node.items]
    out = {}
    for k, v in node.pairs:
        key = to_python(k)
        try:
            hash(key)
        except TypeError:
            key = repr(key)
        out[key] = to_python(v)
    return out


@dataclass(slots=True, frozen=True)
class DuplicateKey:
    """A key written twice in one mapping, with where it first appeared."""

    key: str
    span: Span
    first: Span


@dataclass(slots=True, frozen=True)
class UnsafeTag:
    """A tag asking a loader to build a Python object, and where it is."""

    tag: str
    span: Span


class Document:
    """A composed YAML stream: its documents' roots and what composing noticed."""

    __slots__ = ("roots", "duplicates", "unsafe_tags", "_starts", "_text")

    def __init__(self, roots: list, duplicates: list[DuplicateKey], unsafe_tags: list[UnsafeTag],
                 starts: list[Span] | None = None, text: str | None = None):
        self.roots = roots
        self.duplicates = duplicates
        self.unsafe_tags = unsafe_tags
        self._starts = starts
        self._text = text  # to find `starts` on first use (composed in C, which does not tell them)

    @property
    def starts(self) -> list[Span]:
        """Where each document begins (its `---`, if any)."""
        if self._starts is None:
            self._starts = _document_starts(self._text) if self._text else []
        return self._starts

    def __repr__(self) -> str:
        return f"Document(roots={self.roots!r}, duplicates={self.duplicates!r}, unsafe_tags={self.unsafe_tags!r})"


# --- scalar typing ---------------------------------------------------------------------------

_resolver = Resolver()
_constructor = SafeConstructor()
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\Z")
_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:null": "construct_yaml_null",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:str": None,
}


def _yaml11_value(tag: str, text: str) -> Any:
    method = _SAFE_SCALAR_TAGS.get(tag)
    if method is None:
        return text
    try:
        return getattr(_constructor, method)(yaml.ScalarNode(tag, text))
    except (ValueError, IndexError, KeyError, yaml.YAMLError, OverflowError):  # (IndexError: `!!float ''`, KeyError: `!!bool maybe`)
        return text


def _json_value(text: str, plain: bool) -> tuple[str, Any]:
    if not plain:
        return "tag:yaml.org,2002:str", text
    if text == "true" or text == "false":
        return "tag:yaml.org,2002:bool", text == "true"
    if text == "null":
        return "tag:yaml.org,2002:null", None
    if _JSON_NUMBER.match(text):
        if "." in text or "e" in text or "E" in text:
            return "tag:yaml.org,2002:float", float(text)
        try:
            return "tag:yaml.org,2002:int", int(text)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            return "tag:yaml.org,2002:float", float(text)
    return "tag:yaml.org,2002:str", text


_OMEGACONF_FLOAT = re.compile(
    r"[-+]?(?:\d[\d_]*)?\.?\d*(?:[eE][-+]?\d+)\Z|[-+]?(?:\d[\d_]*)\.(?:\d*)?\Z|[-+]?\.\d+\Z"
)


def type_scalar(text: str, tag: str | None, plain: bool, semantics: str) -> tuple[str, Any]:
    """(resolved tag, typed value) of a scalar under a loader's rules.

    `semantics` is "yaml1.1" (PyYAML safe_load), "json", or "omegaconf" (YAML 1.1 plus OmegaConf's
    float resolver, which also accepts `1e-5`).
    """
    if len(text) <= 64:
        # Configs repeat their keys and values; a typed scalar is immutable, so the typing of a
        # short one is kept (the cache is emptied when full, which bounds it).
        key = (text, tag, plain, semantics)
        found = _typed.get(key)
        if found is None:
            if len(_typed) >= 4096:
                _typed.clear()
            found = _typed[key] = _type_scalar(text, tag, plain, semantics)
        return found
    return _type_scalar(text, tag, plain, semantics)


_typed: dict[tuple, tuple[str, Any]] = {}


def _type_scalar(text: str, tag: str | None, plain: bool, semantics: str) -> tuple[str, Any]:
    if semantics == "json" and tag is None:
        return _json_value(text, plain)
    if tag is None or tag == "!":
        tag = _resolver.resolve(yaml.ScalarNode, text, (plain, not plain))
        if semantics == "omegaconf" and plain and tag == "tag:yaml.org,2002:str" and _OMEGACONF_FLOAT.match(text):
            tag = "tag:yaml.org,2002:float"
    return tag, _yaml11_value(tag, text)


# --- composing -------------------------------------------------------------------------------


def _span(start, end) -> Span:
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _short_tag(tag: str) -> str:
    """`tag:yaml.org,2002:python/object/apply:os.system` as it was written: `!!python/object/apply:os.system`."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def _read_error(exc: yaml.YAMLError) -> YAMLReadError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{context}, {problem}" if context else str(problem)
    span = Span.point(mark.line + 1, mark.column + 1) if mark is not None else Span.point(1, 1)
    return YAMLReadError(f"invalid YAML: {message}", span)


def _scalar(item, semantics: str, unsafe: list[UnsafeTag]) -> YScalar:
    """Our scalar for a scalar event or node (both carry tag, value, style and marks)."""
    tag = item.tag
    if tag is not None and tag != "!" and tag not in _SAFE_SCALAR_TAGS:
        if tag.startswith("tag:yaml.org,2002:python/"):
            unsafe.append(UnsafeTag(_short_tag(tag), _span(item.start_mark, item.end_mark)))
        tag = "tag:yaml.org,2002:str"  # custom tags: keep the text, construct nothing
    plain = not item.style
    text = item.value
    resolved, value = type_scalar(text, tag, plain, semantics)
    start, end = item.start_mark, item.end_mark
    return YScalar(value, text, resolved, not plain, Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1))


def compose(text: str, semantics: str = "yaml1.1") -> Document:
    """Compose every document in `text`. Raises YAMLReadError on syntax errors and bounds."""
    if semantics == "json":
        # JSON allows tabs as whitespace where YAML does not; outside strings they are only
        # whitespace, and one character for one keeps every position.
        text = text.replace("\t", " ")
    if _c_composable(text):
        document = _compose_in_c(text, semantics)
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
    room = _NO_LIMIT
    total = 0                             # nodes read so far, each use of an alias counted in full
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    starts_collection = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends_collection = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind is scalar_event:
                node = _scalar(event, semantics, unsafe)
                total += 1
                if event.anchor:
                    anchors[event.anchor] = node
            elif kind in starts_collection:
                span = _span(event.start_mark, event.end_mark)
                if len(stack) >= MAX_DEPTH:
                    raise YAMLReadError(f"nesting deeper than {MAX_DEPTH} levels; refusing to read it", span)
                tag = event.tag
                if tag is not None and tag.startswith("tag:yaml.org,2002:python/"):
                    unsafe.append(UnsafeTag(_short_tag(tag), span))
                mapping = kind is yaml.MappingStartEvent
                node = YMap([], span) if mapping else YSeq([], span)
                total += 1
                if total > MAX_NODES:
                    raise _over_budget(span)
                if len(siblings) >= room:
                    raise _too_many_entries(span, room)
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
                siblings, room = (stack[-1][1], stack[-1][2]) if stack else (roots, _NO_LIMIT)
                end = event.end_mark
                node.span = Span(node.span.line, node.span.column, end.line + 1, end.column + 1)
                _close(node, children, duplicates)
            elif kind is alias_event:
                node = anchors.get(event.anchor)
                if node is None:
                    raise YAMLReadError(f"found undefined alias '{event.anchor}'", _span(event.start_mark, event.end_mark))
                if id(node) in open_ids:
                    raise YAMLReadError(f"recursive alias '{event.anchor}'", _span(event.start_mark, event.end_mark))
                total += node.weight
            else:
                if kind is yaml.DocumentStartEvent:
                    starts.append(_span(event.start_mark, event.end_mark))
                continue
            if total > MAX_NODES:
                raise _over_budget(_span(event.start_mark, event.end_mark))
            if len(siblings) >= room:  # (a collection was checked where it started)
                raise _too_many_entries(_span(event.start_mark, event.end_mark), room)
            siblings.append(node)
    except yaml.YAMLError as exc:
        raise _read_error(exc) from None
    return Document(roots, duplicates, unsafe, starts)


# --- composing in C ----------------------------------------------------------------------------

# The C composer builds its whole tree before anything can be counted: larger texts take the event
# composer, whose bounds stop them early (a config is a few kilobytes; this is ~64,000 nodes at most).
C_MAX_CHARS = 128 * 1024
# The C composer recurses once per level; this many fit a small thread's stack (~0.5 KB a level).
_C_MAX_LEVELS = 2 * MAX_DEPTH
_LEADING_INDICATORS = re.compile("^[ \t?:\ufeff-]+", re.MULTILINE)
_LEADING_INDICATORS_ANY_BREAK = re.compile("(?:\\A|(?<=[\n\r\x85\u2028\u2029]))[ \t?:\ufeff-]+")
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _c_composable(text: str) -> bool:
    """Whether the C composer may see `text`: it is small, and nested at most _C_MAX_LEVELS deep by
    a bound every YAML text obeys. A flow collection opens with a bracket (or, for a single-pair
    mapping, with none inside a `[`, one per `[` at most); block collections nested in one another
    start at increasing columns (a sequence may share its parent mapping's column), and a block
    collection starts where a line's run of spaces and `-`, `?`, `:` indicators ends."""
    if _CParser is None or len(text) > C_MAX_CHARS:
        return False
    flow = 2 * text.count("[") + text.count("{")
    if flow >= _C_MAX_LEVELS:
        return False
    leading = _LEADING_INDICATORS_ANY_BREAK if _OTHER_BREAKS.search(text) else _LEADING_INDICATORS
    return flow + 2 * (max(map(len, leading.findall(text)), default=0) + 1) <= _C_MAX_LEVELS


try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None  # type: ignore[assignment,misc]
else:

    class _UntypedParser(_CParser):
        """libyaml's composer without PyYAML's tag resolution: an implicit (or `!`) tag stays None,
        as in the events, and type_scalar types each scalar for the target tool."""

        def resolve(self, kind, value, implicit):
            return None

        def descend_resolver(self, current_node, current_index):
            pass

        def ascend_resolver(self):
            pass


def _compose_in_c(text: str, semantics: str) -> Document | None:
    """The document composed in C and converted to our nodes, or None for the event composer to
    do (any error, a second document, a bound exceeded, a Python tag on a collection)."""
    parser = None
    try:
        parser = _UntypedParser(text)
        if not parser.check_node():
            return Document([], [], [], None, text)
        root = parser.get_node()
        if parser.check_node():
            return None
    except Exception:  # noqa: BLE001 - the event composer reports it at its exact place
        return None
    finally:
        if parser is not None:
            parser.dispose()
    duplicates: list[DuplicateKey] = []
    unsafe: list[UnsafeTag] = []
    node = _convert(root, semantics, duplicates, unsafe, "*" in text)
    return None if node is None else Document([node], duplicates, unsafe, None, text)


def _convert(root, semantics: str, duplicates: list, unsafe: list, aliases: bool) -> Node | None:
    """Our nodes for a C tree, visited in document order (so duplicates and tags are recorded in the
    event composer's order), with its bounds; None when one is exceeded."""
    scalar_node, mapping_node = yaml.ScalarNode, yaml.MappingNode
    safe_tags, typed = _SAFE_SCALAR_TAGS, _typed
    made: dict[int, Node] = {}   # (only when the text may hold an alias: the same C node met again)
    open_ids: set[int] = set()
    frames: list[tuple] = []     # open collections: (C node, ours, the parent's pending, position, siblings)
    out: list = []
    siblings = out               # where the next node goes
    pending = [root]             # the C nodes of the current level, and the next one's position
    position = 0
    total = 0
    while True:
        if position < len(pending):
            child = pending[position]
            position += 1
            if aliases:
                seen = made.get(id(child))
                if seen is not None:
                    if id(child) in open_ids:
                        return None  # a recursive alias
                    total += seen.weight
                    siblings.append(seen)
                    continue
            if type(child) is scalar_node:
                tag = child.tag
                if tag is None or tag in safe_tags:
                    text = child.value
                    plain = not child.style
                    found = typed.get((text, tag, plain, semantics)) if len(text) <= 64 else None
                    resolved, value = found if found is not None else type_scalar(text, tag, plain, semantics)
                    start, end = child.start_mark, child.end_mark
                    node = YScalar(value, text, resolved, not plain,
                                   Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1))
                else:
                    node = _scalar(child, semantics, unsafe)
                total += 1
                if aliases:
                    made[id(child)] = node
                siblings.append(node)
                continue
            if len(frames) >= MAX_DEPTH or len(child.value) > MAX_ENTRIES:
                return None
            tag = child.tag
            if tag is not None and tag.startswith("tag:yaml.org,2002:python/"):
                return None  # reported at the span of its start event, which C does not keep
            start, end = child.start_mark, child.end_mark
            span = Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)
            if type(child) is mapping_node:
                node = YMap([], span)
                children = [part for pair in child.value for part in pair]
            else:
                node = YSeq([], span)
                children = child.value
            total += 1
            if aliases:
                made[id(child)] = node
                open_ids.add(id(child))
            frames.append((child, node, pending, position, siblings))
            pending, position, siblings = children, 0, []
            continue
        if not frames:
            break
        child, node, pending, position, parent_siblings = frames.pop()
        open_ids.discard(id(child))
        kids, siblings = siblings, parent_siblings
        _close(node, kids, duplicates)
        siblings.append(node)
    if total > MAX_NODES:
        return None
    return out[0]


def _document_starts(text: str) -> list[Span]:
    """Where each document of a text composed in C begins."""
    return [_span(e.start_mark, e.end_mark) for e in yaml.parse(text, Loader=_Loader) if type(e) is yaml.DocumentStartEvent]


_NO_LIMIT = 1 << 62


def _too_many_entries(span: Span, room: int) -> YAMLReadError:
    what = f"a mapping with more than {MAX_ENTRIES} entries" if room > MAX_ENTRIES else f"a list with more than {MAX_ENTRIES} items"
    return YAMLReadError(f"{what}; no sweep config needs that many, and sweeplint bounds its work per file: refusing to read it", span)


def _over_budget(span: Span) -> YAMLReadError:
    return YAMLReadError(
        f"document expands to more than {MAX_NODES} nodes (each use of an alias counts in full); refusing to read it",
        span,
    )


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _close(node: YMap | YSeq, children: list, duplicates: list[DuplicateKey]) -> None:
    """Give a finished collection its children (key/value pairs for a mapping) and its weight."""
    if type(node) is YMap:
        node.pairs = list(zip(children[::2], children[1::2]))
        _finish_map(node, duplicates)
        node.weight = 1 + sum(k.weight + v.weight for k, v in node.pairs)
    else:
        node.items = children
        node.weight = 1 + sum(n.weight for n in children)


def _finish_map(node: YMap, duplicates: list[DuplicateKey]) -> None:
    """Apply `<<` merge keys the way PyYAML does and record duplicate keys."""
    explicit: list = []
    merged: list = []
    seen: dict = {}
    for key, value in node.pairs:
        if isinstance(key, YScalar) and key.tag == _MERGE_TAG:
            sources = value.items if isinstance(value, YSeq) else [value]
            for source in sources:
                if isinstance(source, YMap):
                    merged.extend(source.pairs)
            continue
        if isinstance(key, YScalar):
            marker = _key_of(key.value)
            first = seen.get(marker)
            if first is not None:
                duplicates.append(DuplicateKey(key.text, key.span, first.span))
            else:
                seen[marker] = key
        explicit.append((key, value))
    if merged:
        present = {_key_of(k.value) for k, _ in explicit if isinstance(k, YScalar)}
        extra = []
        for key, value in merged:
            marker = _key_of(key.value) if isinstance(key, YScalar) else None
            if marker is None or marker not in present:
                extra.append((key, value))
                if marker is not None:
                    present.add(marker)
        explicit = extra + explicit
    node.pairs = explicit
