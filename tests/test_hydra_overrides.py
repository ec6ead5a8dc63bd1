"""Hydra's override grammar, read by our own parser: values, sweeps, nesting, positions and errors."""

from __future__ import annotations

import re

import pytest

from sweeplint.formats.hydra import overrides as ov


def test_primitives_are_typed_as_hydra_types_them():
    cases = {
        "5": 5, "-20": -20, "1_000": 1000, "3.14": 3.14, "-15.": -15.0, ".5": 0.5, "1e-5": 1e-5,
        "-10e3": -10000.0, "true": True, "False": False, "null": None, "NULL": None, "inf": float("inf"),
        "none": "none", "val/loss": "val/loss", "5abc": "5abc",
    }
    for text, value in cases.items():
        node = ov.parse(text)
        assert isinstance(node, ov.Prim), text
        assert node.value == value and type(node.value) is type(value), (text, node.value)
        assert (node.start, node.end) == (0, len(text))


def test_quoted_strings_keep_their_text_and_offsets():
    node = ov.parse("choice('a b', \"c,d\")")
    first, second = node.positional()
    assert (first.value, first.quoted, first.start, first.end) == ("a b", True, 7, 12)
    assert (second.value, second.text, second.start, second.end) == ("c,d", '"c,d"', 14, 19)


def test_simple_choice_sweep_with_offsets():
    node = ov.parse("0.01,0.05, 0.1")
    assert isinstance(node, ov.SimpleChoice)
    assert [(p.value, p.start, p.end) for p in node.items] == [(0.01, 0, 4), (0.05, 5, 9), (0.1, 11, 14)]


def test_nested_calls_named_arguments_and_whitespace():
    node = ov.parse("tag(log, int( interval (4, 16) ))")
    assert node.name == "tag" and (node.start, node.name_end) == (0, 3)
    tag_word, cast = node.positional()
    assert tag_word.value == "log"
    assert cast.name == "int"
    inner = cast.positional()[0]
    assert inner.name == "interval" and inner.start == 14
    assert [(p.value, p.start) for p in inner.positional()] == [(4, 24), (16, 27)]

    node = ov.parse("range(-5.5, 5.5, step=0.5)")
    assert [a.name for a in node.args] == [None, None, "step"]
    assert node.keyword("step").value == 0.5
    assert node.positional()[0].value == -5.5

    node = ov.parse("glob(*, exclude=[a, b*])")
    assert node.positional()[0].value == "*"
    assert [i.value for i in node.keyword("exclude").items] == ["a", "b*"]


def test_lists_dicts_and_interpolations():
    node = ov.parse("[1, [2, 3], {a: 4}]")
    assert isinstance(node, ov.ListV) and isinstance(node.items[1], ov.ListV)
    assert node.items[2].pairs[0][0] == "a"
    node = ov.parse("${model.lr}")
    assert node.value == "${model.lr}"


@pytest.mark.parametrize(
    "text, offset, words",
    [
        ("choice(64, 128", 0, "never closed"),
        ("choice(1,,2)", 9, "missing before this comma"),
        ("range(1, 5))", 11, "closes nothing"),
        ("choice(1, 2,)", 11, "missing after this comma"),
        ("'abc", 0, "never closed"),
        ("range(1, 5) x", 12, "after the value"),
        ("a,", 1, "comma ends the value"),
        ("f(x=)", 4, "has no value"),
        ("{'a': 2}", 1, "expected a key"),
    ],
)
def test_malformed_values_raise_with_a_position(text, offset, words):
    with pytest.raises(ov.OverrideSyntaxError) as info:
        ov.parse(text)
    assert info.value.start == offset, info.value.message
    if words:
        assert words in info.value.message


def test_functions_in_walks_every_call():
    node = ov.parse("tag(log, interval(1, 2))")
    assert [c.name for c in ov.functions_in(node)] == ["tag", "interval"]


def test_exponents_with_leading_zeros_are_numbers():
    from sweeplint.formats.hydra.overrides import parse

    for text, low in (("interval(1e-05, 0.1)", 1e-05), ("interval(2E+03, 3e4)", 2000.0)):
        call = parse(text)
        assert [a.value.value for a in call.args][0] == low


def test_each_token_rule_is_tried_wherever_its_tokens_can_start():
    # The lexer tries at a position only the patterns whose first characters include the one
    # there: no pattern may match from a character left out of its set.
    tails = ["", "0", "1.5", "e5", "_x", "nf", "an", "rue", "alse", "ull", "${a}", "{a}", " ", "\\", "'",
             '"', "a'", 'a"', ".5", "5.", "x-y", "\\,", "\\ ", "(", "+1"]
    chars = [chr(c) for c in range(32, 127)] + ["\t", "\n", "é", "\u00a0", "１"]
    for kind, source, flags, first_chars in ov._RULES:
        pattern = re.compile(source, flags)
        for first in chars:
            for tail in tails:
                if pattern.match(first + tail):
                    assert first in first_chars, (kind, pattern.pattern, first + tail)
    # and each character gets its patterns in rule order (the first rule wins a tie)
    assert [kind for kind, _ in ov._RULES_AT["n"]] == ["float", "null", "id"]
    assert [kind for kind, _ in ov._RULES_AT["5"]] == ["float", "float", "int"]
    assert ov._RULES_AT["é"] == [] and "é" not in ov._RULES_AT
