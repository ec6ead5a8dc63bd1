"""Value classes declared as dataclasses are, without dataclasses' start-up cost.

`@record(init=..., eq=..., order=..., frozen=..., slots=...)` makes the class that `@dataclass` with
the same options makes: the same fields, `__match_args__`, initialiser signature, repr, equality,
hash, ordering, frozenness and pickling. `field`, `fields`, `replace` and `asdict` here are
dataclasses' for record classes (and hand any other class to dataclasses).

Why: dataclasses compile every generated method from source text when the class is created, about
1 ms a class; a one-file run loads some eighty classes, so that compiling was a third of its
start-up. Here the same methods are compiled with the package, in the generated module
sweeplint/record_methods.py (`python -m sweeplint.records_generate --write`); only the frozen
classes' attribute guards, which no hot path calls, are closures made here, and the slot setters
that the initialiser of a frozen class with slots calls are bound here into that module. Nor is dataclasses
imported (~10 ms with inspect, ast, dis and tokenize, which a check never needs): a record's
`__dataclass_fields__` and `__dataclass_params__`, which dataclasses' own functions read, are made
the first time something asks for them. A class whose generated methods are missing or stale
(SHAPES tells), or which uses a dataclass feature this module does not reproduce, is made by
`dataclass` itself: correct, only slower. A test fails when the generated module is stale, and
another compares every record class with the dataclass it stands for.
"""

from __future__ import annotations

import reprlib
from operator import attrgetter

from sweeplint import record_methods

FACTORY = record_methods.FACTORY

# Every class declared with @record: (key, shape or None when it takes the slow path, class).
DECLARED: list[tuple[str, str | None, type]] = []
_OWN_METHODS = frozenset(("__init__", "__repr__", "__eq__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__",
                          "__setattr__", "__delattr__", "__getstate__", "__setstate__", "__post_init__"))
RESERVED = ("self", "other", "_set", "FACTORY")  # names the generated methods use themselves
ORDER = ("__lt__", "__le__", "__gt__", "__ge__")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()  # a record field's "no default" (dataclasses.MISSING in the dataclass view)


class Field:
    """A field of a record class: what `field()` was given, and its name and annotation."""

    __slots__ = ("name", "type", "default", "default_factory", "init", "repr", "hash", "compare", "metadata", "kw_only")

    def __init__(self, default, default_factory, init, repr, hash, compare, metadata, kw_only):  # noqa: A002 - dataclasses' names
        self.name = self.type = None
        self.default, self.default_factory, self.init, self.repr = default, default_factory, init, repr
        self.hash, self.compare, self.metadata, self.kw_only = hash, compare, metadata, kw_only

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"


def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None, compare=True,  # noqa: A002
          metadata=None, kw_only=MISSING) -> Field:
    """dataclasses.field, for a @record class."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, hash, compare, metadata, kw_only)


def _record_fields(cls) -> dict | None:
    """The fields of a record class (or of a plain subclass of one); None for any other class."""
    for klass in cls.__mro__:
        namespace = vars(klass)
        if "__record_fields__" in namespace:
            return namespace["__record_fields__"]
        if "__dataclass_fields__" in namespace:  # a dataclass, or a dataclass deriving from a record
            return None
    return None


def fields(class_or_instance) -> tuple:
    """dataclasses.fields: a record's own Field objects (their `default` is MISSING here)."""
    own = _record_fields(class_or_instance if isinstance(class_or_instance, type) else type(class_or_instance))
    if own is None:
        import dataclasses

        return dataclasses.fields(class_or_instance)
    return tuple(own.values())


def replace(obj, /, **changes):
    """dataclasses.replace: a copy of a record with some fields changed."""
    own = _record_fields(type(obj))
    if own is None:
        import dataclasses

        return dataclasses.replace(obj, **changes)
    for name in own:  # a record's fields are all parameters of its initialiser
        if name not in changes:
            changes[name] = getattr(obj, name)
    return obj.__class__(**changes)


def asdict(obj) -> dict:
    """dataclasses.asdict (which reads the record's dataclass view)."""
    import dataclasses

    return dataclasses.asdict(obj)


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
    return _function_prefix(key) + method.strip("_")


def _function_prefix(key: str) -> str:
    """What the names of a class's generated functions start with: `sweeplint_model__Lit__`."""
    return key.replace(".", "_").replace(":", "__") + "__"


def shape_of(cls, init: bool, eq: bool, order: bool, frozen: bool, slots: bool = False) -> str | None:
    """What the generated methods of a class depend on: `init,eq,frozen,slots:a,b,c*` (`*`: a field made
    by its default factory). None when the class needs what only `dataclass` does: inherited
    fields, ClassVar, InitVar, keyword-only fields, fields left out of init, repr, comparison or
    hash, __post_init__, or a method of its own dataclass would also write (an initialiser of its
    own, with init=False, is the one allowed)."""
    if any("__dataclass_fields__" in vars(base) for base in cls.__mro__[1:]):
        return None
    namespace = cls.__dict__  # (a new view at each `cls.__dict__`: taken once, for some eighty classes a start)
    own_methods = _OWN_METHODS.intersection(namespace)
    if own_methods and (init or own_methods != {"__init__"}):
        return None
    if cls.__doc__ is None or type(cls) is not type or "__slots__" in namespace:
        return None  # dataclass would write a docstring, update abstract methods, or refuse the slots
    annotations = namespace.get("__annotations__", {})
    if any(k not in annotations and _is_field(v) for k, v in namespace.items()):
        return None
    names = []
    for name, annotation in annotations.items():
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if "ClassVar" in text or "InitVar" in text or "KW_ONLY" in text or name in RESERVED:
            return None
        value = namespace.get(name, MISSING)
        if _is_field(value):
            value = _own_field(value)
            if (not value.init or not value.repr or not value.compare or value.hash is not None
                    or value.kw_only not in (MISSING, False) or value.metadata):
                return None
            names.append(name + ("*" if value.default_factory is not MISSING else ""))
            value = value.default
        else:
            names.append(name)
        if value is not MISSING and value.__class__.__hash__ is None:
            return None  # a mutable default: dataclass refuses it
    options = [word for word, on in (("init", init), ("eq", eq), ("order", order), ("frozen", frozen), ("slots", slots))
               if on]
    return f"{','.join(options)}:{','.join(names)}"


def _is_field(value) -> bool:
    """A field() of this module or of dataclasses (told apart by name: dataclasses is not imported)."""
    kind = type(value)
    return kind is Field or (kind.__name__ == "Field" and kind.__module__ == "dataclasses")


def _own_field(value) -> Field:
    """A field of this module for a field() of either (dataclasses' when that module declares its
    fields with it: dataclasses is then imported already)."""
    if type(value) is Field:
        return value
    import dataclasses

    def ours(given):
        return MISSING if given is dataclasses.MISSING else given

    return Field(ours(value.default), ours(value.default_factory), value.init, value.repr, value.hash, value.compare,
                 value.metadata or None, ours(value.kw_only))


def methods_of(shape: str) -> tuple[str, ...]:
    """The methods generated for a shape."""
    options = shape.split(":", 1)[0].split(",")
    return (("__init__",) if "init" in options else ()) + ("__repr__",) + (("__eq__",) if "eq" in options else ()) + \
        (("__hash__",) if "eq" in options and "frozen" in options else ()) + (ORDER if "order" in options else ())


def _make(cls, init: bool, eq: bool, order: bool, frozen: bool, slots: bool):
    shape = shape_of(cls, init, eq, order, frozen, slots)
    key = key_of(cls)
    DECLARED.append((key, shape, cls))
    prefix = _function_prefix(key)  # (made once: some eighty classes are made at every start)
    setters = _slot_setters(prefix, shape)
    if shape is None or record_methods.SHAPES.get(key) != shape or any(getattr(record_methods, g) for g in setters.values()):
        return _by_dataclass(cls, init, eq, order, frozen, slots)  # (or a class declared again: its setters are taken)
    made = _bare(cls, slots)
    # A frozen class's initialiser cannot assign `self.x = ...` (its __setattr__ refuses); calling
    # each slot's own setter (`made.x.__set__`, bound here into the generated module's globals) costs
    # half of `object.__setattr__(self, "x", ...)`, which finds the slot by name on every call. A
    # class without slots keeps object.__setattr__: writing its __dict__ directly is cheaper once but
    # leaves a dict that makes every later read of the instance slower.
    for name, setter in setters.items():
        setattr(record_methods, setter, getattr(made, name).__set__)
    made.__dataclass_fields__ = _DataclassView("__dataclass_fields__", made, (init, eq, order, frozen, slots))
    made.__dataclass_params__ = _DataclassView("__dataclass_params__", made, (init, eq, order, frozen, slots))
    every = tuple(made.__record_fields__.values())
    for method in methods_of(shape):
        function = getattr(record_methods, prefix + method.strip("_"))
        if method == "__init__":
            function.__defaults__ = tuple(
                FACTORY if f.default_factory is not MISSING else f.default
                for f in every if f.default is not MISSING or f.default_factory is not MISSING
            ) or None
        elif method == "__repr__":
            function = reprlib.recursive_repr()(function)  # as dataclass guards it: "..." for a cycle
        _attach(made, method, function)
    if eq and not frozen:
        made.__hash__ = None  # as dataclass does for a mutable class with equality
    if frozen:
        _freeze(made, tuple(f.name for f in every), slots)
    return made


def _by_dataclass(cls, init: bool, eq: bool, order: bool, frozen: bool, slots: bool):
    """The slow path: dataclass itself, given dataclasses' fields for this module's."""
    import dataclasses

    for name, value in list(cls.__dict__.items()):
        if type(value) is Field:
            setattr(cls, name, _their_field(value, dataclasses))
    return dataclasses.dataclass(cls, init=init, eq=eq, order=order, frozen=frozen, slots=slots)


def _their_field(own: Field, dataclasses):
    """dataclasses.field() with what a field of this module was given."""
    def theirs(value):
        return dataclasses.MISSING if value is MISSING else value

    return dataclasses.field(default=theirs(own.default), default_factory=theirs(own.default_factory), init=own.init,
                             repr=own.repr, hash=own.hash, compare=own.compare, metadata=own.metadata,
                             kw_only=theirs(own.kw_only))


class _DataclassView:
    """A record's `__dataclass_fields__` or `__dataclass_params__`, made by dataclasses the first
    time something reads it (dataclasses.fields, replace, asdict, a dataclass deriving from a
    record), then kept on the class in its place: only then is dataclasses imported."""

    def __init__(self, name: str, cls, options: tuple):
        self.name, self.cls, self.options = name, cls, options

    def __get__(self, instance, owner=None):
        import dataclasses

        cls = self.cls
        try:
            fields, params = _dataclass_parts(cls, self.options, dataclasses)
        except (AttributeError, TypeError):  # dataclasses' private parts changed shape: ask dataclass itself
            fields, params = _dataclass_parts_made(cls, self.options, dataclasses)
        type.__setattr__(cls, "__dataclass_fields__", fields)
        type.__setattr__(cls, "__dataclass_params__", params)
        return getattr(cls, self.name)


def _dataclass_parts(cls, options: tuple, dataclasses) -> tuple[dict, object]:
    """A record's dataclass fields and parameters built directly, with dataclasses' private field
    kind and parameter class as Python 3.10-3.13 define them (a TypeError or AttributeError where
    they differ)."""
    made = {}
    for name, own in cls.__record_fields__.items():
        found = _their_field(own, dataclasses)
        found.name, found.type, found._field_type = name, own.type, dataclasses._FIELD
        if found.kw_only is dataclasses.MISSING:
            found.kw_only = False
        made[name] = found
    init, eq, order, frozen, slots = options
    params = dataclasses._DataclassParams
    arity = params.__init__.__code__.co_argcount - 1  # (init, repr, eq, order, unsafe_hash, frozen[, match_args, kw_only, slots, weakref_slot])
    if arity not in (6, 10):
        raise TypeError(f"dataclasses' parameters take {arity} arguments")
    extra = (True, False, slots, False) if arity == 10 else ()
    return made, params(init, True, eq, order, False, frozen, *extra)


def _dataclass_parts_made(cls, options: tuple, dataclasses) -> tuple[dict, object]:
    """The same parts taken from a stand-in dataclass with the record's fields: public API only."""
    init, eq, order, frozen, slots = options
    spec = [(name, own.type, _their_field(own, dataclasses)) for name, own in cls.__record_fields__.items()]
    stand_in = dataclasses.make_dataclass(cls.__name__, spec, init=init, eq=eq, order=order, frozen=frozen, slots=slots)
    return stand_in.__dataclass_fields__, stand_in.__dataclass_params__


def _slot_setters(prefix: str, shape: str | None) -> dict[str, str]:
    """field -> the generated module's global its initialiser calls to set that slot (frozen
    classes with slots only); `prefix`: the class's _function_prefix."""
    if shape is None:
        return {}
    found = {}
    for name in shape.partition(":")[2].split(","):
        setter = prefix + "set_" + name.rstrip("*")
        if hasattr(record_methods, setter):
            found[name.rstrip("*")] = setter
    return found


def _bare(cls, slots: bool):
    """The bookkeeping dataclass does before it writes methods, done directly: the fields (each
    default left as a class attribute), __match_args__ and the slots."""
    own = {}
    attributes = cls.__dict__  # (a live view, taken once)
    for name, annotation in attributes.get("__annotations__", {}).items():
        value = attributes.get(name, MISSING)
        if _is_field(value):
            found = _own_field(value)
            if found.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, found.default)
        else:
            found = Field(value, MISSING, True, True, None, True, None, False)
        found.name, found.type = name, annotation
        if found.kw_only is MISSING:
            found.kw_only = False
        own[name] = found
    cls.__record_fields__ = own
    cls.__match_args__ = tuple(own)
    if not slots:
        return cls
    inherited = {name for base in cls.__mro__[1:-1] for name in _slots_of(base)}
    namespace = dict(cls.__dict__)
    namespace["__slots__"] = tuple(name for name in own if name not in inherited)
    for name in own:
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
            from dataclasses import FrozenInstanceError  # (a mistake's path: imported only then)

            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in names:
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot delete field {name!r}")
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
        # Pickled and copied as a call of the class with its fields in order (an initialiser of its
        # own must take them so too): a pool's outcomes cross between processes this way, and
        # a call of the compiled initialiser is cheaper than the loop of __setstate__.
        values = attrgetter(*names) if len(names) > 1 else (lambda self: tuple(getattr(self, n) for n in names))

        def __reduce__(self):
            return cls, values(self)

        _attach(cls, "__reduce__", __reduce__)
