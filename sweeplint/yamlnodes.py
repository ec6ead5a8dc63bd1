"""The nodes every YAML/JSON reader produces: a position on each, the scalars typed by the target
tool's loader rules, and the bounds and helpers both composers share (yamldoc composes)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from sweeplint.model import Span
from sweeplint.records import record

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

try:  # the C parser is several times faster; the pure one gives identical events
    from yaml import CSafeLoader as EVENT_LOADER
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as EVENT_LOADER  # type: ignore[assignment]

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


class _Positioned:
    """A node's position. A composer may give, instead of the Span, the node it composed (anything
    with a start_mark and an end_mark): the Span is then made on first use. Most nodes' positions
    are never read, and making a Span for each was a quarter of converting a composed tree."""

    __slots__ = ("_span",)

    @property
    def span(self) -> Span:
        span = self._span
        if not isinstance(span, Span):
            start, end = span.start_mark, span.end_mark
            span = self._span = Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)
        return span

    @span.setter
    def span(self, span: Span) -> None:
        self._span = span


class YScalar(_Positioned):
    """A scalar node: its loaded value, its source text, tag, quoting and position."""

    __slots__ = ("value", "text", "tag", "quoted")
    weight = 1  # one node

    def __init__(self, value: Any, text: str, tag: str, quoted: bool, span: Span | Any):
        self.value = value
        self.text = text
        self.tag = tag
        self.quoted = quoted
        self._span = span

    def __repr__(self) -> str:
        return (f"{type(self).__qualname__}(value={self.value!r}, text={self.text!r}, tag={self.tag!r}, "
                f"quoted={self.quoted!r}, span={self.span!r}, weight={self.weight!r})")


class YSeq(_Positioned):
    """A sequence node and its position."""

    __slots__ = ("items", "weight")

    def __init__(self, items: list, span: Span | Any, weight: int = 1):
        self.items = items
        self._span = span
        self.weight = weight

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}(items={self.items!r}, span={self.span!r}, weight={self.weight!r})"


class YMap(_Positioned):
    """A mapping node: its key/value pairs in order, and its position."""

    __slots__ = ("pairs", "weight", "_index", "_plain")

    def __init__(self, pairs: list, span: Span | Any, weight: int = 1):
        self.pairs = pairs  # list[tuple[node, node]]
        self._span = span
        self.weight = weight
        # Scalar key -> its last (key node, value node); the composers fill it as they close the
        # mapping, a mapping made otherwise gets it on first use. `_plain`: every key is a scalar.
        self._index: dict | None = None
        self._plain = False

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}(pairs={self.pairs!r}, span={self.span!r}, weight={self.weight!r})"

    def get(self, key: str):
        """The value node for a string key, or None."""
        index = self._index
        if index is None:
            index = self._build_index()
        found = index.get(key) if type(key) is str else index.get(_key_of(key))
        return None if found is None else found[1]

    def key_node(self, key: str):
        index = self._index if self._index is not None else self._build_index()
        found = index.get(key if type(key) is str else _key_of(key))
        return None if found is None else found[0]

    def items(self) -> Iterator[tuple[YScalar, Any]]:
        """(key, value) pairs whose key is a scalar."""
        if self._index is None:
            self._build_index()
        if self._plain:
            return iter(self.pairs)
        return ((k, v) for k, v in self.pairs if isinstance(k, YScalar))

    def _build_index(self) -> dict:
        index: dict = {}
        plain = True
        for pair in self.pairs:
            key = pair[0]
            if isinstance(key, YScalar):
                index[_key_of(key.value)] = pair
            else:
                plain = False
        self._index, self._plain = index, plain
        return index


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


@record(slots=True, frozen=True)
class DuplicateKey:
    """A key written twice in one mapping, with where it first appeared."""

    key: str
    span: Span
    first: Span


@record(slots=True, frozen=True)
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
SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:null": "construct_yaml_null",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:str": None,
}


def _yaml11_value(tag: str, text: str) -> Any:
    method = SAFE_SCALAR_TAGS.get(tag)
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
    if tag is None and plain:
        return type_plain(text, semantics)
    if len(text) <= 64:
        # Configs repeat their keys and values; a typed scalar is immutable, so the typing of a
        # short one is kept (the cache is emptied when full, which bounds it).
        key = (text, tag, plain, semantics)
        found = TYPED_SCALARS.get(key)
        if found is None:
            if len(TYPED_SCALARS) >= 4096:
                TYPED_SCALARS.clear()
            found = TYPED_SCALARS[key] = _type_scalar(text, tag, plain, semantics)
        return found
    return _type_scalar(text, tag, plain, semantics)


TYPED_SCALARS: dict[tuple, tuple[str, Any]] = {}
# The plain untagged scalars (nearly all of them), per semantics: text -> (resolved tag, value).
# Keyed by the text alone, a look-up builds and hashes no tuple (the composer does one per scalar).
TYPED_PLAIN: dict[str, dict[str, tuple[str, Any]]] = {}


def type_plain(text: str, semantics: str) -> tuple[str, Any]:
    """type_scalar of a plain scalar with no tag, the typing of a short one kept like TYPED_SCALARS'."""
    typed = TYPED_PLAIN.get(semantics)
    if typed is None:
        typed = TYPED_PLAIN[semantics] = {}
    found = typed.get(text)
    if found is None:
        found = _type_scalar(text, None, True, semantics)
        if len(text) <= 64:
            if len(typed) >= 4096:
                typed.clear()
            typed[text] = found
    return found


def _type_scalar(text: str, tag: str | None, plain: bool, semantics: str) -> tuple[str, Any]:
    if semantics == "json" and tag is None:
        return _json_value(text, plain)
    if tag is None or tag == "!":
        tag = _resolver.resolve(yaml.ScalarNode, text, (plain, not plain))
        if semantics == "omegaconf" and plain and tag == "tag:yaml.org,2002:str" and _OMEGACONF_FLOAT.match(text):
            tag = "tag:yaml.org,2002:float"
    return tag, _yaml11_value(tag, text)


# --- composing -------------------------------------------------------------------------------


def span_of(start, end) -> Span:
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def short_tag(tag: str) -> str:
    """`tag:yaml.org,2002:python/object/apply:os.system` as it was written: `!!python/object/apply:os.system`."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def read_error(exc: yaml.YAMLError) -> YAMLReadError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{context}, {problem}" if context else str(problem)
    span = Span.point(mark.line + 1, mark.column + 1) if mark is not None else Span.point(1, 1)
    return YAMLReadError(f"invalid YAML: {message}", span)


def make_scalar(item, semantics: str, unsafe: list[UnsafeTag]) -> YScalar:
    """Our scalar for a scalar event or node (both carry tag, value, style and marks)."""
    tag = item.tag
    if tag is not None and tag != "!" and tag not in SAFE_SCALAR_TAGS:
        if tag.startswith("tag:yaml.org,2002:python/"):
            unsafe.append(UnsafeTag(short_tag(tag), span_of(item.start_mark, item.end_mark)))
        tag = "tag:yaml.org,2002:str"  # custom tags: keep the text, construct nothing
    plain = not item.style
    text = item.value
    resolved, value = type_scalar(text, tag, plain, semantics)
    return YScalar(value, text, resolved, not plain, item)  # (its span from its marks, on first use)




NO_LIMIT = 1 << 62


def too_many_entries(span: Span, room: int) -> YAMLReadError:
    what = f"a mapping with more than {MAX_ENTRIES} entries" if room > MAX_ENTRIES else f"a list with more than {MAX_ENTRIES} items"
    return YAMLReadError(f"{what}; no sweep config needs that many, and sweeplint bounds its work per file: refusing to read it", span)


def over_budget(span: Span) -> YAMLReadError:
    return YAMLReadError(
        f"document expands to more than {MAX_NODES} nodes (each use of an alias counts in full); refusing to read it",
        span,
    )


_MERGE_TAG = "tag:yaml.org,2002:merge"


def close_collection(node: YMap | YSeq, children: list, duplicates: list[DuplicateKey], weight: int = 0) -> bool:
    """Give a finished collection its children (keys and values alternating for a mapping) and its
    weight: `weight` when the composer counted it (0: count it here; a mapping with a merge key
    counts the entries the merge leaves). Whether it merged."""
    if type(node) is YMap:
        alternating = iter(children)
        merged = _finish_map(node, list(zip(alternating, alternating)), duplicates)
        node.weight = 1 + sum(k.weight + v.weight for k, v in node.pairs) if merged or not weight else weight
        return merged
    node.items = children
    node.weight = weight or 1 + sum(n.weight for n in children)
    return False


def _finish_map(node: YMap, pairs: list, duplicates: list[DuplicateKey]) -> bool:
    """Give a mapping its pairs and index, applying `<<` merge keys the way PyYAML does and
    recording duplicate keys; whether it merged."""
    index: dict = {}             # key -> its last (key, value): what YMap.get finds
    firsts: dict | None = None   # key -> its first key node, once a key is seen twice
    merged: list | None = None
    plain = True
    for pair in pairs:
        key = pair[0]
        try:
            marker = key.value
        except AttributeError:  # a collection as a key (rare: a try costs nothing until it catches)
            plain = False
            continue
        if type(marker) is not str:
            marker = _key_of(marker)
        elif marker == "<<" and key.tag == _MERGE_TAG:  # (the value of every merge key; the tag is read for it only)
            value = pair[1]
            merged = [] if merged is None else merged
            for source in value.items if isinstance(value, YSeq) else [value]:
                if isinstance(source, YMap):
                    merged.extend(source.pairs)
            continue
        if marker in index:
            firsts = {} if firsts is None else firsts
            first = firsts.setdefault(marker, index[marker][0])
            duplicates.append(DuplicateKey(key.text, key.span, first.span))
        index[marker] = pair
    if merged is None:
        node.pairs, node._index, node._plain = pairs, index, plain
        return False
    explicit = [pair for pair in pairs if not (type(pair[0]) is YScalar and pair[0].tag == _MERGE_TAG)]
    extra = []
    for pair in merged:
        key = pair[0]
        if type(key) is not YScalar:
            extra.append(pair)
            plain = False
            continue
        marker = _key_of(key.value)
        if marker not in index:
            extra.append(pair)
            index[marker] = pair
    node.pairs, node._index, node._plain = extra + explicit, index, plain
    return True


def _document_starts(text: str) -> list[Span]:
    """Where each document of a text composed in C begins."""
    return [span_of(e.start_mark, e.end_mark) for e in yaml.parse(text, Loader=EVENT_LOADER) if type(e) is yaml.DocumentStartEvent]
