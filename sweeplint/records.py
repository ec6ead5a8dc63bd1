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
    if cls.__doc__ is None or type(cls) is not type or "__slots__" in cls.__dict__:
        return None  # dataclass would write a docstring, update abstract methods, or refuse the slots
    annotations = cls.__dict__.get("__annotations__", {})
    if any(isinstance(v, dataclasses.Field) and k not in annotations for k, v in cls.__dict__.items()):
        return None
    names = []
    for name, annotation in annotations.items():
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if "ClassVar" in text or "InitVar" in text or "KW_ONLY" in text or name in RESERVED:
            return None
        value = cls.__dict__.get(name, dataclasses.MISSING)
        if isinstance(value, dataclasses.Field):
            if (not value.init or not value.repr or not value.compare or value.hash is not None
                    or value.kw_only not in (dataclasses.MISSING, False) or value.metadata):
                return None
            value = value.default
            names.append(name + ("*" if cls.__dict__[name].default_factory is not dataclasses.MISSING else ""))
        else:
            names.append(name)
        if value is not dataclasses.MISSING and value.__class__.__hash__ is None:
            return None  # a mutable default: dataclass refuses it
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
    if shape is None or record_methods.SHAPES.get(key) != shape or _PARAMS_ARITY is None:
        return dataclasses.dataclass(cls, init=init, eq=eq, order=order, frozen=frozen, slots=slots)
    made = _bare(cls, init, eq, order, frozen, slots)
    every = tuple(made.__dataclass_fields__.values())
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
    return made


# The bookkeeping dataclass does before it writes methods, done directly: the fields, the
# parameters, __match_args__ and the slots. Its own code for it cost a third of a millisecond a
# class. It rests on the module's private names (the field marker, the parameters' class); on a
# Python whose dataclasses lack them every record is made by dataclass itself.
_FIELD = getattr(dataclasses, "_FIELD", None)
_PARAMS_CLASS = getattr(dataclasses, "_DataclassParams", None)
_PARAMS_ARITY = (_PARAMS_CLASS.__init__.__code__.co_argcount - 1
                 if _FIELD is not None and _PARAMS_CLASS is not None and hasattr(_PARAMS_CLASS.__init__, "__code__")
                 and getattr(dataclasses, "_FIELDS", None) == "__dataclass_fields__"
                 and getattr(dataclasses, "_PARAMS", None) == "__dataclass_params__" else None)
if _PARAMS_ARITY not in (6, 10):  # (init, repr, eq, order, unsafe_hash, frozen[, match_args, kw_only, slots, weakref_slot])
    _PARAMS_ARITY = None


def _bare(cls, init: bool, eq: bool, order: bool, frozen: bool, slots: bool):
    fields = {}
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        value = cls.__dict__.get(name, dataclasses.MISSING)
        if isinstance(value, dataclasses.Field):
            found = value
            if found.default is dataclasses.MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, found.default)
        else:
            found = dataclasses.field(default=value)
        found.name, found.type, found._field_type = name, annotation, _FIELD
        if found.kw_only is dataclasses.MISSING:
            found.kw_only = False
        fields[name] = found
    options = (init, True, eq, order, False, frozen) + ((True, False, slots, False) if _PARAMS_ARITY == 10 else ())
    cls.__dataclass_params__ = _PARAMS_CLASS(*options)
    cls.__dataclass_fields__ = fields
    cls.__match_args__ = tuple(fields)
    if not slots:
        return cls
    inherited = {name for base in cls.__mro__[1:-1] for name in _slots_of(base)}
    namespace = dict(cls.__dict__)
    namespace["__slots__"] = tuple(name for name in fields if name not in inherited)
    for name in fields:
        namespace.pop(name, None)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    return made


def _slots_of(base) -> tuple[str, ...]:
    found = base.__dict__.get("__slots__", ())
    return (found,) if isinstance(found, str) else tuple(found)


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
