"""OmegaConf interpolations (`${model.width}`, `${mul:${a},${b}}`) read as derivations.

A value written as an interpolation is computed from other config keys, so a swept key it names
changes it too. The scanner below reads the interpolation grammar only as far as needed to find
the key paths: `${path}` is a reference (absolute, or relative with leading dots); `${name:args}` is
a resolver call whose arguments may hold nested interpolations (and `oc.select`'s first argument is
a key). It is bounded in depth and length, and never evaluates anything.
"""

from __future__ import annotations

import re

from sweeplint.model import Derivation
from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

_MAX_TEXT = 4096          # longer strings are not scanned (no real interpolation is this long)
_MAX_DEPTH = 16           # nesting of `${...}` inside `${...}`
_MAX_NODES = 20000        # scalars visited in one document
_KEY = re.compile(r"\.*[A-Za-z_][\w\-]*(?:\.[\w\-]+|\[\d+\])*\Z")
_NESTED = "\0"


class _Unreadable(Exception):
    pass


def references(text: str) -> list[str]:
    """The key paths the interpolations in `text` name, as written (relative ones keep their dots)."""
    if "${" not in text or len(text) > _MAX_TEXT:
        return []
    out: list[str] = []
    i = 0
    while i < len(text):
        start = text.find("${", i)
        if start < 0:
            break
        if start > 0 and text[start - 1] == "\\":   # `\${` is an escaped, literal dollar
            i = start + 2
            continue
        try:
            i = _interpolation(text, start + 2, 0, out)
        except _Unreadable:
            break
    return list(dict.fromkeys(out))


def _interpolation(text: str, i: int, depth: int, out: list[str]) -> int:
    """Read one `${...}` whose body starts at `i`; add the keys it names to `out`; return the end."""
    if depth > _MAX_DEPTH:
        raise _Unreadable
    body: list[str] = []
    while i < len(text):
        if text.startswith("${", i):
            i = _interpolation(text, i + 2, depth + 1, out)
            body.append(_NESTED)
            continue
        char = text[i]
        if char == "}":
            _body_keys("".join(body).strip(), out)
            return i + 1
        if char in "'\"":
            end = text.find(char, i + 1)
            if end < 0:
                raise _Unreadable
            # OmegaConf resolves interpolations inside quoted resolver arguments too
            if depth < _MAX_DEPTH:
                out.extend(references(text[i + 1:end]))
            body.append(text[i:end + 1])
            i = end + 1
            continue
        body.append(char)
        i += 1
    raise _Unreadable   # unterminated


def _body_keys(body: str, out: list[str]) -> None:
    if ":" in body:
        name, _, args = body.partition(":")
        if name.strip() == "oc.select":
            first = args.split(",", 1)[0].strip()
            if _KEY.match(first):
                out.append(first)
        return
    if body and _NESTED not in body and _KEY.match(body):
        out.append(body)


def absolute(reference: str, target: str) -> str:
    """A relative reference (`.sibling`, `..uncle`) made absolute from the key holding it."""
    if not reference.startswith("."):
        return reference
    dots = len(reference) - len(reference.lstrip("."))
    parent = target.split(".")[:-1]
    up = dots - 1
    base = parent[:len(parent) - up] if up <= len(parent) else []
    return ".".join(base + [reference[dots:]])


def may_interpolate(text: str) -> bool:
    """Whether a scalar of this YAML text may hold `${`: only when the text has one, or a backslash
    (an escape, `"\\x24{"`, or an escaped line break in a double-quoted string can make one)."""
    return "${" in text or "\\" in text


def derivations(root: Any, prefix: str = "") -> list[Derivation]:
    """Every value in a document that interpolates config keys, as a Derivation of its key."""
    found: list[Derivation] = []
    stack: list[tuple[Any, str]] = [(root, prefix)]
    visited = 0
    while stack and visited < _MAX_NODES:
        node, path = stack.pop()
        visited += 1
        if isinstance(node, YMap):
            for key, value in reversed(node.pairs):
                name = key.value if isinstance(key, YScalar) and isinstance(key.value, (str, int)) else None
                if name is None or (not path and name == "defaults"):
                    continue
                stack.append((value, f"{path}.{name}" if path else str(name)))
        elif isinstance(node, YSeq):
            for index, item in reversed(list(enumerate(node.items))):
                stack.append((item, f"{path}[{index}]"))
        elif isinstance(node, YScalar) and isinstance(node.value, str) and path:
            refs = references(node.text if node.text is not None else node.value)
            sources = tuple(absolute(r, path) for r in refs)
            sources = tuple(s for s in sources if s and s != path)
            if sources:
                found.append(Derivation(target=path, sources=sources, span=node.span, via="interpolation"))
    return found
