"""`# sweeplint:` comments: names, values and the columns they are reported at."""

from __future__ import annotations

from sweeplint.source import parse_directives


def test_values_separated_by_comma_and_space_are_all_kept():
    (d,) = parse_directives("# sweeplint: nuisance=num_layers, use_bias\n")
    assert d.name == "nuisance"
    assert d.values == ("num_layers", "use_bias")
    assert (d.value_span.column, d.value_span.end_column) == (23, 43)


def test_several_directives_on_one_line_and_trailing_comments():
    text = "lr: {value: 0.1}  # sweeplint: disable=SL101,SL102; fixed=lr\n"
    first, second = parse_directives(text)
    assert (first.name, first.values) == ("disable", ("SL101", "SL102"))
    assert first.span.column == text.index("disable") + 1
    assert (second.name, second.values) == ("fixed", ("lr",))


def test_a_hash_inside_a_word_is_not_a_comment():
    assert parse_directives("name: run#sweeplint: disable=SL101\n") == ()
