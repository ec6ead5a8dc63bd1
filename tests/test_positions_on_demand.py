"""Positions computed statement by statement, on demand, are the positions of the whole module's
code generation, node for node, on code shaped to trip the statement lines up."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from sweeplint.codefacts.cst_helpers import child_nodes
from sweeplint.codefacts.extract import extract
from sweeplint.codefacts.positions import _LazyPositions, _OffsetPositions, node_positions

SOURCES = {
    "plain": "import os\n\nx = 1\ny = x + 2\n",
    "no final newline": "def f(a):\n    return a.lr\n\nz = f(1)",
    "crlf": "def f(a):\r\n    # note\r\n    if a:\r\n        return a.b\r\n    return 0\r\n",
    "comments and blanks": (
        "# header\n\n\n# leading\nx = 1  # trailing\n\n\n# before f\n@decorate  # d\n# between\n@other(\n    1,\n)\n"
        "# after decorators\ndef f(\n    a,  # a\n    b=2,\n):\n    # inside\n\n    y = (\n        a\n        + b\n    )\n"
        "    # footer of f\n\n# footer of module\n"
    ),
    "compound": (
        "class A:\n    '''doc'''\n    lr = 0.1\n\n    async def m(self, x):\n        async with x as y:\n            pass\n"
        "        for i in range(3):\n            if i: continue\n            elif i > 1:\n                # elif body\n"
        "                break\n            else:\n                x = i; y = 2\n        else:\n            pass\n"
        "        while x:\n            x -= 1\n        else:\n            x = 0\n"
        "        try:\n            a = 1\n        except (ValueError, KeyError) as e:\n            a = 2\n        except Exception:\n"
        "            a = 3\n        else:\n            a = 4\n        finally:\n            a = 5\n        return a\n"
    ),
    "one-line suites": "if a: b = 1; c = 2\nelif d: e = 3\nelse: f = 4\nfor i in x: print(i)\nwhile y: y = y - 1\n",
    "match": "match cfg.opt:\n    case 'adam':\n        lr = 1\n    case {'k': v} if v:\n        lr = 2\n    case _:\n        pass\n",
    "tabs and continuation": "if a and \\\n        b:\n\tx = [1,\n\t     2]\n\ty = x[0] \\\n\t    + 1\n",
    "unicode": "def f(cfg):\n    s = 'héllo wörld'; t = cfg.lr\n    return s, t\n",
    "nested defs": "def outer(c):\n    def inner(d):\n        class K:\n            def m(self): return d.x\n        return K\n    return inner(c.y)\n",
}


def _statements(node, chain, out):
    """(node, the statements around it, innermost last) for every node of the module."""
    for child in child_nodes(node):
        inner = chain + [child] if isinstance(child, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) else chain
        out.append((child, inner))
        _statements(child, inner, out)
    return out


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_node_has_the_whole_generation_position(name):
    text = SOURCES[name]
    module = cst.parse_module(text)
    whole = _OffsetPositions(module)
    for node, chain in _statements(module, [], []):
        if not chain or whole.span(node) is None:
            continue  # the module's own comment lines, whitespace generated as nothing: never asked about
        lazy = node_positions(module, text, ast.parse(text))
        assert isinstance(lazy, _LazyPositions)
        for statement in chain:
            lazy.enter(statement)
        assert lazy.span(node) == whole.span(node), (name, type(node).__name__)
        assert lazy._whole is None, "fell back to generating the whole module"
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            assert lazy.line(node) == whole.span(node).line


def test_a_parse_of_other_text_falls_back_to_the_whole_module():
    text = SOURCES["compound"]
    module = cst.parse_module(text)
    other = ast.parse("\n\n" + text)   # every line two further down: no piece matches the text
    lazy = node_positions(module, text, other)
    whole = _OffsetPositions(module)
    for node, chain in _statements(module, [], []):
        for statement in chain:
            lazy.enter(statement)
        assert lazy.span(node) == whole.span(node)
        for _ in chain:
            lazy.leave()


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_facts_are_those_of_the_whole_generation(name, monkeypatch):
    text = SOURCES[name]
    lazy = extract(text)
    monkeypatch.setattr("sweeplint.codefacts.interproc.standard_parse", lambda text: None)
    assert extract(text) == lazy
