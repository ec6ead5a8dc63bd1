"""@record classes behave exactly as the dataclasses they replace, and come from the generated
initialisers (not the slow fallback)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import types

import pytest

from sweeplint import record_methods, records
from sweeplint.records_generate import declared, render


def _records():
    return [(key, cls) for key, _shape, cls in declared()]


def test_generated_initialisers_are_current():
    with open(record_methods.__file__, encoding="utf-8") as handle:
        assert handle.read() == render(), "run `python -m sweeplint.records_generate --write`"


def test_every_record_class_takes_the_fast_path():
    import importlib

    found = _records()
    assert len(found) >= 40
    for key, _declared in found:
        module, _, qualname = key.partition(":")
        cls = getattr(importlib.import_module(module), qualname)
        if cls.__dataclass_params__.init:
            assert cls.__init__.__code__.co_filename == record_methods.__file__, key
        if cls.__dataclass_params__.eq:
            assert cls.__eq__.__code__.co_filename == record_methods.__file__, key
        assert cls.__repr__.__module__ == record_methods.__name__, key


def _reference(cls):
    """The class @dataclass makes from the same fields and options."""
    params = cls.__dataclass_params__
    specs = []
    for f in dataclasses.fields(cls):
        options = {}
        if f.default is not dataclasses.MISSING:
            options["default"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            options["default_factory"] = f.default_factory
        specs.append((f.name, f.type, dataclasses.field(**options)))
    return dataclasses.make_dataclass(
        cls.__name__, specs, init=True, repr=params.repr, eq=params.eq, order=params.order, frozen=params.frozen,
        slots="__slots__" in cls.__dict__, namespace={"__qualname__": cls.__qualname__},
    )


@pytest.mark.parametrize("key", [key for key, _cls in _records()])
def test_record_matches_dataclass(key):
    import importlib

    module, _, qualname = key.partition(":")
    cls = getattr(importlib.import_module(module), qualname)
    ref = _reference(cls)
    params, ref_params = cls.__dataclass_params__, ref.__dataclass_params__
    assert [getattr(params, n) for n in ("repr", "eq", "order", "unsafe_hash", "frozen")] == \
           [getattr(ref_params, n) for n in ("repr", "eq", "order", "unsafe_hash", "frozen")]
    assert params.init is ("__init__" not in vars(cls) or cls.__init__.__code__.co_filename == record_methods.__file__)
    assert cls.__match_args__ == ref.__match_args__
    described = ("name", "type", "default", "default_factory", "init", "repr", "hash", "compare", "metadata", "kw_only", "_field_type")
    assert [[getattr(f, a) for a in described] for f in dataclasses.fields(cls)] == \
           [[getattr(f, a) for a in described] for f in dataclasses.fields(ref)]
    assert getattr(cls, "__slots__", None) == getattr(ref, "__slots__", None)
    for f in dataclasses.fields(cls):  # a class without slots keeps each default as a class attribute
        assert repr(cls.__dict__.get(f.name, "absent")) == repr(ref.__dict__.get(f.name, "absent")), f.name
    if params.init:
        ours, theirs = inspect.signature(cls), inspect.signature(ref)
        assert [(p.name, p.kind, repr(p.default)) for p in ours.parameters.values()] == \
               [(p.name, p.kind, repr(p.default)) for p in theirs.parameters.values()]
    values = [i + 1 for i, _f in enumerate(dataclasses.fields(cls))]
    a, b, other = cls(*values), cls(*values), cls(*values[:-1], 0)
    r = ref(*values)
    assert repr(a) == repr(r)
    if params.eq:
        assert (a == b) is True and (a == other) is False and (a != other) is True
    else:  # identity, as object's
        assert (a == b) is False and (a == a) is True and (r == ref(*values)) is False
    assert a.__eq__(object()) is NotImplemented
    if cls.__hash__ is None or ref.__hash__ is None:
        assert cls.__hash__ is ref.__hash__ is None
    elif not params.eq:  # object's hash, by identity
        assert cls.__hash__ is ref.__hash__ is object.__hash__
    else:
        assert hash(a) == hash(r) and hash(a) == hash(b)
    if params.order:
        assert (other < a) == (ref(*values[:-1], 0) < r) and (a <= b) and (a >= b) and not (a > b)
    name = dataclasses.fields(cls)[0].name
    if params.frozen:
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot assign to field '{name}'"):
            setattr(a, name, 5)
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field '{name}'"):
            delattr(a, name)
    same = (lambda x, y: x == y) if params.eq else (lambda x, y: repr(x) == repr(y))
    assert same(pickle.loads(pickle.dumps(a)), a)
    assert same(copy.deepcopy(a), a)
    assert same(dataclasses.replace(a, **{name: 7}), cls(7, *values[1:]))
    assert dataclasses.asdict(a) == dataclasses.asdict(r)


def test_default_factory_gives_a_fresh_value_each_time():
    from sweeplint.settings import Settings

    one, two = Settings(), Settings()
    one.per_file_ignores["x"] = ("SL1",)
    assert two.per_file_ignores == {}


def test_stale_initialiser_falls_back_to_dataclass():
    @records.record(frozen=True, slots=True)
    class NotGenerated:
        a: int
        b: int = 2

    assert NotGenerated(1) == NotGenerated(1, 2) and repr(NotGenerated(1)) == "test_stale_initialiser_falls_back_to_dataclass.<locals>.NotGenerated(a=1, b=2)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        NotGenerated(1).a = 3


def test_a_frozen_class_with_slots_declared_again_keeps_both_initialisers_right():
    """The generated initialiser of a frozen class with slots calls setters bound to that class's
    slots: a second class of the same name and module is made by dataclass, and the first still works."""
    from sweeplint.diagnostics import Related
    from sweeplint.model import Span

    namespace = {"__name__": "sweeplint.diagnostics", "record": records.record, "Span": Span}
    exec("@record(frozen=True, slots=True)\nclass Related:\n    'Again.'\n    path: str\n    span: Span\n"
         "    message: str\n", namespace)
    try:
        again = namespace["Related"]
        assert again.__init__.__code__.co_filename != record_methods.__file__
        assert again("a", Span(1, 1, 1, 2), "m").message == "m"
        first = Related("a", Span(1, 1, 1, 2), "m")
        assert (first.path, first.message) == ("a", "m") and pickle.loads(pickle.dumps(first)) == first
    finally:
        del records.DECLARED[-1]


def _cached_read(**changes):
    read = {"root": "wandb", "key": ["lr"], "span": {"$span": [3, 5, 3, 20]}, "how": "attr", "path": "train.py"}
    read.update(changes)
    return {"reads": [read]}


def test_cached_facts_decode_to_the_same_facts():
    from sweeplint.codefacts.facts import FileFacts, Read
    from sweeplint.model import Span

    facts = FileFacts.from_dict(_cached_read())
    assert facts.reads == (Read(root="wandb", key=("lr",), span=Span(3, 5, 3, 20), how="attr", path="train.py"),)
    assert FileFacts.from_dict(facts.to_dict()) == facts


@pytest.mark.parametrize("changes", [
    {"span": {"$span": [3, 5, 3]}},            # three numbers
    {"span": {"$span": [3, True, 3, 20]}},     # a bool is no column
    {"span": None},                             # a read always has a place
    {"root": 7},
    {"root": ["wandb"]},
    {"path": {"$span": [1, 1, 1, 2]}},
    {"bool_cast": 1},
    {"key": "lr"},
])
def test_damaged_cached_facts_are_refused(changes):
    from sweeplint.codefacts.facts import FileFacts

    with pytest.raises(ValueError):
        FileFacts.from_dict(_cached_read(**changes))


def test_records_and_their_helpers_do_not_import_dataclasses():
    """dataclasses (with inspect, ast and tokenize: ~10 ms) is imported only when one of its own
    functions is called on a record."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from sweeplint.baseline import Baseline\n"
        "from sweeplint.model import Opaque\n"
        "from sweeplint.noqa import NoqaResult\n"
        "from sweeplint.records import field, fields, replace\n"
        "moved = replace(Opaque('x', 'name'), kind='call')\n"
        "names = [f.name for f in fields(moved)]\n"
        "print(moved.kind, names, NoqaResult().files, 'dataclasses' in sys.modules, 'inspect' in sys.modules)\n"
        "import dataclasses\n"
        "print([f.name for f in dataclasses.fields(moved)], dataclasses.replace(moved, factor=9).factor)\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert shown.splitlines() == ["call ['text', 'kind', 'base', 'factor'] [] False False",
                                  "['text', 'kind', 'base', 'factor'] 9"]


def test_replace_refuses_an_unknown_field_as_dataclasses_does():
    from sweeplint.model import Opaque
    from sweeplint.records import replace

    with pytest.raises(TypeError):
        replace(Opaque("x"), width=3)
    with pytest.raises(TypeError):
        dataclasses.replace(Opaque("x"), width=3)


def _view_options(cls) -> tuple:
    params = cls.__dataclass_params__
    return (params.init, params.eq, params.order, params.frozen, "__slots__" in cls.__dict__)


@pytest.mark.parametrize("key", [key for key, _cls in _records()][:12])
def test_dataclass_view_has_a_public_fallback(key, monkeypatch):
    """Where dataclasses' private parameter class takes other arguments (a future Python), a record's
    dataclass view is taken from a stand-in dataclass instead, with the same fields and options."""
    import importlib

    module, _, qualname = key.partition(":")
    cls = getattr(importlib.import_module(module), qualname)
    options = _view_options(cls)
    direct_fields, direct_params = records._dataclass_parts(cls, options, dataclasses)

    class ChangedParams:  # dataclasses' private parameter class as a future Python might shape it
        def __init__(self, init, repr, eq, order, unsafe_hash, frozen, match_args, kw_only, slots, weakref_slot, more):  # noqa: A002
            pass

    future = types.SimpleNamespace(**{n: getattr(dataclasses, n) for n in ("MISSING", "field", "_FIELD")},
                                   _DataclassParams=ChangedParams)
    with pytest.raises(TypeError):
        records._dataclass_parts(cls, options, future)

    def changed(*_args):
        raise TypeError("dataclasses' parameters take 11 arguments")

    monkeypatch.setattr(records, "_dataclass_parts", changed)
    saved = cls.__dict__["__dataclass_fields__"], cls.__dict__["__dataclass_params__"]
    try:
        view = records._DataclassView("__dataclass_fields__", cls, options)
        fields = view.__get__(None, cls)  # as a first dataclasses.fields(cls) would
        params = cls.__dict__["__dataclass_params__"]
    finally:
        type.__setattr__(cls, "__dataclass_fields__", saved[0])
        type.__setattr__(cls, "__dataclass_params__", saved[1])
    monkeypatch.undo()
    described = ("name", "type", "default", "default_factory", "init", "repr", "hash", "compare", "metadata", "kw_only", "_field_type")
    assert [[getattr(f, a) for a in described] for f in fields.values()] == \
           [[getattr(f, a) for a in described] for f in direct_fields.values()]
    assert isinstance(params, type(direct_params)) and repr(params) == repr(direct_params)
