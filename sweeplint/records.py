"""Value classes declared as dataclasses are, without dataclasses' start-up cost.

`@record(init=..., eq=..., order=..., frozen=..., slots=...)` makes the class that `@dataclass` with
the same options makes: the same fields (`dataclasses.fields`, `replace`, `asdict`),
`__match_args__`, `__dataclass_params__`, initialiser signature, repr, equality, hash, ordering,
frozenness and pickling.

Why: dataclasses compile every generated method from source text when the class is created, about
1 ms a class; a one-file run loads some eighty classes, so that compiling was a third of its
start-up. Here the same methods are compiled with the package, in the generated module
sweeplint/record_methods.py (`python -m sweeplint.records_generate --write`); only the frozen
classes' attribute guards, which no hot path calls, are closures made here. A class whose generated
methods are missing or stale (SHAPES tells), or which uses a dataclass feature this module does not
reproduce, is made by `dataclass` itself: correct, only slower. A test fails when the generated
module is stale, and another compares every record class with the dataclass it stands for.
"""

from __future__ import annotations

import dataclasses
import reprlib

from sweeplint import record_methods

FACTORY = record_methods.FACTORY

# Every class declared with @record: (key, shape or None when it takes the slow path, class).
DECLARED: list[tuple[str, str | None, type]] = []
_OWN_METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__",
                "__setattr__", "__delattr__", "__getstate__", "__setstate__", "__post_init__")
RESERVED = ("self", "other", "_set", "FACTORY")  # names the generated methods use themselves
ORDER = ("__lt__", "__le__", "__gt__", "__ge__")


def record(cls=None, /, *, init: bool = True, eq: bool = True, order: bool = False, frozen: bool = False,
           slots: bool = False):
    """The class `dataclass(cls, init=init, eq=eq, order=order, frozen=frozen, slots=slots)` makes."""

    def wrap(cls):
        return _make(cls, init, eq, order, frozen, slots)

    return wrap if cls is None else wrap(cls)


def key_of(cls) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def function_name(key: str, method: str) -> str:
    """The generated function of one method of one class: `sweeplint_model__Lit__eq`."""
    return key.replace(".", "_").replace(":", "__") + "__" + method.strip("_")


def shape_of(cls, init: bool, eq: bool, order: bool, frozen: bool) -> str | None:
    """What the generated methods of a class depend on: `init,eq,frozen:a,b,c*` (`*`: a field made
    by its default factory). None when the class needs what only `dataclass` does: inherited
    fields, ClassVar, InitVar, keyword-only fields, fields left out of init, repr, comparison or
    hash, __post_init__, or a method of its own dataclass would also write (Span's own
    initialiser, with init=False, is the one allowed)."""
    if any(hasattr(base, "__dataclass_fields__") for base in cls.__mro__[1:]):
        return None
    if any(name in cls.__dict__ for name in _OWN_METHODS if not (name == "__init__" and not init)):
        return None
    names = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if "ClassVar" in text or "InitVar" in text or "KW_ONLY" in text or name in RESERVED:
            return None
        value = cls.__dict__.get(name, dataclasses.MISSING)
        if isinstance(value, dataclasses.Field):
            if (not value.init or not value.repr or not value.compare or value.hash is not None
                    or value.kw_only not in (dataclasses.MISSING, False)):
                return None
            names.append(name + ("*" if value.default_factory is not dataclasses.MISSING else ""))
        else:
            names.append(name)
    options = [word for word, on in (("init", init), ("eq", eq), ("order", order), ("frozen", frozen)) if on]
    return f"{','.join(options)}:{','.join(names)}"


def methods_of(shape: str) -> tuple[str, ...]:
    """The methods generated for a shape."""
    options = shape.split(":", 1)[0].split(",")
    return (("__init__",) if "init" in options else ()) + ("__repr__",) + (("__eq__",) if "eq" in options else ()) + \
        (("__hash__",) if "eq" in options and "frozen" in options else ()) + (ORDER if "order" in options else ())


def _make(cls, init: bool, eq: bool, order: bool, frozen: bool, slots: bool):
    shape = shape_of(cls, init, eq, order, frozen)
    key = key_of(cls)
    DECLARED.append((key, shape, cls))
    if shape is None or record_methods.SHAPES.get(key) != shape:
        return dataclasses.dataclass(cls, init=init, eq=eq, order=order, frozen=frozen, slots=slots)
    # dataclass itself collects the fields and makes the slots; with these options it compiles nothing
    made = dataclasses.dataclass(cls, init=False, repr=False, eq=False, order=False, frozen=False, slots=slots)
    every = dataclasses.fields(made)
    for method in methods_of(shape):
        function = getattr(record_methods, function_name(key, method))
        if method == "__init__":
            function.__defaults__ = tuple(
                FACTORY if f.default_factory is not dataclasses.MISSING else f.default
                for f in every if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
            ) or None
        elif method == "__repr__":
            function = reprlib.recursive_repr()(function)  # as dataclass guards it: "..." for a cycle
        _attach(made, method, function)
    if eq and not frozen:
        made.__hash__ = None  # as dataclass does for a mutable class with equality
    if frozen:
        _freeze(made, tuple(f.name for f in every), slots)
    params = made.__dataclass_params__
    params.init, params.repr, params.eq, params.order, params.frozen = init, True, eq, order, frozen
    return made


def _attach(cls, name: str, function) -> None:
    function.__name__ = name
    function.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, function)


def _freeze(cls, names: tuple[str, ...], slots: bool) -> None:
    """The attribute guards of a frozen dataclass, and its pickling when it has slots."""

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
    if slots:  # the fields pickle as a list, set back past __setattr__
        def __getstate__(self):
            return [getattr(self, name) for name in names]

        def __setstate__(self, state):
            for name, value in zip(names, state):
                object.__setattr__(self, name, value)

        _attach(cls, "__getstate__", __getstate__)
        _attach(cls, "__setstate__", __setstate__)
