"""Reading YAML and JSON with positions: spans, encodings, typing, and the safety bounds."""

from __future__ import annotations

import codecs

import pytest
import yaml

from sweeplint.model import Span
from sweeplint.read import read_config, read_path
from sweeplint.rules.sl005_string_scientific_notation import SCIENTIFIC, yaml11_float
from sweeplint.source import UnreadableFile, decode
from sweeplint.yamldoc import MAX_DEPTH, YAMLReadError, YMap, YScalar, YSeq, _compose_events, compose, to_python, type_scalar
from sweeplint import yamldoc_c
from sweeplint.yamldoc_c import c_composable, compose_in_c


def root(text: str, semantics: str = "yaml1.1") -> YMap:
    document = compose(text, semantics)
    assert len(document.roots) == 1
    return document.roots[0]


def pair_spans(node: YMap) -> dict[str, tuple[Span, Span]]:
    return {k.text: (k.span, v.span) for k, v in node.items()}


# --- positions -------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_positions_are_one_based_with_exclusive_ends_for_every_line_ending(newline):
    text = newline.join(["method: grid", "parameters:", "  lr:", "    values: [0.1, 0.01]", ""])
    doc = root(text)
    spans = pair_spans(doc)
    assert spans["method"] == (Span(1, 1, 1, 7), Span(1, 9, 1, 13))
    assert spans["parameters"][0] == Span(2, 1, 2, 11)
    values = doc.get("parameters").get("lr").get("values")
    assert isinstance(values, YSeq)
    assert values.span.line == 4 and values.span.column == 13
    assert [item.span for item in values.items] == [Span(4, 14, 4, 17), Span(4, 19, 4, 23)]


def test_columns_count_characters_not_bytes():
    text = "é_ü: {values: [ß, 日本語, x]}\nnext: 1\n"
    doc = root(text)
    key, value = next(doc.items())
    assert key.text == "é_ü" and key.span == Span(1, 1, 1, 4)
    items = value.get("values").items
    assert [i.text for i in items] == ["ß", "日本語", "x"]
    assert [i.span.column for i in items] == [16, 19, 24]
    assert doc.key_node("next").span == Span(2, 1, 2, 5)


def test_astral_characters_are_one_column():
    doc = root("name: 😀x\nnext: 1\n")
    assert doc.get("name").span == Span(1, 7, 1, 9)
    assert doc.key_node("next").span == Span(2, 1, 2, 5)


def test_block_scalar_and_flow_mapping_spans():
    doc = root("program: |\n  train.py\nmetric: {name: loss, goal: minimize}\n")
    metric = doc.get("metric")
    assert metric.span == Span(3, 9, 3, 37)
    assert metric.key_node("goal").span == Span(3, 22, 3, 26)
    assert doc.get("program").value == "train.py\n"


# --- duplicate keys, merge keys --------------------------------------------------------------


def test_duplicate_keys_are_recorded_with_both_positions_and_the_last_one_wins():
    document = compose("parameters:\n  lr: {value: 1}\n  bs: {value: 2}\n  lr: {value: 3}\n")
    [dup] = document.duplicates
    assert dup.key == "lr"
    assert dup.span == Span(4, 3, 4, 5)
    assert dup.first == Span(2, 3, 2, 5)
    assert to_python(document.roots[0]) == yaml.safe_load("parameters:\n  lr: {value: 3}\n  bs: {value: 2}\n")


def test_keys_that_differ_in_type_are_not_duplicates():
    document = compose("1: a\n'1': b\n")
    assert document.duplicates == []


def test_merge_keys_behave_like_pyyaml():
    text = (
        "base: &base {lr: 0.1, bs: 32}\n"
        "sweep:\n"
        "  <<: *base\n"
        "  bs: 64\n"
        "multi:\n"
        "  <<: [{a: 1}, {a: 2, b: 2}]\n"
        "  c: 3\n"
    )
    document = compose(text)
    assert document.duplicates == []
    assert to_python(document.roots[0]) == yaml.safe_load(text)
    sweep = document.roots[0].get("sweep")
    # The merged value keeps the position where it was written (inside the anchor).
    assert sweep.get("lr").span == Span(1, 18, 1, 21)
    assert sweep.get("bs").span == Span(4, 7, 4, 9)


def test_an_explicit_key_repeated_next_to_a_merge_is_still_a_duplicate():
    document = compose("base: &b {x: 1}\nd:\n  <<: *b\n  y: 1\n  y: 2\n")
    assert [(d.key, d.span.line, d.first.line) for d in document.duplicates] == [("y", 5, 4)]


# --- bounds: alias bombs, depth, errors ------------------------------------------------------


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghijk"[: levels - 1]:
        lines.append(f"{name}: &{name} [" + ", ".join(f"*{previous}" for _ in range(9)) + "]")
        previous = name
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_with_a_position_without_expanding_it():
    with pytest.raises(YAMLReadError) as info:
        compose(_billion_laughs())
    assert "expands to more than" in info.value.message and "alias" in info.value.message
    # Levels a..e hold about 74,000 nodes (e alone about 66,000). Line 6 is `f: &f [*e, *e, ...`: the
    # first *e (column 8) brings the count to about 140,000, past the budget of 100,000, and the
    # budget stops there, before level f is ever built.
    assert info.value.span.line == 6
    assert info.value.span.column == 8


def test_alias_bomb_through_the_cli_is_a_parse_error_not_a_crash(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text("method: grid\nparameters:\n  lr: {values: [1]}\n" + _billion_laughs(), encoding="utf-8")
    file = read_path(str(path), explicit=True)
    [problem] = file.problems
    assert problem.code == "SL001" and problem.span.line == 9


def test_small_aliases_are_expanded():
    doc = root("x: &v [1, 2]\ny: *v\n")
    assert to_python(doc) == {"x": [1, 2], "y": [1, 2]}


def test_undefined_and_recursive_aliases_are_errors_with_positions():
    with pytest.raises(YAMLReadError) as info:
        compose("a: *nowhere\n")
    assert info.value.span.line == 1 and info.value.span.column == 4
    with pytest.raises(YAMLReadError) as info:
        compose("a: &x [1, *x]\n")
    assert "recursive" in info.value.message and info.value.span.line == 1


def test_nesting_depth_is_bounded():
    depth = MAX_DEPTH + 50
    with pytest.raises(YAMLReadError) as info:
        compose("a: " + "[" * depth + "]" * depth + "\n")
    assert "nesting" in info.value.message
    assert info.value.span.line == 1 and info.value.span.column == 3 + MAX_DEPTH
    compose("a: " + "[" * (MAX_DEPTH - 5) + "]" * (MAX_DEPTH - 5) + "\n")


def test_syntax_error_position():
    with pytest.raises(YAMLReadError) as info:
        compose("method: grid\nparameters:\n  lr: [1, 2\n  bs: 3\n")
    assert info.value.message.startswith("invalid YAML")
    assert info.value.span.line >= 3


# --- safety: tags never construct objects ----------------------------------------------------


def test_python_tags_are_recorded_and_nothing_is_constructed(tmp_path, monkeypatch):
    import os

    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    text = "method: grid\nparameters:\n  lr: !!python/object/apply:os.system ['touch pwned']\n"
    document = compose(text)
    [tag] = document.unsafe_tags
    assert tag.tag == "!!python/object/apply:os.system"
    assert tag.span.line == 3 and tag.span.column == 7
    assert calls == []
    assert to_python(document.roots[0])["parameters"]["lr"] == ["touch pwned"]

    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    file = read_path(str(path), explicit=True)
    sl001 = [p for p in file.problems if p.code == "SL001"]
    assert len(sl001) == 1 and "!!python/object/apply:os.system" in sl001[0].message
    assert sl001[0].span.line == 3
    assert not (tmp_path / "pwned").exists()


def test_scalar_python_tag_and_custom_tags_stay_text():
    document = compose("a: !!python/name:os.system ''\nb: !Custom 12\n")
    assert [t.tag for t in document.unsafe_tags] == ["!!python/name:os.system"]
    assert to_python(document.roots[0]) == {"a": "", "b": "12"}


# --- decoding --------------------------------------------------------------------------------


def test_bom_is_dropped_and_positions_start_after_it():
    text = decode(codecs.BOM_UTF8 + b"method: grid\n")
    assert text == "method: grid\n"
    assert root(text).key_node("method").span == Span(1, 1, 1, 7)


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_utf16_with_bom_is_decoded(encoding, bom):
    assert decode(bom + "lr: é\n".encode(encoding)) == "lr: é\n"


@pytest.mark.parametrize(
    "data, line, column",
    [
        (b"a: 1\nb: \xff\n", 2, 4),
        (b"a: 1\r\nb: \xc3\xa9\xff\r\n", 2, 5),       # the column counts the e-acute as one character
        (b"a: 1\rb: 2\rc: \xfe\r", 3, 4),             # old Mac line endings
        (b"\x80abc", 1, 1),
    ],
)
def test_invalid_utf8_gives_its_position(data, line, column):
    with pytest.raises(UnreadableFile) as info:
        decode(data)
    assert info.value.span.line == line and info.value.span.column == column
    assert "UTF-8" in info.value.message


def test_binary_and_undecodable_files_are_sl001_with_a_position(tmp_path):
    binary = tmp_path / "model.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    bad = tmp_path / "sweep.yaml"
    bad.write_bytes(b"method: grid\nparameters:\n  lr: {values: [\xff]}\n")
    for path, span in ((binary, Span.point(1, 1)), (bad, Span.point(3, 17))):
        file = read_path(str(path), explicit=False)
        [problem] = file.problems
        assert problem.code == "SL001" and problem.span == span


# --- scalar typing per loader ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["1e-5", "1.0e-5", "1.e-5", "1.0e5", "3E+4", ".5e-3", "017", "08", "1:30", "yes", "Off", "None",
             "null", "~", "0x1F", "1_000", "+.inf", "true", "-0o17", "0b101", "190:20:30"],
)
def test_yaml11_typing_matches_pyyaml_safe_load(text):
    expected = yaml.safe_load(f"v: {text}")["v"]
    value = root(f"v: {text}\n").get("v").value
    assert value == expected and type(value) is type(expected)


def test_timestamps_keep_their_text():
    node = root("v: 2001-12-14\n").get("v")
    assert node.tag == "tag:yaml.org,2002:timestamp" and node.value == "2001-12-14"


def test_json_semantics():
    doc = root('{"lr": 1e-5,\t"n": 10, "f": 2.0, "b": true, "z": null, "s": "1e-5"}', "json")
    assert doc.get("lr").value == 1e-5 and isinstance(doc.get("lr").value, float)
    assert doc.get("n").value == 10 and isinstance(doc.get("n").value, int)
    assert doc.get("f").value == 2.0 and isinstance(doc.get("f").value, float)
    assert doc.get("b").value is True and doc.get("z").value is None
    assert doc.get("s").value == "1e-5" and doc.get("s").quoted
    # The tab counts as one column, like any other whitespace.
    assert doc.key_node("n").span.column == 14


def test_json_file_keeps_scientific_notation_numeric():
    file = read_config("sweep.json", '{"method": "random", "parameters": {"lr": {"min": 1e-5, "max": 1e-1}}}', True)
    [study] = file.studies
    assert study.loader == "json"
    assert study.parameter("lr").low.value == 1e-5


def test_omegaconf_semantics_reads_scientific_notation_as_float():
    assert type_scalar("1e-5", None, True, "omegaconf") == ("tag:yaml.org,2002:float", 1e-5)
    assert type_scalar("1e-5", None, True, "yaml1.1") == ("tag:yaml.org,2002:str", "1e-5")
    assert type_scalar("1e-5", None, False, "omegaconf")[1] == "1e-5"


@pytest.mark.parametrize("written", ["1e-5", "3E+4", "1.0e5", ".5e3", "-2e-3", "12e3", "+7E2"])
def test_the_spelling_sl005_suggests_is_a_float_for_pyyaml(written):
    assert isinstance(yaml.safe_load(f"v: {written}")["v"], str)
    assert SCIENTIFIC.match(written)
    fixed = yaml11_float(written)
    assert yaml.safe_load(f"v: {fixed}")["v"] == float(written)


def test_multi_document_files_compose_every_document():
    document = compose("a: 1\n---\nb: 2\n...\n---\nc: [3]\n")
    assert [to_python(r) for r in document.roots] == [{"a": 1}, {"b": 2}, {"c": [3]}]
    assert document.roots[2].span.line == 6
    assert [(s.line, s.column) for s in document.starts] == [(1, 1), (2, 1), (5, 1)]


def test_a_wandb_file_with_two_documents_is_reported():
    file = read_config("sweep.yaml", "method: grid\nparameters:\n  lr: {values: [1, 2]}\n---\nother: 1\n", True)
    assert [p.code for p in file.problems] == ["SL001"]
    assert "single YAML document" in file.problems[0].message
    assert file.problems[0].span.line == 4 and file.problems[0].span.column == 1   # the second `---`
    # PyYAML's safe_load, which `wandb sweep` uses, refuses the same file.
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load("method: grid\n---\nother: 1\n")


def test_empty_and_comment_only_files_are_not_sweeps():
    assert read_config("x.yaml", "", False).is_sweep is False
    assert read_config("x.yaml", "# nothing\n", True).is_sweep is False


def test_scalar_nodes_keep_spelling_and_quoting():
    doc = root("a: '1e-5'\nb: 1e-5\nc: \"x\"\n")
    a, b = doc.get("a"), doc.get("b")
    assert isinstance(a, YScalar) and a.quoted and a.text == "1e-5"
    assert not b.quoted and b.text == "1e-5" and b.value == "1e-5"


@pytest.mark.parametrize("text,where,what", [
    ("p: [" + ", ".join("1" for _ in range(10_001)) + "]\n", (1, 5 + 3 * 10_000), "a list with more than 10000 items"),
    ("p:\n" + "".join(f"  k{i}: 1\n" for i in range(10_001)), (10_002, 3), "a mapping with more than 10000 entries"),
    ("p:\n" + "".join(f"  k{i}: [1]\n" for i in range(10_000)) + "  last: 1\n", (10_002, 3), "a mapping with more than 10000 entries"),
    ("- [" + ", ".join("1" for _ in range(10_000)) + "]\n" + "- x\n" * 10_000, (10_001, 3), "a list with more than 10000 items"),
])
def test_one_mapping_or_list_holds_at_most_ten_thousand_entries(text, where, what):
    with pytest.raises(YAMLReadError) as info:
        compose(text)
    assert what in info.value.message
    assert (info.value.span.line, info.value.span.column) == where


def test_ten_thousand_entries_are_read():
    document = compose("p: [" + ", ".join("1" for _ in range(10_000)) + "]\n")
    assert len(document.roots[0].get("p").items) == 10_000


def _tree(node) -> tuple:
    """A node as plain data: its kind, position, and children or scalar value, text, tag and quoting."""
    span = (node.span.line, node.span.column, node.span.end_line, node.span.end_column)
    if isinstance(node, YScalar):
        return ("scalar", span, repr(node.value), node.text, node.tag, node.quoted, node.weight)
    if isinstance(node, YSeq):
        return ("seq", span, node.weight, [_tree(item) for item in node.items])
    return ("map", span, node.weight, [(_tree(k), _tree(v)) for k, v in node.pairs])


def _search_space(parameters: int, nested_every: int) -> str:
    entries = []
    for i in range(parameters):
        if i % nested_every == 0:
            entries.append(f'"opt{i}": {{"_type": "choice", "_value": [{{"_name": "sgd", "m{i}": {{"_type": "uniform", "_value": [0.8, 0.99]}}}}, {{"_name": "adam"}}]}}')
        else:
            entries.append(f'"lr{i}": {{"_type": "loguniform", "_value": [1e-5, 0.1]}}')
    return "{\n  " + ",\n  ".join(entries) + "\n}\n"


@pytest.fixture
def libyaml_without_a_nesting_cap(monkeypatch):
    """The C composer's nesting bound as it is where libyaml nests without end (an old libyaml)."""
    monkeypatch.setattr(yamldoc_c, "_capped", [False])


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_libyaml_caps_nesting_and_the_c_composer_relies_on_it():
    if not yamldoc_c._libyaml_caps_nesting():
        pytest.skip("this libyaml nests without end: the bracket bound applies")
    with pytest.raises(YAMLReadError, match="nesting depth"):
        compose("p: " + "[" * 1001 + "]" * 1001 + "\n")


@pytest.mark.parametrize("parameters, nested_every", [(150, 7), (600, 3), (1200, 50)])
def test_a_json_file_of_many_shallow_objects_composes_in_c_as_the_events_compose_it(parameters, nested_every,
                                                                                   libyaml_without_a_nesting_cap):
    text = _search_space(parameters, nested_every)
    assert 2 * text.count("[") + text.count("{") > 400       # more brackets than the plain count allows
    assert c_composable(text, json_text=True) and not c_composable(text)
    in_c, by_events = compose_in_c(text, "json"), _compose_events(text, "json")
    assert in_c is not None
    assert [_tree(r) for r in in_c.roots] == [_tree(r) for r in by_events.roots]


@pytest.mark.parametrize("text", [
    '{"p": ' + "[" * 450 + "]" * 450 + "}",                      # deep: the events read it
    '{"p": [1, 2], "q": ' + "[" * 600 + "}",                     # not JSON: the bracket count decides
    "{'p': [1]}" + " [" * 400,                                   # YAML, not JSON
])
def test_deep_or_non_json_texts_with_many_brackets_stay_with_the_event_composer(text, libyaml_without_a_nesting_cap):
    assert not c_composable(text, json_text=True)


def test_a_large_flat_sweep_of_many_value_lists_composes_in_c_as_the_events_compose_it():
    text = "parameters:\n" + "".join(f"  p{i}:\n    values: [1, 2.5, '3', x]\n" for i in range(500))
    assert 2 * text.count("[") > 400 and c_composable(text)
    in_c, by_events = compose_in_c(text, "yaml1.1"), _compose_events(text, "yaml1.1")
    assert in_c is not None
    assert [_tree(r) for r in in_c.roots] == [_tree(r) for r in by_events.roots]


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 999])
def test_a_text_nested_past_the_depth_bound_is_reported_as_the_event_composer_reports_it(levels):
    text = "p: " + "[" * levels + "]" * levels + "\n"
    with pytest.raises(YAMLReadError) as by_compose:
        compose(text)
    with pytest.raises(YAMLReadError) as by_events:
        _compose_events(text, "yaml1.1")
    assert str(by_compose.value) == str(by_events.value)
