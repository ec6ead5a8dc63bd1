"""Value classes declared as dataclasses are, without dataclasses' start-up cost.

`@record(frozen=..., slots=..., order=..., eq=..., init=...)` makes the class that
`@dataclass(...)` with the same options makes: the same fields (`dataclasses.fields`, `replace`),
`__match_args__`, `__dataclass_params__`, initialiser signature, repr, equality, hash, ordering,
frozenness and pickling.

Why: dataclasses compile every generated method from source text when the class is created, about
1 ms a class; a one-file run loads some eighty classes, so that compiling was a third of its
start-up. Here the initialiser is compiled with the package (the generated module
sweeplint/record_inits.py, `python -m sweeplint.records_generate --write`) and the other methods are
closures over the field names, which need no compiling. A class whose generated initialiser is
missing or stale, or which uses a dataclass feature this module does not reproduce, is made by
`dataclass` itself: correct, only slower; a test fails when the generated module is stale.
"""

from __future__ import annotations

import dataclasses
import reprlib
from operator import attrgetter

from sweeplint import record_inits

FACTORY = record_inits.FACTORY

# Every class declared with @record: (key, shape). The generator writes an initialiser for each.
DECLARED: list[tuple[str, str, type]] = []
_METHODS = ("__repr__", "__eq__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__", "__setattr__", "__delattr__",
            "__getstate__", "__setstate__")


def record(cls=None, /, *, init: bool = True, eq: bool = True, order: bool = False, frozen: bool = False,
           slots: bool = False):
    """The class `dataclass(cls, init=init, eq=eq, order=order, frozen=frozen, slots=slots)` would make."""

    def wrap(cls):
        return _make(cls, init, eq, order, frozen, slots)

    return wrap if cls is None else wrap(cls)


def key_of(cls) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def function_name(key: str) -> str:
    return key.replace(".", "_").replace(":", "__")


def _shape(cls, frozen: bool) -> str | None:
    """The fields a generated initialiser takes, as `frozen:a,b,c*` (`*`: made by a default factory);
    None when the class needs what only `dataclass` does (inherited fields, ClassVar, InitVar,
    keyword-only or non-init fields, __post_init__, methods of its own that dataclass would keep)."""
    if any(hasattr(base, "__dataclass_fields__") for base in cls.__mro__[1:]) or hasattr(cls, "__post_init__"):
        return None
    if any(name in cls.__dict__ for name in _METHODS):
        return None
    names = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if "ClassVar" in text or "InitVar" in text or "KW_ONLY" in text or name in ("self", "_set", "FACTORY"):
            return None
        value = cls.__dict__.get(name, dataclasses.MISSING)
        if isinstance(value, dataclasses.Field):
            if not value.init or value.kw_only not in (dataclasses.MISSING, False):
                return None
            names.append(name + ("*" if value.default_factory is not dataclasses.MISSING else ""))
        else:
            names.append(name)
    return f"{'frozen' if frozen else 'mutable'}:{','.join(names)}"


def _make(cls, init: bool, eq: bool, order: bool, frozen: bool, slots: bool):
    shape = _shape(cls, frozen)
    key = key_of(cls)
    DECLARED.append((key, shape if init else None, cls))
    generated = getattr(record_inits, function_name(key), None) if init else None
    if shape is None or "__init__" in cls.__dict__ and init or (init and (generated is None or record_inits.SHAPES.get(key) != shape)):
        return dataclasses.dataclass(cls, init=init, eq=eq, order=order, frozen=frozen, slots=slots)
    # dataclass itself collects the fields and makes the slots; it compiles nothing with these options
    made = dataclasses.dataclass(cls, init=False, repr=False, eq=False, order=False, frozen=False, slots=slots)
    every = dataclasses.fields(made)
    if init:
        defaults = [FACTORY if f.default_factory is not dataclasses.MISSING else f.default
                    for f in every if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING]
        generated.__defaults__ = tuple(defaults) or None
        _attach(made, "__init__", generated)
    _attach(made, "__repr__", _repr_of(tuple(f.name for f in every if f.repr)))
    compared = tuple(f.name for f in every if f.compare)
    values = _getter(compared)
    if eq:
        _attach(made, "__eq__", _comparison(values, "__eq__"))
        if frozen:
            hashed = _getter(tuple(f.name for f in every if (f.compare if f.hash is None else f.hash)))
            _attach(made, "__hash__", lambda self: hash(hashed(self)))
        else:
            made.__hash__ = None  # as dataclass does for a mutable class with equality
    if order:
        for name in ("__lt__", "__le__", "__gt__", "__ge__"):
            _attach(made, name, _comparison(values, name))
    if frozen:
        _freeze(made, tuple(f.name for f in every), slots)
    params = made.__dataclass_params__
    params.init, params.repr, params.eq, params.order, params.frozen = init, True, eq, order, frozen
    return made


def _attach(cls, name: str, function) -> None:
    function.__name__ = name
    function.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, function)


def _getter(names: tuple[str, ...]):
    """A function from an instance to the tuple of these fields' values."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda self: (one(self),)
    return lambda self: ()


def _comparison(values, name: str):
    compare = getattr(tuple, name)

    def method(self, other):
        if other.__class__ is self.__class__:
            return compare(values(self), values(other))
        return NotImplemented

    return method


def _repr_of(names: tuple[str, ...]):
    getters = tuple((f"{name}=", attrgetter(name)) for name in names)

    @reprlib.recursive_repr()
    def __repr__(self):
        return f"{self.__class__.__qualname__}({', '.join(label + repr(get(self)) for label, get in getters)})"

    return __repr__


def _freeze(cls, names: tuple[str, ...], slots: bool) -> None:
    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    _attach(cls, "__setattr__", __setattr__)
    _attach(cls, "__delattr__", __delattr__)
    if slots:  # a frozen class with slots pickles its fields as a list, set back past __setattr__
        _attach(cls, "__getstate__", lambda self: [getattr(self, name) for name in names])

        def __setstate__(self, state):
            for name, value in zip(names, state):
                object.__setattr__(self, name, value)

        _attach(cls, "__setstate__", __setstate__)
