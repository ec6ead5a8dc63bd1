"""What makes reading a sweep written in Python cheap must not change what it finds: the sweep
readers' positions are libcst's PositionProvider's, node for node; a file that is both a sweep and
its own program is parsed by libcst once, with the facts a fresh parse gives; the walks' type
tests find the nodes isinstance finds."""

from __future__ import annotations

import libcst as cst
import pytest

from cstkit import every_node
from sweeplint import pyexpr
from sweeplint.codefacts.extract import extract
from sweeplint.lint import lint_paths
from sweeplint.settings import Settings
from sweeplint.model import Span

SOURCES = {
    "objective": (
        "import optuna\n\n\ndef objective(trial):\n    lr = trial.suggest_float('lr', 1e-5, (1e-1), log=True)\n"
        "    if lr > 0.01:  # note\n        return (lr)\n    return [x for x in (lr,)][0]\n\n\n"
        "study = optuna.create_study(direction='minimize')\nstudy.optimize(objective, n_trials=(20))\n"
    ),
    "no final newline": "def f(trial):\n    return trial.suggest_int('n', 1, 8)",
    "crlf": "def f(trial):\r\n    # c\r\n    x = (\r\n        trial.suggest_int('n', 1, 8)\r\n    )\r\n    return x\r\n",
    "one line": "x = (1)",
    "comment only": "# nothing",
    "empty": "",
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_spans_are_those_of_libcsts_position_provider(name):
    from libcst.metadata import MetadataWrapper, PositionProvider

    text = SOURCES[name]
    module = pyexpr.parse(text)
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    positions = pyexpr.Positions(module, text)
    for node in every_node(module):
        if getattr(node, "lpar", None) or getattr(node, "rpar", None):
            continue  # widened to their parentheses (test_pyexpr)
        r = ranges.get(node)
        expected = Span.point(1, 1) if r is None else Span(r.start.line, r.start.column + 1, r.end.line, r.end.column + 1)
        assert positions.span(node) == expected, (name, type(node).__name__)


def test_parenthesised_nodes_still_include_their_parentheses():
    text = SOURCES["objective"]
    module = pyexpr.parse(text)
    positions = pyexpr.Positions(module, text)
    call = module.body[1].body.body[0].body[0].value
    assert positions.span(pyexpr.argument(call, 2, "high")) == Span(5, 42, 5, 48)


def _children_by_isinstance(node):
    """pyexpr.children as it was written first: every field's nodes, tested with isinstance."""
    import dataclasses

    out = []
    for field in dataclasses.fields(node):
        if field.name in pyexpr._SKIPPED_FIELDS or field.name.startswith(("whitespace", "leading_whitespace")):
            continue
        value = getattr(node, field.name)
        if isinstance(value, cst.CSTNode):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            out.extend(v for v in value if isinstance(v, cst.CSTNode))
    return out


def test_children_tested_by_type_are_those_tested_by_isinstance():
    module = cst.parse_module(SOURCES["objective"] + SOURCES["crlf"].replace("\r", "") + "match x:\n    case [1, *r]: pass\n")
    for node in every_node(module):
        ours, reference = pyexpr.children(node), _children_by_isinstance(node)
        assert len(ours) == len(reference) and all(a is b for a, b in zip(ours, reference)), type(node).__name__


def test_the_readers_walk_reaches_every_node_but_whitespace_and_punctuation():
    text = SOURCES["objective"] + "x = f (a) [0] if not b is not c else {**d, 'k': lambda: (yield)}\n@dec\nclass K: pass\n"
    module = cst.parse_module(text)
    walked, stack = [], [module]
    while stack:
        node = stack.pop()
        walked.append(node)
        stack.extend(pyexpr.children(node))
    whitespace = (cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.EmptyLine, cst.Comment, cst.Newline,
                  cst.TrailingWhitespace)
    punctuation = (cst.LeftParen, cst.RightParen, cst.Comma, cst.Colon, cst.Semicolon, cst.AssignEqual, cst.Dot,
                   cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace)
    assert not any(isinstance(node, whitespace) for node in walked)
    expected = {id(node) for node in every_node(module) if not isinstance(node, whitespace + punctuation)}
    assert expected <= {id(node) for node in walked}


def test_a_sweep_that_is_its_own_program_is_parsed_once(tmp_path, monkeypatch):
    text = SOURCES["objective"]
    fresh = extract(text)
    (tmp_path / "study.py").write_text(text)
    parses = []
    real = cst.parse_module
    monkeypatch.setattr(cst, "parse_module", lambda source, *a, **k: parses.append(1) or real(source, *a, **k))
    import sweeplint.codefacts.extract as extract_module

    analysed = []
    monkeypatch.setattr(extract_module, "extract", lambda source: analysed.append(extract(source)) or analysed[-1])
    lint_paths([str(tmp_path / "study.py")], Settings(root=tmp_path))
    assert analysed == [fresh]  # read as a sweep, then analysed as its program
    assert len(parses) == 1
    # the tree is handed on once: a later analysis of the same text parses it again, to the same facts
    assert pyexpr.take_parsed(text) is None
    assert extract(text) == fresh


def test_the_kept_tree_is_only_ever_that_of_the_same_text():
    first = pyexpr.parse("a = 1\n")
    assert pyexpr.take_parsed("a = 2\n") is None
    assert pyexpr.take_parsed("a = 1\n") is None  # given up by the question before
    pyexpr.parse("a = 1\n")
    second = pyexpr.parse("b = 1\n")
    assert pyexpr.take_parsed("b = 1\n") is second and second is not first


@pytest.mark.parametrize("token", ["0", "0_0", "1_000", "0x1F", "0O17", "0b1_0", "1.", ".5", "1E5", "1e-5", "1.5e+10",
                                   "1_000.000_1", "1e999", "1e-999", "00.5", "1_0e1_0", "9" * 5000, "0x" + "f" * 4000])
def test_number_tokens_have_the_value_python_gives_them(token):
    from sweeplint import pyeval

    node = cst.parse_expression(token)
    try:
        expected = node.evaluated_value  # Python's literal evaluation of the token
    except (ValueError, SyntaxError):
        expected = None
    value = pyeval.evaluate(node)
    if expected is None:
        assert isinstance(value, pyeval.Opaque)
    else:
        assert type(value) is type(expected) and value == expected
