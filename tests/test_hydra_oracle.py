"""Hydra's own override parser as the oracle for the Hydra reader.

Each generated override value goes through hydra-core's `OverridesParser` (and, for a range, the
enumeration Hydra runs when the sweep starts) and through sweeplint's reader, inside an Optuna
sweeper's `params`. What Hydra refuses must get an error finding (SL003); what it accepts must get
none, and the values sweeplint's model holds (choices, range bounds and step, interval bounds, cast
results and their types) must equal Hydra's. `json_str` and `extend_list` are not generated: Hydra
1.3 does not know them and sweeplint accepts them for the next Hydra.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest

hydra_parser = pytest.importorskip("hydra.core.override_parser.overrides_parser")
hydra_types = pytest.importorskip("hydra.core.override_parser.types")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sweeplint.model import Opaque, Space  # noqa: E402
from sweeplint.read import read_config  # noqa: E402

PARSER = hydra_parser.OverridesParser.create()
ERROR_CODES = ("SL001", "SL003")

# --- generated override values -------------------------------------------------------------------

_INTS = st.sampled_from(["0", "1", "2", "3", "5", "10", "-1", "-3", "+4", "1_000", "007", "64", "128"])
_FLOATS = st.sampled_from(["0.5", "1.", ".5", "-2.5", "1e-5", "1E3", "1.5e+2", "2.e-1", "1_0.5", "1e1_0",
                           "inf", "-inf", "+Inf", "nan", "NaN", "1e400", "0.1", "3.0"])
_WORDS = st.sampled_from(["a", "lr", "adam", "a-b", "_x", "log", "true", "False", "TRUE", "null", "NULL", "none",
                          "infinity", "nan1", "5abc", "1__0", "abc_1"])
_UNQUOTED = st.sampled_from(["a/b", "$x", "a.b", "*", "a b", "a:b", "x@y", "?", "a|b", "%", "-", "+", "a+b",
                             "${a.b}", "${oc.env:HOME}", "a\\,b", "\\\\", "\\(x\\)", "a\\ b", "\\=", "\\[1\\]",
                             "a\\b", "c:\\\\d", "a~b", "a#b", "a!b", "a;b", "a^b"])
_QUOTED_BODY = st.text(alphabet=st.sampled_from(list("ab 1.,:=()[]{}'\"\\$e-")), max_size=8)


def _quoted(body: str, quote: str) -> str:
    return quote + body + quote


_QUOTED = st.one_of(
    st.builds(_quoted, _QUOTED_BODY, st.sampled_from(["'", '"'])),
    st.sampled_from(["'12'", "'1.5'", "'inf'", "' 3 '", "'abc'", "'true'", "'False'", "'1_0'", "'1e3'", "\"nan\"",
                     "''", "'\\''", "'a\\\\'", "\"a\\\"b\"", "'\\\\\\''", "'null'"]),
)
_PRIMITIVE = st.one_of(_INTS, _FLOATS, _INTS, _FLOATS, _WORDS, _UNQUOTED, _QUOTED)
_NUMBERISH = st.one_of(_INTS, _INTS, _INTS, _FLOATS, _FLOATS, _WORDS, _QUOTED)
_DICT_KEYS = st.sampled_from(["a", "b_c", "a-b", "1", "-2", "1.5", "true", "null", "a b", "$k", "a.b", "\\:k",
                              "'q'", "x/y", "inf"])
_TAGS = st.sampled_from(["log", "fidelity", "a", "'log'", "1", "true"])
_CASTS = st.sampled_from(["int", "float", "str", "bool"])


def _join(items: list[str]) -> str:
    return ", ".join(items) if items and len(items[0]) % 2 else ",".join(items)


def _elements(children):
    lists = st.lists(children, max_size=3).map(lambda xs: "[" + _join(xs) + "]")
    dicts = st.lists(st.tuples(_DICT_KEYS, children), max_size=3).map(
        lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}")
    choice = st.lists(children, min_size=0, max_size=4).map(lambda xs: "choice(" + _join(xs) + ")")
    ranges = st.lists(_NUMBERISH, min_size=1, max_size=3).flatmap(
        lambda xs: st.sampled_from([", ".join(xs), ", ".join(f"{n}={x}" for n, x in zip(("start", "stop", "step"), xs))])
    ).map(lambda args: f"range({args})")
    interval = st.lists(_NUMBERISH, min_size=1, max_size=3).map(lambda xs: "interval(" + ", ".join(xs) + ")")
    casts = st.tuples(_CASTS, st.lists(children, min_size=0, max_size=3), st.booleans()).map(
        lambda t: f"{t[0]}(value={t[1][0]})" if t[2] and len(t[1]) == 1 else f"{t[0]}({_join(t[1])})")
    tag = st.tuples(st.lists(_TAGS, max_size=2), children).map(lambda t: "tag(" + ", ".join(t[0] + [t[1]]) + ")")
    reorder = st.tuples(st.sampled_from(["sort", "shuffle"]), st.lists(children, min_size=0, max_size=3),
                        st.sampled_from(["", ", reverse=true", ", reverse=1"])).map(
        lambda t: f"{t[0]}({_join(t[1])}{t[2] if t[0] == 'sort' and t[1] else ''})")
    glob = st.sampled_from(["glob(*)", "glob(a*, exclude=b*)", "glob([a, b])", "glob(1)", "glob()", "glob(include=x)"])
    other = st.sampled_from(["foo(1)", "uniform(0, 1)", "choice(list=[1, 2])", "range()", "int()", "null(1)",
                             "choice(a=1)", "range(1, 5, step=2, stop=3)"])
    return st.one_of(lists, dicts, choice, ranges, interval, casts, tag, reorder, glob, other)


_ELEMENT = st.recursive(_PRIMITIVE, _elements, max_leaves=8)


def _mutate(text: str, position: int, insert: str | None) -> str:
    if not text:
        return text
    position %= len(text)
    if insert is None:
        return text[:position] + text[position + 1:]
    return text[:position] + insert + text[position:]


_FINITE = st.one_of(_INTS, st.sampled_from(["0.5", "1.", ".5", "-2.5", "1e-5", "1E3", "0.1", "3.0", "2.5"]))
_STEPS = st.sampled_from(["1", "2", "3", "-1", "0.5", "0.25", "-0.5"])
_PLAIN = st.one_of(_FINITE, _WORDS, _QUOTED, _UNQUOTED)
_CAST_ARGS = {
    "int": st.one_of(_FINITE, st.sampled_from(["true", "'12'", "' 7 '", "'1_0'", "inf", "'x'"])),
    "float": st.one_of(_FINITE, st.sampled_from(["'1e3'", "'inf'", "nan", "true", "'a'"])),
    "str": _PLAIN,
    "bool": st.one_of(_FINITE, st.sampled_from(["true", "False", "'TRUE'", "'yes'", "0"])),
}


def _typed_values():
    """Values written mostly the way Hydra expects them, so that most are accepted."""
    choices = st.lists(_PLAIN, min_size=1, max_size=4)
    ranges = st.tuples(_FINITE, _FINITE, _STEPS, st.integers(0, 2)).map(
        lambda t: f"range({t[0]})" if t[3] == 0 else f"range({t[0]}, {t[1]})" if t[3] == 1 else f"range({t[0]}, {t[1]}, {t[2]})")
    intervals = st.tuples(_FINITE, _FINITE).map(lambda t: f"interval({t[0]}, {t[1]})")
    sweeps = st.one_of(choices.map(lambda xs: "choice(" + ", ".join(xs) + ")"), ranges, intervals)
    casts = st.sampled_from(list(_CAST_ARGS)).flatmap(lambda c: st.one_of(
        st.lists(_CAST_ARGS[c], min_size=1, max_size=3).map(lambda xs: f"{c}(" + ", ".join(xs) + ")"),
        st.lists(_CAST_ARGS[c], min_size=1, max_size=3).map(lambda xs: f"{c}(choice(" + ", ".join(xs) + "))"),
        st.builds(lambda r: f"{c}({r})", st.one_of(ranges, intervals))))
    tagged = st.tuples(st.sampled_from(["log", "fidelity"]), st.one_of(intervals, ranges, sweeps)).map(
        lambda t: f"tag({t[0]}, {t[1]})")
    reorder = st.tuples(st.sampled_from(["sort", "shuffle"]), st.one_of(
        st.lists(_FINITE, min_size=1, max_size=4).map(", ".join), ranges, sweeps,
        st.lists(_FINITE, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"))).map(lambda t: f"{t[0]}({t[1]})")
    containers = st.recursive(_PLAIN, lambda c: st.one_of(
        st.lists(c, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(_DICT_KEYS, c), max_size=3).map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}")),
        max_leaves=5)
    simple = st.lists(st.one_of(_PLAIN, containers), min_size=2, max_size=4).map(",".join)
    return st.one_of(_PLAIN, sweeps, casts, tagged, reorder, containers, simple)


def override_values():
    simple = st.lists(_ELEMENT, min_size=2, max_size=4).map(",".join)
    typed = _typed_values()
    value = st.one_of(typed, typed, typed, _ELEMENT, simple)
    mutated = st.tuples(value, st.integers(0, 200), st.one_of(st.none(), st.sampled_from(list(",()[]{}:='\" \\")))).map(
        lambda t: _mutate(*t))
    return st.one_of(value, value, value, mutated)


# --- the two sides -------------------------------------------------------------------------------


def _norm(value):
    """A comparable form: (type, value), containers recursively, NaN equal to itself."""
    if isinstance(value, hydra_types.QuotedString):
        value = value.text
    if isinstance(value, (hydra_types.Sweep, hydra_types.Glob)):
        return ("sweep",)
    if isinstance(value, list):
        return ("list", tuple(_norm(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted(((repr(_norm(k)), _norm(v)) for k, v in value.items()))))
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def _range_values(start, stop, step) -> tuple:
    values = []
    x, k = start, 0
    # the model lists the first 1,000 values of a shuffled range (the reader's limit); compare those
    while k < 1000 and ((step > 0 and x < stop) or (step < 0 and x > stop)):
        values.append(round(float(x), 9))
        k += 1
        x = start + k * step
    return tuple(sorted(values))


def hydra_outcome(value: str, key: str = "x"):
    """Hydra's verdict on the override `key=value` and, when it accepts, what the value holds."""
    try:
        override = PARSER.parse_overrides([f"{key}={value}"])[0]
    except Exception as exc:  # noqa: BLE001 - any refusal is the verdict
        return "reject", str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    v = override.value()
    if isinstance(v, hydra_types.RangeSweep):
        bounds = (v.start, v.stop, v.step)
        # what the sweep does when it starts: Python's range and Optuna refuse a zero step and
        # bounds that are not finite numbers
        if v.step == 0 or any(isinstance(b, float) and not math.isfinite(b) for b in bounds):
            return "reject", "range cannot be enumerated"
        if v.shuffle:
            return "accept", ("shuffled", _range_values(*bounds))
        return "accept", ("range", _norm(v.start), _norm(v.stop), _norm(v.step))
    if isinstance(v, hydra_types.IntervalSweep):
        return "accept", ("interval", _norm(v.start), _norm(v.end), "log" in v.tags)
    if isinstance(v, hydra_types.ChoiceSweep):
        return "accept", ("choice", tuple(_norm(i) for i in v.list))
    if isinstance(v, hydra_types.Glob):
        return "accept", ("glob",)
    return "accept", ("value", _norm(v))


def _yaml_single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sweeplint_outcome(value: str, key: str = "x"):
    """sweeplint's verdict on `key: value` in an Optuna sweeper's params, and what its model holds."""
    text = ("hydra:\n  sweeper:\n    _target_: hydra_plugins.hydra_optuna_sweeper.optuna_sweeper.OptunaSweeper\n"
            f"    params:\n      {_yaml_single_quoted(key)}: {_yaml_single_quoted(value)}\n")
    file = read_config("conf/config.yaml", text, True)
    problems = list(file.problems) + [p for s in file.studies for p in s.problems]
    errors = [p for p in problems if p.code in ERROR_CODES]
    if errors:
        return "reject", errors[0].message
    (p,) = file.studies[0].parameters
    if p.space is Space.CONSTANT:
        return "accept", ("value", _model_norm(p.values[0].value))
    if p.distribution == "glob":
        return "accept", ("glob",)
    if p.distribution == "shuffle(range)":
        return "accept", ("shuffled", tuple(sorted(round(float(v.value), 9) for v in p.values)))
    if p.distribution == "choice":
        return "accept", ("choice", tuple(_model_norm(v.value) for v in p.values))
    if p.distribution == "interval":
        return "accept", ("interval", _norm(p.low.value), _norm(p.high.value), p.log)
    if p.distribution == "range":
        step = p.q.value if p.q is not None else 1
        return "accept", ("range", _norm(p.low.value), _norm(p.high.value), _norm(step))
    return "accept", ("unknown", p.space)


def _model_norm(value):
    # a sweep nested in a value is held as its text (Opaque); Hydra holds the sweep object
    if isinstance(value, Opaque):
        return ("sweep",)
    if isinstance(value, list):
        return ("list", tuple(_model_norm(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted(((repr(_norm(k)), _model_norm(v)) for k, v in value.items()))))
    return _norm(value)


def compare(value: str, key: str = "x") -> tuple[bool, tuple, tuple]:
    ours = sweeplint_outcome(value, key)
    theirs = hydra_outcome(value, key)
    if ours[0] == "reject" or theirs[0] == "reject":
        return ours[0] == theirs[0], ours, theirs
    if "shuffle(" in value:   # Hydra shuffles a list at random: compare its elements, not their order
        return _unordered(ours) == _unordered(theirs), ours, theirs
    return ours == theirs, ours, theirs


def _unordered(outcome):
    kind, shape = outcome[1][0], outcome[1]
    if kind == "value" and shape[1][0] == "list":
        return (kind, tuple(sorted(shape[1][1], key=repr)))
    return outcome


def agreement(examples: int) -> tuple[Counter, list]:
    tally: Counter = Counter()
    disagreements: list = []

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(override_values())
    def one(value):
        agree, ours, theirs = compare(value)
        tally["agree" if agree else "disagree"] += 1
        tally[theirs[0]] += 1
        if not agree:
            disagreements.append((value, ours, theirs))

    one()
    return tally, disagreements


# --- the tests -----------------------------------------------------------------------------------


def test_sweeplint_agrees_with_hydras_parser_on_generated_overrides():
    tally, disagreements = agreement(200)
    total = tally["agree"] + tally["disagree"]
    assert tally["agree"] >= 0.99 * total, disagreements[:10]


REGRESSIONS = [
    # casts Hydra cannot compute: each is refused when Hydra reads the override
    "int(inf)", "int(nan)", "int(-inf)", "int(abc)", "float(x)", "bool(abc)", "int(null)", "int('1.5')",
    "str(range(1, 3))", "bool(range(1, 3))", "str(interval(0, 1))", "bool(interval(0, 1))", "int(interval(inf, 1))",
    "choice(null, 1)", "choice(range(1, 3))", "choice(interval(0, 1))", "choice(choice(a, b))", "tag(1, interval(0, 1))",
    "sort(1, a)", "int(1, null)", "tag(sweep=interval(0, 1))", "glob(1)", "range(a)", "interval(1)",
    # values Hydra accepts, with what it makes of them
    "choice(str(10))", "str(10)", "int('12')", "int(1.5)", "int(true)", "str(true)", "bool(0)", "float('1e3')",
    "a\\,b", "a\\\\b", "\\(x\\)", "a\\ b", "'a\\'b'", "'a\\\\'", "{1: 2}", "{a-b: 1}", "{ a b : 1}", "{true: x, null: y}",
    "range(true, 3)", "range(5, null)", "int(interval(1.5, 4))", "tag(log, interval(1e-5, 1))", "sort(3, 1, 2)",
    "sort(range(5, 0, -1))", "shuffle(range(1, 4))", "str(1, 2)", "int(choice(1.5, 2.5))", "float(range(1, 5))",
    "1__0", "5abc", "infinity", "a:b", "${a.b}", "choice(a),b", "[choice(1, 2)]",
]


@pytest.mark.parametrize("value", REGRESSIONS)
def test_known_cases_agree_with_hydra(value):
    agree, ours, theirs = compare(value)
    assert agree, (ours, theirs)


@pytest.mark.parametrize("key", ["$a/b", "a/b.c", "a/1", "1", "a b", "a..b", ".a", "a:b", "${x}", "a?",
                                 "a", "a.b", "a/b/c@d.e", "$a", "a.0.b", "+a", "++a@p", "~a", "a-b.c$d", "a@"])
def test_keys_agree_with_hydra(key):
    agree, ours, theirs = compare("1", key)
    assert agree, (ours, theirs)


def test_a_cast_hydra_cannot_compute_is_an_error_not_a_crash():
    ours = sweeplint_outcome("int(inf)")
    assert ours[0] == "reject"
    assert "int(inf) cannot be computed" in ours[1] and "Hydra rejects the override" in ours[1]


def test_enumerating_a_zero_step_range_fails():
    agree, ours, theirs = compare("int(range(0, 3, 0.5))")
    assert agree and ours[0] == "reject" and "step of range() is 0" in ours[1]
