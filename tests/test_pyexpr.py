"""Literal evaluation and positions of Python expressions (read with libcst, never run)."""

from __future__ import annotations

import math

import pytest

from sweeplint import pyeval, pyexpr
from sweeplint.model import Opaque, Span


def _value_of(source: str, names_source: str = ""):
    """Evaluate the right-hand side of the last line of `names_source + "x = " + source`."""
    text = names_source + f"x = {source}\n"
    module = pyexpr.parse(text)
    node = module.body[-1].body[0].value
    return pyeval.evaluate(node, pyeval.constants(module))


@pytest.mark.parametrize(
    "source, expected",
    [
        ("3", 3),
        ("-3", -3),
        ("1e-5", 1e-5),
        ("-1E-5", -1e-5),
        ("1_000", 1000),
        ("1_000.5e3", 1000500.0),
        ("0x10", 16),
        ("'adam'", "adam"),
        ('"a" "b"', "ab"),
        ("True", True),
        ("None", None),
        ("(1, 2)", (1, 2)),
        ("[1, 'a', None]", [1, "a", None]),
        ("{'lr': 0.1, 'n': [1, 2]}", {"lr": 0.1, "n": [1, 2]}),
        ("{1, 2}", frozenset({1, 2})),
        ("2 ** -3", 0.125),
        ("10 ** 3", 1000),
        ("1 / 4", 0.25),
        ("3 * 1e-4 + 1", 1.0003),
        ("math.log(10)", math.log(10)),
        ("math.log10(1e-5)", -5.0),
        ("np.exp(0)", 1.0),
        ("math.sqrt(16)", 4.0),
        ("math.pi", math.pi),
        ("-math.e", -math.e),
        ("float('1e-3')", 1e-3),
        ("(1e-5)", 1e-5),
    ],
)
def test_literals(source, expected):
    value = _value_of(source)
    assert value == pytest.approx(expected) if isinstance(expected, float) else value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    "source, kind",
    [
        ("learning_rate", "name"),
        ("nn.ReLU", "attribute"),
        ("nn.ReLU()", "call"),
        ("lambda spec: 1", "lambda"),
        ("f'{a}'", "expression"),
        ("[i for i in range(3)]", "expression"),
        ("math.log(-1)", "call"),          # a domain error is not a value
        ("1 / 0", "expression"),
        ("10 ** 100000", "expression"),    # far too large to be a bound; never computed
        ("'a' * 3", "expression"),         # only numbers are multiplied
    ],
)
def test_unknown_expressions_are_opaque(source, kind):
    value = _value_of(source)
    assert isinstance(value, Opaque)
    assert value.kind == kind
    assert value.text == source


def test_opaque_values_differ_by_source_and_keep_collections():
    value = _value_of("[nn.ReLU, nn.GELU, 3]")
    assert value[0] != value[1] and value[2] == 3
    assert not pyeval.is_known(value)
    assert pyeval.is_known(_value_of("[1, (2, 'a')]"))


def test_names_resolve_through_module_constants():
    assert _value_of("LOW * 10", "LOW = 1e-5\n") == pytest.approx(1e-4)
    assert _value_of("CHOICES", "CHOICES = ['adam', 'sgd']\n") == ["adam", "sgd"]
    assert isinstance(_value_of("A", "A = B\nB = A\n"), Opaque)  # a cycle ends, it does not hang


def test_spans_are_one_based_and_end_exclusive():
    text = "import math\nlr = trial.suggest_float('lr', 1e-5, math.log(2))\n"
    module = pyexpr.parse(text)
    positions = pyexpr.Positions(module, text)
    call = module.body[1].body[0].value
    low = pyexpr.argument(call, 1, "low")
    high = pyexpr.argument(call, 2, "high")
    assert positions.span(low) == Span(2, 32, 2, 36)
    assert text.splitlines()[1][31:35] == "1e-5"
    assert positions.span(high) == Span(2, 38, 2, 49)
    assert positions.span(call) == Span(2, 6, 2, 50)


def test_span_of_a_parenthesised_tuple_includes_its_parentheses():
    text = "x = [( 128, 64 ), (256,)]\ny = (\n    1e-5\n)\n"
    module = pyexpr.parse(text)
    positions = pyexpr.Positions(module, text)
    first = module.body[0].body[0].value.elements[0].value
    assert positions.span(first) == Span(1, 6, 1, 17)
    wrapped = module.body[1].body[0].value
    assert positions.span(wrapped) == Span(2, 5, 4, 2)


def test_to_lit_keeps_spelling_and_quotes():
    text = "x = f(1E-5, 'adam')\n"
    module = pyexpr.parse(text)
    positions = pyexpr.Positions(module, text)
    call = module.body[0].body[0].value
    number = pyeval.to_lit(call.args[0].value, positions)
    string = pyeval.to_lit(call.args[1].value, positions)
    assert (number.value, number.text, number.quoted) == (1e-5, "1E-5", False)
    assert (string.value, string.text, string.quoted) == ("adam", "'adam'", True)


def test_syntax_errors_have_positions():
    with pytest.raises(pyexpr.PySyntaxError) as info:
        pyexpr.parse("def objective(trial):\n    lr = trial.suggest_float('lr', 1e-5 1e-1)\n")
    assert info.value.span.line == 2
    assert "comma" in info.value.message
    with pytest.raises(pyexpr.PySyntaxError) as info:
        pyexpr.parse("space = {\n    'lr': 1,\n")
    assert info.value.span == Span.point(1, 9)
    assert "never closed" in info.value.message


def test_call_helpers():
    module = pyexpr.parse("tune.Tuner(train, param_space=space, *rest)\n")
    call = module.body[0].body[0].value
    assert pyexpr.call_name(call) == "tune.Tuner"
    assert pyexpr.dotted(pyexpr.argument(call, 0, "trainable")) == "train"
    assert pyexpr.dotted(pyexpr.argument(call, None, "param_space")) == "space"
    assert pyexpr.argument(call, 1, None) is None  # behind *rest: unknown


def test_random_calls_skip_lambdas():
    module = pyexpr.parse(
        "space = {'a': np.random.randint(2, 16) * 2, 'b': random.choice([1, 2]),\n"
        "         'c': tune.sample_from(lambda spec: np.random.uniform()), 'd': np.random.default_rng(0).integers(3),\n"
        "         'e': torch.randn(3)}\n"
    )
    found = [name for _, name in pyexpr.random_calls(module)]
    assert found == ["np.random.randint", "random.choice", "np.random.default_rng(...).integers", "torch.randn"]


def test_names_built_from_names_are_evaluated_once_each():
    chain = "A0 = 2\n" + "".join(f"A{i} = A{i - 1} + A{i - 1}\n" for i in range(1, 45))
    assert _value_of("A44", chain) == 2 ** 45  # 2**44 evaluations if each use were re-evaluated
    assert isinstance(_value_of("X", "X = X * X\n"), Opaque)
