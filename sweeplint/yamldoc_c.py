"""Composing in C: libyaml's composer with PyYAML's tag resolution off, then one iterative pass
to our nodes (yamlnodes) under the same bounds; None whenever the event composer must do it."""

from __future__ import annotations

import json
import re
from itertools import chain

import yaml

from sweeplint.yamlnodes import (MAX_DEPTH, MAX_ENTRIES, MAX_NODES, TYPED_PLAIN, Document,
                                 DuplicateKey, Node, UnsafeTag, YMap, YScalar, YSeq, close_collection, make_scalar,
                                 type_plain)

# The C composer builds its whole tree before anything can be counted: larger texts take the event
# composer, whose bounds stop them early (a config is a few kilobytes; this is ~64,000 nodes at most).
C_MAX_CHARS = 128 * 1024
# The C composer recurses once per level; this many fit a small thread's stack (~0.5 KB a level).
_C_MAX_LEVELS = 2 * MAX_DEPTH
# (compiled on first use, by re's own cache: only a libyaml that does not cap nesting needs them,
# and compiling them cost every run's start-up ~6 M instructions)
_LEADING_INDICATORS = "(?m)^[ \t?:\ufeff-]+"
_LEADING_INDICATORS_ANY_BREAK = "(?:\\A|(?<=[\n\r\x85\u2028\u2029]))[ \t?:\ufeff-]+"
_OTHER_BREAKS = "[\r\x85\u2028\u2029]"
_STR_TAG = "tag:yaml.org,2002:str"
IMPLICIT_TAG = ""   # what the C composer gives a node whose tag is implicit (or `!`): see _UntypedParser


def c_composable(text: str, json_text: bool = False) -> bool:
    """Whether the C composer may see `text`: it is small, and either libyaml itself bounds how
    deep it nests (`_libyaml_caps_nesting`) or it is nested at most _C_MAX_LEVELS deep by a bound
    every YAML text obeys.

    That bound is for a libyaml that nests without end. A flow collection opens with a bracket (or,
    for a single-pair mapping, with none inside a `[`, one per `[` at most); block collections nested in one another
    start at increasing columns (a sequence may share its parent mapping's column), and a block
    collection starts where a line's run of spaces and `-`, `?`, `:` indicators ends.

    Counting every bracket overrates a JSON file of many small objects (an NNI search space of a
    few hundred parameters), whose nesting is shallow: a text the json module reads is nested
    exactly as deep as the collections it gives, in YAML too."""
    if _CParser is None or len(text) > C_MAX_CHARS:
        return False
    if _libyaml_caps_nesting():
        return True
    flow = 2 * text.count("[") + text.count("{")
    if flow >= _C_MAX_LEVELS:
        if not json_text:
            return False
        flow = _json_depth(text)
        if flow is None or flow >= _C_MAX_LEVELS:
            return False
    leading = _LEADING_INDICATORS_ANY_BREAK if re.search(_OTHER_BREAKS, text) else _LEADING_INDICATORS
    return flow + 2 * (max(map(len, re.findall(leading, text)), default=0) + 1) <= _C_MAX_LEVELS


def _json_depth(text: str) -> int | None:
    """How deep the collections of a JSON text nest, or None when it is not JSON (or too deep for
    the json module's own recursion bound)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    depth, pending = 0, [(data, 1)]
    while pending:
        value, level = pending.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        depth = max(depth, level)
        pending.extend((item, level + 1) for item in value)
    return depth


try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None  # type: ignore[assignment,misc]
else:

    class _UntypedParser(_CParser):
        """libyaml's composer without PyYAML's tag resolution: an implicit (or `!`) tag becomes
        IMPLICIT_TAG, and type_scalar types each scalar for the target tool.

        The composer calls these three for every node (a Python method each time: 3% of composing).
        `"".format` is a builtin that ignores its arguments and returns "" (no tag written in YAML
        is empty); a builtin is not bound to the parser, so it is called as it is."""

        resolve = descend_resolver = ascend_resolver = IMPLICIT_TAG.format


_flatten = chain.from_iterable

# libyaml stops at 1,000 levels of nesting, flow and block together ("exceeded maximum nesting
# depth"): its composer then recurses at most that deep (~0.4 KB of C stack a level), whatever the
# text, and counting brackets would only send large flat configs (hundreds of `values: [...]`) to
# the slower event composer. A libyaml without that cap keeps the bracket bound.
# The probe is only parsed (libyaml's events, counted in C: no node is made, nothing recurses), and
# nests block sequences on one line (`- - - x`): every libyaml with the cap counts block levels
# too, and reads them in linear time. Composing 1,001 brackets cost ~13 M instructions (each `[`
# rescans the simple keys of every open level), a few % of a small run.
_CAP_PROBE = "- " * 1001 + "x"
_capped: list[bool] = []   # the probe's answer, once per process


def _libyaml_caps_nesting() -> bool:
    if not _capped:
        parser = _UntypedParser(_CAP_PROBE)
        try:
            parser.raw_parse()
            _capped.append(False)
        except yaml.YAMLError as exc:
            _capped.append("nesting depth" in str(exc))
        finally:
            parser.dispose()
    return _capped[0]


def compose_in_c(text: str, semantics: str) -> Document | None:
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
    plain_typed = TYPED_PLAIN.setdefault(semantics, {})
    new_node = object.__new__
    made: dict[int, Node] = {}   # (only when the text may hold an alias: the same C node met again)
    open_ids: set[int] = set()
    # Open collections: (C node, ours, the parent's remaining C nodes, the parent's nodes so far,
    # the node count before it). A collection's weight is the count it added, unless a merge key
    # made a mapping of other entries: from then on close_collection sums the children.
    frames: list[tuple] = []
    out: list = []
    siblings = out               # where the next node goes
    remaining = iter((root,))    # the C nodes of the current level not yet visited
    total = 0
    merged = False
    while True:
        for child in remaining:
            if aliases:
                seen = made.get(id(child))
                if seen is not None:
                    if id(child) in open_ids:
                        return None  # a recursive alias
                    total += seen.weight
                    siblings.append(seen)
                    continue
            if type(child) is scalar_node:
                text = child.value
                if child.tag:  # (IMPLICIT_TAG is empty)
                    node = make_scalar(child, semantics, unsafe)
                elif child.style:
                    # Quoted (or a block scalar) and untagged: a string to every loader.
                    node = YScalar(text, text, _STR_TAG, True, child)
                else:
                    found = plain_typed.get(text)
                    # What YScalar(value, text, tag, False, child) makes, without a call of its
                    # __init__ (a third of making the plain scalars, most of a document's nodes).
                    node = new_node(YScalar)
                    node.tag, node.value = found if found is not None else type_plain(text, semantics)
                    node.text = text
                    node.quoted = False
                    node._span = child  # (a span on first use)
                total += 1
                if aliases:
                    made[id(child)] = node
                siblings.append(node)
                continue
            if len(frames) >= MAX_DEPTH or len(child.value) > MAX_ENTRIES:
                return None
            if child.tag.startswith("tag:yaml.org,2002:python/"):
                return None  # reported at the span of its start event, which C does not keep
            # (made without a call of __init__: close_collection gives it its children and weight)
            if type(child) is mapping_node:
                node = new_node(YMap)
                children = _flatten(child.value)  # keys and values alternating, not copied into a list
            else:
                node = new_node(YSeq)
                children = child.value
            node._span = child
            if aliases:
                made[id(child)] = node
                open_ids.add(id(child))
            frames.append((child, node, remaining, siblings, total))
            total += 1
            remaining, siblings = iter(children), []
            break
        else:
            if not frames:
                break
            child, node, remaining, parent_siblings, before = frames.pop()
            if aliases:
                open_ids.discard(id(child))
            merged = close_collection(node, siblings, duplicates, 0 if merged else total - before) or merged
            siblings = parent_siblings
            siblings.append(node)
    if total > MAX_NODES:
        return None
    return out[0]
